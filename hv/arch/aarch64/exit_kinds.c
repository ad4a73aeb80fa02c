/* SPDX-License-Identifier: MIT */
/*
 * How `stats` names the exit counters (enum arch_exit): the synchronous
 * exits, with the kinds of them traps.c tells apart, and the interrupts.
 */
#include "hv/arch/exits.h"

const struct arch_exit_kind arch_exit_kinds[ARCH_EXIT_COUNT] = {
	[ARCH_EXIT_SYNC] = { "sync", -1 },
	[ARCH_EXIT_MMIO] = { "mmio", ARCH_EXIT_SYNC },
	[ARCH_EXIT_HVC] = { "hvc", ARCH_EXIT_SYNC },
	[ARCH_EXIT_SMC] = { "smc", ARCH_EXIT_SYNC },
	[ARCH_EXIT_SYSREG] = { "sysreg", ARCH_EXIT_SYNC },
	[ARCH_EXIT_IRQ] = { "irq", -1 },
};
