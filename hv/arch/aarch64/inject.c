/* SPDX-License-Identifier: MIT */
/*
 * Exceptions delivered to a guest's EL1 as the hardware would take them
 * (Arm ARM D1.10): save the state in ELR/SPSR_EL1, set ESR/FAR_EL1, and
 * continue at the vector for the guest's current mode.
 */
#include "arch/inject.h"
#include "hv/vm.h"
#include "sysreg.h"

#define SPSR_MODE_MASK 0x1full
#define SPSR_EL1T 0x4ull
#define SPSR_EL1H 0x5ull
#define SPSR_AARCH32 0x10ull
#define FSC_SYNC_EXTERNAL 0x10ull
#define ISS_WNR (1ull << 6)

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
	regs->spsr = SPSR_EL1H_DAIF;
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
