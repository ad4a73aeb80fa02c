// SPDX-License-Identifier: MIT
/*
 * shikiri-cpu sve [ROUNDS]: real work on the Scalable Vector Extension,
 * at every vector length the CPU gives (Linux's PR_SVE_SET_VL,
 * Documentation/arm64/sve.rst): a multiply-add over arrays whose length is
 * no multiple of any vector length (so the governing predicate does the
 * tail), a widening dot product reduced across the vector, and a
 * compare-and-count, each checked against the same loop done with scalar
 * instructions.  ROUNDS (default 20) passes over every length, with
 * sched_yield() between them, and a child process working at another
 * length at the same time, check that the vector state survives whatever
 * runs in between: other processes, the kernel, the hypervisor.
 *
 * Only the vector kernels are compiled for SVE (target "+sve"), so the
 * program runs on any arm64 CPU and says "not present" where the kernel
 * found no SVE (HWCAP_SVE clear).
 */
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpuprobe.h"

#define N 1021	     /* elements: a prime, no vector length divides it */
#define VL_MIN 16    /* bytes, the architecture's smallest */
#define VL_LIMIT 256 /* bytes, the architecture's largest */
#define SCALE 3
#define THRESHOLD 1000
#define DEFAULT_ROUNDS 20

/* The results of one pass over the data. */
struct result {
	int32_t y[N];	/* y[i] = SCALE * x[i] + y0[i] */
	int64_t dot;	/* sum of x[i] * y0[i], 64-bit */
	uint64_t above; /* how many x[i] > THRESHOLD */
};

static int32_t x[N], y0[N];

#pragma GCC push_options
#pragma GCC target("+sve")
#include <arm_sve.h>

static unsigned vector_bytes(void)
{
	return (unsigned)svcntb();
}

static void vector_pass(struct result *out)
{
	svint64_t dot = svdup_s64(0);
	uint64_t above = 0;

	for (int i = 0; i < N; i += (int)svcntw()) {
		svbool_t pg = svwhilelt_b32_s32(i, N);
		svint32_t vx = svld1_s32(pg, x + i);
		svint32_t vy = svld1_s32(pg, y0 + i);

		svst1_s32(pg, out->y + i, svmla_n_s32_x(pg, vy, vx, SCALE));
		above += svcntp_b32(pg, svcmpgt_n_s32(pg, vx, THRESHOLD));
	}
	/* The dot product widens each element to 64 bits first. */
	for (int i = 0; i < N; i += (int)svcntd()) {
		svbool_t pg = svwhilelt_b64_s32(i, N);
		svint64_t vx = svld1sw_s64(pg, x + i);
		svint64_t vy = svld1sw_s64(pg, y0 + i);

		dot = svmla_s64_m(pg, dot, vx, vy);
	}
	out->dot = svaddv_s64(svptrue_b64(), dot);
	out->above = above;
}
#pragma GCC pop_options

/*
 * The same pass, one element at a time.  The makefile builds this file
 * with -fno-tree-vectorize, so this stays scalar code.
 */
static void scalar_pass(struct result *out)
{
	out->dot = 0;
	out->above = 0;
	for (int i = 0; i < N; i++) {
		out->y[i] = SCALE * x[i] + y0[i];
		out->dot += (int64_t)x[i] * y0[i];
		out->above += x[i] > THRESHOLD;
	}
}

static void fill(void)
{
	uint32_t s = 0x9e3779b9u;

	for (int i = 0; i < N; i++) {
		/* xorshift32: values of both signs, some above THRESHOLD. */
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		x[i] = (int32_t)(s % 4001) - 2000;
		y0[i] = (int32_t)(s >> 12) - (1 << 19);
	}
}

static int set_vl(unsigned vl)
{
	int got = prctl(PR_SVE_SET_VL, vl);

	return got < 0 ? got : got & PR_SVE_VL_LEN_MASK;
}

/* Vector lengths 16, 32, ... up to @max: those every SVE CPU has. */
static unsigned lengths(unsigned max, unsigned vls[])
{
	unsigned n = 0;

	for (unsigned vl = VL_MIN; vl <= max; vl *= 2)
		vls[n++] = vl;
	return n;
}

