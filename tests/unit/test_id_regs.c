/* SPDX-License-Identifier: MIT */
/* What a guest reads from the ID registers: each field capped by the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arch/id_regs.h"

/* Field @n (4 bits) of @v. */
static unsigned field(uint64_t v, unsigned n)
{
	return (unsigned)(v >> (4 * n)) & 0xf;
}

/* Every field of a register set to @x. */
static uint64_t all(unsigned x)
{
	return 0x1111111111111111ull * x;
}

static const struct id_regs_host full = { .aarch32_el0 = true,
					  .pmu = ID_REGS_PMU_FULL };

static void pfr0_hides_el2_el3_amu_mpam(void **state)
{
	uint64_t v = id_regs_guest_value(4, 0, all(2), &full);

	(void)state;
	assert_int_equal(field(v, 0), 2);  /* EL0: AArch32 too */
	assert_int_equal(field(v, 1), 1);  /* EL1: AArch64 only */
	assert_int_equal(field(v, 2), 0);  /* EL2 */
	assert_int_equal(field(v, 3), 0);  /* EL3 */
	assert_int_equal(field(v, 4), 2);  /* FP */
	assert_int_equal(field(v, 7), 2);  /* RAS: records are RAZ/WI */
	assert_int_equal(field(v, 8), 2);  /* SVE */
	assert_int_equal(field(v, 9), 0);  /* SEL2 */
	assert_int_equal(field(v, 10), 0); /* MPAM */
	assert_int_equal(field(v, 11), 0); /* AMU */
	assert_int_equal(field(v, 13), 0); /* RME */
	assert_int_equal(field(v, 15), 2); /* CSV3 */
}

static void signed_fields_keep_not_implemented(void **state)
{
	/* FP and AdvSIMD 0xF: not implemented, not "capped to 7". */
	uint64_t v = id_regs_guest_value(4, 0, 0xff0011ull, &full);

	(void)state;
	assert_int_equal(field(v, 4), 0xf);
	assert_int_equal(field(v, 5), 0xf);
	/* TGran4 / TGran64 of ID_AA64MMFR0 likewise. */
	v = id_regs_guest_value(7, 0, 0xff000000ull, &full);
	assert_int_equal(field(v, 6), 0xf);
	assert_int_equal(field(v, 7), 0xf);
}

static void pfr1_passes_mte_hides_sme(void **state)
{
	uint64_t v = id_regs_guest_value(4, 1, all(3), &full);

	(void)state;
	assert_int_equal(field(v, 0), 3);  /* BT */
	assert_int_equal(field(v, 1), 3);  /* SSBS */
	assert_int_equal(field(v, 2), 3);  /* MTE: MTE3 as the CPU has */
	assert_int_equal(field(v, 6), 0);  /* SME */
	assert_int_equal(field(v, 7), 0);  /* RNDR_trap */
	assert_int_equal(field(v, 10), 3); /* MTE_frac, with MTE */
	assert_int_equal(field(v, 13), 0); /* MTEX: needs TCR2_EL1 */
	assert_int_equal(v & ~0xf0f0000f3ffull, 0); /* + CSV2_frac */
	/* MTE2 without asynchronous faults (MTE_frac 0xF) stays so. */
	v = id_regs_guest_value(4, 1, 0xf0000000200ull, &full);
	assert_int_equal(field(v, 2), 2);
	assert_int_equal(field(v, 10), 0xf);
	/* Instructions only (FEAT_MTE), and a future value, capped at 3. */
	assert_int_equal(field(id_regs_guest_value(4, 1, 0x100, &full), 2), 1);
	assert_int_equal(field(id_regs_guest_value(4, 1, 0x700, &full), 2), 3);
}

static void dfr0_hides_trace_spe(void **state)
{
	uint64_t v = id_regs_guest_value(5, 0, all(1), &full);

	(void)state;
	assert_int_equal(field(v, 0), 1);  /* DebugVer */
	assert_int_equal(field(v, 1), 0);  /* TraceVer */
	assert_int_equal(field(v, 2), 1);  /* PMUVer */
	assert_int_equal(field(v, 8), 0);  /* PMSVer */
	assert_int_equal(field(v, 10), 0); /* TraceFilt */
	assert_int_equal(field(v, 11), 0); /* TraceBuffer */
	assert_int_equal(field(v, 13), 0); /* BRBE */
	/* DoubleLock 0xF (not implemented) is signed and stays. */
	v = id_regs_guest_value(5, 0, 0xf000000000ull, &full);
	assert_int_equal(field(v, 9), 0xf);
}

