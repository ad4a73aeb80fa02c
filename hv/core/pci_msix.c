// SPDX-License-Identifier: MIT
/*
 * MSI-X (PCI Local Bus 3.0, 6.8.2), emulated: the pages of the BARs that
 * hold the table and the PBA trap (the arch leaves them out of the VM's
 * nested page tables); each table entry the guest writes is a shadow, and
 * the device's entry holds arch_pci_msi_route()'s translation, or stays
 * masked when the guest masks it or the arch refuses the message.  The
 * device's entry is masked while it is rewritten.  Other bytes of a
 * trapped page (the PBA, registers that share the page) pass through at
 * the access's size.  The capability's Enable and Function Mask pass:
 * every entry the device can use holds a translated message or is masked.
 */
#include "hv/errno.h"
#include "hv/print.h"
#include "pci_int.h"

#define ENTRIES_PER_PAGE (PAGE_SIZE / sizeof(struct pci_msix_entry))

static uint64_t table_base(const struct pci_fn *fn)
{
	return pci_bar_base(fn, fn->msix_table_bar) + fn->msix_table_off;
}

static int refuse(const struct pci_fn *fn, const char *why)
{
	hv_log("pci %02x:%02x.%x: MSI-X %s", PCI_BUS(fn->bdf), PCI_DEV(fn->bdf),
	       PCI_FN(fn->bdf), why);
	return -HV_EINVAL;
}

/* Whether [@off, @off + @size) of BAR @bir is inside a memory BAR. */
static bool in_bar(const struct pci_fn *fn, unsigned bir, uint64_t off,
		   uint64_t size)
{
	const struct pci_bar *b;

	if (bir >= PCI_MAX_BARS)
		return false;
	b = &fn->bar[bir];
	return (b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64) &&
	       off < b->size && size <= b->size - off;
}

static struct pci_trap pages(struct pci_fn *fn, uint64_t pa, uint64_t size)
{
	uint64_t base = ALIGN_DOWN(pa, SZ_4K);

	return (struct pci_trap){ fn, base, ALIGN_UP(pa + size, SZ_4K) - base };
}

/* The table's and the PBA's pages, one trap when they touch. */
static void set_traps(struct pci_fn *fn, uint64_t pba_size)
{
	struct pci_trap a =
		pages(fn, table_base(fn),
		      (uint64_t)fn->msix_entries * PCI_MSIX_ENTRY_SIZE);
	struct pci_trap b =
		pages(fn, pci_bar_base(fn, fn->msix_pba_bar) + fn->msix_pba_off,
		      pba_size);

	if (b.base < a.base) {
		struct pci_trap t = a;

		a = b;
		b = t;
	}
	if (b.base <= a.base + a.size) {
		a.size = MAX(a.base + a.size, b.base + b.size) - a.base;
		b = (struct pci_trap){ 0 };
	}
	fn->trap[0] = a;
	fn->trap[1] = b;
}

/* Shadow entries from consecutive pool pages, as many as it gives. */
static void shadow(struct pci_fn *fn, struct page_pool *pool)
{
	unsigned want =
		(fn->msix_entries + ENTRIES_PER_PAGE - 1) / ENTRIES_PER_PAGE;
	unsigned got = 0;
	unsigned char *first = NULL;

	while (pool && got < want) {
		unsigned char *p = page_pool_alloc(pool);

		if (!p || (first && p != first + (size_t)got * PAGE_SIZE))
			break;
		if (!first)
			first = p;
		got++;
	}
	fn->msix = (struct pci_msix_entry *)first;
	fn->msix_shadowed =
		(uint16_t)MIN(fn->msix_entries, got * ENTRIES_PER_PAGE);
	if (fn->msix_shadowed < fn->msix_entries)
		hv_log("pci %02x:%02x.%x: MSI-X entries %u..%u stay masked: "
		       "no memory to shadow them",
		       PCI_BUS(fn->bdf), PCI_DEV(fn->bdf), PCI_FN(fn->bdf),
		       fn->msix_shadowed, fn->msix_entries - 1u);
	pci_msix_forget(fn);
}

