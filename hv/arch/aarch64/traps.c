/* SPDX-License-Identifier: MIT */
/*
 * Exits from a guest.  Synchronous exceptions are dispatched by exception
 * class through a table; interrupts are acknowledged here and either served
 * by the hypervisor or forwarded to the vCPU they belong to.
 */
#include "arch/gic.h"
#include "arch/inject.h"
#include "arch/its.h"
#include "arch/mmio_decode.h"
#include "arch/psci.h"
#include "arch/smmu.h"
#include "arch/sysreg_trap.h"
#include "arch/timer.h"
#include "arch/vgic.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "sysreg.h"

typedef void (*trap_handler_fn)(struct vcpu *vcpu, struct vcpu_regs *regs,
				uint64_t esr);

static void skip_instruction(struct vcpu_regs *regs, uint64_t esr)
{
	regs->elr += (esr & ESR_IL) ? 4 : 2;
}

static void handle_hvc(struct vcpu *vcpu, struct vcpu_regs *regs,
		       uint64_t esr)
{
	(void)esr;
	vcpu->stats.exits[ARCH_EXIT_HVC]++;
	psci_handle(vcpu, regs);
}

static void handle_smc(struct vcpu *vcpu, struct vcpu_regs *regs,
		       uint64_t esr)
{
	vcpu->stats.exits[ARCH_EXIT_SMC]++;
	/* A trapped SMC returns to the SMC itself (Arm ARM D1.11.2). */
	skip_instruction(regs, esr);
	psci_handle(vcpu, regs);
}

static void guest_fault(struct vcpu *vcpu, struct vcpu_regs *regs,
			uint64_t esr, uint64_t ipa, bool data)
{
	struct vm *vm = vcpu->vm;

	if (vm->plan->on_fault == SHIKIRI_POLICY_REFLECT) {
		inject_abort(regs, esr, read_sysreg(far_el2), data);
		return;
	}
	hv_log("vm %s: vcpu %u: %s abort at ipa 0x%lx pc 0x%lx", vm->name,
	       vcpu->id, data ? "data" : "instruction", ipa, regs->elr);
	vm_request_policy(vm, VM_CAUSE_FAULT);
}

static void handle_dabt(struct vcpu *vcpu, struct vcpu_regs *regs,
			uint64_t esr)
{
	struct mmio_access acc;
	uint64_t hpfar = read_sysreg(hpfar_el2), far = read_sysreg(far_el2);
	int ret;

	vcpu->stats.exits[ARCH_EXIT_MMIO]++;
	ret = mmio_decode((uint32_t)ESR_ISS(esr), hpfar, far, &acc);
	if (!ret)
		ret = mmio_dispatch(&vcpu->vm->mmio, vcpu, &acc, regs->x);
	if (ret) {
		guest_fault(vcpu, regs, esr,
			    ((hpfar & 0xffffffffff0ull) << 8) | (far & 0xfff),
			    true);
		return;
	}
	skip_instruction(regs, esr);
}

static void handle_iabt(struct vcpu *vcpu, struct vcpu_regs *regs,
			uint64_t esr)
{
	uint64_t hpfar = read_sysreg(hpfar_el2);

	guest_fault(vcpu, regs, esr, (hpfar & 0xffffffffff0ull) << 8, false);
}

static void handle_unknown(struct vcpu *vcpu, struct vcpu_regs *regs,
			   uint64_t esr)
{
	(void)vcpu;
	(void)esr;
	inject_undef(regs);
}

static const trap_handler_fn trap_handlers[EC_MAX + 1] = {
	[EC_HVC64] = handle_hvc,
	[EC_SMC64] = handle_smc,
	[EC_SYS64] = sysreg_trap_handle,
	[EC_DABT_LOW] = handle_dabt,
	[EC_IABT_LOW] = handle_iabt,
};

/* Before every return to the guest: park if it was stopped, else refill. */
static void exit_to_guest(struct vcpu *vcpu)
{
	if (!vm_running(vcpu->vm) ||
	    __atomic_load_n(&vcpu->power, __ATOMIC_ACQUIRE) != VCPU_ON)
		arch_idle();
	vgic_lr_flush(vcpu);
}

