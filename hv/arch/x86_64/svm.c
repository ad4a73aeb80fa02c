/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM (AMD APM vol. 2 chapter 15): each CPU with EFER.SVME and its
 * host save area; each VM's nested page tables and permission bitmaps;
 * each vCPU's VMCB and the loop that enters it.  Under QEMU's TCG there is
 * no NRIPS or decode assist: svm_exit.c computes instruction lengths.
 *
 * Interrupts: physical ones always exit (INTR intercept) and are served by
 * the hypervisor between STGI and CLI; virtual ones come from the vCPU's
 * virtual local APIC and are injected through EVENTINJ when the guest can
 * take them, otherwise a virtual interrupt request (V_IRQ) with the VINTR
 * intercept says when it can.
 *
 * Lost wakeups: QEMU's TCG (7.2 and later) notes a V_IRQ at VMRUN by a
 * read-modify-write of the CPU's interrupt requests without the lock that
 * other threads hold to add theirs, so a physical interrupt raised at that
 * moment (this CPU's timer, a kick, the UART) can lose its request: it
 * stays pending in the local APIC, and a guest that then runs without
 * exits (spinning with its interrupts off, as Linux does while it brings
 * up an AP) never exits again.  So an entry with V_IRQ set makes this
 * CPU's timer periodic (lapic_timer_backstop()): a lost request is
 * renewed by the next expiry, at most BACKSTOP_US later.  On hardware the
 * backstop costs one timer interrupt per entry with V_IRQ that the guest
 * does not answer within BACKSTOP_US.
 */
#include <string.h>

#include "arch/cpu_reset.h"
#include "arch/intx.h"
#include "arch/lapic.h"
#include "arch/npt.h"
#include "arch/pci_x86.h"
#include "arch/percpu.h"
#include "arch/svm.h"
#include "arch/svm_exit.h"
#include "arch/vcpu.h"
#include "arch/x86.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"

#define VM_CR_SVMDIS BIT(4)
#define CPUID81_ECX_SVM BIT(2)
#define CPUID8A_EDX_NPT BIT(0)
#define RFLAGS_IF BIT(9)
#define RFLAGS_FIXED 0x2u
#define PAT_POWER_ON 0x0007040600070406ull
#define SEG_CODE32 0xc9b /* G, D, P, S, execute/read, accessed */
#define SEG_DATA32 0xc93 /* G, B, P, S, read/write, accessed */
#define SEG_CODE16 0x09b
#define SEG_DATA16 0x093
#define SEG_TSS 0x08b /* P, 32-bit busy TSS */
#define SEG_LDT 0x082
#define EXC_NMI 2
/* The longest a lost wakeup waits (see "Lost wakeups" above). */
#define BACKSTOP_US 1000

static uint8_t host_save[HV_MAX_CPUS][SZ_4K] __attribute__((aligned(4096)));
static uint8_t host_state[HV_MAX_CPUS][SZ_4K] __attribute__((aligned(4096)));

noreturn_fn void svm_enter_loop(struct vcpu *v);
void svm_run(uint64_t vmcb_pa, struct vcpu_regs *regs, uint64_t host_pa);

/* Whether this CPU can run guests: SVM, enabled by firmware, with NPT. */
static bool svm_usable(void)
{
	uint32_t r[4];

	cpuid(0x80000001, 0, r);
	if (!(r[2] & CPUID81_ECX_SVM))
		return false;
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return false;
	cpuid(0x8000000a, 0, r);
	return (r[3] & CPUID8A_EDX_NPT) != 0;
}

/** svm_cpu_init() - SVM on for this CPU @idx (its own host save area). */
int svm_cpu_init(unsigned idx)
{
	struct x86_cpu *c = &x86_cpus[idx];

	if (!svm_usable())
		return -HV_EINVAL;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	c->host_save_pa = (uintptr_t)host_save[idx];
	c->host_vmcb_pa = (uintptr_t)host_state[idx];
	wrmsr(MSR_VM_HSAVE_PA, c->host_save_pa);
	/* The host's FS/GS/TR/... as they are now, for the VMLOAD on exit. */
	__asm__ volatile("vmsave %0" : : "a"(c->host_vmcb_pa) : "memory");
	return 0;
}

/*
 * Bits of @map for the MSRs of x86_msr_passthrough cleared (APM 15.11);
 * TSC_AUX only where the CPU has it, so that cpu_reset_guest_state() can
 * reset what a guest can write.
 */
static void msrpm_allow(uint8_t *map)
{
	bool tsc_aux = cpu_reset_has_tsc_aux();

	for (unsigned i = 0; i < x86_msr_passthrough_count; i++) {
		uint32_t msr = x86_msr_passthrough[i], base;

		if (msr == MSR_TSC_AUX && !tsc_aux)
			continue;
		if (msr < 0x2000)
			base = 0;
		else if (msr - 0xc0000000u < 0x2000)
			base = 0x800 * 8;
		else
			base = 0x1000 * 8;
		base += (msr & 0x1fff) * 2;
		map[base / 8] &= (uint8_t) ~(3u << (base % 8));
	}
}

/* @n contiguous pages from @pool (the pool is a bump allocator). */
static void *pages(struct page_pool *pool, unsigned n)
{
	uint8_t *first = page_pool_alloc(pool);

	for (unsigned i = 1; first && i < n; i++)
		if (page_pool_alloc(pool) != first + i * SZ_4K)
			return NULL;
	return first;
}

static int map_vm(struct vm *vm, struct page_pool *pool)
{
	const struct shikiri_plan_vm *p = vm->plan;
	int ret = 0;

	for (unsigned i = 0; i < p->ram_count && !ret; i++)
		ret = npt_map(vm->arch.npt, pool, p->ram[i].ipa, p->ram[i].pa,
			      p->ram[i].size, NPT_RAM);
	for (unsigned i = 0; i < p->mmio_count && !ret; i++)
		ret = npt_map(vm->arch.npt, pool, p->mmio[i].ipa, p->mmio[i].pa,
			      p->mmio[i].size, NPT_DEVICE);
	return ret;
}

static void vmcb_controls(struct vm *vm, struct vmcb *vmcb)
{
	struct vmcb_control *c = &vmcb->control;

	c->intercept3 = SVM_INT3_INTR | SVM_INT3_NMI | SVM_INT3_SMI |
			SVM_INT3_INIT | SVM_INT3_CPUID | SVM_INT3_INVD |
			SVM_INT3_HLT | SVM_INT3_INVLPGA | SVM_INT3_IOIO |
			SVM_INT3_MSR | SVM_INT3_TASK_SWITCH | SVM_INT3_SHUTDOWN;
	c->intercept4 = SVM_INT4_VMRUN | SVM_INT4_VMMCALL | SVM_INT4_VMLOAD |
			SVM_INT4_VMSAVE | SVM_INT4_STGI | SVM_INT4_CLGI |
			SVM_INT4_SKINIT | SVM_INT4_ICEBP | SVM_INT4_WBINVD |
			SVM_INT4_MONITOR | SVM_INT4_MWAIT | SVM_INT4_MWAIT_COND;
	c->iopm_base_pa = (uintptr_t)vm->arch.iopm;
	c->msrpm_base_pa = (uintptr_t)vm->arch.msrpm;
	c->asid = vm->id + 1;
	c->tlb_control = 1; /* flush this ASID on entry */
	c->int_ctl = SVM_V_INTR_MASKING;
	c->np_enable = 1;
	c->n_cr3 = (uintptr_t)vm->arch.npt;
}

int arch_vm_init(struct vm *vm, struct page_pool *pool)
{
	struct arch_vm *a = &vm->arch;
	int ret;

	a->iopm = pages(pool, SVM_IOPM_SIZE / SZ_4K);
	a->msrpm = pages(pool, SVM_MSRPM_SIZE / SZ_4K);
	a->npt = npt_create(pool);
	if (!a->iopm || !a->msrpm || !a->npt)
		return -HV_ENOMEM;
	/* Allow-lists: every port and MSR traps but the listed MSRs. */
	memset(a->iopm, 0xff, SVM_IOPM_SIZE);
	memset(a->msrpm, 0xff, SVM_MSRPM_SIZE);
	msrpm_allow(a->msrpm);
	ret = map_vm(vm, pool);
	if (ret)
		return ret;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpu[i];

		v->arch.vmcb = page_pool_alloc(pool);
		if (!v->arch.vmcb)
			return -HV_ENOMEM;
		vmcb_controls(vm, v->arch.vmcb);
	}
	ret = x86_vm_devices_init(vm);
	if (!ret && vm->plan->pci_count)
		ret = pci_guest_map(vm, pool);
	if (!ret && vm->plan->pci_count)
		ret = intx_vm_init(vm);
	return ret;
}

