// SPDX-License-Identifier: MIT
/*
 * guestbench: fixed-work micro-benchmarks run inside the guest under test.
 * Every part times itself with CLOCK_MONOTONIC and prints one line per
 * result, which bench/run.py parses:
 *
 *	guestbench: result NAME VALUE UNIT
 *
 * The work done is fixed (the iteration counts below), so a slower
 * configuration shows as a larger number.  Around each part (outside its
 * timing) the interrupts the guest took are counted from /proc/interrupts:
 *
 *	guestbench: irqs PART timer=N ipi=N other=N
 *
 * Under a hypervisor that traps interrupts, each is at least one exit.  Built static by bench/bench.mk
 * (aarch64-linux-gnu-gcc -O2 -static, and gcc -O2 -static for x86-64) and
 * run by the benchmark initramfs.
 *
 * usage: guestbench [PART...]    (default: every part, in table order)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024ul * 1024ul)
#define PAGE 4096ul

/* Iteration counts: sized so one run of every part takes ~20 s of guest
 * time under TCG on a 2-core host (see docs/performance.md).  FAULT_REPS
 * first touches of the 64 MiB are timed one by one and the median is the
 * result: one alone (~0.2 s) is too short to be stable. */
#define ALU_ITERS 300000000ul
#define SPAN (64ul * MIB)
#define TLB_ROUNDS 64u
#define FAULT_REPS 5u
#define SYSCALL_CALLS 200000u
#define SLEEP_COUNT 2000u
#define SLEEP_NS 1000000l
#define PINGPONG_WARMUP 100u
#define PINGPONG_COUNT 2000u
#define CONSOLE_LINES 100u
#define CONSOLE_WIDTH 80u /* bytes per line, "\n" included */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void result(const char *name, double value, const char *unit)
{
	printf("guestbench: result %s %.3f %s\n", name, value, unit);
	fflush(stdout);
}