int pci_msix_init(struct pci_fn *fn, struct page_pool *pool)
{
	unsigned cap = fn->msix_cap;
	uint32_t table, pba;
	uint64_t pba_size;

	if (!cap)
		return 0;
	fn->msix_entries = (uint16_t)((pci_rd(fn, cap + PCI_MSIX_CTRL, 2) &
				       PCI_MSIX_SIZE) +
				      1u);
	table = pci_rd(fn, cap + PCI_MSIX_TABLE, 4);
	pba = pci_rd(fn, cap + PCI_MSIX_PBA, 4);
	fn->msix_table_bar = table & PCI_MSIX_BIR;
	fn->msix_table_off = table & ~PCI_MSIX_BIR;
	fn->msix_pba_bar = pba & PCI_MSIX_BIR;
	fn->msix_pba_off = pba & ~PCI_MSIX_BIR;
	pba_size = (fn->msix_entries + 63u) / 64u * 8u;
	if (!in_bar(fn, fn->msix_table_bar, fn->msix_table_off,
		    (uint64_t)fn->msix_entries * PCI_MSIX_ENTRY_SIZE))
		return refuse(fn, "table is not inside a memory BAR");
	if (!in_bar(fn, fn->msix_pba_bar, fn->msix_pba_off, pba_size))
		return refuse(fn, "PBA is not inside a memory BAR");
	set_traps(fn, pba_size);
	shadow(fn, pool);
	return 0;
}

bool pci_msix_owns(const struct pci_fn *fn, unsigned d)
{
	return fn->msix_cap && d >= fn->msix_cap &&
	       d < fn->msix_cap + PCI_MSIX_CAP_SIZE;
}

/* Give the device's entry @i the translation of the guest's, or mask it. */
static void program(struct pci_fn *fn, unsigned i)
{
	uint64_t pa = table_base(fn) + (uint64_t)i * PCI_MSIX_ENTRY_SIZE;
	const struct pci_msix_entry *e = &fn->msix[i];
	uint64_t maddr;
	uint32_t mdata;

	arch_pci_mmio_write(pa + 12, 4, PCI_MSIX_ENTRY_MASKED);
	if (e->ctrl & PCI_MSIX_ENTRY_MASKED)
		return;
	if (!arch_pci_msi_route(fn->pv->vm, e->addr, e->data, &maddr, &mdata)) {
		fn->refused++;
		return;
	}
	arch_pci_mmio_write(pa, 4, (uint32_t)maddr);
	arch_pci_mmio_write(pa + 4, 4, (uint32_t)(maddr >> 32));
	arch_pci_mmio_write(pa + 8, 4, mdata);
	arch_pci_mmio_write(pa + 12, 4, 0);
}

/* Every entry of the device as the guest's say, before it is enabled:
 * writes made while memory decode was off never reached it. */
static void program_all(struct pci_fn *fn)
{
	for (unsigned i = 0; i < fn->msix_entries; i++)
		if (i < fn->msix_shadowed)
			program(fn, i);
		else
			arch_pci_mmio_write(
				table_base(fn) +
					(uint64_t)i * PCI_MSIX_ENTRY_SIZE + 12,
				4, PCI_MSIX_ENTRY_MASKED);
}

void pci_msix_write(struct pci_fn *fn, unsigned d, unsigned bm, uint32_t dval)
{
	uint32_t cur, v;
	uint16_t want;

	/* Only Message Control is writable; the table and PBA locations
	 * are read-only (and fixed at boot). */
	if (d != fn->msix_cap || !(bm & 0xcu))
		return;
	cur = pci_rd(fn, d, 4);
	v = pci_merge(cur, bm, dval);
	want = (uint16_t)(v >> 16) & (PCI_MSIX_ENABLE | PCI_MSIX_MASKALL);
	if ((want & PCI_MSIX_ENABLE) && !(fn->msix_ctrl & PCI_MSIX_ENABLE))
		program_all(fn);
	fn->msix_ctrl = want;
	pci_wr(fn, d + PCI_MSIX_CTRL, 2,
	       ((cur >> 16) & ~(uint32_t)(PCI_MSIX_ENABLE | PCI_MSIX_MASKALL)) |
		       want);
}

