/* SPDX-License-Identifier: MIT */
#ifndef HV_ARCH_EXITS_H
#define HV_ARCH_EXITS_H

#include "arch/vm_arch.h"

/*
 * The arch's exit counters, as the core shows them (`stats`, the line a
 * stopped VM leaves): each arch lists its reasons in enum arch_exit
 * (arch/vm_arch.h, ending with ARCH_EXIT_COUNT) and names them here.
 */

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

#endif /* HV_ARCH_EXITS_H */
