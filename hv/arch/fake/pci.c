// SPDX-License-Identifier: MIT
/*
 * hv/arch/pci.h on the host: the model of fake_pci.h.  A write changes
 * the writable bits, clears the write-1-to-clear ones, and acts where a
 * device would: PCIe Initiate FLR, AF Initiate FLR, a D3hot -> D0 without
 * No_Soft_Reset put the function back to its power-on image (each only
 * through a capability its list shows, and that says it can).  MSI routing
 * is a fixed rule tests can check: guest destination d (address bits
 * 19:12, 0..FAKE_PCI_DESTS-1) becomes FAKE_PCI_DEST_BASE + d, the data
 * keeps its vector only; vectors below 0x20, other delivery modes, and
 * addresses outside 0xfee00000..0xfeefffff are refused.
 */
#include <string.h>

#include "fake_pci.h"
#include "hv/arch/pci.h"

struct fake_pci fake_pci;

static void record(enum fake_pci_op op, uint32_t bdf, uint64_t off,
		   unsigned size, uint64_t val)
{
	if (fake_pci.log_count < FAKE_PCI_LOG)
		fake_pci.log[fake_pci.log_count++] =
			(struct fake_pci_event){ op, bdf, off, size, val };
}

void fake_pci_reset(void)
{
	memset(&fake_pci, 0, sizeof(fake_pci));
}

struct fake_pci_fn *fake_pci_find(uint32_t bdf)
{
	for (unsigned i = 0; i < fake_pci.count; i++)
		if (fake_pci.fn[i].bdf == bdf)
			return &fake_pci.fn[i];
	return NULL;
}

static void put(uint8_t *a, unsigned off, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *a, unsigned off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)a[off + i] << (8 * i);
	return v;
}

struct fake_pci_fn *fake_pci_add(uint32_t bdf, uint32_t id, uint32_t class,
				 uint64_t mem_base)
{
	struct fake_pci_fn *f = &fake_pci.fn[fake_pci.count++];

	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	f->mem_base = mem_base;
	put(f->cfg, 0x00, 4, id);
	put(f->cfg, 0x08, 4, class);
	put(f->wmask, 0x04, 2, 0x07ff);	  /* command */
	put(f->w1c, 0x06, 2, 0xf900);	  /* status errors */
	put(f->wmask, 0x0c, 2, 0xffff);	  /* cache line, latency */
	put(f->wmask, 0x3c, 1, 0xff);	  /* interrupt line */
	put(f->cfg, 0x3d, 1, 1);	  /* INTA */
	put(f->cfg, 0x2c, 4, 0x11001af4); /* subsystem */
	return f;
}

void fake_pci_bar(struct fake_pci_fn *f, unsigned i, uint64_t base,
		  uint64_t size, bool io, bool is64)
{
	unsigned off = 0x10 + 4 * i;
	uint64_t mask = ~(size - 1);

	if (io) {
		put(f->cfg, off, 4, (base & 0xfffc) | 1);
		put(f->wmask, off, 4, mask & 0xfffc);
		return;
	}
	put(f->cfg, off, 4, (uint32_t)(base & ~0xfull) | (is64 ? 0xc : 0));
	put(f->wmask, off, 4, (uint32_t)mask & ~0xfu);
	if (is64) {
		put(f->cfg, off + 4, 4, base >> 32);
		put(f->wmask, off + 4, 4, mask >> 32);
	}
}

void fake_pci_cap(struct fake_pci_fn *f, unsigned at, unsigned id, unsigned len)
{
	(void)len;
	f->cfg[at] = (uint8_t)id;
	f->cfg[at + 1] = 0;
	if (f->cap_tail)
		f->cfg[f->cap_tail + 1] = (uint8_t)at;
	else
		f->cfg[0x34] = (uint8_t)at;
	f->cap_tail = at;
	f->cfg[0x06] |= 0x10;
}

void fake_pci_msi(struct fake_pci_fn *f, unsigned at, bool is64, bool maskable)
{
	unsigned data = is64 ? 12 : 8;

	fake_pci_cap(f, at, 0x05, 0);
	/* Multiple Message Capable: 4 vectors, which the guest never sees. */
	put(f->cfg, at + 2, 2,
	    (is64 ? 0x80 : 0) | (maskable ? 0x100 : 0) | 0x4);
	put(f->wmask, at + 2, 2, 0x71);
	put(f->wmask, at + 4, 4, 0xfffffffc);
	if (is64)
		put(f->wmask, at + 8, 4, 0xffffffff);
	put(f->wmask, at + data, 2, 0xffff);
	if (maskable)
		put(f->wmask, at + data + 4, 4, 0xf);
}