static void die(const char *what)
{
	printf("guestbench: error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (0..100) of @n sorted samples, nearest rank. */
static uint64_t percentile(const uint64_t *sorted, unsigned n, unsigned p)
{
	unsigned rank = (unsigned)(((uint64_t)p * n + 99) / 100);

	return sorted[rank ? rank - 1 : 0];
}

/* A 64 MiB anonymous mapping in 4 KiB pages: transparent huge pages would
 * turn 16,384 faults into 32, and hide the TLB pressure. */
static uint8_t *map_span(void)
{
	void *p = mmap(NULL, SPAN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	madvise(p, SPAN, MADV_NOHUGEPAGE);
	return p;
}

static void part_alu(void)
{
	/* xorshift64 with a data dependence from one iteration to the next;
	 * volatile sink keeps the loop. */
	volatile uint64_t sink;
	uint64_t x = 88172645463325252ull, acc = 0;
	uint64_t t0 = now_ns();

	for (unsigned long i = 0; i < ALU_ITERS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x * i;
	}
	sink = acc;
	(void)sink;
	result("alu", (double)(now_ns() - t0) / 1e6, "ms");
}

static void part_fault(void)
{
	uint64_t took[FAULT_REPS];

	for (unsigned r = 0; r < FAULT_REPS; r++) {
		uint8_t *p = map_span();
		uint64_t t0 = now_ns();

		for (unsigned long off = 0; off < SPAN; off += PAGE)
			p[off] = 1;
		took[r] = now_ns() - t0;
		munmap(p, SPAN);
	}
	qsort(took, FAULT_REPS, sizeof(took[0]), cmp_u64);
	result("fault64m", (double)percentile(took, FAULT_REPS, 50) / 1e6,
	       "ms");
}

static void part_tlb(void)
{
	const unsigned pages = SPAN / PAGE;
	uint8_t *p = map_span();
	uint32_t *order = malloc(pages * sizeof(*order));
	uint64_t seed = 12345, t0;

	if (!order)
		die("malloc");
	memset(p, 0, SPAN);
	/* A fixed pseudo-random permutation of the pages (Fisher-Yates). */
	for (unsigned i = 0; i < pages; i++)
		order[i] = i;
	for (unsigned i = pages - 1; i > 0; i--) {
		unsigned j;
		uint32_t t;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (unsigned)((seed >> 33) % (i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	t0 = now_ns();
	for (unsigned r = 0; r < TLB_ROUNDS; r++) {
		/* Read-modify-write one word per page, at an offset that moves
		 * with the round so the cache lines differ too. */
		unsigned long word = (r * 72u) % (PAGE / 8);

		for (unsigned i = 0; i < pages; i++) {
			uint64_t *w = (uint64_t *)(p + order[i] * PAGE) + word;

			*w += i;
		}
	}
	result("tlb64m", (double)(now_ns() - t0) / 1e6, "ms");
	free(order);
	munmap(p, SPAN);
}

static void part_syscall(void)
{
	uint64_t t0 = now_ns();

	for (unsigned i = 0; i < SYSCALL_CALLS; i++)
		syscall(SYS_getppid);
	result("getppid", (double)(now_ns() - t0) / SYSCALL_CALLS, "ns");
}

static void part_timer(void)
{
	static uint64_t over[SLEEP_COUNT];
	struct timespec ts;

	for (unsigned i = 0; i < SLEEP_COUNT; i++) {
		uint64_t target;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += SLEEP_NS;
		if (ts.tv_nsec >= 1000000000l) {
			ts.tv_nsec -= 1000000000l;
			ts.tv_sec++;
		}
		target = (uint64_t)ts.tv_sec * 1000000000ull +
			 (uint64_t)ts.tv_nsec;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		over[i] = now_ns() - target;
	}
	qsort(over, SLEEP_COUNT, sizeof(over[0]), cmp_u64);
	result("timer_median", (double)percentile(over, SLEEP_COUNT, 50) / 1e3,
	       "us");
	result("timer_p99", (double)percentile(over, SLEEP_COUNT, 99) / 1e3,
	       "us");
	result("timer_max", (double)over[SLEEP_COUNT - 1] / 1e3, "us");
}

/* Console output: CONSOLE_LINES lines written to the console (stdout) and
 * drained to the wire (tcdrain), time per byte.  Under a hypervisor each
 * byte is at least one trapped access to the emulated UART: an OUT to the
 * 16550 on x86, an MMIO write to the PL011 on Arm. */
static void part_console(void)
{
	char line[CONSOLE_WIDTH + 1];
	uint64_t t0;

	t0 = now_ns();
	for (unsigned i = 0; i < CONSOLE_LINES; i++) {
		int n = snprintf(line, sizeof(line),
				 "guestbench: console %03u ", i);

		memset(line + n, 'x', CONSOLE_WIDTH - 1 - (unsigned)n);
		line[CONSOLE_WIDTH - 1] = '\n';
		if (write(1, line, CONSOLE_WIDTH) != (ssize_t)CONSOLE_WIDTH)
			die("console write");
	}
	tcdrain(1);
	result("console",
	       (double)(now_ns() - t0) / 1e3 / (CONSOLE_LINES * CONSOLE_WIDTH),
	       "us");
}

/* Cross-CPU wake-up: the two threads hand one token back and forth through
 * a futex word; each hand-over wakes a thread sleeping on the other CPU. */
static uint32_t token;

static void pin(unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void futex_wait(uint32_t *addr, uint32_t val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Wait until token == @want, sleeping in the kernel while it is not. */
static void wait_for(uint32_t want)
{
	uint32_t v;

	while ((v = __atomic_load_n(&token, __ATOMIC_ACQUIRE)) != want)
		futex_wait(&token, v);
}

static void pass_to(uint32_t val)
{
	__atomic_store_n(&token, val, __ATOMIC_RELEASE);
	futex_wake(&token);
}

static void *ponger(void *arg)
{
	(void)arg;
	pin(1);
	for (unsigned i = 0; i < PINGPONG_WARMUP + PINGPONG_COUNT; i++) {
		wait_for(1);
		pass_to(0);
	}
	return NULL;
}

static void part_pingpong(void)
{
	static uint64_t rtt[PINGPONG_COUNT];
	pthread_t t;

	token = 0;
	pin(0);
	if (pthread_create(&t, NULL, ponger, NULL))
		die("pthread_create");
	for (unsigned i = 0; i < PINGPONG_WARMUP + PINGPONG_COUNT; i++) {
		uint64_t t0 = now_ns();

		pass_to(1);
		wait_for(0);
		if (i >= PINGPONG_WARMUP)
			rtt[i - PINGPONG_WARMUP] = now_ns() - t0;
	}
	pthread_join(t, NULL);
	qsort(rtt, PINGPONG_COUNT, sizeof(rtt[0]), cmp_u64);
	result("futex_rtt_median",
	       (double)percentile(rtt, PINGPONG_COUNT, 50) / 1e3, "us");
}

struct irq_count {
	unsigned long timer, ipi, other;
};

#if defined(__x86_64__)
/* x86 names its per-CPU lines: LOC is the local APIC timer; rescheduling,
 * function-call, TLB-shootdown and IRQ-work interrupts are IPIs
 * (arch/x86/kernel/irq.c, arch_show_interrupts()). */
static int is_timer(const char *name, const char *rest)
{
	(void)rest;
	return !strncmp(name + strspn(name, " "), "LOC:", 4);
}

static int is_ipi(const char *name)
{
	static const char *const ipis[] = { "RES:", "CAL:", "TLB:", "IWI:" };

	for (unsigned i = 0; i < sizeof(ipis) / sizeof(ipis[0]); i++)
		if (!strncmp(name, ipis[i], 4))
			return 1;
	return 0;
}
#else
/* arm64: the generic timer's line, and the IPI0..IPIn lines. */
static int is_timer(const char *name, const char *rest)
{
	(void)name;
	return strstr(rest, "arch_timer") != NULL;
}

static int is_ipi(const char *name)
{
	return !strncmp(name, "IPI", 3);
}
#endif

/* Sum /proc/interrupts over every CPU: the timer's line, the IPI lines, and
 * the rest.  All zero if it cannot be read. */
static struct irq_count irq_count(void)
{
	struct irq_count c = { 0, 0, 0 };
	char line[512];
	FILE *f = fopen("/proc/interrupts", "r");
	int cpus = 0;

	if (!f)
		return c;
	if (fgets(line, sizeof(line), f))
		for (char *p = strtok(line, " \t\n"); p;
		     p = strtok(NULL, " \t\n"))
			cpus++;
	while (fgets(line, sizeof(line), f)) {
		unsigned long sum = 0;
		char *p = line, *end;

		while (*p == ' ')
			p++;
		end = strchr(p, ':');
		if (!end)
			continue;
		p = end + 1;
		for (int i = 0; i < cpus; i++) {
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			sum += v;
			p = end;
		}
		if (is_timer(line, p))
			c.timer += sum;
		else if (is_ipi(line + strspn(line, " ")))
			c.ipi += sum;
		else
			c.other += sum;
	}
	fclose(f);
	return c;
}

static const struct part {
	const char *name;
	void (*run)(void);
} parts[] = {
	{ "alu", part_alu },	     { "fault", part_fault },
	{ "tlb", part_tlb },	     { "syscall", part_syscall },
	{ "timer", part_timer },     { "pingpong", part_pingpong },
	{ "console", part_console },
};

#define PART_COUNT (sizeof(parts) / sizeof(parts[0]))

int main(int argc, char **argv)
{
	printf("guestbench: start on %ld cpus\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);
	for (unsigned i = 0; i < PART_COUNT; i++) {
		int wanted = argc < 2;

		for (int a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], parts[i].name);
		if (wanted) {
			struct irq_count a = irq_count(), b;

			parts[i].run();
			b = irq_count();
			printf("guestbench: irqs %s timer=%lu ipi=%lu other=%lu\n",
			       parts[i].name, b.timer - a.timer, b.ipi - a.ipi,
			       b.other - a.other);
			fflush(stdout);
		}
	}
	printf("guestbench: done\n");
	fflush(stdout);
	return 0;
}
