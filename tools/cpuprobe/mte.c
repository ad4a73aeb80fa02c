// SPDX-License-Identifier: MIT
/*
 * shikiri-cpu mte: the Memory Tagging Extension from Linux userspace, as
 * Documentation/arm64/memory-tagging-extension.rst describes it: a
 * PROT_MTE mapping, synchronous tag checking (PR_SET_TAGGED_ADDR_CTRL
 * with PR_MTE_TCF_SYNC), allocation tags set (STG) and read back (LDG) on
 * every granule of 16 pages, random tags (IRG) that honour the tag mask, and an access
 * through a pointer whose tag does not match its memory's taking SIGSEGV
 * with si_code SEGV_MTESERR.  Controls: with tag checking off, and on
 * memory mapped without PROT_MTE, the same access does not fault.
 *
 * Only the functions holding the MTE instructions are compiled for them
 * (target "+memtag"), so the program itself runs on any arm64 CPU and says
 * "not present" where the kernel found no MTE (HWCAP2_MTE clear).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cpuprobe.h"

#define GRANULE 16u		 /* bytes per allocation tag */
#define TAG_SHIFT 56		 /* a pointer's tag: bits 59:56 */
#define TOP_BYTE (0xffull << 56) /* ignored by translation (TBI) */
#define TAGS 16u		 /* 4-bit tags */
#define ALL_BUT_ZERO 0xfffeu	 /* IRG may pick tags 1-15 */
#define ONLY_TAG 5u		 /* for the mask check: IRG must pick it */
#define PAGES 16u		 /* the tagged mapping */
#define IRG_TRIES 64u

/*
 * The accesses that may fault: one instruction each, at a known address,
 * so that the SIGSEGV handler can step over exactly that instruction.
 */
uint8_t mte_probe_load(const volatile void *p);
void mte_probe_store(volatile void *p, uint8_t v);

__asm__(".text\n"
	".p2align 2\n"
	".globl mte_probe_load\n"
	".type mte_probe_load, %function\n"
	"mte_probe_load:\n"
	"	ldrb	w0, [x0]\n"
	"	ret\n"
	".size mte_probe_load, . - mte_probe_load\n"
	".globl mte_probe_store\n"
	".type mte_probe_store, %function\n"
	"mte_probe_store:\n"
	"	strb	w1, [x0]\n"
	"	ret\n"
	".size mte_probe_store, . - mte_probe_store\n");

/* Granules per page, from sysconf. */
static size_t page_granules;

/* What the last fault at a probe was; faults is 0 when none came. */
static volatile sig_atomic_t faults;
static volatile int fault_code;
static volatile uintptr_t fault_addr;

static void on_segv(int sig, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;
	uintptr_t pc = uc->uc_mcontext.pc;

	(void)sig;
	if (pc != (uintptr_t)mte_probe_load &&
	    pc != (uintptr_t)mte_probe_store) {
		/* Not a probe: a real crash, which must not be hidden. */
		signal(SIGSEGV, SIG_DFL);
		return;
	}
	faults++;
	fault_code = info->si_code;
	fault_addr = (uintptr_t)info->si_addr;
	uc->uc_mcontext.pc = pc + 4;
}

static void *with_tag(const void *p, unsigned tag)
{
	return (void *)(((uintptr_t)p & ~TOP_BYTE) |
			((uintptr_t)tag << TAG_SHIFT));
}

static unsigned tag_of(const void *p)
{
	return (unsigned)((uintptr_t)p >> TAG_SHIFT) & (TAGS - 1);
}

/*
 * The MTE instructions need an Armv8.5 assembler target; only these three
 * functions get it, and they are called once HWCAP2_MTE is known set.
 */
#pragma GCC push_options
#pragma GCC target("arch=armv8.5-a+memtag")

/* STG: the granule at @p gets @p's tag as its allocation tag. */
static void set_tag(void *p)
{
	__asm__ volatile("stg %0, [%0]" : : "r"(p) : "memory");
}

/* LDG: the allocation tag of the granule at @p. */
static unsigned load_tag(const void *p)
{
	const void *t = p;

	__asm__ volatile("ldg %0, [%1]" : "+r"(t) : "r"(p) : "memory");
	return tag_of(t);
}

