// SPDX-License-Identifier: MIT
/*
 * A function's BARs: found and sized once at boot (decode off meanwhile),
 * checked against the board's windows, and then fixed where the firmware
 * put them, guest-physical = physical.  The guest reads them as the
 * firmware left them and can size them (an all-ones write makes the BAR
 * read its size mask, emulated: the device never sees it); a write of any
 * other address is dropped and counted, so a BAR never moves.
 */
#include "hv/errno.h"
#include "hv/print.h"
#include "pci_int.h"

#define ONES 0xffffffffu
#define BAR_IO_FLAGS 0x3u
#define BAR_MEM_FLAGS 0xfu
#define BAR_MEM_TYPE 0x6u
#define BAR_MEM_TYPE_64 0x4u
#define BAR_MEM_TYPE_RESERVED 0x6u
#define BAR_PREFETCH 0x8u

static uint32_t hdr32(const struct pci_fn *fn, unsigned off)
{
	return (uint32_t)fn->header[off] | (uint32_t)fn->header[off + 1] << 8 |
	       (uint32_t)fn->header[off + 2] << 16 |
	       (uint32_t)fn->header[off + 3] << 24;
}

/* What the BAR at @off reads after an all-ones write; then as before. */
static uint32_t size_mask(const struct pci_fn *fn, unsigned off)
{
	uint32_t v;

	pci_wr(fn, off, 4, ONES);
	v = pci_rd(fn, off, 4);
	pci_wr(fn, off, 4, hdr32(fn, off));
	return v;
}

static bool in_range(uint64_t base, uint64_t size,
		     const struct shikiri_range *r)
{
	return r->size && base >= r->base && base - r->base < r->size &&
	       size <= r->size - (base - r->base);
}

static bool in_window(const struct pci_bar *b,
		      const struct shikiri_plan_pci *board)
{
	if (b->kind == PCI_BAR_IO)
		return in_range(b->base, b->size, &board->io);
	return in_range(b->base, b->size, &board->mem[0]) ||
	       in_range(b->base, b->size, &board->mem[1]);
}

static int refuse(const struct pci_fn *fn, unsigned i, const char *why)
{
	hv_log("pci %02x:%02x.%x: BAR %u %s", PCI_BUS(fn->bdf),
	       PCI_DEV(fn->bdf), PCI_FN(fn->bdf), i, why);
	return -HV_EINVAL;
}

/* Size BAR *@i (and the next, for a 64-bit one, stepping *@i past it). */
static int probe_one(struct pci_fn *fn, unsigned *i,
		     const struct shikiri_plan_pci *board)
{
	unsigned off = PCI_BAR0 + 4 * *i;
	uint32_t lo = hdr32(fn, off), m;
	struct pci_bar *b = &fn->bar[*i];
	uint64_t mask;

	if (lo & 1u) {
		/* Left unassigned by pci_assign.c: the VM gets no ports. */
		if (board->flags & SHIKIRI_PCI_BOARD_ASSIGN_BARS)
			return 0;
		m = size_mask(fn, off) & ~BAR_IO_FLAGS;
		if (!m)
			return 0;
		/* A device decoding 16-bit ports reads 0 above them. */
		if (!(m >> 16))
			m |= 0xffff0000u;
		*b = (struct pci_bar){ .base = lo & ~BAR_IO_FLAGS,
				       .size = (uint32_t)(~m + 1u),
				       .kind = PCI_BAR_IO };
	} else if ((lo & BAR_MEM_TYPE) == BAR_MEM_TYPE_RESERVED) {
		return refuse(fn, *i, "has a reserved type");
	} else if ((lo & BAR_MEM_TYPE) == BAR_MEM_TYPE_64) {
		if (*i + 1 >= PCI_MAX_BARS)
			return refuse(fn, *i, "is 64-bit in the last slot");
		mask = (uint64_t)size_mask(fn, off + 4) << 32 |
		       (size_mask(fn, off) & ~BAR_MEM_FLAGS);
		(*i)++;
		if (!mask)
			return 0;
		*b = (struct pci_bar){
			.base = (uint64_t)hdr32(fn, off + 4) << 32 |
				(lo & ~BAR_MEM_FLAGS),
			.size = ~mask + 1,
			.kind = PCI_BAR_MEM64,
			.prefetch = lo & BAR_PREFETCH,
		};
		fn->bar[*i].kind = PCI_BAR_MEM64_HI;
	} else {
		m = size_mask(fn, off) & ~BAR_MEM_FLAGS;
		if (!m)
			return 0;
		*b = (struct pci_bar){ .base = lo & ~BAR_MEM_FLAGS,
				       .size = (uint32_t)(~m + 1u),
				       .kind = PCI_BAR_MEM32,
				       .prefetch = lo & BAR_PREFETCH };
	}
	if (!b->size || (b->size & (b->size - 1)))
		return refuse(fn, *i, "sizes to no power of two");
	if (b->base & (b->size - 1))
		return refuse(fn, *i, "is not aligned to its size");
	/* A smaller one would share its page, which the VM gets whole, with
	 * whatever else the firmware put there. */
	if (b->kind != PCI_BAR_IO && b->size < SZ_4K)
		return refuse(fn, *i, "is smaller than a page");
	if (!in_window(b, board))
		return refuse(fn, *i, "is outside the board's PCI windows");
	return 0;
}

