// SPDX-License-Identifier: MIT
/*
 * shikiri-cpu perf [PERIOD [MS]]: sampling on the PMU's overflow
 * interrupt, as `perf record` does it.  Opens a CPU-cycles event with a
 * sample period (perf_event_open(2)), spins for MS milliseconds, counts
 * the PERF_RECORD_SAMPLE records the kernel wrote into the ring buffer,
 * and compares the PMU's line in /proc/interrupts ("arm-pmu") before and
 * after: each sample is one overflow interrupt the VM took
 * (tests/system/test_pmu_perf.py, docs/isolation.md "PMU").
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cpuprobe.h"

#define DEFAULT_PERIOD 1000000ull /* cycles: 1 ms at QEMU's 1 GHz */
#define DEFAULT_MS 1000ull
#define RING_PAGES 16 /* data pages, a power of two */
#define PMU_IRQ_NAME "arm-pmu"

/* The PMU's line of /proc/interrupts: its number, label and total count. */
struct pmu_line {
	int irq;
	char label[96];
	unsigned long long count;
	bool found;
};

/*
 * "IRQ:  c0  c1 ...  chip  hwirq  trigger  name": the per-CPU counts are
 * the numbers after the colon; everything after them is the label.
 */
static void read_pmu_line(struct pmu_line *l)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[512];

	*l = (struct pmu_line){ .irq = -1 };
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p, *end;

		if (!strstr(line, PMU_IRQ_NAME))
			continue;
		l->irq = (int)strtol(line, &p, 10);
		if (*p != ':')
			continue;
		p++;
		for (;;) {
			unsigned long long n = strtoull(p, &end, 10);

			if (end == p)
				break;
			l->count += n;
			p = end;
		}
		p += strspn(p, " ");
		p[strcspn(p, "\n")] = '\0';
		snprintf(l->label, sizeof(l->label), "%s", p);
		l->found = true;
		break;
	}
	fclose(f);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Work the cycle counter sees: a loop the compiler cannot drop. */
static void spin(uint64_t ms)
{
	uint64_t end = now_ns() + ms * 1000000ull;
	volatile uint64_t x = 1;

	while (now_ns() < end)
		for (unsigned i = 0; i < 10000; i++)
			x = x * 6364136223846793005ull + 1;
}

/* Records of the ring buffer: samples and lost-sample counts. */
static void count_records(const struct perf_event_mmap_page *meta,
			  uint64_t *samples, uint64_t *lost)
{
	const uint8_t *data = (const uint8_t *)meta + meta->data_offset;
	uint64_t size = meta->data_size;
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;

	*samples = *lost = 0;
	while (tail < head) {
		struct perf_event_header h;
		uint64_t at = tail % size;

		/* A record may wrap around the end of the buffer. */
		for (unsigned i = 0; i < sizeof(h); i++)
			((uint8_t *)&h)[i] = data[(at + i) % size];
		if (h.size == 0)
			break;
		if (h.type == PERF_RECORD_SAMPLE) {
			(*samples)++;
		} else if (h.type == PERF_RECORD_LOST) {
			uint64_t n = 0;

			/* struct { header; u64 id; u64 lost; } */
			for (unsigned i = 0; i < sizeof(n); i++)
				((uint8_t *)&n)[i] =
					data[(at + sizeof(h) + 8 + i) % size];
			*lost += n;
		}
		tail += h.size;
	}
}

int perf_main(int argc, char **argv)
{
	uint64_t period = argc > 1 ? strtoull(argv[1], NULL, 0) :
				     DEFAULT_PERIOD;
	uint64_t ms = argc > 2 ? strtoull(argv[2], NULL, 0) : DEFAULT_MS;
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)(RING_PAGES + 1) * (size_t)page;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_CPU_CYCLES,
		.sample_period = period,
		.sample_type = PERF_SAMPLE_IP,
		.disabled = 1,
		.exclude_hv = 1,
		.wakeup_events = 1,
	};
	uint64_t samples = 0, lost = 0, cycles = 0;
	struct pmu_line before, after;
	void *ring;
	int fd;
	struct report r;

	report_start(&r, "perf");
	if (period == 0 || ms == 0) {
		fprintf(stderr, "usage: shikiri-cpu perf [PERIOD [MS]]\n");
		return 2;
	}
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (!report_check(&r, fd >= 0, "open", "cycles, sample_period %llu: %s",
			  (unsigned long long)period,
			  fd >= 0 ? "ok" : strerror(errno)))
		return report_end(&r);
	ring = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!report_check(&r, ring != MAP_FAILED, "ring", "%zu bytes: %s", len,
			  ring != MAP_FAILED ? "mapped" : strerror(errno))) {
		close(fd);
		return report_end(&r);
	}
	read_pmu_line(&before);
	ioctl(fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	spin(ms);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	read_pmu_line(&after);
	if (read(fd, &cycles, sizeof(cycles)) != sizeof(cycles))
		cycles = 0;
	count_records(ring, &samples, &lost);
	munmap(ring, len);
	close(fd);

	report_check(&r, cycles >= period, "counted", "%llu cycles in %llu ms",
		     (unsigned long long)cycles, (unsigned long long)ms);
	/* One sample per period the counter went through, give or take. */
	report_check(&r, samples > 0 && samples + lost >= cycles / period / 2,
		     "samples", "%llu samples, %llu lost, for %llu periods",
		     (unsigned long long)samples, (unsigned long long)lost,
		     (unsigned long long)(cycles / period));
	report_check(&r,
		     before.found && after.found &&
			     after.count > before.count &&
			     after.count - before.count >= samples,
		     "interrupts", "irq %d (%s): %llu -> %llu (+%llu)",
		     after.irq, after.found ? after.label : "no " PMU_IRQ_NAME,
		     before.count, after.count, after.count - before.count);
	return report_end(&r);
}
