/* SPDX-License-Identifier: MIT */
#ifndef ARCH_ID_REGS_H
#define ARCH_ID_REGS_H

#include <stdbool.h>
#include <stdint.h>

/* What a guest gets of the CPU's PMU, decided from ID_AA64DFR0_EL1.PMUVer. */
enum id_regs_pmu {
	ID_REGS_PMU_NONE,   /* no PMUv3 at all: nothing to hide */
	ID_REGS_PMU_HIDDEN, /* EL2 cannot be filtered out: all PMU access UNDEF */
	ID_REGS_PMU_DP,	  /* PMUv3p1..p4: HPMD, PMCR_EL0.DP forced by a trap */
	ID_REGS_PMU_FULL, /* PMUv3p5+: HPMD and HCCD, nothing trapped */
};

/** What the host CPU offers that changes what a guest is shown. */
struct id_regs_host {
	bool aarch32_el0;     /* ID_AA64PFR0_EL1.EL0 says AArch32 */
	bool pmuv3;	      /* the PMUv3 registers exist (EL2 may use them) */
	enum id_regs_pmu pmu; /* from id_regs_pmu_mode() */
};

/**
 * id_regs_pmu_mode() - How the PMU is given to guests on a CPU whose
 * ID_AA64DFR0_EL1 reads @dfr0.
 */
enum id_regs_pmu id_regs_pmu_mode(uint64_t dfr0);

/**
 * id_regs_host_of() - The host facts from the CPU's ID_AA64PFR0_EL1 @pfr0
 * and ID_AA64DFR0_EL1 @dfr0.
 */
struct id_regs_host id_regs_host_of(uint64_t pfr0, uint64_t dfr0);

/**
 * id_regs_known() - Whether (op0 3, op1 0, CRn 0, @crm, @op2) is an ID
 * register whose hardware value a guest sees (sanitized); the rest of the
 * ID space reads as zero without the hardware being asked.
 */
bool id_regs_known(unsigned crm, unsigned op2);

/**
 * id_regs_guest_value() - What a guest reads from ID register (op0 3, op1 0,
 * CRn 0, @crm, @op2), given that the hardware reads @hw: each 4-bit field
 * capped at what the VM really gets (features the hypervisor traps or does
 * not enable read as absent), unknown and reserved registers zero, AArch32
 * registers zero without AArch32 at EL0.
 */
uint64_t id_regs_guest_value(unsigned crm, unsigned op2, uint64_t hw,
			     const struct id_regs_host *host);

#endif /* ARCH_ID_REGS_H */