void arch_vm_reset(struct vm *vm)
{
	intx_vm_hold(vm);
	x86_vm_devices_reset(vm);
	__atomic_store_n(&vm->arch.pci_cf8, 0, __ATOMIC_RELAXED);
}

void arch_vm_payload_loaded(struct vm *vm, const struct shikiri_payload *pl,
			    uint8_t *dst)
{
	/* boot_params needs nothing but its seed (hv/core/seed.c). */
	(void)vm;
	(void)pl;
	(void)dst;
}

void arch_vm_hold(struct vm *vm)
{
	intx_vm_hold(vm);
}

static void seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib,
		uint32_t limit, uint64_t base)
{
	*s = (struct vmcb_seg){
		.sel = sel, .attrib = attrib, .limit = limit, .base = base
	};
}

/*
 * The state of a vCPU entering the guest: vCPU 0 at the kernel entry in
 * the 32-bit boot protocol's state (flat 4 GiB CS/DS/SS, protected mode,
 * paging and interrupts off, ESI = @arg: X86_PLAN.md); an AP in real mode
 * at @pc (its SIPI vector's page), as after INIT and SIPI.
 */
static void vmcb_reset_state(struct vcpu *v, uint64_t pc, uint64_t arg)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct vmcb_save *s = &vmcb->save;

	memset(s, 0, sizeof(*s));
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	vmcb->control.event_inj = 0;
	vmcb->control.int_state = 0;
	vmcb->control.int_ctl = SVM_V_INTR_MASKING;
	vmcb->control.intercept3 &= ~(SVM_INT3_VINTR | SVM_INT3_IRET);
	__atomic_store_n(&v->arch.nmi_pending, false, __ATOMIC_RELAXED);
	v->arch.nmi_block = X86_NMI_OPEN;
	/* No translation of the last life's page tables under this ASID. */
	vmcb->control.tlb_control = 1;
	if (v->id == 0) {
		seg(&s->cs, 0x10, SEG_CODE32, 0xffffffff, 0);
		seg(&s->ds, 0x18, SEG_DATA32, 0xffffffff, 0);
		s->es = s->ss = s->fs = s->gs = s->ds;
		s->cr0 = CR0_PE | CR0_ET;
		s->rip = pc;
		v->arch.regs.rsi = arg;
	} else {
		seg(&s->cs, (uint16_t)(pc >> 4), SEG_CODE16, 0xffff, pc);
		seg(&s->ds, 0, SEG_DATA16, 0xffff, 0);
		s->es = s->ss = s->fs = s->gs = s->ds;
		s->cr0 = CR0_ET | 0x60000000; /* CD, NW as after INIT */
		s->rip = 0;
	}
	seg(&s->gdtr, 0, 0, 0xffff, 0);
	seg(&s->idtr, 0, 0, 0xffff, 0);
	seg(&s->tr, 0, SEG_TSS, 0xffff, 0);
	seg(&s->ldtr, 0, SEG_LDT, 0xffff, 0);
	s->efer = EFER_SVME; /* VMRUN requires it; the guest never sees it */
	s->rflags = RFLAGS_FIXED;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = PAT_POWER_ON;
}