void fake_pci_msix(struct fake_pci_fn *f, unsigned at, unsigned entries,
		   unsigned bir, uint32_t table_off, uint32_t pba_off)
{
	fake_pci_cap(f, at, 0x11, 12);
	put(f->cfg, at + 2, 2, (entries - 1) & 0x7ff);
	put(f->wmask, at + 2, 2, 0xc000);
	put(f->cfg, at + 4, 4, table_off | bir);
	put(f->cfg, at + 8, 4, pba_off | bir);
	f->msix_at = table_off;
	f->msix_entries = entries;
	for (unsigned e = 0;
	     e < entries && table_off + 16 * e + 16 <= FAKE_PCI_MEM; e++)
		put(f->mem, table_off + 16 * e + 12, 4, 1);
}

void fake_pci_pcie(struct fake_pci_fn *f, unsigned at, bool flr)
{
	fake_pci_cap(f, at, 0x10, 0x3c);
	put(f->cfg, at + 2, 2, 0x0002); /* version 2, endpoint */
	put(f->cfg, at + 4, 4, flr ? 1u << 28 : 0);
	put(f->wmask, at + 8, 2, 0x7fff);
	put(f->w1c, at + 10, 2, 0x000f);
	f->pcie = at;
}

void fake_pci_af(struct fake_pci_fn *f, unsigned at)
{
	fake_pci_cap(f, at, 0x13, 6);
	f->cfg[at + 2] = 6;
	f->cfg[at + 3] = 0x3;
	f->af = at;
}

void fake_pci_pm(struct fake_pci_fn *f, unsigned at, bool no_soft_reset)
{
	fake_pci_cap(f, at, 0x01, 8);
	put(f->cfg, at + 2, 2, 0x0003);
	put(f->cfg, at + 4, 2, no_soft_reset ? 0x8 : 0);
	put(f->wmask, at + 4, 2, 0x0103);
	f->pm = at;
}

void fake_pci_ext(struct fake_pci_fn *f, unsigned at, unsigned id,
		  unsigned next)
{
	put(f->cfg, at, 4, id | 1u << 16 | (uint32_t)next << 20);
	if (id == 0x0001) /* AER: status RW1C, masks writable */
		for (unsigned o = 4; o < 0x48; o += 4)
			put(f->wmask, at + o, 4, 0xffffffff);
}

void fake_pci_ready(struct fake_pci_fn *f)
{
	for (unsigned i = 0; i < sizeof(f->cfg); i++)
		f->power_on[i] = f->cfg[i] & ~f->wmask[i];
}

uint32_t fake_pci_cfg32(const struct fake_pci_fn *f, unsigned off)
{
	return (uint32_t)get(f->cfg, off, 4);
}

uint32_t fake_pci_mem32(const struct fake_pci_fn *f, uint64_t pa)
{
	return (uint32_t)get(f->mem, (unsigned)(pa - f->mem_base), 4);
}

int fake_pci_find_event(unsigned from, enum fake_pci_op op, uint32_t bdf,
			uint64_t off)
{
	for (unsigned i = from; i < fake_pci.log_count; i++) {
		const struct fake_pci_event *e = &fake_pci.log[i];

		if (e->op == op && (bdf == ~0u || e->bdf == bdf) &&
		    (off == ~0ull || e->off == off))
			return (int)i;
	}
	return -1;
}

/* Power-on: config image, MSI-X entries masked, device memory kept. */
static void power_on(struct fake_pci_fn *f)
{
	memcpy(f->cfg, f->power_on, sizeof(f->cfg));
	for (unsigned e = 0;
	     e < f->msix_entries && f->msix_at + 16 * e + 16 <= FAKE_PCI_MEM;
	     e++) {
		put(f->mem, f->msix_at + 16 * e, 8, 0);
		put(f->mem, f->msix_at + 16 * e + 8, 4, 0);
		put(f->mem, f->msix_at + 16 * e + 12, 4, 1);
	}
	f->resets++;
	record(FAKE_PCI_RESET, f->bdf, 0, 0, f->resets);
}

static bool covers(unsigned off, unsigned size, unsigned at)
{
	return at >= off && at < off + size;
}

/*
 * Capability @id at @at, as the device presents its list now (a test or
 * a fuzzer may rewrite it): a device acts only on the capabilities it
 * shows, as any consistent device does.
 */
