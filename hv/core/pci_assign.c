// SPDX-License-Identifier: MIT
/*
 * BAR assignment, for boards where no firmware did it (QEMU virt booted
 * straight into the hypervisor: SHIKIRI_PCI_BOARD_ASSIGN_BARS).  At boot,
 * before pci_vm_init() reads the BARs, each memory BAR of the functions a
 * VM owns is sized and placed in the VM's PCI windows (guest-physical =
 * physical), the first window before the second, the largest BAR first
 * and each aligned to its size: with sizes that are powers of two taken in
 * falling order, every BAR lands right after the one before, so a window
 * holds as much as its size allows.  A 32-bit BAR only goes below 4 GiB.
 * A BAR gets a page at least, so no two functions share one.  I/O BARs
 * and expansion ROMs are left off: the hypervisor never gives a VM I/O
 * ports on this kind of board.  Memory decode is turned on, as firmware
 * leaves it; the guest sees the BARs where they are (pci_bar.c), and its
 * device tree says linux,pci-probe-only.
 */
#include "hv/errno.h"
#include "hv/print.h"
#include "pci_int.h"

#define ONES 0xffffffffu
#define BAR_IO 0x1u
#define BAR_MEM_FLAGS 0xfu
#define BAR_MEM_TYPE 0x6u
#define BAR_MEM_TYPE_32 0x0u
#define BAR_MEM_TYPE_64 0x4u
#define ROM_ENABLE 0x1u
#define LIMIT_32 (1ull << 32)

/* One memory BAR to place. */
struct slot {
	uint32_t bdf;
	uint8_t bar; /* its index; a 64-bit one takes bar + 1 too */
	bool is64;
	uint64_t size;
};

/* Boot CPU only, one VM at a time: no stack for 96 of them. */
static struct slot slots[SHIKIRI_MAX_PCI * PCI_MAX_BARS];

static uint32_t rd32(uint32_t bdf, unsigned off)
{
	return arch_pci_cfg_read(bdf, off, 4);
}

static void wr32(uint32_t bdf, unsigned off, uint32_t v)
{
	arch_pci_cfg_write(bdf, off, 4, v);
}

/* What the BAR dword at @off reads after an all-ones write; then 0. */
static uint32_t size_mask(uint32_t bdf, unsigned off)
{
	uint32_t v;

	wr32(bdf, off, ONES);
	v = rd32(bdf, off);
	wr32(bdf, off, 0);
	return v;
}

/*
 * Size BAR *@i of @bdf (both halves of a 64-bit one, stepping *@i past
 * it) and note it in @s when it is a memory BAR that decodes.  Return:
 * whether it is one.  Anything odd (a reserved type, a size that is no
 * power of two) is left at 0 for pci_bar_probe() to refuse and say why.
 */
static bool size_bar(uint32_t bdf, unsigned *i, struct slot *s)
{
	unsigned off = PCI_BAR0 + 4 * *i;
	uint32_t lo = size_mask(bdf, off);
	uint64_t mask;

	if (lo & BAR_IO)
		return false;
	if ((lo & BAR_MEM_TYPE) == BAR_MEM_TYPE_64 && *i + 1 < PCI_MAX_BARS) {
		mask = (uint64_t)size_mask(bdf, off + 4) << 32 |
		       (lo & ~BAR_MEM_FLAGS);
		*s = (struct slot){ .bdf = bdf,
				    .bar = (uint8_t)*i,
				    .is64 = true };
		(*i)++;
	} else if ((lo & BAR_MEM_TYPE) == BAR_MEM_TYPE_32) {
		mask = 0xffffffff00000000ull | (lo & ~BAR_MEM_FLAGS);
		*s = (struct slot){ .bdf = bdf, .bar = (uint8_t)*i };
	} else {
		return false;
	}
	s->size = ~mask + 1;
	return (mask & ONES) && !(s->size & (s->size - 1));
}

