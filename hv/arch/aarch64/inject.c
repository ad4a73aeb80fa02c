/* SPDX-License-Identifier: MIT */
/*
 * Exceptions delivered to a guest's EL1 as the hardware would take them
 * (Arm ARM D1.10): save the state in ELR/SPSR_EL1, set ESR/FAR_EL1, and
 * continue at the vector for the guest's current mode with the PSTATE the
 * hardware would give it (pstate.c: PAN, SSBS, TCO... by SCTLR_EL1).
 */
#include "arch/inject.h"
#include "arch/pstate.h"
#include "hv/vm.h"
#include "sysreg.h"

#define SPSR_MODE_MASK 0x1full
#define SPSR_EL1T 0x4ull
#define SPSR_EL1H 0x5ull
#define SPSR_AARCH32 0x10ull
#define FSC_SYNC_EXTERNAL 0x10ull
#define ISS_WNR (1ull << 6)

/* A 4-bit ID register field at @shift. */
#define ID_FIELD(reg, shift) ((unsigned)((reg) >> (shift)) & 0xfu)

/* What of PSTATE_FEAT_* this CPU has (the real ID registers). */
static unsigned pstate_features(void)
{
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
	unsigned f = 0;

	if (ID_FIELD(mmfr1, 20))
		f |= PSTATE_FEAT_PAN;
	if (ID_FIELD(pfr1, 4))
		f |= PSTATE_FEAT_SSBS;
	if (ID_FIELD(pfr1, 8))
		f |= PSTATE_FEAT_MTE;
	if (ID_FIELD(pfr1, 36))
		f |= PSTATE_FEAT_NMI;
	return f;
}

static void enter_el1(struct vcpu_regs *regs, uint64_t esr)
{
	uint64_t mode = regs->spsr & SPSR_MODE_MASK;
	uint64_t offset;

	if (mode & SPSR_AARCH32)
		offset = 0x600;
	else if (mode == SPSR_EL1T)
		offset = 0x000;
	else if (mode == SPSR_EL1H)
		offset = 0x200;
	else
		offset = 0x400;
	write_sysreg(elr_el1, regs->elr);
	write_sysreg(spsr_el1, regs->spsr);
	write_sysreg(esr_el1, esr);
	regs->elr = read_sysreg(vbar_el1) + offset;
	regs->spsr = pstate_el1_entry(regs->spsr, read_sysreg(sctlr_el1),
				      pstate_features());
}

static bool from_el0(const struct vcpu_regs *regs)
{
	return (regs->spsr & 0xcull) == 0;
}

void inject_abort(struct vcpu_regs *regs, uint64_t esr, uint64_t far,
		  bool data)
{
	uint64_t ec = data ? (from_el0(regs) ? EC_DABT_LOW : EC_DABT_CUR) :
			     (from_el0(regs) ? EC_IABT_LOW : EC_IABT_CUR);
	uint64_t iss = FSC_SYNC_EXTERNAL | (data ? (esr & ISS_WNR) : 0);

	write_sysreg(far_el1, far);
	enter_el1(regs, ec << 26 | ESR_IL | iss);
}

void inject_undef(struct vcpu_regs *regs)
{
	enter_el1(regs, (uint64_t)EC_UNKNOWN << 26 | ESR_IL);
}
