/* SPDX-License-Identifier: MIT */
/*
 * Exit counters, counted by the arch under its own reasons and shown by
 * the core (`stats`, the stop message) from the arch's table of names.
 */
#include "hv/arch/exits.h"
#include "hv/print.h"
#include "hv/vcpu_stats.h"

void vcpu_stats_add(struct vcpu_stats *sum, const struct vcpu_stats *s)
{
	for (unsigned i = 0; i < ARCH_EXIT_COUNT; i++)
		sum->exits[i] += s->exits[i];
	sum->injected += s->injected;
}

/* Append to @buf at *@n, keeping *@n below @size (print_snprintf's rule). */
static void put(char *buf, size_t size, size_t *n, const char *sep,
		uint64_t count, const char *name)
{
	*n += print_snprintf(buf + *n, size - *n, "%s%lu %s", sep,
			     (unsigned long)count, name);
}

size_t vcpu_stats_print(char *buf, size_t size, const struct vcpu_stats *s,
			bool parts)
{
	size_t n = 0;
	bool first = true;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARCH_EXIT_COUNT; i++) {
		bool open = false;

		if (arch_exit_kinds[i].part_of >= 0)
			continue;
		put(buf, size, &n, first ? "" : ", ", s->exits[i],
		    arch_exit_kinds[i].name);
		first = false;
		for (unsigned k = 0; parts && k < ARCH_EXIT_COUNT; k++) {
			if (arch_exit_kinds[k].part_of != (int)i)
				continue;
			put(buf, size, &n, open ? ", " : " (", s->exits[k],
			    arch_exit_kinds[k].name);
			open = true;
		}
		if (open)
			n += print_snprintf(buf + n, size - n, ")");
	}
	return n;
}