static void pmu_mode_by_version(void **state)
{
	(void)state;
	assert_int_equal(id_regs_pmu_mode(0), ID_REGS_PMU_NONE);
	assert_int_equal(id_regs_pmu_mode(0x100), ID_REGS_PMU_HIDDEN);
	assert_int_equal(id_regs_pmu_mode(0xf00), ID_REGS_PMU_HIDDEN);
	assert_int_equal(id_regs_pmu_mode(0x400), ID_REGS_PMU_DP);
	assert_int_equal(id_regs_pmu_mode(0x500), ID_REGS_PMU_DP);
	assert_int_equal(id_regs_pmu_mode(0x600), ID_REGS_PMU_FULL);
	assert_int_equal(id_regs_pmu_mode(0x800), ID_REGS_PMU_FULL);
}

static void hidden_pmu_reads_absent(void **state)
{
	struct id_regs_host h = id_regs_host_of(0x22, 0x106);

	(void)state;
	assert_int_equal(h.pmu, ID_REGS_PMU_HIDDEN);
	assert_true(h.pmuv3);
	assert_true(h.aarch32_el0);
	/* An IMPLEMENTATION DEFINED PMU: hidden, and no PMUv3 registers. */
	assert_false(id_regs_host_of(0x22, 0xf00).pmuv3);
	assert_false(id_regs_host_of(0x22, 0).pmuv3);
	assert_int_equal(field(id_regs_guest_value(5, 0, 0x106, &h), 2), 0);
	/* ID_DFR0.PerfMon, the AArch32 view of the same PMU. */
	assert_int_equal(field(id_regs_guest_value(1, 2, 0x3000000, &h), 6), 0);
	h.pmu = ID_REGS_PMU_FULL;
	assert_int_equal(field(id_regs_guest_value(1, 2, 0x3000000, &h), 6), 3);
}

static void aarch32_regs_raz_without_aarch32(void **state)
{
	struct id_regs_host h = id_regs_host_of(0x11, 0);

	(void)state;
	assert_false(h.aarch32_el0);
	assert_int_equal(id_regs_guest_value(2, 0, all(1), &h), 0);
	assert_int_equal(id_regs_guest_value(3, 0, all(1), &h), 0);
	assert_int_equal(id_regs_guest_value(2, 0, all(1), &full), all(1));
}

static void unlisted_and_reserved_read_zero(void **state)
{
	(void)state;
	assert_false(id_regs_known(4, 5)); /* ID_AA64SMFR0 */
	assert_false(id_regs_known(7, 3)); /* ID_AA64MMFR3 */
	assert_false(id_regs_known(3, 3)); /* reserved */
	assert_true(id_regs_known(4, 0));
	assert_int_equal(id_regs_guest_value(4, 5, ~0ull, &full), 0);
	assert_int_equal(id_regs_guest_value(5, 1, ~0ull, &full), 0);
	assert_int_equal(id_regs_guest_value(6, 3, ~0ull, &full), 0);
}

static void mmfr_caps(void **state)
{
	uint64_t v0 = id_regs_guest_value(7, 0, all(5), &full);
	uint64_t v1 = id_regs_guest_value(7, 1, all(1), &full);
	uint64_t v2 = id_regs_guest_value(7, 2, all(1), &full);

	(void)state;
	assert_int_equal(field(v0, 0), 2);  /* PARange: 40 bits at most */
	assert_int_equal(field(v0, 14), 0); /* FGT */
	assert_int_equal(field(v0, 15), 1); /* ECV: EL0/EL1 part only */
	assert_int_equal(field(v1, 2), 0);  /* VH */
	assert_int_equal(field(v1, 4), 0);  /* LO */
	assert_int_equal(field(v1, 10), 0); /* HCX */
	assert_int_equal(field(v1, 5), 1);  /* PAN */
	assert_int_equal(field(v2, 6), 0);  /* NV */
	assert_int_equal(field(v2, 10), 0); /* FWB */
	assert_int_equal(field(v2, 15), 1); /* E0PD */
}

static void isar_hides_mops_ls64_tme(void **state)
{
	(void)state;
	assert_int_equal(field(id_regs_guest_value(6, 0, all(1), &full), 6), 0);
	assert_int_equal(field(id_regs_guest_value(6, 1, all(1), &full), 15),
			 0);
	assert_int_equal(field(id_regs_guest_value(6, 2, all(1), &full), 4), 0);
	assert_int_equal(field(id_regs_guest_value(6, 2, all(1), &full), 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pfr0_hides_el2_el3_amu_mpam),
		cmocka_unit_test(signed_fields_keep_not_implemented),
		cmocka_unit_test(pfr1_passes_mte_hides_sme),
		cmocka_unit_test(dfr0_hides_trace_spe),
		cmocka_unit_test(pmu_mode_by_version),
		cmocka_unit_test(hidden_pmu_reads_absent),
		cmocka_unit_test(aarch32_regs_raz_without_aarch32),
		cmocka_unit_test(unlisted_and_reserved_read_zero),
		cmocka_unit_test(mmfr_caps),
		cmocka_unit_test(isar_hides_mops_ls64_tme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
