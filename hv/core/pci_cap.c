// SPDX-License-Identifier: MIT
/*
 * A function's capability lists, walked once at boot: the ones the
 * hypervisor emulates or uses (MSI, MSI-X, PCI Express, Advanced
 * Features, Power Management, AER).  The lists are the device's and it is
 * not trusted either: each walk visits every possible slot at most once,
 * so a list that loops or points outside its space ends the walk.
 */
#include "hv/errno.h"
#include "hv/print.h"
#include "pci_int.h"

#define CAP_SLOTS ((PCI_CFG_LEGACY - PCI_HEADER_SIZE) / 4)
#define EXT_SLOTS ((PCI_CFG_SIZE - PCI_CFG_LEGACY) / 4)

static int refuse(const struct pci_fn *fn, const char *why)
{
	hv_log("pci %02x:%02x.%x: %s", PCI_BUS(fn->bdf), PCI_DEV(fn->bdf),
	       PCI_FN(fn->bdf), why);
	return -HV_EINVAL;
}

/*
 * Note capability @id at @at, keeping the first of each kind.  Return:
 * false for a second MSI or MSI-X capability, which the spec does not
 * allow: the one the hypervisor did not emulate would reach the device
 * unfiltered.
 */
static bool note(struct pci_fn *fn, unsigned id, unsigned at)
{
	uint8_t *slot = id == PCI_CAP_PM   ? &fn->pm_cap :
			id == PCI_CAP_MSI  ? &fn->msi_cap :
			id == PCI_CAP_PCIE ? &fn->pcie_cap :
			id == PCI_CAP_MSIX ? &fn->msix_cap :
			id == PCI_CAP_AF   ? &fn->af_cap :
					     NULL;

	if (slot && *slot)
		return id != PCI_CAP_MSI && id != PCI_CAP_MSIX;
	if (slot)
		*slot = (uint8_t)at;
	return true;
}

static int walk_legacy(struct pci_fn *fn)
{
	uint64_t seen = 0; /* one bit per dword of 0x40..0xff */
	unsigned at;

	if (!(pci_rd(fn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	at = pci_rd(fn, PCI_CAP_PTR, 1) & 0xfcu;
	while (at >= PCI_HEADER_SIZE && at < PCI_CFG_LEGACY) {
		unsigned slot = (at - PCI_HEADER_SIZE) / 4;
		uint32_t hdr;

		if (seen & BIT(slot))
			break;
		seen |= BIT(slot);
		hdr = pci_rd(fn, at, 2);
		if (!note(fn, hdr & 0xffu, at))
			return refuse(fn, "has two MSI or MSI-X capabilities");
		at = (hdr >> 8) & 0xfcu;
	}
	return 0;
}

static void walk_extended(struct pci_fn *fn)
{
	uint32_t seen[EXT_SLOTS / 32] = { 0 };
	unsigned at = PCI_CFG_LEGACY;

	while (at >= PCI_CFG_LEGACY && at < PCI_CFG_SIZE) {
		unsigned slot = (at - PCI_CFG_LEGACY) / 4;
		uint32_t hdr = pci_rd(fn, at, 4);

		if (seen[slot / 32] & (1u << (slot % 32)) || hdr == 0 ||
		    hdr == 0xffffffffu)
			break;
		seen[slot / 32] |= 1u << (slot % 32);
		if ((hdr & 0xffffu) == PCI_EXT_CAP_AER && !fn->aer_cap &&
		    at + PCI_AER_SIZE <= PCI_CFG_SIZE)
			fn->aer_cap = (uint16_t)at;
		at = (hdr >> 20) & 0xffcu;
	}
}

int pci_cap_walk(struct pci_fn *fn)
{
	if (walk_legacy(fn))
		return -HV_EINVAL;
	/* Extended space exists only on PCI Express functions. */
	if (fn->pcie_cap)
		walk_extended(fn);
	/* The emulated capabilities must lie whole in 0x40..0xff, or a
	 * guest write past their end would reach the rest unfiltered. */
	if (fn->msi_cap) {
		fn->msi_dev_ctrl =
			(uint16_t)pci_rd(fn, fn->msi_cap + PCI_MSI_CTRL, 2);
		if (fn->msi_cap + pci_cap_msi_len(fn) > PCI_CFG_LEGACY)
			return refuse(fn, "MSI capability runs past 0x100");
	}
	if (fn->msix_cap && fn->msix_cap + PCI_MSIX_CAP_SIZE > PCI_CFG_LEGACY)
		return refuse(fn, "MSI-X capability runs past 0x100");
	/* Each is emulated on its own: programming one must not write the
	 * other's registers. */
	if (fn->msi_cap && fn->msix_cap &&
	    fn->msi_cap < fn->msix_cap + PCI_MSIX_CAP_SIZE &&
	    fn->msix_cap < fn->msi_cap + pci_cap_msi_len(fn))
		return refuse(fn, "MSI and MSI-X capabilities overlap");
	if (fn->pcie_cap && fn->pcie_cap + PCI_EXP_DEVSTA + 2 > PCI_CFG_LEGACY)
		return refuse(fn, "PCIe capability runs past 0x100");
	if (fn->af_cap && fn->af_cap + PCI_AF_STATUS + 1 > PCI_CFG_LEGACY)
		return refuse(fn, "AF capability runs past 0x100");
	if (fn->pm_cap && fn->pm_cap + PCI_PM_CSR + 2 > PCI_CFG_LEGACY)
		return refuse(fn, "PM capability runs past 0x100");
	fn->reset = (uint8_t)pci_reset_choose(fn);
	return 0;
}

/* MSI capability length by Message Control (PCI Local Bus 3.0, 6.8.1). */
unsigned pci_cap_msi_len(const struct pci_fn *fn)
{
	return 12u + (fn->msi_dev_ctrl & PCI_MSI_64 ? 4u : 0u) +
	       (fn->msi_dev_ctrl & PCI_MSI_MASKABLE ? 8u : 0u);
}
