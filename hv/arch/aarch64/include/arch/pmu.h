/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PMU_H
#define ARCH_PMU_H

#include <stdint.h>

#include "arch/id_regs.h"

/**
 * pmu_init_cpu() - Decide whether this CPU's PMU overflow interrupt (the
 * board's PMU PPI) goes to the VM owning the CPU: where the PMU is the
 * guest's (@host, from id_regs_pmu_mode()), and configure that PPI in the
 * CPU's redistributor (level-sensitive; disabled until the guest enables
 * it).  On CPU @pcpu, after gic_init_cpu().
 */
void pmu_init_cpu(unsigned pcpu, const struct id_regs_host *host);

/**
 * pmu_guest_intid() - The PMU's PPI where CPU @pcpu's VM gets it as a
 * hardware-backed line; 0 where the PMU is not the guest's (hidden, or no
 * PMU PPI on the board).  For a CPU not yet up, what the first CPU up
 * decided.  Any CPU.
 */
uint32_t pmu_guest_intid(unsigned pcpu);

/**
 * pmu_quiesce() - CPU @pcpu's vCPU stopped: where the PMU is the guest's,
 * it raises no more overflow interrupts (PMINTENCLR_EL1); the caller masks
 * the PPI with the vCPU's other hardware PPIs.  On that CPU.
 */
void pmu_quiesce(unsigned pcpu);

#endif /* ARCH_PMU_H */
