// SPDX-License-Identifier: MIT
/*
 * shikiri-cpu: check, from Linux userspace inside a VM, that the CPU
 * features the hypervisor gives work as on the bare machine
 * (docs/testing.md, tests/system/test_cpu_max.py).  A static arm64
 * program in the test initramfs, one subcommand per feature:
 *
 *   shikiri-cpu bti               guarded pages and landing pads
 *   shikiri-cpu hwcap [NAME...]   the features the kernel found
 *   shikiri-cpu mte               tagged memory and tag-check faults
 *   shikiri-cpu pauth             pointer authentication and its keys
 *   shikiri-cpu perf [PERIOD [MS]] cycle sampling on the PMU's interrupt
 *   shikiri-cpu sve [ROUNDS]      vector loops at every vector length
 *
 * Each check prints one "CMD: PASS|FAIL NAME: DETAIL" line, then a summary
 * "CMD: PASS (N checks)" or "CMD: FAIL (F of N checks)"; the exit status
 * is 0 only when every check passed.
 */
#include <stdio.h>
#include <string.h>

#include "cpuprobe.h"

#define ANY_ARGS (-1)

/*
 * One subcommand: its name, its entry point, how many arguments it takes
 * at most (more is a usage error here), one line of help.
 */
struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	int max_args;
	const char *help;
};

static const struct command commands[] = {
	{ "bti", bti_main, 0, "             guarded pages, landing pads" },
	{ "hwcap", hwcap_main, ANY_ARGS,
	  "[NAME...]  the HWCAP/HWCAP2 features" },
	{ "mte", mte_main, 0, "             tagged memory, tag-check faults" },
	{ "pauth", pauth_main, 0, "           pointer signing, new keys" },
	{ "perf", perf_main, 2, "[PERIOD [MS]] cycle sampling, overflow IRQs" },
	{ "sve", sve_main, 1, "[ROUNDS]     vector loops vs scalar ones" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static int usage(void)
{
	fprintf(stderr, "usage: shikiri-cpu COMMAND [ARGS]\n");
	for (unsigned i = 0; i < COMMAND_COUNT; i++)
		fprintf(stderr, "  shikiri-cpu %s %s\n", commands[i].name,
			commands[i].help);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	for (unsigned i = 0; i < COMMAND_COUNT; i++) {
		const struct command *c = &commands[i];

		if (strcmp(argv[1], c->name) != 0)
			continue;
		if (c->max_args != ANY_ARGS && argc - 2 > c->max_args)
			return usage();
		return c->run(argc - 1, argv + 1);
	}
	return usage();
}
