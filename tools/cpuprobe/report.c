// SPDX-License-Identifier: MIT
/*
 * The lines every shikiri-cpu subcommand prints: one per check, PASS or
 * FAIL with its name and what was seen, then a summary.  Tests match
 * them (tests/system/test_cpu_max.py), so the format is fixed.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cpuprobe.h"

void report_start(struct report *r, const char *cmd)
{
	*r = (struct report){ .cmd = cmd };
}

bool report_check(struct report *r, bool ok, const char *name, const char *fmt,
		  ...)
{
	va_list ap;

	r->checks++;
	if (!ok)
		r->failures++;
	printf("%s: %s %s: ", r->cmd, ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	/* The next check may fault on purpose: what is said stays said. */
	fflush(stdout);
	return ok;
}

bool report_present(struct report *r, bool present, const char *hwcap,
		    const char *feature)
{
	return report_check(r, present, "present", "%s %s%s%s", hwcap,
			    present ? "set" : "clear: ", present ? "" : feature,
			    present ? "" : " not present");
}

int report_end(struct report *r)
{
	if (r->failures || !r->checks) {
		printf("%s: FAIL (%u of %u checks)\n", r->cmd, r->failures,
		       r->checks);
		return 1;
	}
	printf("%s: PASS (%u checks)\n", r->cmd, r->checks);
	return 0;
}