void arch_vcpu_start(struct vcpu *vcpu, uint64_t pc, uint64_t arg)
{
	vmcb_reset_state(vcpu, pc, arg);
	cpu_reset_guest_state();
	__atomic_store_n(&vcpu->power, VCPU_ON, __ATOMIC_RELEASE);
	svm_enter_loop(vcpu);
}

/* Whether @v has an NMI to take and its guest can take one now. */
static bool nmi_ready(struct vcpu *v)
{
	return v->arch.nmi_block == X86_NMI_OPEN &&
	       __atomic_load_n(&v->arch.nmi_pending, __ATOMIC_ACQUIRE);
}

/*
 * Put the next virtual event into @v's VMCB.  An NMI first, when its guest
 * is not in an NMI handler: SVM does not track NMI blocking for injected
 * NMIs, so the IRET intercept says when the handler is done (APM 15.20).
 * Else an interrupt, injected when the guest can take it (IF set, no
 * interrupt shadow, nothing else being injected), or a V_IRQ request so
 * that the VINTR exit says when it can.
 */
static void inject_pending(struct vcpu *v, struct vmcb *vmcb)
{
	struct vmcb_control *c = &vmcb->control;
	int vec;

	if (c->event_inj & SVM_EVT_VALID)
		return;
	if (nmi_ready(v)) {
		__atomic_store_n(&v->arch.nmi_pending, false, __ATOMIC_RELAXED);
		c->event_inj = SVM_EVT_VALID | SVM_EVT_TYPE_NMI | EXC_NMI;
		c->intercept3 |= SVM_INT3_IRET;
		v->arch.nmi_block = X86_NMI_IN_HANDLER;
		v->stats.injected++;
		return;
	}
	vec = x86_vcpu_pending(v);
	if (vec < 0) {
		c->int_ctl &= ~SVM_V_IRQ;
		c->intercept3 &= ~SVM_INT3_VINTR;
		return;
	}
	if ((vmcb->save.rflags & RFLAGS_IF) && !(c->int_state & 1)) {
		x86_vcpu_accept(v, (uint8_t)vec);
		c->event_inj = SVM_EVT_VALID | SVM_EVT_TYPE_INTR | (uint8_t)vec;
		c->int_ctl &= ~SVM_V_IRQ;
		c->intercept3 &= ~SVM_INT3_VINTR;
		return;
	}
	c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR | 0xfu << SVM_V_INTR_PRIO_SHIFT;
	c->intercept3 |= SVM_INT3_VINTR;
}

