// SPDX-License-Identifier: MIT
/*
 * The MSI capability (PCI Local Bus 3.0, 6.8.1), emulated: the guest's
 * address, data, mask and enable are a shadow; the device holds what
 * arch_pci_msi_route() makes of them, a message to one of the VM's own
 * CPUs, and is enabled only while there is one.  A message the arch
 * refuses leaves MSI disabled on the device (counted in pci_fn.refused).
 * The guest sees one vector (Multiple Message Capable reads 0), so the
 * translation of one message is all the device ever sends.
 */
#include "pci_int.h"

#define ONES 0xffffffffu
#define MSI_ADDR_LO 4u
#define MSI_DEV_OFF (PCI_MSI_ENABLE | PCI_MSI_MME | 0x0600u)

/* Offsets in the capability; 0 where the layout has no such register. */
struct layout {
	unsigned hi, data, mask;
};

static struct layout layout_of(const struct pci_fn *fn)
{
	bool is64 = fn->msi_dev_ctrl & PCI_MSI_64;
	struct layout l = { is64 ? 8u : 0u, is64 ? 12u : 8u, 0u };

	if (fn->msi_dev_ctrl & PCI_MSI_MASKABLE)
		l.mask = l.data + 4u;
	return l;
}

bool pci_msi_owns(const struct pci_fn *fn, unsigned d)
{
	return fn->msi_cap && d >= fn->msi_cap &&
	       d < fn->msi_cap + pci_cap_msi_len(fn);
}

uint32_t pci_msi_read(const struct pci_fn *fn, unsigned d)
{
	struct layout l = layout_of(fn);
	unsigned r = d - fn->msi_cap;
	uint32_t v;

	if (r == 0) {
		v = pci_rd(fn, d, 4);
		return (v & 0xffffu) | (((v >> 16) & PCI_MSI_CTRL_KEPT) |
					(fn->msi_ctrl & PCI_MSI_ENABLE))
					       << 16;
	}
	if (r == MSI_ADDR_LO)
		return (uint32_t)fn->msi_addr;
	if (l.hi && r == l.hi)
		return (uint32_t)(fn->msi_addr >> 32);
	if (r == l.data)
		return fn->msi_data;
	if (l.mask && r == l.mask)
		return fn->msi_mask;
	/* Pending bits: the device's. */
	return pci_rd(fn, d, 4);
}

/* Give the device the translation of the guest's message, or disable. */
static void program(struct pci_fn *fn)
{
	struct layout l = layout_of(fn);
	unsigned cap = fn->msi_cap;
	uint16_t ctrl = (uint16_t)pci_rd(fn, cap + PCI_MSI_CTRL, 2) &
			~MSI_DEV_OFF;
	bool want = fn->msi_ctrl & PCI_MSI_ENABLE;
	uint64_t pa = 0;
	uint32_t pd = 0;
	bool on = want && arch_pci_msi_route(fn->pv->vm, fn->msi_addr,
					     fn->msi_data, &pa, &pd);

	/* The device holds a 16-bit data and, without 64-bit support, a
	 * 32-bit address: a translation it cannot hold is refused too. */
	if (on && (pd > 0xffffu || (!l.hi && pa >> 32)))
		on = false;
	if (want && !on)
		fn->refused++;
	if (l.mask)
		pci_wr(fn, cap + l.mask, 4, ONES);
	if (!on) {
		pci_wr(fn, cap + PCI_MSI_CTRL, 2, ctrl);
		return;
	}
	/* Masked (where it can be) while the message changes, so the device
	 * never sends half of an old and half of a new one. */
	pci_wr(fn, cap + MSI_ADDR_LO, 4, (uint32_t)pa);
	if (l.hi)
		pci_wr(fn, cap + l.hi, 4, (uint32_t)(pa >> 32));
	pci_wr(fn, cap + l.data, 2, pd);
	pci_wr(fn, cap + PCI_MSI_CTRL, 2, ctrl | PCI_MSI_ENABLE);
	if (l.mask)
		pci_wr(fn, cap + l.mask, 4, ~1u | fn->msi_mask);
}

void pci_msi_write(struct pci_fn *fn, unsigned d, unsigned bm, uint32_t dval)
{
	struct layout l = layout_of(fn);
	unsigned r = d - fn->msi_cap;
	uint32_t v = pci_merge(pci_msi_read(fn, d), bm, dval);

	if (r == 0) {
		if (!(bm & 0xcu))
			return;
		fn->msi_ctrl = (v >> 16) & PCI_MSI_ENABLE;
	} else if (r == MSI_ADDR_LO) {
		fn->msi_addr = (fn->msi_addr & ~(uint64_t)ONES) | (v & ~3u);
	} else if (l.hi && r == l.hi) {
		fn->msi_addr = (fn->msi_addr & ONES) | (uint64_t)v << 32;
	} else if (r == l.data) {
		fn->msi_data = (uint16_t)v;
	} else if (l.mask && r == l.mask) {
		fn->msi_mask = v & 1u;
	} else {
		return;
	}
	program(fn);
}

void pci_msi_forget(struct pci_fn *fn)
{
	fn->msi_ctrl = 0;
	fn->msi_addr = 0;
	fn->msi_data = 0;
	fn->msi_mask = 0;
}
