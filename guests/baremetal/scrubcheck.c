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
 */
#include "baremetal/fdt.h"
#include "baremetal/manage.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"

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
	if (restarts == 0) {
		words = fill(SECRET);
		/* Every word holds it: the stores landed in this VM's RAM. */
		ASSERT_EQ(count_words(SECRET, false, &first), 0);
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

TEST(ram_is_zeroed)
{
	uint64_t first, n = count_words(0, false, &first);

	if (n)
		printf("scrubcheck: %lu words are not zero, the first at "
		       "0x%lx: 0x%lx\n",
		       n, first, *(volatile uint64_t *)(uintptr_t)first);
	ASSERT_EQ(n, 0);
}
