/* SPDX-License-Identifier: MIT */
/*
 * scrubcheck: a VM's RAM holds nothing of its previous life after a
 * restart (tests/system/test_lifecycle_scrub.py).
 *
 * First boot (the hypervisor reports 0 restarts on the management page):
 * write a secret, one recognisable 64-bit word, into every word of RAM
 * outside this guest's own image and its device tree, read it all back,
 * and reset the VM with PSCI SYSTEM_RESET.  The hypervisor restarts it
 * (`on-reset = "restart"`), and the second boot looks at the same words:
 * the secret must be nowhere, and the words must be zero (the hypervisor
 * zeroes a VM's RAM before it reloads the payloads).  The image and the
 * device tree are left out on both boots: the first boot runs from them,
 * and at every start the hypervisor copies them in again.
 *
 * With the bootarg scrubcheck.mode=cold (tests/system/test_cold_scrub.py)
 * the VM never resets itself: each boot looks for the secret and the zeros
 * first, then plants the secret and powers the VM off, and the test resets
 * the whole machine warm (RAM kept): the VM of the next boot of the
 * hypervisor must find nothing.
 *
 * Where the VM has memory tagging (ID_AA64PFR1_EL1.MTE 2 or more), the
 * allocation tags go with the data: the guest maps its RAM Tagged, plants
 * a non-zero tag in every granule of the same words (STGM) next to the
 * secret, and the next life (or boot) must read every tag as zero (LDGM).
 */
#include "baremetal/bootargs.h"
#include "baremetal/fdt.h"
#include "baremetal/manage.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "comm/mmu.h"

/* The tag instructions need MTE on in the assembler. */
#define MTE_ASM ".arch armv8.5-a\n\t.arch_extension memtag\n\t"
/* Tag 9 in every granule of a block, one nibble each. */
#define TAGS 0x9999999999999999ull

/* The secret: "_eCrEt!Z" in ASCII, little-endian. */
#define SECRET ((uint64_t)0x5a2174457243655full)

struct span {
	uint64_t start, end;
};

/* The words looked at: RAM after the image, around the device tree. */
static struct span spans[2];
static unsigned span_count;

static void find_spans(void)
{
	uint64_t start = ALIGN_UP(platform_image_end(), 8);
	uint64_t end = platform.ram_base + platform.ram_size;
	uint64_t dtb = (uint64_t)(uintptr_t)platform.dtb;
	uint64_t dtb_end = ALIGN_UP(dtb + fdt_size(platform.dtb), 8);

	span_count = 0;
	if (dtb >= start && dtb_end <= end) {
		spans[span_count++] = (struct span){ start, dtb & ~7ull };
		spans[span_count++] = (struct span){ dtb_end, end };
	} else {
		spans[span_count++] = (struct span){ start, end };
	}
}

/* Words in the spans equal to @value (@equal) or different from it. */
static uint64_t count_words(uint64_t value, bool equal, uint64_t *first)
{
	uint64_t n = 0;

	*first = 0;
	for (unsigned s = 0; s < span_count; s++)
		for (uint64_t a = spans[s].start; a < spans[s].end; a += 8)
			if ((*(volatile uint64_t *)(uintptr_t)a == value) ==
			    equal) {
				if (!n++)
					*first = a;
			}
	return n;
}

static uint64_t fill(uint64_t value)
{
	uint64_t n = 0;

	for (unsigned s = 0; s < span_count; s++)
		for (uint64_t a = spans[s].start; a < spans[s].end; a += 8, n++)
			*(volatile uint64_t *)(uintptr_t)a = value;
	return n;
}

/* A granule-tag block (GMID_EL1.BS words), or 0 without MTE2. */
static uint64_t tag_block;

static void find_tag_block(void)
{
	/* ID_AA64PFR1_EL1.MTE, then GMID_EL1.BS. */
	if (((read_sysreg(S3_0_C0_C4_1) >> 8) & 0xf) < 2)
		return;
	tag_block = 4ull << (read_sysreg(S3_1_C0_C0_4) & 0xf);
	mmu_on_tagged();
}

