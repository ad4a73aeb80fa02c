/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU EL2 state, entering a vCPU, and the idle loop of a CPU whose vCPU
 * is off.  One vCPU per CPU for its whole life: the guest's EL1 registers
 * stay in the CPU and are only reset when the vCPU (re)starts.
 */
#include "arch/gic.h"
#include "arch/its.h"
#include "arch/mte.h"
#include "arch/pmu.h"
#include "arch/psci.h"
#include "arch/sysreg_trap.h"
#include "arch/vcpu_reset.h"
#include "arch/vgic.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "sysreg.h"

#define PSCI_CPU_ON_64 0xc4000003ull
#define PSCI_SYSTEM_OFF 0x84000008ull
#define PSCI_SYSTEM_RESET 0x84000009ull

/*
 * CPTR_EL2 (E2H=0): FP/SIMD and SVE are the guest's; SME (TSM, in the RES1
 * bits), trace registers (TTA) and activity monitors (TAM, where they
 * exist) trap and are UNDEFINED for the guest.
 */
#define CPTR_EL2_VALUE (CPTR_RES1 | CPTR_TTA)
/* VTCR_EL2: T0SZ 25, start at level 1, WBWA, inner shareable, 40-bit PA. */
#define VTCR_EL2_VALUE                                                   \
	(25ull | 1ull << 6 | 1ull << 8 | 1ull << 10 | 3ull << 12 |      \
	 2ull << 16 | 1ull << 31)

extern char _start[], _hv_end[], el2_vectors[], secondary_entry[];
extern char __stacks[];
void mmu_enable_secondary(void);
void irq_handle_all(struct pcpu *p);

char __stacks[HV_MAX_CPUS * HV_STACK_SLOT] __attribute__((aligned(4096)));

struct pcpu *arch_this_pcpu(void)
{
	return (struct pcpu *)read_sysreg(tpidr_el2);
}

unsigned arch_pcpu_id(void)
{
	return arch_this_pcpu()->id;
}

void arch_kick(unsigned pcpu)
{
	gic_send_sgi(pcpus[pcpu].hw_id, GIC_SGI_KICK);
}