/* IRG: @p with a random tag the tag mask (GCR_EL1) allows. */
static void *random_tag(const void *p)
{
	void *t;

	__asm__ volatile("irg %0, %1" : "=r"(t) : "r"(p));
	return t;
}
#pragma GCC pop_options

/* Tag checking per @tcf (PR_MTE_TCF_*), IRG drawing from @mask. */
static bool set_ctrl(unsigned long tcf, unsigned long mask)
{
	return prctl(PR_SET_TAGGED_ADDR_CTRL,
		     PR_TAGGED_ADDR_ENABLE | tcf | mask << PR_MTE_TAG_SHIFT, 0,
		     0, 0) == 0;
}

/*
 * The tag the test gives granule @i: that of its page, 1-15, neighbouring
 * pages differ.  One tag per page, not per granule, because QEMU 7.2's
 * TCG (Debian's 7.2.22 included) drops the offset within the page when it
 * finds a granule's tag (target/arm/mte_helper.c allocation_tag_mem(),
 * fixed upstream later): there every even granule of a page shares one
 * tag, every odd one another.  Per page, tags behave as on hardware.
 */
static unsigned planned_tag(size_t i)
{
	return 1 + (unsigned)(i / page_granules % (TAGS - 1));
}

/* Load through @p; whether it faulted, and with which code and address. */
static bool load_faults(const void *p, uint8_t *value)
{
	sig_atomic_t before = faults;

	*value = mte_probe_load(p);
	return faults != before;
}

static bool store_faults(void *p, uint8_t value)
{
	sig_atomic_t before = faults;

	mte_probe_store(p, value);
	return faults != before;
}

static void check_tags(struct report *r, uint8_t *mem, size_t len)
{
	size_t granules = len / GRANULE, fresh = 0, kept = 0, first = granules;
	unsigned seen = 0;

	for (size_t i = 0; i < granules; i++)
		fresh += load_tag(mem + i * GRANULE) == 0;
	report_check(r, fresh == granules, "fresh-tags",
		     "%zu of %zu granules of a new mapping tagged 0", fresh,
		     granules);
	for (size_t i = 0; i < granules; i++)
		set_tag(with_tag(mem + i * GRANULE, planned_tag(i)));
	for (size_t i = 0; i < granules; i++) {
		unsigned t = load_tag(mem + i * GRANULE);

		if (t == planned_tag(i))
			kept++;
		else if (first == granules)
			first = i, seen = t;
	}
	report_check(r, kept == granules, "tag-store",
		     "%zu of %zu granules read back the tag STG set%s", kept,
		     granules, kept == granules ? "" : "; first wrong:");
	if (kept != granules)
		printf("mte: granule %zu at offset 0x%zx: tag %u, set %u\n",
		       first, first * GRANULE, seen, planned_tag(first));
}

/*
 * Through the probes, so that a tag that does not match (a failure of the
 * check before) is counted, not a crash.
 */
static void check_access(struct report *r, uint8_t *mem, size_t len)
{
	size_t granules = len / GRANULE, good = 0;
	sig_atomic_t before = faults;

	for (size_t i = 0; i < granules; i++) {
		uint8_t *p = with_tag(mem + i * GRANULE, planned_tag(i));

		for (unsigned b = 0; b < GRANULE; b++)
			mte_probe_store(p + b, (uint8_t)(i + b));
	}
	for (size_t i = 0; i < granules; i++) {
		const uint8_t *p = with_tag(mem + i * GRANULE, planned_tag(i));
		unsigned b = 0;

		while (b < GRANULE && mte_probe_load(p + b) == (uint8_t)(i + b))
			b++;
		good += b == GRANULE;
	}
	report_check(r, good == granules && faults == before, "tagged-access",
		     "%zu of %zu granules stored and loaded through matching "
		     "tags, %u faults",
		     good, granules, (unsigned)(faults - before));
}

