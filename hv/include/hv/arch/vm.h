/* SPDX-License-Identifier: MIT */
#ifndef HV_ARCH_VM_H
#define HV_ARCH_VM_H

#include "arch/vm_arch.h"
#include "hv/page_pool.h"
#include "hv/types.h"

struct vm;
struct vcpu;

/*
 * The architecture interface for VMs: the arch state each VM and vCPU
 * embeds (struct arch_vm, struct arch_vcpu in arch/vm_arch.h) is set up,
 * reset and shown through these.  Each arch implements them.
 */

/**
 * arch_vm_init() - Arch state of @vm from its checked plan: its
 * guest-physical space (stage 2 / nested paging: RAM and passthrough
 * devices) and its interrupt controller with its passthrough lines.  Boot
 * CPU, before any VM starts.  Return: 0 or a negative error.
 */
int arch_vm_init(struct vm *vm, struct page_pool *pool);

/**
 * arch_vm_reset() - Put @vm's interrupt state back to power-on: virtual
 * state cleared, its physical interrupts disabled, inactive and not
 * pending.  While all of its vCPUs are parked.
 */
void arch_vm_reset(struct vm *vm);

/**
 * arch_vm_hold_irqs() - @vm is stopping and every one of its vCPUs is
 * parked: mask the physical interrupts it owns, so its devices cannot keep
 * interrupting its CPUs, until the guest of its next life enables them.
 * Under vm.lock.
 */
void arch_vm_hold_irqs(struct vm *vm);

/**
 * arch_vcpu_start() - Enter @vcpu at @pc with its boot argument @arg (x0
 * on aarch64, ESI on x86_64) in the arch's reset state.  On @vcpu's own
 * CPU.
 */
noreturn_fn void arch_vcpu_start(struct vcpu *vcpu, uint64_t pc, uint64_t arg);

/**
 * arch_vcpu_irqs_queued() - Virtual interrupts waiting to be delivered to
 * @vcpu, for `stats`; read without its lock.
 */
unsigned arch_vcpu_irqs_queued(const struct vcpu *vcpu);

/** How `stats` shows one exit counter of struct vcpu_stats. */
struct arch_exit_kind {
	const char *name; /**< short, lower case: "sync", "npf" */
	/**
	 * -1: an exit reason of its own; else the index of the reason whose
	 * exits this counter counts a part of (Arm: "mmio" of "sync").
	 */
	int part_of;
};

/** The arch's exit counters, indexed by enum arch_exit. */
extern const struct arch_exit_kind arch_exit_kinds[ARCH_EXIT_COUNT];

#endif /* HV_ARCH_VM_H */