/*
 * @rounds passes over the vector lengths @vls, starting at @first, each
 * compared with @want.  Returns how many passes went wrong; the first
 * wrong one is described in @why.
 */
static unsigned work(const unsigned vls[], unsigned count, unsigned first,
		     unsigned rounds, const struct result *want, char *why,
		     size_t size)
{
	static struct result got;
	unsigned bad = 0;

	for (unsigned n = 0; n < rounds * count; n++) {
		unsigned vl = vls[(first + n) % count];
		int set = set_vl(vl);
		int diff = 0;

		if (set == (int)vl && vector_bytes() == vl) {
			vector_pass(&got);
			while (diff < N && got.y[diff] == want->y[diff])
				diff++;
		}
		if (set != (int)vl || vector_bytes() != vl || diff < N ||
		    got.dot != want->dot || got.above != want->above) {
			if (!bad++)
				snprintf(why, size,
					 "VL %u: set %d, svcntb %u, first "
					 "wrong y[%d], dot %lld (%lld), above "
					 "%llu (%llu)",
					 vl, set, vector_bytes(), diff,
					 (long long)got.dot,
					 (long long)want->dot,
					 (unsigned long long)got.above,
					 (unsigned long long)want->above);
		}
		sched_yield();
	}
	return bad;
}

int sve_main(int argc, char **argv)
{
	static struct result want;
	unsigned vls[8], count, rounds = DEFAULT_ROUNDS, bad, child_bad;
	int vl, max, status;
	char why[256] = "", list[64] = "";
	struct report r;
	pid_t child;

	report_start(&r, "sve");
	if (argc == 2 && (rounds = (unsigned)atoi(argv[1])) == 0) {
		fprintf(stderr, "usage: shikiri-cpu sve [ROUNDS]\n");
		return 2;
	}
	if (!report_present(&r, getauxval(AT_HWCAP) & HWCAP_SVE, "HWCAP_SVE",
			    "SVE"))
		return report_end(&r);

	vl = prctl(PR_SVE_GET_VL);
	vl = vl < 0 ? vl : vl & PR_SVE_VL_LEN_MASK;
	report_check(&r, vl > 0 && (unsigned)vl == vector_bytes(), "vl",
		     "VL %d bytes (PR_SVE_GET_VL), %u (svcntb)", vl,
		     vector_bytes());
	/* Asking for more than any CPU has gets the largest this one has. */
	max = set_vl(VL_LIMIT * 2);
	count = lengths(max > VL_LIMIT ? VL_LIMIT : (unsigned)max, vls);
	for (unsigned i = 0; i < count; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%u", i ? " " : "", vls[i]);
	if (!report_check(&r, max >= VL_MIN && max <= VL_LIMIT && max % 16 == 0,
			  "max-vl", "max VL %d bytes; lengths tested: %s", max,
			  list))
		return report_end(&r);

	fill();
	scalar_pass(&want);
	bad = work(vls, count, 0, 1, &want, why, sizeof(why));
	report_check(&r, !bad, "vector-vs-scalar",
		     "%u elements at each VL: y = %d*x + y, dot %lld, "
		     "%llu above %d%s%s",
		     N, SCALE, (long long)want.dot,
		     (unsigned long long)want.above, THRESHOLD, bad ? "; " : "",
		     why);

	fflush(stdout);
	child = fork();
	if (child == 0)
		_exit(work(vls, count, count / 2, rounds, &want, why,
			   sizeof(why)) != 0);
	bad = work(vls, count, 0, rounds, &want, why, sizeof(why));
	child_bad = child < 0 || waitpid(child, &status, 0) != child ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	report_check(&r, !bad && !child_bad, "rounds",
		     "%u rounds over %u lengths, beside a child process: %u "
		     "wrong here, child %s%s%s",
		     rounds, count, bad, child_bad ? "failed" : "passed",
		     bad ? "; " : "", why);
	return report_end(&r);
}
