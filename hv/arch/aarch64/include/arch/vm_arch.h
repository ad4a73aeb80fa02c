/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VM_ARCH_H
#define ARCH_VM_ARCH_H

#include "arch/vgic.h"
#include "hv/vpl011.h"

/*
 * What struct vcpu and struct vm (hv/vm.h) hold for this architecture:
 * the virtual GICv3 and the PL011 the VM's console is emulated as.
 */

/** Guest general registers as saved on every exit (see vectors.S). */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

/** Exits counted per reason, for `stats` and the benchmarks. */
struct vcpu_stats {
	uint64_t exits_sync;
	uint64_t exits_irq;
	uint64_t mmio;
	uint64_t hvc;
	uint64_t smc;
	uint64_t sysreg;
	uint64_t injected;
};

/** A vCPU's arch state: its virtual CPU interface. */
struct arch_vcpu {
	struct vgic_cpu vgic;
};

/** A VM's arch state: its distributor and its console UART. */
struct arch_vm {
	struct vgic_dist vgic;
	struct vpl011 uart;
};

/** arch_vm_hold() - @vm stopped: mask the physical interrupts it owns. */
static inline void arch_vm_hold(struct vm *vm)
{
	vgic_hold_vm(vm);
}

/** arch_vcpu_queued() - Interrupts waiting for the vCPU, for `stats`. */
static inline unsigned arch_vcpu_queued(const struct arch_vcpu *a)
{
	return a->vgic.queue_len;
}

#endif /* ARCH_VM_ARCH_H */