/* Set (@set) the tags of the spans' whole blocks, or count non-zero ones. */
static uint64_t tag_walk(bool set, uint64_t *first)
{
	uint64_t n = 0;

	*first = 0;
	for (unsigned s = 0; s < span_count; s++) {
		uint64_t a = ALIGN_UP(spans[s].start, tag_block);
		uint64_t end = spans[s].end & ~(tag_block - 1);

		for (; a < end; a += tag_block) {
			uint64_t t = TAGS;

			if (set) {
				__asm__ volatile(MTE_ASM "stgm %0, [%1]"
						 :
						 : "r"(t), "r"(a)
						 : "memory");
				n++;
				continue;
			}
			__asm__ volatile(MTE_ASM "ldgm %0, [%1]"
					 : "=r"(t)
					 : "r"(a)
					 : "memory");
			if (t && !n++)
				*first = a;
		}
	}
	dsb(ish);
	return n;
}

/* Plant the tags and check they took: every block reads them back. */
static void plant_tags(void)
{
	uint64_t first, blocks;

	if (!tag_block)
		return;
	blocks = tag_walk(true, &first);
	printf("scrubcheck: planted tags in %lu blocks of %lu bytes, %lu "
	       "read back\n",
	       blocks, tag_block, tag_walk(false, &first));
}

/*
 * First boot: plant the secret and reset, never returning.  After the
 * restart: the hypervisor says this VM restarted exactly once.
 */
TEST(restarted_once)
{
	uint64_t page = manage_base(), words, first;
	uint32_t restarts;

	ASSERT_NE(page, 0);
	restarts = manage_own_restarts(page);
	find_spans();
	find_tag_block();
	if (bootargs_is("scrubcheck.mode", "cold"))
		SKIP_TEST("cold mode: the machine is reset, not the VM");
	if (restarts == 0) {
		words = fill(SECRET);
		/* Every word holds it: the stores landed in this VM's RAM. */
		ASSERT_EQ(count_words(SECRET, false, &first), 0);
		plant_tags();
		printf("scrubcheck: planted 0x%lx in %lu words of "
		       "[0x%lx, 0x%lx), resetting\n",
		       SECRET, words, spans[0].start,
		       spans[span_count - 1].end);
		psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		ASSERT_TRUE(!"PSCI SYSTEM_RESET returned");
	}
	ASSERT_EQ(restarts, 1);
}

TEST(secret_is_gone)
{
	uint64_t first, n = count_words(SECRET, true, &first);

	ASSERT_TRUE(span_count > 0);
	if (n)
		printf("scrubcheck: %lu words still hold the secret, the "
		       "first at 0x%lx\n",
		       n, first);
	ASSERT_EQ(n, 0);
}

/* Before ram_is_zeroed, which plants the secret again in cold mode. */
TEST(tags_are_zeroed)
{
	uint64_t first, n;

	if (!tag_block)
		SKIP_TEST("no MTE2: the VM has no allocation tags");
	n = tag_walk(false, &first);
	if (n)
		printf("scrubcheck: %lu tag blocks are not zero, the first at "
		       "0x%lx\n",
		       n, first);
	if (bootargs_is("scrubcheck.mode", "cold"))
		plant_tags();
	ASSERT_EQ(n, 0);
}

TEST(ram_is_zeroed)
{
	uint64_t first, n = count_words(0, false, &first);

	if (n)
		printf("scrubcheck: %lu words are not zero, the first at "
		       "0x%lx: 0x%lx\n",
		       n, first, *(volatile uint64_t *)(uintptr_t)first);
	/* Cold mode: leave the secret for the next boot of the machine. */
	if (bootargs_is("scrubcheck.mode", "cold"))
		printf("scrubcheck: planted 0x%lx in %lu words of [0x%lx, "
		       "0x%lx), for the next boot\n",
		       SECRET, fill(SECRET), spans[0].start,
		       spans[span_count - 1].end);
	ASSERT_EQ(n, 0);
}
