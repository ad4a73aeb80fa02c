/* SPDX-License-Identifier: MIT */
/*
 * How `stats` names the exit counters (enum arch_exit): the exits the
 * guest's own instructions and accesses cause, with the kinds svm_exit.c
 * and vcpu.c tell apart, and the physical interrupts.
 */
#include "hv/arch/exits.h"

const struct arch_exit_kind arch_exit_kinds[ARCH_EXIT_COUNT] = {
	[ARCH_EXIT_SYNC] = { "sync", -1 },
	[ARCH_EXIT_IO] = { "io", ARCH_EXIT_SYNC },
	[ARCH_EXIT_MMIO] = { "mmio", ARCH_EXIT_SYNC },
	[ARCH_EXIT_MSR] = { "msr", ARCH_EXIT_SYNC },
	[ARCH_EXIT_CPUID] = { "cpuid", ARCH_EXIT_SYNC },
	[ARCH_EXIT_HLT] = { "hlt", ARCH_EXIT_SYNC },
	[ARCH_EXIT_NPF] = { "npf", ARCH_EXIT_SYNC },
	[ARCH_EXIT_VINTR] = { "vintr", ARCH_EXIT_SYNC },
	[ARCH_EXIT_IRQ] = { "irq", -1 },
};
