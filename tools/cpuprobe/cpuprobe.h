/* SPDX-License-Identifier: MIT */
/*
 * shikiri-cpu: the subcommands (one file each) and the PASS/FAIL lines
 * they print (report.c).  See main.c for the command line.
 */
#ifndef SHIKIRI_CPUPROBE_H
#define SHIKIRI_CPUPROBE_H

#include <stdbool.h>

/** What one subcommand has checked so far (report.c). */
struct report {
	const char *cmd;   /* the subcommand, the first word of each line */
	unsigned checks;   /* checks reported */
	unsigned failures; /* of which failed */
};

/**
 * report_start() - begin the checks of subcommand @cmd.
 * @r: the report to fill.
 * @cmd: the subcommand's name.
 */
void report_start(struct report *r, const char *cmd);

/**
 * report_check() - print "CMD: PASS NAME: DETAIL" or "CMD: FAIL NAME:
 * DETAIL" and count it.
 * @r: the report.
 * @ok: whether the check passed.
 * @name: the check's name, one word.
 * @fmt: printf format of the detail.
 *
 * Return: @ok.
 */
bool report_check(struct report *r, bool ok, const char *name, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

/**
 * report_present() - the first check of a feature's subcommand: whether
 * the kernel found it ("CMD: PASS present: HWCAP set" or "CMD: FAIL
 * present: HWCAP clear: FEATURE not present").
 * @r: the report.
 * @present: whether the hwcap bit is set.
 * @hwcap: the bit's name, e.g. HWCAP2_MTE.
 * @feature: the feature's name, e.g. MTE.
 *
 * Return: @present.
 */
bool report_present(struct report *r, bool present, const char *hwcap,
		    const char *feature);

/**
 * report_end() - print the summary line, "CMD: PASS (N checks)" or "CMD:
 * FAIL (F of N checks)".
 * @r: the report.
 *
 * Return: the exit status: 0 when every check passed and there was one.
 */
int report_end(struct report *r);

/**
 * bti_main() - `shikiri-cpu bti`: indirect calls into guarded pages
 * (Branch Target Identification).
 * @argc: argument count, the subcommand's name first.
 * @argv: the arguments.
 *
 * Return: the exit status: 0 when every check passed.
 */
int bti_main(int argc, char **argv);

/**
 * hwcap_main() - `shikiri-cpu hwcap [NAME...]`: print the features the
 * kernel found (AT_HWCAP, AT_HWCAP2) by their /proc/cpuinfo names; with
 * names, whether each is present.
 * @argc: argument count, the subcommand's name first.
 * @argv: the arguments.
 *
 * Return: the exit status: 1 when a named feature is absent.
 */
int hwcap_main(int argc, char **argv);

/**
 * mte_main() - `shikiri-cpu mte`: use tagged memory and take a tag-check
 * fault on a mismatched pointer (the Memory Tagging Extension).
 * @argc: argument count, the subcommand's name first.
 * @argv: the arguments.
 *
 * Return: the exit status: 0 when every check passed.
 */
int mte_main(int argc, char **argv);

/**
 * pauth_main() - `shikiri-cpu pauth`: sign and authenticate pointers, and
 * new keys change the codes (pointer authentication).
 * @argc: argument count, the subcommand's name first.
 * @argv: the arguments.
 *
 * Return: the exit status: 0 when every check passed.
 */
int pauth_main(int argc, char **argv);

/**
 * perf_main() - `shikiri-cpu perf [PERIOD [MS]]`: sample CPU cycles on the
 * PMU's overflow interrupt, as `perf record` does, and count the samples
 * and the interrupts.
 * @argc: argument count, the subcommand's name first.
 * @argv: the arguments.
 *
 * Return: the exit status: 0 when every check passed.
 */
int perf_main(int argc, char **argv);

/**
 * sve_main() - `shikiri-cpu sve [ROUNDS]`: vector loops at every vector
 * length the CPU gives, checked against scalar ones.
 * @argc: argument count, the subcommand's name first.
 * @argv: the arguments.
 *
 * Return: the exit status: 0 when every check passed.
 */
int sve_main(int argc, char **argv);

#endif
