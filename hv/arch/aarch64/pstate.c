/* SPDX-License-Identifier: MIT */
/*
 * The PSTATE an exception taken to EL1 starts with: pure logic, so the
 * exceptions the hypervisor injects (inject.c) begin as the hardware's own
 * would, and host tests can check it.
 */
#include "arch/pstate.h"

/* SPSR_ELx bits, AArch64 format (Arm ARM C5.2.18). */
#define PSTATE_EL1H 0x5ull
#define PSTATE_F (1ull << 6)
#define PSTATE_I (1ull << 7)
#define PSTATE_A (1ull << 8)
#define PSTATE_D (1ull << 9)
#define PSTATE_SSBS (1ull << 12)
#define PSTATE_ALLINT (1ull << 13)
#define PSTATE_PAN (1ull << 22)
#define PSTATE_DIT (1ull << 24)
#define PSTATE_TCO (1ull << 25)
#define PSTATE_NZCV (0xfull << 28)
#define SPSR_NRW (1ull << 4) /* taken from AArch32 */
/* AArch32 format: DIT sits at bit 21; PAN and NZCV where AArch64 has them. */
#define SPSR32_DIT (1ull << 21)

/* SCTLR_EL1 bits (Arm ARM D17.2.118). */
#define SCTLR_SPAN (1ull << 23)
#define SCTLR_DSSBS (1ull << 44)
#define SCTLR_SPINTMASK (1ull << 62)

uint64_t pstate_el1_entry(uint64_t spsr, uint64_t sctlr_el1, unsigned features)
{
	uint64_t p = PSTATE_EL1H | PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F;

	/*
	 * What the entry does not write stays: the flags, DIT and PAN.  The
	 * rest of PSTATE (UAO, BTYPE, SS, IL; IT, T, GE, Q, E from AArch32)
	 * is cleared or has no AArch64 EL1 meaning.
	 */
	p |= spsr & (PSTATE_NZCV | PSTATE_PAN);
	if (spsr & SPSR_NRW)
		p |= (spsr & SPSR32_DIT) ? PSTATE_DIT : 0;
	else
		p |= spsr & PSTATE_DIT;
	if ((features & PSTATE_FEAT_PAN) && !(sctlr_el1 & SCTLR_SPAN))
		p |= PSTATE_PAN;
	if ((features & PSTATE_FEAT_SSBS) && (sctlr_el1 & SCTLR_DSSBS))
		p |= PSTATE_SSBS;
	if (features & PSTATE_FEAT_MTE)
		p |= PSTATE_TCO;
	if ((features & PSTATE_FEAT_NMI) && !(sctlr_el1 & SCTLR_SPINTMASK))
		p |= PSTATE_ALLINT;
	return p;
}