void trap_sync(struct vcpu_regs *regs)
{
	struct vcpu *vcpu = arch_this_pcpu()->vcpu;
	uint64_t esr = read_sysreg(esr_el2);
	trap_handler_fn fn = trap_handlers[ESR_EC(esr)];

	vcpu->stats.exits[ARCH_EXIT_SYNC]++;
	(fn ? fn : handle_unknown)(vcpu, regs, esr);
	exit_to_guest(vcpu);
}

/*
 * At most this many interrupts per entry: a device that keeps a line
 * asserted must not keep a CPU from ever looking at its requests (a
 * restart, a vCPU to start).  What is left stays pending and is taken on
 * the next entry, right after.
 */
#define IRQ_BATCH 16u

/* Whether @v's guest can take an interrupt now. */
static bool vcpu_takes_irqs(const struct vcpu *v)
{
	return vm_running(v->vm) &&
	       __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) == VCPU_ON;
}

static void irq_dispatch(struct pcpu *p, uint32_t intid)
{
	struct vcpu *v = p->vcpu;

	gic_priority_drop(intid);
	if (intid >= ITS_LPI_BASE) {
		/* An MSI; LPIs have no active state to end (IHI0069 5.1). */
		p->stats.hv++;
		its_lpi(intid);
		return;
	}
	if (intid == hv_board->uart_irq) {
		p->stats.hv++;
		console_rx_poll();
	} else if (intid == TIMER_HYP_INTID) {
		p->stats.timer++;
		timer_expired();
	} else if (intid == hv_board->hw.aarch64.gic_maint_intid) {
		p->stats.hv++;
		if (v)
			vgic_lr_maintenance(v);
	} else if (intid == GIC_SGI_KICK || smmu_irq(intid)) {
		p->stats.hv++;
	} else if (v && vcpu_takes_irqs(v)) {
		if (vgic_forward_hw(v, intid))
			return; /* the guest's EOI deactivates it */
	} else if (v && vgic_hold_hw(v, intid)) {
		/*
		 * Its vCPU is off or its VM stopped: a level-triggered line
		 * would be taken again the moment it is deactivated, forever.
		 * It stays masked until the vCPU is on again.
		 */
		p->stats.held++;
	}
	gic_deactivate(intid);
}

/** irq_handle_all() - Serve the pending physical interrupts, a batch. */
void irq_handle_all(struct pcpu *p)
{
	uint32_t intid;

	for (unsigned n = 0; n < IRQ_BATCH; n++) {
		intid = gic_ack();
		if (intid >= GIC_SPURIOUS && intid < ITS_LPI_BASE)
			return;
		irq_dispatch(p, intid);
	}
}

void trap_irq(struct vcpu_regs *regs)
{
	struct pcpu *p = arch_this_pcpu();

	(void)regs;
	p->vcpu->stats.exits[ARCH_EXIT_IRQ]++;
	irq_handle_all(p);
	exit_to_guest(p->vcpu);
}

void trap_serror(struct vcpu_regs *regs)
{
	struct vcpu *vcpu = arch_this_pcpu()->vcpu;

	(void)regs;
	hv_log("vm %s: vcpu %u: SError (ESR 0x%lx)", vcpu->vm->name,
	       vcpu->id, read_sysreg(esr_el2));
	vm_request_policy(vcpu->vm, VM_CAUSE_CRASH);
	exit_to_guest(vcpu);
}

void trap_aarch32(struct vcpu_regs *regs)
{
	struct vcpu *vcpu = arch_this_pcpu()->vcpu;

	(void)regs;
	hv_log("vm %s: vcpu %u: AArch32 exception", vcpu->vm->name,
	       vcpu->id);
	vm_request_policy(vcpu->vm, VM_CAUSE_CRASH);
	exit_to_guest(vcpu);
}

/* A fault at EL2 is a hypervisor bug: report everything, then stop. */
void trap_hv_fault(struct vcpu_regs *regs)
{
	hv_log("PANIC: exception at EL2: ESR 0x%lx FAR 0x%lx ELR 0x%lx SPSR 0x%lx",
	       read_sysreg(esr_el2), read_sysreg(far_el2), regs->elr,
	       regs->spsr);
	for (unsigned i = 0; i < 31; i += 2)
		hv_log("  x%u 0x%016lx  x%u 0x%016lx", i, regs->x[i], i + 1,
		       i + 1 < 31 ? regs->x[i + 1] : 0);
	arch_system_off();
}