static void check_irg(struct report *r, uint8_t *mem)
{
	unsigned zero = 0, only = 0, seen = 0;

	for (unsigned i = 0; i < IRG_TRIES; i++) {
		unsigned t = tag_of(random_tag(mem));

		zero += t == 0;
		seen |= 1u << t;
	}
	report_check(r, zero == 0, "irg-mask",
		     "%u of %u random tags were the excluded tag 0, tags seen "
		     "0x%04x",
		     zero, IRG_TRIES, seen);
	if (!set_ctrl(PR_MTE_TCF_SYNC, 1u << ONLY_TAG)) {
		report_check(r, false, "irg-only", "prctl: %m");
		return;
	}
	for (unsigned i = 0; i < IRG_TRIES; i++)
		only += tag_of(random_tag(mem)) == ONLY_TAG;
	report_check(r, only == IRG_TRIES, "irg-only",
		     "%u of %u random tags were %u, the only one allowed", only,
		     IRG_TRIES, ONLY_TAG);
	set_ctrl(PR_MTE_TCF_SYNC, ALL_BUT_ZERO);
}

static void check_faults(struct report *r, uint8_t *mem, uint8_t *plain)
{
	/* A granule of the second page; one tag more is wrong for it. */
	size_t g = page_granules + 3;
	uint8_t *good = with_tag(mem + g * GRANULE, planned_tag(g));
	uint8_t *bad = with_tag(good, planned_tag(g) % (TAGS - 1) + 1);
	uintptr_t want = (uintptr_t)good & ~TOP_BYTE;
	uint8_t v, old = *good;
	bool hit;

	hit = load_faults(bad, &v);
	report_check(r,
		     hit && fault_code == SEGV_MTESERR &&
			     (fault_addr & ~TOP_BYTE) == want,
		     "mismatch-load",
		     "load through tag %u from memory tagged %u: %s, si_code "
		     "%d (SEGV_MTESERR %d), si_addr 0x%lx (want 0x%lx)",
		     tag_of(bad), load_tag(good), hit ? "SIGSEGV" : "no fault",
		     hit ? fault_code : 0, SEGV_MTESERR,
		     hit ? (unsigned long)fault_addr : 0ul,
		     (unsigned long)want);

	hit = store_faults(bad, (uint8_t)~old);
	report_check(r, hit && fault_code == SEGV_MTESERR && *good == old,
		     "mismatch-store",
		     "store through tag %u: %s, si_code %d, memory %s",
		     tag_of(bad), hit ? "SIGSEGV" : "no fault",
		     hit ? fault_code : 0,
		     *good == old ? "unchanged" : "written");

	if (!set_ctrl(PR_MTE_TCF_NONE, ALL_BUT_ZERO)) {
		report_check(r, false, "unchecked", "prctl TCF_NONE: %m");
		return;
	}
	hit = load_faults(bad, &v);
	report_check(r, !hit && v == old, "unchecked",
		     "with tag checks off the same load %s, read 0x%02x "
		     "(0x%02x)",
		     hit ? "faulted" : "did not fault", v, old);
	set_ctrl(PR_MTE_TCF_SYNC, ALL_BUT_ZERO);

	*plain = 0x5a;
	hit = load_faults(with_tag(plain, 3), &v);
	report_check(r, !hit && v == 0x5a, "untagged-memory",
		     "load through tag 3 from memory mapped without PROT_MTE "
		     "%s",
		     hit ? "faulted" : "did not fault");
}

int mte_main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = PAGES * page;
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO };
	struct report r;
	uint8_t *mem, *plain;
	long ctrl;

	(void)argc;
	(void)argv;
	page_granules = page / GRANULE;
	report_start(&r, "mte");
	if (!report_present(&r, getauxval(AT_HWCAP2) & HWCAP2_MTE, "HWCAP2_MTE",
			    "MTE"))
		return report_end(&r);

	ctrl = set_ctrl(PR_MTE_TCF_SYNC, ALL_BUT_ZERO) ?
		       prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0) :
		       -1;
	if (!report_check(&r, ctrl >= 0 && (ctrl & PR_MTE_TCF_SYNC), "tcf-sync",
			  "PR_SET_TAGGED_ADDR_CTRL: ctrl 0x%lx%s", ctrl,
			  ctrl < 0 ? " (refused)" : ""))
		return report_end(&r);

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_MTE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	plain = mmap(NULL, page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!report_check(&r, mem != MAP_FAILED && plain != MAP_FAILED, "mmap",
			  "PROT_MTE, %zu bytes: %s", len,
			  mem == MAP_FAILED ? "refused" : "mapped"))
		return report_end(&r);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);

	check_tags(&r, mem, len);
	check_access(&r, mem, len);
	check_irg(&r, mem);
	check_faults(&r, mem, plain);
	return report_end(&r);
}