/*
 * An event that was being delivered when the exit came goes in again.
 * QEMU's TCG reports an external interrupt as type 3 (exception): a vector
 * of 32 or more cannot be an exception, so it is re-injected as type 0.
 */
static void reinject(struct vmcb *vmcb)
{
	uint64_t info = vmcb->control.exit_int_info;

	if (!(info & SVM_EVT_VALID))
		return;
	if ((info & SVM_EVT_TYPE_MASK) == SVM_EVT_TYPE_EXC &&
	    (info & 0xff) >= 32)
		info = (info & ~(uint64_t)SVM_EVT_TYPE_MASK) |
		       SVM_EVT_TYPE_INTR;
	vmcb->control.event_inj = info;
}

/* Arm this CPU's timer for the earliest of @v's virtual deadlines. */
static void arm_deadline(uint64_t ns)
{
	uint64_t now, hz = lapic_tsc_hz();

	if (ns == UINT64_MAX)
		return;
	now = x86_now_ns();
	ns = ns > now ? ns - now : 0;
	/* Beyond a second the timer comes early and the loop looks again. */
	ns = MIN(ns, 1000000000ull);
	arch_timer_arm(arch_counter() + ns * (hz / 1000) / 1000000);
}

void svm_wait_interrupt(struct vcpu *v)
{
	for (;;) {
		arm_deadline(x86_vcpu_poll(v));
		if (x86_vcpu_pending(v) >= 0 || nmi_ready(v) ||
		    !vm_running(v->vm) ||
		    __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) != VCPU_ON)
			return;
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

void svm_enter_loop(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct x86_cpu *c = x86_this_cpu();

	for (;;) {
		if (!vm_running(v->vm) ||
		    __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) != VCPU_ON)
			arch_idle();
		arm_deadline(x86_vcpu_poll(v));
		inject_pending(v, vmcb);
		if (vmcb->control.int_ctl & SVM_V_IRQ)
			lapic_timer_backstop(BACKSTOP_US);
		/*
		 * GIF off around the switch; IF on so that VMRUN takes
		 * physical interrupts as INTR exits, which are served by the
		 * hypervisor as soon as STGI sets GIF again.
		 */
		__asm__ volatile("clgi; sti" ::: "memory");
		svm_run((uintptr_t)vmcb, &v->arch.regs, c->host_vmcb_pa);
		__asm__ volatile("stgi; nop; cli" ::: "memory");
		vmcb->control.event_inj = 0;
		vmcb->control.tlb_control = 0;
		reinject(vmcb);
		/* Past the IRET of its last NMI handler: NMIs are open. */
		if (v->arch.nmi_block == X86_NMI_IRET)
			v->arch.nmi_block = X86_NMI_OPEN;
		svm_handle_exit(v, vmcb);
	}
}