/*
 * Decode off, then every BAR of @bdf sized and zeroed and the expansion
 * ROM disabled; its memory BARs appended to slots from *@n.  A function
 * that is not there or is a bridge is left alone: pci_vm_init() refuses
 * it with the reason.
 */
static void collect(uint32_t bdf, unsigned *n)
{
	uint16_t cmd;

	if ((rd32(bdf, PCI_VENDOR) & 0xffffu) == 0xffffu ||
	    (arch_pci_cfg_read(bdf, PCI_HEADER_TYPE, 1) & 0x7fu))
		return;
	cmd = (uint16_t)arch_pci_cfg_read(bdf, PCI_COMMAND, 2);
	arch_pci_cfg_write(bdf, PCI_COMMAND, 2,
			   cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	for (unsigned i = 0; i < PCI_MAX_BARS; i++)
		if (size_bar(bdf, &i, &slots[*n]))
			(*n)++;
	wr32(bdf, PCI_ROM, rd32(bdf, PCI_ROM) & ~ROM_ENABLE);
}

/* Slots from largest to smallest; equal ones in function and BAR order. */
static void sort(unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct slot s = slots[i];
		unsigned j = i;

		for (; j && slots[j - 1].size < s.size; j--)
			slots[j] = slots[j - 1];
		slots[j] = s;
	}
}

/*
 * Whether @s fits in window @w from @next[w] on, aligned to its size (a
 * page at least); *@at: the lowest such address.
 */
static bool fit(const struct slot *s, const struct shikiri_range *win,
		const uint64_t *next, unsigned w, uint64_t *at)
{
	uint64_t align = MAX(s->size, SZ_4K), end = win[w].base + win[w].size;

	*at = ALIGN_UP(next[w], align);
	if (!win[w].size || *at < next[w] || *at >= end || align > end - *at)
		return false;
	return s->is64 || (*at < LIMIT_32 && align <= LIMIT_32 - *at);
}

static void place(const struct slot *s, uint64_t at)
{
	unsigned off = PCI_BAR0 + 4 * s->bar;

	wr32(s->bdf, off, (uint32_t)at);
	if (s->is64)
		wr32(s->bdf, off + 4, (uint32_t)(at >> 32));
}

int pci_assign_bars(const char *vm_name, const struct shikiri_pci_fn *fns,
		    unsigned count, const struct shikiri_range *win)
{
	uint64_t next[2] = { 0, 0 };
	unsigned n = 0;

	if (!win || (!win[0].size && !win[1].size)) {
		hv_log("vm %s: no PCI window to put its functions' BARs in",
		       vm_name);
		return -HV_EINVAL;
	}
	for (unsigned w = 0; w < 2; w++)
		next[w] = win[w].base;
	for (unsigned f = 0; f < count; f++)
		collect(fns[f].bdf, &n);
	sort(n);
	for (unsigned i = 0; i < n; i++) {
		const struct slot *s = &slots[i];
		unsigned w = 0;
		uint64_t at;

		if (!fit(s, win, next, w, &at) &&
		    !fit(s, win, next, ++w, &at)) {
			hv_log("vm %s: pci %02x:%02x.%x BAR %u (%lu KiB) does "
			       "not fit in its PCI windows",
			       vm_name, PCI_BUS(s->bdf), PCI_DEV(s->bdf),
			       PCI_FN(s->bdf), s->bar,
			       (unsigned long)(s->size >> 10));
			return -HV_ENOMEM;
		}
		place(s, at);
		next[w] = at + MAX(s->size, SZ_4K);
	}
	/* Memory decode on where there is memory to decode, as firmware. */
	for (unsigned f = 0; f < count; f++)
		for (unsigned i = 0; i < n; i++)
			if (slots[i].bdf == fns[f].bdf) {
				uint32_t cmd = arch_pci_cfg_read(
					fns[f].bdf, PCI_COMMAND, 2);

				arch_pci_cfg_write(fns[f].bdf, PCI_COMMAND, 2,
						   cmd | PCI_CMD_MEM);
				break;
			}
	return 0;
}
