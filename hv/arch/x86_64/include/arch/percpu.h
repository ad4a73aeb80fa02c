/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include "hv/types.h"

struct pcpu;

/**
 * What each physical CPU keeps for itself, found through GS base (the
 * hypervisor never runs user code, so GS is free; VMRUN leaves it alone
 * and the VMLOAD of the host state puts it back after each exit).
 */
struct x86_cpu {
	struct x86_cpu *self; /**< at GS:0, so the pointer reads in one go */
	struct pcpu *pcpu;
	uint64_t host_save_pa; /**< VM_HSAVE_PA page (svm.c) */
	uint64_t host_vmcb_pa; /**< VMSAVE/VMLOAD of the host's state */
	volatile bool arrived; /**< set by the CPU once it runs C code */
};

extern struct x86_cpu x86_cpus[];

/** x86_this_cpu() - This CPU's struct x86_cpu. */
static inline struct x86_cpu *x86_this_cpu(void)
{
	struct x86_cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

#endif /* ARCH_PERCPU_H */
