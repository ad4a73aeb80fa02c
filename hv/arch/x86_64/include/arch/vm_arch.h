/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VM_ARCH_H
#define ARCH_VM_ARCH_H

#include "hv/types.h"

struct vm;

/*
 * What struct vcpu and struct vm (hv/vm.h) hold on x86-64: the guest's
 * registers that VMRUN does not keep in the VMCB, the VMCB itself, the
 * VM's I/O and MSR permission bitmaps.
 */

/** Guest general registers the VMCB does not hold (RAX, RSP, RIP do). */
struct vcpu_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/** Exits counted per reason, for `stats` and the benchmarks. */
struct vcpu_stats {
	uint64_t exits_sync; /**< every exit but physical interrupts */
	uint64_t exits_irq;  /**< physical interrupt (INTR) exits */
	uint64_t io;
	uint64_t mmio;
	uint64_t msr;
	uint64_t cpuid;
	uint64_t hlt;
	uint64_t npf;
	uint64_t injected;
};

struct vmcb;

/** A vCPU's arch state. */
struct arch_vcpu {
	struct vcpu_regs regs;
	struct vmcb *vmcb; /**< its page, from the VM's page pool */
};

/** A VM's arch state: permission bitmaps (svm.c). */
struct arch_vm {
	uint8_t *iopm;	/**< 12 KiB: a set bit intercepts the port */
	uint8_t *msrpm; /**< 8 KiB: a set bit intercepts the access */
};

/** arch_vm_hold() - @vm stopped: its interrupts wait for its next life. */
static inline void arch_vm_hold(struct vm *vm)
{
	(void)vm;
}

/** arch_vcpu_queued() - Interrupts waiting for the vCPU, for `stats`. */
static inline unsigned arch_vcpu_queued(const struct arch_vcpu *a)
{
	(void)a;
	return 0;
}

#endif /* ARCH_VM_ARCH_H */
