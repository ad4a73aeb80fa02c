/* SPDX-License-Identifier: MIT */
/*
 * dmaprobe: a guest that owns QEMU's `edu` PCI device and makes it DMA as
 * an adversary would (tests/system/test_arm_pci.py).  The device finds
 * its way into the VM's own RAM, and nowhere else: the hypervisor's
 * SMMUv3 translates the device's addresses as the VM's IPAs and aborts
 * anything outside its RAM (docs/isolation.md).
 *
 * The edu device (QEMU's docs/specs/edu.rst) has a DMA engine between
 * RAM and a 4 KiB buffer of its own at device address 0x40000: source,
 * destination and count registers, and a command register whose bit 0
 * starts a transfer (cleared when it is done), bit 1 the direction.
 *
 * Every start the guest finds the device on its PCI bus and copies a
 * pattern through it from one of its pages into another; then it waits
 * for a key (so that a system test picks the moment and the attack):
 *
 *	w	the device writes its buffer to the physical address of one of
 *		the guest's own pages (dmaprobe.ram_pa + offset): outside the
 *		VM's IPA space, so the SMMU must abort it; were the device's
 *		addresses not translated, the write would land in that page,
 *		which the guest then checks
 *	r	the device reads another VM's RAM (dmaprobe.foreign) into its
 *		buffer, which the guest then copies out and checks: it must
 *		still hold the guest's own pattern
 *
 * The hypervisor then applies the VM's on-fault policy, which may stop or
 * restart the guest before it says what it found.
 *
 * Parameters (the system test takes them from `shikiri-build --explain`):
 *
 *	dmaprobe.ram_pa=A	physical address of the VM's RAM
 *	dmaprobe.foreign=A	a physical address in another VM's RAM
 */
#include "comm/comm.h"

#include "baremetal/fdt.h"
#include "baremetal/key.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"

#define EDU_VENDOR 0x1234u
#define EDU_DEVICE 0x11e8u
/* BAR 0 registers (QEMU docs/specs/edu.rst). */
#define EDU_ID 0x00
#define EDU_ID_VALUE 0x010000edu
#define EDU_LIVENESS 0x04
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_RUN BIT(0)
#define EDU_DMA_TO_RAM BIT(1)
#define EDU_BUFFER 0x40000ull
#define EDU_BAR_SIZE SZ_1M
#define PAGE 4096u
/*
 * Bytes a transfer moves: half the device's buffer, since QEMU 7.2's edu
 * takes a transfer that reaches the buffer's last byte for one beyond it
 * and stops QEMU with a hardware error.
 */
#define XFER (PAGE / 2)
/* edu completes a transfer 100 ms of virtual time after it starts. */
#define DMA_TIMEOUT_US 5000000ull
/* How long the guest waits for the hypervisor's verdict after an attack. */
#define VERDICT_WAIT_US 10000000ull
#define PATTERN_SEED 0x646d6170726f6265ull /* "dmaprobe" */
#define PATTERN_MUL 0x9e3779b97f4a7c15ull

static uint8_t marker[PAGE] __attribute__((aligned(PAGE)));
static uint8_t copy[PAGE] __attribute__((aligned(PAGE)));
static uint8_t victim[PAGE] __attribute__((aligned(PAGE)));

static struct {
	bool found;
	uint32_t devfn;
	uint64_t bar;
} edu;

static uint64_t ipa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Word @i of the pattern the guest moves through the device. */
static uint64_t pattern_word(unsigned i)
{
	return PATTERN_SEED ^ (i * PATTERN_MUL);
}

static void fill(uint8_t *page, bool pattern)
{
	uint64_t *w = (uint64_t *)page;

	for (unsigned i = 0; i < PAGE / 8; i++)
		w[i] = pattern ? pattern_word(i) : 0;
}

/*
 * Index of the first word of @page that differs: from the pattern in the
 * XFER bytes a transfer moves, or from zero in the whole page; -1 if none.
 */
