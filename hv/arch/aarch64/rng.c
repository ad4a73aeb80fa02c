// SPDX-License-Identifier: MIT
/* The CPU's random number generator: RNDR, where FEAT_RNG exists. */
#include "hv/arch/rng.h"
#include "sysreg.h"

#define ISAR0_RNDR_SHIFT 60
#define RNDR_TRIES 16
#define NZCV_Z (1ull << 30)

/**
 * arch_random() - 64 bits from RNDR.
 * @out: where they go; 0 on failure.
 *
 * Return: false without FEAT_RNG, or when RNDR failed every try.
 */
bool arch_random(uint64_t *out)
{
	*out = 0;
	/* ID_AA64ISAR0_EL1.RNDR, bits [63:60]: 1 means FEAT_RNG. */
	if (!(read_sysreg(id_aa64isar0_el1) >> ISAR0_RNDR_SHIFT))
		return false;
	for (int i = 0; i < RNDR_TRIES; i++) {
		uint64_t v, nzcv;

		/*
		 * RNDR (S3_3_C2_C4_0) sets PSTATE.NZCV to 0b0100 and reads
		 * as 0 when no random number came in reasonable time; it
		 * may then be tried again (Arm ARM, RNDR).
		 */
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tmrs %1, nzcv"
				 : "=r"(v), "=r"(nzcv));
		if (!(nzcv & NZCV_Z)) {
			*out = v;
			return true;
		}
	}
	return false;
}
