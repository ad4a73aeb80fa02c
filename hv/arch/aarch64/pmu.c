/* SPDX-License-Identifier: MIT */
/*
 * The PMU's overflow interrupt.  Where the PMU is the guest's (PMUv3p1 and
 * later: its counters never count EL2, docs/isolation.md "PMU"), the
 * board's PMU PPI is each CPU's own hardware line of the VM owning the
 * CPU, forwarded as the EL1 timers' are (vgic_v3.c): the guest's
 * PMINTEN/PMOVS drive the physical line, its enable in the vGIC enables
 * the PPI on that CPU, its EOI deactivates it through the list register.
 * Where the PMU is hidden the PPI stays a software line that nothing
 * raises.  The overflow state itself is reset with the vCPU
 * (vcpu_reset.c: PMINTEN, PMOVS cleared).
 */
#include "arch/gic.h"
#include "arch/pmu.h"
#include "hv/vm.h"
#include "sysreg.h"

/* pmu_state[pcpu]: PMU_KNOWN once that CPU decided, | its guest PPI. */
#define PMU_KNOWN 0x80000000u
#define PMU_ALL_COUNTERS 0xffffffffull

static uint32_t pmu_state[SHIKIRI_MAX_CPUS];
static uint32_t pmu_first; /* the first CPU's decision, same encoding */

void pmu_init_cpu(unsigned pcpu, const struct id_regs_host *host)
{
	uint32_t intid = hv_board->hw.aarch64.pmu_intid;
	uint32_t state = PMU_KNOWN;
	uint32_t none = 0;

	if (intid &&
	    (host->pmu == ID_REGS_PMU_DP || host->pmu == ID_REGS_PMU_FULL)) {
		/* The overflow request is a level: it stays until PMOVS clears. */
		gic_ppi_set_edge(pcpu, intid, false);
		state |= intid;
	}
	/*
	 * A VM may be reset by another of its CPUs before this one is up
	 * (cold boot): it goes by the first CPU's decision meanwhile.  On
	 * a CPU that differs, a line given where the PMU is hidden is never
	 * raised (PMINTEN is reset and out of the guest's reach), and one
	 * not given stays disabled in the GIC: neither reaches the guest.
	 */
	__atomic_compare_exchange_n(&pmu_first, &none, state, false,
				    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
	__atomic_store_n(&pmu_state[pcpu], state, __ATOMIC_RELEASE);
}

uint32_t pmu_guest_intid(unsigned pcpu)
{
	uint32_t state = __atomic_load_n(&pmu_state[pcpu], __ATOMIC_ACQUIRE);

	if (!state)
		state = __atomic_load_n(&pmu_first, __ATOMIC_ACQUIRE);
	return state & ~PMU_KNOWN;
}

void pmu_quiesce(unsigned pcpu)
{
	if (pmu_guest_intid(pcpu))
		write_sysreg(pmintenclr_el1, PMU_ALL_COUNTERS);
}