void arch_system_off(void)
{
	console_flush();
	arch_smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

void arch_system_reset(void)
{
	arch_smc(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		wfi();
}

static struct vcpu_regs *frame_of(unsigned pcpu)
{
	return (struct vcpu_regs *)(__stacks + (pcpu + 1) * HV_STACK_SLOT -
				    VCPU_REGS_SIZE);
}

/*
 * What a guest may not touch traps: set/way maintenance (TSW), ACTLR_EL1
 * (TACR), IMPLEMENTATION DEFINED registers (TIDCP), the ID registers (TID3),
 * and where the CPU has them the RAS error records (TERR) and LORegions
 * (TLOR); sysreg_trap.c emulates them.  TEA stays clear: a synchronous
 * external abort on the guest's own access is taken by the guest, as on
 * bare metal; physical SErrors come to EL2 (AMO) and stop the VM whose vCPU
 * ran on this CPU (trap_serror()).
 */
static uint64_t hcr_value(void)
{
	uint64_t hcr = HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO |
		       HCR_TSC | HCR_RW | HCR_TSW | HCR_TACR | HCR_TIDCP |
		       HCR_TID3;
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);

	/* Pointer authentication, if present, is the guest's: no trap. */
	if (isar1 & (0xffull << 4 | 0xffull << 24))
		hcr |= HCR_API | HCR_APK;
	if (ID_FIELD(read_sysreg_s(ID_AA64PFR0_EL1), PFR0_RAS))
		hcr |= HCR_TERR;
	if (ID_FIELD(read_sysreg_s(ID_AA64MMFR1_EL1), MMFR1_LO))
		hcr |= HCR_TLOR;
	/* Memory tagging, if the CPU keeps tags, is the guest's (mte.c). */
	if (mte_present())
		hcr |= HCR_ATA;
	return hcr;
}

/*
 * MDCR_EL2: no guest counter counts EL2 (HPMD, and HCCD for the cycle
 * counter on PMUv3p5; before that, PMCR_EL0.DP kept set through the TPMCR
 * trap); where EL2 cannot be filtered (PMUv3 without p1) the PMU is hidden
 * (TPM).  Statistical profiling (TPMS, E2PB 0) and trace filter controls
 * (TTRF) trap; the trace buffer (E2TB 0) is EL2's.
 */
static uint64_t mdcr_value(const struct id_regs_host *host)
{
	uint64_t dfr0 = read_sysreg_s(ID_AA64DFR0_EL1), mdcr = 0;

	/* Each trap bit is RES0 on a CPU without its feature: set it only there. */
	if (ID_FIELD(dfr0, DFR0_PMSVER))
		mdcr |= MDCR_TPMS;
	if (ID_FIELD(dfr0, DFR0_TRACEFILT))
		mdcr |= MDCR_TTRF;
	if (host->pmuv3)
		mdcr |= (read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK;
	if (host->pmu == ID_REGS_PMU_HIDDEN)
		mdcr |= MDCR_TPM | MDCR_TPMCR;
	if (host->pmu == ID_REGS_PMU_DP)
		mdcr |= MDCR_HPMD | MDCR_TPMCR;
	if (host->pmu == ID_REGS_PMU_FULL)
		mdcr |= MDCR_HPMD | MDCR_HCCD;
	return mdcr;
}

/*
 * MPAM (cache and bandwidth partitioning): a guest choosing its own PARTID
 * in MPAM0/1_EL1 would take another VM's share of a shared cache, so both
 * trap and are UNDEFINED (the ID registers read MPAM 0), and the guest runs
 * in PARTID 0 like the hypervisor.  No virtual PARTID mapping (MPAMHCR_EL2
 * 0).  MPAM2_EL2's reset value is UNKNOWN, hence written wherever the CPU
 * has MPAM; MPAMEN is the firmware's (read-only where EL3 exists).
 */
static void mpam_controls_init(uint64_t pfr0)
{
	uint64_t pfr1 = read_sysreg_s(ID_AA64PFR1_EL1);

	if (!ID_FIELD(pfr0, PFR0_MPAM) && !ID_FIELD(pfr1, PFR1_MPAM_FRAC))
		return;
	write_sysreg_s(MPAM2_EL2, (read_sysreg_s(MPAM2_EL2) & MPAM2_MPAMEN) |
					  MPAM2_TRAPMPAM1EL1 |
					  MPAM2_TRAPMPAM0EL1);
	if (read_sysreg_s(MPAMIDR_EL1) & MPAMIDR_HAS_HCR)
		write_sysreg_s(MPAMHCR_EL2, 0);
}

/*
 * Controls of newer CPUs, written where the CPU has them because their
 * reset values are UNKNOWN: no profiling or tracing at EL2, HCRX_EL2 with
 * every feature it enables off (the ID registers hide them), and no
 * fine-grained trap beyond the coarse ones (the negative-polarity bits,
 * 0, trap registers of features the guest is not shown).
 */
static void feature_controls_init(void)
{
	uint64_t pfr0 = read_sysreg_s(ID_AA64PFR0_EL1);
	uint64_t dfr0 = read_sysreg_s(ID_AA64DFR0_EL1);

	/* With AMO set, the guest's DISR_EL1 is VDISR_EL2: nothing pending. */
	if (ID_FIELD(pfr0, PFR0_RAS)) {
		write_sysreg_s(VDISR_EL2, 0);
		write_sysreg_s(VSESR_EL2, 0);
	}
	if (ID_FIELD(dfr0, DFR0_PMSVER))
		write_sysreg_s(PMSCR_EL2, 0);
	if (ID_FIELD(dfr0, DFR0_TRACEFILT))
		write_sysreg_s(TRFCR_EL2, 0);
	if (ID_FIELD(read_sysreg_s(ID_AA64MMFR1_EL1), MMFR1_HCX))
		write_sysreg_s(HCRX_EL2, 0);
	if (ID_FIELD(pfr0, PFR0_AMU))
		write_sysreg(cptr_el2, CPTR_EL2_VALUE | CPTR_TAM);
	mpam_controls_init(pfr0);
	if (!ID_FIELD(read_sysreg_s(ID_AA64MMFR0_EL1), MMFR0_FGT))
		return;
	write_sysreg_s(HFGRTR_EL2, 0);
	write_sysreg_s(HFGWTR_EL2, 0);
	write_sysreg_s(HFGITR_EL2, 0);
	write_sysreg_s(HDFGRTR_EL2, 0);
	write_sysreg_s(HDFGWTR_EL2, 0);
	if (ID_FIELD(pfr0, PFR0_AMU))
		write_sysreg_s(HAFGRTR_EL2, 0);
}

void arch_cpu_init(struct pcpu *p)
{
	struct vcpu *v = p->vcpu;
	struct id_regs_host host;

	write_sysreg(tpidr_el2, p);
	write_sysreg(vbar_el2, el2_vectors);
	if (!(read_sysreg(sctlr_el2) & 1))
		mmu_enable_secondary();
	write_sysreg(cptr_el2, CPTR_EL2_VALUE);
	write_sysreg(hstr_el2, 0);
	host = sysreg_trap_init();
	write_sysreg(mdcr_el2, mdcr_value(&host));
	if (host.pmu == ID_REGS_PMU_DP)
		write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_DP);
	feature_controls_init();
	write_sysreg(cnthctl_el2, 3); /* EL1PCTEN | EL1PCEN */
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(cnthp_ctl_el2, 0);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(hcr_el2, hcr_value());
	isb();
	gic_init_cpu(p->id, p->hw_id, hv_board->hw.aarch64.gic_maint_intid);
	pmu_init_cpu(p->id, &host);
	its_init_cpu(p->id);
	vgic_lr_clear();
	if (v) {
		write_sysreg(vmpidr_el2, (1ull << 31) | v->id);
		write_sysreg(vtcr_el2, VTCR_EL2_VALUE);
		write_sysreg(vttbr_el2, (uintptr_t)v->vm->arch.stage2.root |
						(uint64_t)(v->vm->id + 1) << 48);
		isb();
		__asm__ volatile("tlbi vmalls12e1\n\tdsb ish" ::: "memory");
		isb();
	}
}

static void dcache_clean(const void *start, const void *end)
{
	for (uintptr_t a = (uintptr_t)start & ~63ull; a < (uintptr_t)end;
	     a += 64)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

int arch_cpu_start(unsigned idx, uint64_t mpidr)
{
	int64_t ret;

	/* The new CPU reads memory with its caches off until its MMU is on. */
	dcache_clean(_start, _hv_end);
	ret = (int64_t)arch_smc(PSCI_CPU_ON_64, mpidr & 0xff00ffffffull,
				(uintptr_t)secondary_entry, idx);
	return (int)ret;
}

noreturn_fn void arch_guest_enter(struct vcpu_regs *frame);

void arch_vcpu_start(struct vcpu *vcpu, uint64_t pc, uint64_t arg)
{
	struct vcpu_regs *f = frame_of(vcpu->pcpu);

	for (unsigned i = 0; i < 31; i++)
		f->x[i] = 0;
	f->x[0] = arg;
	f->elr = pc;
	f->spsr = SPSR_EL1H_DAIF;
	vgic_lr_clear();
	vcpu_reset_el1(vcpu->pcpu);
	psci_cpu_mitigate();
	/* Guest code may be in a stale line of a previous life: drop it. */
	__asm__ volatile("ic iallu\n\tdsb ish" ::: "memory");
	isb();
	__atomic_store_n(&vcpu->power, VCPU_ON, __ATOMIC_RELEASE);
	/*
	 * Interrupts queued while the vCPU was parked (their kick was taken
	 * by the idle loop) go in now: no exit may come for a long time.
	 */
	vgic_lr_flush(vcpu);
	arch_guest_enter(f);
}

static void vcpu_quiesce(struct vcpu *v)
{
	/*
	 * A stopped vCPU's timers and PMU must not keep interrupting this
	 * CPU: their sources off, and every hardware PPI it was given (the
	 * EL1 timers, the PMU's where it is the guest's) masked in the GIC.
	 */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	pmu_quiesce(v->pcpu);
	isb();
	for (unsigned i = 16; i < VGIC_PRIVATE_IRQS; i++)
		if (v->arch.vgic.priv[i].phys)
			gic_ppi_enable(v->pcpu, v->arch.vgic.priv[i].phys,
				       false);
	vgic_vcpu_park(v);
}

static noreturn_fn void idle_loop(void)
{
	struct pcpu *p = arch_this_pcpu();
	struct vcpu *v = p->vcpu;

	if (v)
		vcpu_quiesce(v);
	for (;;) {
		if (v && vm_vcpu_idle(v)) {
			/*
			 * Lines masked while it was off come back as the guest
			 * left them; one still asserted is taken in the guest.
			 */
			vgic_release_hw(v);
			arch_vcpu_start(v, v->boot_pc, v->boot_ctx);
		}
		wfi();
		irq_handle_all(p);
	}
}

noreturn_fn void arch_idle_on_stack(void (*fn)(void), void *sp);

void arch_idle(void)
{
	struct pcpu *p = arch_this_pcpu();

	/* Start from the top of the stack: whatever called us is abandoned. */
	arch_idle_on_stack(idle_loop, frame_of(p->id));
}
