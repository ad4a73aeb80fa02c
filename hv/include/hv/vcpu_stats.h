/* SPDX-License-Identifier: MIT */
#ifndef HV_VCPU_STATS_H
#define HV_VCPU_STATS_H

#include <stddef.h>

#include "arch/vm_arch.h"
#include "hv/types.h"

/**
 * Exits counted per reason, for `stats` and the benchmarks.  The reasons
 * are the arch's (enum arch_exit in arch/vm_arch.h), and so are their
 * names and grouping (arch_exit_kinds[], hv/arch/vm.h).  Written by the
 * vCPU's own CPU only; read racily for display.
 */
struct vcpu_stats {
	uint64_t exits[ARCH_EXIT_COUNT];
	uint64_t injected; /**< virtual interrupts delivered to the vCPU */
};

/** vcpu_stats_add() - Add every counter of @s to @sum. */
void vcpu_stats_add(struct vcpu_stats *sum, const struct vcpu_stats *s);

/**
 * vcpu_stats_print() - Write @s's exit counts as text into @buf (of @size
 * bytes, always terminated): "N name" for each reason of its own, in
 * arch_exit_kinds[] order and separated by ", "; with @parts, each
 * followed by the counters that are part of it in parentheses, e.g.
 * "7 sync (2 mmio, 5 hvc), 3 irq".
 * Return: the length written (less than @size).
 */
size_t vcpu_stats_print(char *buf, size_t size, const struct vcpu_stats *s,
			bool parts);

#endif /* HV_VCPU_STATS_H */
