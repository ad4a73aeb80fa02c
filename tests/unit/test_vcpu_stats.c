/* SPDX-License-Identifier: MIT */
/*
 * Exit counters as the core prints them (hv/core/vcpu_stats.c) from the
 * aarch64 table of names: the text bench/run.py, test_lifecycle.py and
 * test_sysregs.py parse must stay what it was before the counters became
 * the arch's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/arch/exits.h"
#include "hv/console.h"
#include "hv/vcpu_stats.h"

/* hv_log()'s way out (print.c): formatting the counters logs nothing. */
void console_hv_line(const char *line, size_t len)
{
	(void)line;
	(void)len;
	fail_msg("vcpu_stats logged a line");
}

static struct vcpu_stats sample(uint64_t base)
{
	struct vcpu_stats s = { .injected = base + 9 };

	s.exits[ARCH_EXIT_SYNC] = base + 10;
	s.exits[ARCH_EXIT_MMIO] = base + 4;
	s.exits[ARCH_EXIT_HVC] = base + 3;
	s.exits[ARCH_EXIT_SMC] = base + 2;
	s.exits[ARCH_EXIT_SYSREG] = base + 1;
	s.exits[ARCH_EXIT_IRQ] = base + 5;
	return s;
}

static void summary_with_parts(void **state)
{
	struct vcpu_stats s = sample(0);
	char buf[160];
	size_t n;

	(void)state;
	n = vcpu_stats_print(buf, sizeof(buf), &s, true);
	assert_string_equal(buf,
			    "10 sync (4 mmio, 3 hvc, 2 smc, 1 sysreg), 5 irq");
	assert_int_equal(n, strlen(buf));
}

static void per_vcpu_without_parts(void **state)
{
	struct vcpu_stats s = sample(100);
	char buf[64];

	(void)state;
	vcpu_stats_print(buf, sizeof(buf), &s, false);
	assert_string_equal(buf, "110 sync, 105 irq");
}

static void sums_every_counter(void **state)
{
	struct vcpu_stats sum = { 0 }, a = sample(0), b = sample(1000);
	char buf[160];

	(void)state;
	vcpu_stats_add(&sum, &a);
	vcpu_stats_add(&sum, &b);
	assert_int_equal(sum.injected, 9 + 1009);
	vcpu_stats_print(buf, sizeof(buf), &sum, true);
	assert_string_equal(buf, "1020 sync (1008 mmio, 1006 hvc, 1004 smc, "
				 "1002 sysreg), 1010 irq");
}

/* A short buffer is cut, terminated, and never overrun. */
static void truncates_within_the_buffer(void **state)
{
	struct vcpu_stats s = sample(0);
	char buf[24];

	(void)state;
	memset(buf, 'z', sizeof(buf));
	for (size_t size = 1; size <= sizeof(buf); size++) {
		size_t n = vcpu_stats_print(buf, size, &s, true);

		assert_true(n < size);
		assert_int_equal(buf[n], '\0');
		assert_memory_equal(
			buf, "10 sync (4 mmio, 3 hvc, 2 smc, 1 sysreg)", n);
	}
}

/* Every counter has a name; parts belong to a reason of its own. */
static void table_is_well_formed(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARCH_EXIT_COUNT; i++) {
		int p = arch_exit_kinds[i].part_of;

		assert_non_null(arch_exit_kinds[i].name);
		assert_true(arch_exit_kinds[i].name[0]);
		assert_true(p >= -1 && p < (int)ARCH_EXIT_COUNT);
		if (p >= 0)
			assert_int_equal(arch_exit_kinds[p].part_of, -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(summary_with_parts),
		cmocka_unit_test(per_vcpu_without_parts),
		cmocka_unit_test(sums_every_counter),
		cmocka_unit_test(truncates_within_the_buffer),
		cmocka_unit_test(table_is_well_formed),
	};

	return cmocka_run_group_tests_name("vcpu_stats", tests, NULL, NULL);
}