void pci_msix_forget(struct pci_fn *fn)
{
	fn->msix_ctrl = 0;
	for (unsigned i = 0; i < fn->msix_shadowed; i++)
		fn->msix[i] = (struct pci_msix_entry){
			.ctrl = PCI_MSIX_ENTRY_MASKED
		};
}

/* An entry's dwords in table order: address low, high, data, control. */
static void entry_words(const struct pci_fn *fn, unsigned i, uint32_t w[4])
{
	const struct pci_msix_entry *e = &fn->msix[i];

	if (i >= fn->msix_shadowed) {
		w[0] = w[1] = w[2] = 0;
		w[3] = PCI_MSIX_ENTRY_MASKED;
		return;
	}
	w[0] = (uint32_t)e->addr;
	w[1] = (uint32_t)(e->addr >> 32);
	w[2] = e->data;
	w[3] = e->ctrl;
}

/*
 * One access to a trapped page at @pa.  Inside the table only naturally
 * aligned dwords and qwords are defined (PCI Local Bus 3.0, 6.8.2);
 * anything else there is refused.  Outside, the access passes.
 */
static int access(struct pci_fn *fn, uint64_t pa, unsigned size, bool write,
		  uint64_t *val)
{
	uint64_t tbl = table_base(fn);
	uint64_t end = tbl + (uint64_t)fn->msix_entries * PCI_MSIX_ENTRY_SIZE;
	unsigned i, k;
	uint32_t w[4];

	if (pa + size <= tbl || pa >= end) {
		if (write)
			arch_pci_mmio_write(pa, size, *val);
		else
			*val = arch_pci_mmio_read(pa, size);
		return 0;
	}
	if (size < 4)
		return -HV_EINVAL;
	i = (unsigned)((pa - tbl) / PCI_MSIX_ENTRY_SIZE);
	k = (unsigned)((pa - tbl) % PCI_MSIX_ENTRY_SIZE) / 4;
	entry_words(fn, i, w);
	if (!write) {
		*val = w[k] | (size == 8 ? (uint64_t)w[k + 1] << 32 : 0);
		return 0;
	}
	if (i >= fn->msix_shadowed) {
		fn->refused++;
		return 0;
	}
	w[k] = (uint32_t)*val;
	if (size == 8)
		w[k + 1] = (uint32_t)(*val >> 32);
	fn->msix[i] = (struct pci_msix_entry){ (uint64_t)w[1] << 32 | w[0],
					       w[2], w[3] };
	program(fn, i);
	return 0;
}

static int trap_access(void *priv, uint64_t off, unsigned size, bool write,
		       uint64_t *val)
{
	struct pci_trap *t = priv;
	struct pci_vm *pv = t->fn->pv;
	int ret;

	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    (off & (size - 1)))
		return -HV_EINVAL;
	spin_lock(&pv->lock);
	ret = access(t->fn, t->base + off, size, write, val);
	spin_unlock(&pv->lock);
	return ret;
}

static int trap_read(struct vcpu *vcpu, void *priv, uint64_t off, unsigned size,
		     uint64_t *val)
{
	(void)vcpu;
	*val = 0;
	return trap_access(priv, off, size, false, val);
}

static int trap_write(struct vcpu *vcpu, void *priv, uint64_t off,
		      unsigned size, uint64_t val)
{
	(void)vcpu;
	return trap_access(priv, off, size, true, &val);
}

const struct mmio_ops pci_msix_ops = { trap_read, trap_write };
