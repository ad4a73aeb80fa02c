/* SPDX-License-Identifier: MIT */
/*
 * What an AArch64 VM and vCPU hold beyond the core's view of them
 * (hv/vm.h embeds these as vm->arch and vcpu->arch): the stage-2 tables,
 * the emulated GICv3 and the emulated PL011 console, and how exits are
 * counted.  Every arch has this header, with the same names.
 */
#ifndef ARCH_VM_ARCH_H
#define ARCH_VM_ARCH_H

#include "arch/pgtable.h"
#include "arch/vgic.h"
#include "arch/vpl011.h"

/** Guest general registers as saved on every exit (see vectors.S). */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

/**
 * Exit counters of struct vcpu_stats (names and grouping in
 * arch_exit_kinds[], exit_kinds.c): every synchronous exit counts as SYNC,
 * and as one of MMIO, HVC, SMC, SYSREG when it was one of those.
 */
enum arch_exit {
	ARCH_EXIT_SYNC,
	ARCH_EXIT_MMIO,
	ARCH_EXIT_HVC,
	ARCH_EXIT_SMC,
	ARCH_EXIT_SYSREG,
	ARCH_EXIT_IRQ,
	ARCH_EXIT_COUNT
};

/** A vCPU's arch state: its private interrupts and list-register queue. */
struct arch_vcpu {
	struct vgic_cpu vgic;
};

/** A VM's arch state. */
struct arch_vm {
	struct pgtable stage2; /**< its IPA space (stage2.c) */
	struct vgic_dist vgic; /**< the emulated distributor */
	struct vpl011 uart;    /**< the console, when it has a virtual one */
	/**
	 * Where its PCI functions send MSIs (its.c), 0: no MSIs; the data is
	 * the event, the guest's INTID - msi_intid (msi.c).
	 */
	uint64_t msi_doorbell;
};

/**
 * arch_vm_hold() - @vm is stopping and every one of its vCPUs is parked:
 * mask the physical interrupts it owns until its next life's guest
 * enables them.  Under vm.lock.
 */
static inline void arch_vm_hold(struct vm *vm)
{
	vgic_hold_vm(vm);
}

/** arch_vcpu_queued() - Interrupts waiting for the vCPU, for `stats`. */
static inline unsigned arch_vcpu_queued(const struct arch_vcpu *a)
{
	return a->vgic.queue_len;
}

struct vcpu;

/**
 * arch_vcpu_log_exits() - More about @v's exits for `stats`: none here,
 * the counters of struct vcpu_stats say it all on this arch.
 */
static inline void arch_vcpu_log_exits(const struct vcpu *v)
{
	(void)v;
}

#endif /* ARCH_VM_ARCH_H */