static int mismatch(const uint8_t *page, bool pattern)
{
	const uint64_t *w = (const uint64_t *)page;

	for (unsigned i = 0; i < (pattern ? XFER : PAGE) / 8; i++)
		if (w[i] != (pattern ? pattern_word(i) : 0))
			return (int)i;
	return -1;
}

/* Whether the DMA engine went idle within DMA_TIMEOUT_US. */
static bool edu_idle(void)
{
	uint64_t end = timer_now_us() + DMA_TIMEOUT_US;

	while (mmio_read64(edu.bar + EDU_DMA_CMD) & EDU_DMA_RUN)
		if (timer_now_us() >= end)
			return false;
	dsb(sy);
	return true;
}

/*
 * One transfer of XFER bytes: @to_ram moves the device's buffer to @addr,
 * else @addr to the buffer.  Whether the engine finished in time (it
 * finishes whether or not the SMMU let the transfer through: edu ignores
 * the result).
 */
static bool edu_dma(uint64_t addr, bool to_ram)
{
	mmio_write64(edu.bar + EDU_DMA_SRC, to_ram ? EDU_BUFFER : addr);
	mmio_write64(edu.bar + EDU_DMA_DST, to_ram ? addr : EDU_BUFFER);
	mmio_write64(edu.bar + EDU_DMA_COUNT, XFER);
	dsb(sy);
	mmio_write64(edu.bar + EDU_DMA_CMD,
		     EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
	return edu_idle();
}

TEST(edu_on_the_bus)
{
	const struct comm *c = comm_get();
	unsigned seen = 0;
	uint32_t v;

	ASSERT_TRUE(!c->err);
	ASSERT_TRUE(c->has_pci);
	ASSERT_TRUE(c->probe_only);
	for (uint32_t devfn = 0; devfn < 256; devfn++) {
		uint32_t id = mmio_read32(comm_cfg(devfn, PCI_ID));

		if (id == ~0u)
			continue;
		printf("dmaprobe: 00:%02x.%u %04x:%04x\n", devfn >> 3,
		       devfn & 7, id & 0xffff, id >> 16);
		if (id == (EDU_DEVICE << 16 | EDU_VENDOR)) {
			seen++;
			edu.devfn = devfn;
		}
	}
	ASSERT_EQ(seen, 1);
	/* BAR 0: 32-bit memory, placed by the hypervisor in a window. */
	v = mmio_read32(comm_cfg(edu.devfn, PCI_BAR0));
	ASSERT_EQ(v & 0xf, 0);
	edu.bar = v & ~0xfull;
	ASSERT_TRUE(edu.bar != 0);
	ASSERT_EQ(edu.bar % EDU_BAR_SIZE, 0);
	ASSERT_TRUE(comm_in_window(PCI_WINDOW_MEM32, edu.bar, EDU_BAR_SIZE));
	mmio_write16(comm_cfg(edu.devfn, PCI_COMMAND),
		     PCI_CMD_MEM | PCI_CMD_MASTER);
	ASSERT_EQ(mmio_read16(comm_cfg(edu.devfn, PCI_COMMAND)) &
			  (PCI_CMD_MEM | PCI_CMD_MASTER),
		  PCI_CMD_MEM | PCI_CMD_MASTER);
	ASSERT_EQ(mmio_read32(edu.bar + EDU_ID), EDU_ID_VALUE);
	mmio_write32(edu.bar + EDU_LIVENESS, 0x5a5aa5a5u);
	ASSERT_EQ(mmio_read32(edu.bar + EDU_LIVENESS), ~0x5a5aa5a5u);
	/*
	 * edu has neither FLR nor a power-management reset, so a transfer
	 * this guest started before its VM was restarted may still be due
	 * (and the engine ignores new ones until it is done).
	 */
	ASSERT_TRUE(edu_idle());
	edu.found = true;
	printf("dmaprobe: edu at 00:%02x.%u, BAR 0 0x%lx\n", edu.devfn >> 3,
	       edu.devfn & 7, edu.bar);
}

/*
 * The highest page of the VM's RAM clear of the image and the device
 * tree: where the hypervisor's loader puts the tree is its business.
 */
static uint64_t top_page(void)
{
	uint64_t dtb = (uint64_t)(uintptr_t)platform.dtb;
	uint64_t dtb_end = ALIGN_UP(dtb + fdt_size(platform.dtb), PAGE);
	uint64_t p = platform.ram_base + platform.ram_size - PAGE;

	while (p >= dtb - (dtb % PAGE) && p < dtb_end)
		p -= PAGE;
	return p >= platform_image_end() ? p : 0;
}

TEST(dma_within_own_ram)
{
	uint64_t top = top_page(), t0, us;

	if (!edu.found)
		SKIP_TEST("no edu device");
	ASSERT_TRUE(top != 0);
	fill(marker, true);
	fill(copy, false);
	t0 = timer_now_us();
	ASSERT_TRUE(edu_dma(ipa(marker), false));
	us = timer_now_us() - t0;
	ASSERT_TRUE(edu_dma(ipa(copy), true));
	ASSERT_EQ(mismatch(copy, true), -1);
	/* The far end of RAM is the VM's too. */
	fill((uint8_t *)(uintptr_t)top, false);
	ASSERT_TRUE(edu_dma(top, true));
	ASSERT_EQ(mismatch((const uint8_t *)(uintptr_t)top, true), -1);
	printf("dmaprobe: DMA within RAM works (0x%lx, 0x%lx, 0x%lx), "
	       "%lu us a transfer\n",
	       ipa(marker), ipa(copy), top, us);
}

static void await_verdict(void)
{
	printf("dmaprobe: waiting for the hypervisor's verdict\n");
	timer_delay_us(VERDICT_WAIT_US);
	printf("dmaprobe: still running %lu s after the attack\n",
	       (uint64_t)(VERDICT_WAIT_US / 1000000));
}

/* The device writes the pattern to where @victim is physically. */
static void write_out(void)
{
	uint64_t pa, target;

	if (bootargs_u64("dmaprobe.ram_pa", &pa))
		SKIP_TEST("no dmaprobe.ram_pa");
	target = pa + (ipa(victim) - platform.ram_base);
	/* Else the target would be the VM's own RAM, and no attack. */
	ASSERT_TRUE(target >= platform.ram_base + platform.ram_size ||
		    target + PAGE <= platform.ram_base);
	fill(victim, false);
	ASSERT_TRUE(edu_dma(ipa(marker), false));
	printf("dmaprobe: DMA write to 0x%lx, outside RAM (physically own "
	       "IPA 0x%lx)\n",
	       target, ipa(victim));
	ASSERT_TRUE(edu_dma(target, true));
	ASSERT_EQ(mismatch(victim, false), -1);
	printf("dmaprobe: the write did not land\n");
	await_verdict();
}

/* The device reads another VM's RAM into its buffer. */
static void read_in(void)
{
	uint64_t foreign;

	if (bootargs_u64("dmaprobe.foreign", &foreign))
		SKIP_TEST("no dmaprobe.foreign");
	ASSERT_TRUE(foreign >= platform.ram_base + platform.ram_size ||
		    foreign + PAGE <= platform.ram_base);
	ASSERT_TRUE(edu_dma(ipa(marker), false));
	printf("dmaprobe: DMA read from 0x%lx, outside RAM\n", foreign);
	ASSERT_TRUE(edu_dma(foreign, false));
	fill(copy, false);
	ASSERT_TRUE(edu_dma(ipa(copy), true));
	ASSERT_EQ(mismatch(copy, true), -1);
	printf("dmaprobe: the read brought nothing in\n");
	await_verdict();
}

TEST(dma_outside_ram)
{
	int key;

	if (!edu.found)
		SKIP_TEST("no edu device");
	printf("dmaprobe: waiting for a key: w (write out) or r (read in)\n");
	key = key_wait();
	timer_delay_us(KEY_PAUSE_US);
	if (key == 'w')
		write_out();
	else if (key == 'r')
		read_in();
	else
		SKIP_TEST("key '%c': no attack", key);
}