int pci_bar_probe(struct pci_fn *fn, const struct shikiri_plan_pci *board)
{
	uint16_t cmd = (uint16_t)(hdr32(fn, PCI_COMMAND) & 0xffffu);
	int ret = 0;

	/* With decode on, the device would claim whatever an all-ones BAR
	 * reads as while it is sized. */
	pci_wr(fn, PCI_COMMAND, 2, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	for (unsigned i = 0; i < PCI_MAX_BARS && !ret; i++)
		ret = probe_one(fn, &i, board);
	pci_wr(fn, PCI_COMMAND, 2, cmd);
	return ret;
}

uint64_t pci_bar_base(const struct pci_fn *fn, unsigned i)
{
	return fn->bar[i].base;
}

uint32_t pci_bar_read(const struct pci_fn *fn, unsigned i)
{
	const struct pci_bar *b = &fn->bar[i];
	uint32_t raw = hdr32(fn, PCI_BAR0 + 4 * i);

	switch (b->kind) {
	case PCI_BAR_IO:
		return b->sizing ? ((uint32_t) ~(b->size - 1) & ~BAR_IO_FLAGS) |
					   (raw & BAR_IO_FLAGS) :
				   raw;
	case PCI_BAR_MEM32:
	case PCI_BAR_MEM64:
		return b->sizing ?
			       ((uint32_t) ~(b->size - 1) & ~BAR_MEM_FLAGS) |
				       (raw & BAR_MEM_FLAGS) :
			       raw;
	case PCI_BAR_MEM64_HI:
		return b->sizing ?
			       (uint32_t)(~(fn->bar[i - 1].size - 1) >> 32) :
			       raw;
	default:
		return 0;
	}
}

void pci_bar_write(struct pci_fn *fn, unsigned i, unsigned bm, uint32_t dval)
{
	struct pci_bar *b = &fn->bar[i];
	uint32_t raw = hdr32(fn, PCI_BAR0 + 4 * i);
	uint32_t v = pci_merge(pci_bar_read(fn, i), bm, dval);
	uint32_t flags = b->kind == PCI_BAR_IO	     ? BAR_IO_FLAGS :
			 b->kind == PCI_BAR_MEM64_HI ? 0 :
						       BAR_MEM_FLAGS;

	if (b->kind == PCI_BAR_NONE)
		return;
	if ((v | flags) == ONES) {
		b->sizing = true;
		return;
	}
	b->sizing = false;
	if ((v & ~flags) == (raw & ~flags)) {
		/* Its own address back (a driver restoring its state after
		 * a reset): the device gets the firmware's value. */
		pci_wr(fn, PCI_BAR0 + 4 * i, 4, raw);
		return;
	}
	fn->refused++;
}

static unsigned emit(struct pci_map *out, unsigned n, unsigned max,
		     uint64_t base, uint64_t size, bool io)
{
	if (n < max)
		out[n++] = (struct pci_map){ base, size, io };
	return n;
}

unsigned pci_bar_maps(const struct pci_fn *fn, struct pci_map *out,
		      unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
		const struct pci_bar *b = &fn->bar[i];
		uint64_t at = b->base, end = b->base + b->size;

		if (b->kind == PCI_BAR_IO)
			n = emit(out, n, max, b->base, b->size, true);
		if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64)
			continue;
		/* The traps lie inside one BAR each, ascending (pci_msix.c). */
		for (unsigned k = 0; k < 2; k++) {
			const struct pci_trap *t = &fn->trap[k];

			if (!t->size || t->base < at || t->base >= end)
				continue;
			if (t->base > at)
				n = emit(out, n, max, at, t->base - at, false);
			at = t->base + t->size;
		}
		if (at < end)
			n = emit(out, n, max, at, end - at, false);
	}
	return n;
}