static unsigned listed(const struct fake_pci_fn *f, unsigned at, unsigned id)
{
	unsigned p = f->cfg[0x34] & 0xfcu;

	if (!at || !(f->cfg[0x06] & 0x10) || f->cfg[at] != id)
		return 0;
	for (unsigned n = 0; n < 48 && p >= 0x40;
	     n++, p = f->cfg[p + 1] & 0xfcu)
		if (p == at)
			return at;
	return 0;
}

uint32_t arch_pci_cfg_read(uint32_t bdf, unsigned off, unsigned size)
{
	struct fake_pci_fn *f = fake_pci_find(bdf);
	unsigned pcie;
	uint32_t v;

	fake_pci.cfg_reads++;
	if (!f || off + size > sizeof(f->cfg))
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	v = (uint32_t)get(f->cfg, off, size);
	pcie = listed(f, f->pcie, 0x10);
	if (pcie && f->tp_reads && covers(off, size, pcie + 10)) {
		f->tp_reads--;
		v |= 0x20u << (8 * (pcie + 10 - off));
	}
	return v;
}

void arch_pci_cfg_write(uint32_t bdf, unsigned off, unsigned size, uint32_t val)
{
	struct fake_pci_fn *f = fake_pci_find(bdf);
	unsigned pm_before, pcie, af, pm;

	record(FAKE_PCI_CFG_WRITE, bdf, off, size, val);
	if (!f || off + size > sizeof(f->cfg))
		return;
	pcie = listed(f, f->pcie, 0x10);
	af = listed(f, f->af, 0x13);
	pm = listed(f, f->pm, 0x01);
	pm_before = pm ? f->cfg[pm + 4] : 0;
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t *c = &f->cfg[off + i];

		*c = (uint8_t)((*c & ~f->wmask[off + i]) |
			       (b & f->wmask[off + i]));
		*c &= (uint8_t) ~(b & f->w1c[off + i]);
	}
	if (pcie && covers(off, size, pcie + 9) &&
	    (f->cfg[pcie + 4 + 3] & 0x10) &&
	    ((val >> (8 * (pcie + 9 - off))) & 0x80))
		power_on(f);
	else if (af && covers(off, size, af + 4) && (f->cfg[af + 3] & 2) &&
		 ((val >> (8 * (af + 4 - off))) & 1))
		power_on(f);
	else if (pm && covers(off, size, pm + 4) && (pm_before & 3) == 3 &&
		 !(f->cfg[pm + 4] & 3) && !(f->cfg[pm + 4] & 8))
		power_on(f);
}

static struct fake_pci_fn *mem_fn(uint64_t pa, unsigned size)
{
	for (unsigned i = 0; i < fake_pci.count; i++) {
		struct fake_pci_fn *f = &fake_pci.fn[i];

		if (pa >= f->mem_base &&
		    pa - f->mem_base <= FAKE_PCI_MEM - size)
			return f;
	}
	return NULL;
}

uint64_t arch_pci_mmio_read(uint64_t pa, unsigned size)
{
	struct fake_pci_fn *f = mem_fn(pa, size);

	if (!f)
		return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
	return get(f->mem, (unsigned)(pa - f->mem_base), size);
}

void arch_pci_mmio_write(uint64_t pa, unsigned size, uint64_t val)
{
	struct fake_pci_fn *f = mem_fn(pa, size);

	record(FAKE_PCI_MMIO_WRITE, 0, pa, size, val);
	if (f)
		put(f->mem, (unsigned)(pa - f->mem_base), size, val);
}

bool arch_pci_msi_route(struct vm *vm, uint64_t addr, uint32_t data,
			uint64_t *paddr, uint32_t *pdata)
{
	unsigned dest = (addr >> 12) & 0xffu;

	(void)vm;
	record(FAKE_PCI_ROUTE, 0, addr, 0, data);
	if ((addr & ~0xff000ull) != 0xfee00000ull || dest >= FAKE_PCI_DESTS ||
	    (data & 0xffu) < 0x20u || (data & 0x700u))
		return false;
	*paddr = 0xfee00000ull | (uint64_t)(FAKE_PCI_DEST_BASE + dest) << 12;
	*pdata = data & 0xffu;
	return true;
}

const struct shikiri_range *arch_pci_windows(const struct shikiri_plan_vm *rec)
{
	return rec->arch.aarch64.pci_mem;
}

void arch_pci_delay_us(unsigned us)
{
	record(FAKE_PCI_DELAY, 0, 0, 0, us);
	fake_pci.delay_us += us;
}
