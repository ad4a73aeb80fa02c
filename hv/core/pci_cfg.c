// SPDX-License-Identifier: MIT
/*
 * The guest's configuration space: what each access the arch decodes
 * (x86: 0xcf8/0xcfc; any arch: the ECAM window, registered here) reads
 * and what a write does.  A function the VM does not own reads all-ones
 * and ignores writes; the host bridge reads as a bare bridge; an owned
 * function's type 0 header is filtered field by field, its MSI and MSI-X
 * capabilities emulated (pci_msi.c, pci_msix.c), a reset it asks for done
 * by the hypervisor (pci_reset.c), the rest of 0x40..0xff passed through
 * and extended config space read-only but for AER (docs/isolation.md).
 *
 * Every access is handled as one naturally aligned dword with byte
 * enables, so a field never sees half of another's write.
 */
#include "hv/errno.h"
#include "hv/vm.h"
#include "pci_int.h"

#define ONES 0xffffffffu

static uint32_t size_bits(unsigned size)
{
	return size == 4 ? ONES : (1u << (8 * size)) - 1;
}

/* Whether the guest's access can be one field access: 1, 2 or 4 bytes,
 * naturally aligned, inside the function's 4 KiB. */
static bool access_ok(unsigned off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && off < PCI_CFG_SIZE &&
	       (off & (size - 1)) == 0;
}

static struct pci_fn *find(struct pci_vm *pv, uint32_t bdf)
{
	for (unsigned i = 0; i < pv->count; i++)
		if (pv->fn[i].bdf == bdf)
			return &pv->fn[i];
	return NULL;
}

static bool host_bridge(const struct pci_vm *pv, uint32_t bdf)
{
	return pv->board && pv->board->ecam_size &&
	       bdf == PCI_BDF(pv->board->bus_first, 0u, 0u);
}

/*
 * The host bridge as every VM sees it: the real one's IDs, class and
 * subsystem so the guest's PCI driver recognises the bus, and nothing it
 * could program: no BARs, no capabilities, no interrupt, one function.
 */
static uint32_t host_bridge_read(uint32_t bdf, unsigned d)
{
	switch (d) {
	case PCI_VENDOR:
	case PCI_CLASS_REV:
	case PCI_SUBSYSTEM:
		return arch_pci_cfg_read(bdf, d, 4);
	case PCI_COMMAND:
		return arch_pci_cfg_read(bdf, d, 4) &
		       ~((uint32_t)PCI_STATUS_CAP_LIST << 16);
	case PCI_CACHE_LINE:
		return arch_pci_cfg_read(bdf, d, 4) & 0x007f0000u;
	default:
		return 0;
	}
}

void pci_cfg_pass(const struct pci_fn *fn, unsigned d, unsigned bm,
		  uint32_t dval)
{
	bm &= 0xfu;
	if (bm == 0xfu) {
		pci_wr(fn, d, 4, dval);
		return;
	}
	for (unsigned b = 0; b < 4; b += 2) {
		unsigned pair = (bm >> b) & 3u;

		if (pair == 3u) {
			pci_wr(fn, d + b, 2, (dval >> (8 * b)) & 0xffffu);
			continue;
		}
		for (unsigned i = b; i < b + 2; i++)
			if (bm & (1u << i))
				pci_wr(fn, d + i, 1, (dval >> (8 * i)) & 0xffu);
	}
}

static uint32_t header_read(struct pci_fn *fn, unsigned d)
{
	uint32_t v;

	if (d >= PCI_BAR0 && d < PCI_BAR0 + 4 * PCI_MAX_BARS)
		return pci_bar_read(fn, (d - PCI_BAR0) / 4);
	switch (d) {
	case PCI_COMMAND:
		/* Decode as the guest set it (command_write()). */
		v = pci_rd(fn, d, 4) & ~(uint32_t)(PCI_CMD_IO | PCI_CMD_MEM);
		return v | (fn->cmd & (PCI_CMD_IO | PCI_CMD_MEM));
	case PCI_ROM:
		/* No expansion ROM: its BAR reads 0 and sizes to nothing. */
		return 0;
	case PCI_INT_LINE:
		v = pci_rd(fn, d, 4) & 0xffff0000u;
		/* A pin that drives nothing the VM has reads as no pin. */
		if (fn->plan->intx != SHIKIRI_PCI_NO_INTX)
			v |= pci_rd(fn, PCI_INT_PIN, 1) << 8;
		return v | fn->intx_line;
	default:
		return pci_rd(fn, d, 4);
	}
}

uint32_t pci_cfg_fn_read(struct pci_fn *fn, unsigned d)
{
	if (d < PCI_HEADER_SIZE)
		return header_read(fn, d);
	if (pci_msi_owns(fn, d))
		return pci_msi_read(fn, d);
	return pci_rd(fn, d, 4);
}

/*
 * The command register: the bits PCI_CMD_PASS lists, the others kept.
 * I/O and memory decode the device has stay on while the guest turns
 * them off (fn->cmd keeps the guest's view, which it reads back): a guest
 * turns decode off to size BARs, which never reach the device here, and
 * each decode change remaps the BAR in the machine, which QEMU 7.2's
 * multi-threaded TCG does not make safe for other CPUs' MMIO at that
 * moment (it crashed QEMU in 2 of 4 boots of tests/system/test_x86_pci.py's
 * linux1, 0 of 6 without).  Turning decode on reaches the device.
 */
static void command_write(struct pci_fn *fn, unsigned bm, uint32_t dval)
{
	uint16_t dev = (uint16_t)pci_rd(fn, PCI_COMMAND, 2);
	uint16_t cur = (uint16_t)((dev & ~(PCI_CMD_IO | PCI_CMD_MEM)) |
				  (fn->cmd & (PCI_CMD_IO | PCI_CMD_MEM)));
	uint16_t want = (uint16_t)pci_merge(cur, bm & 3u, dval);
	uint16_t cmd =
		(uint16_t)((cur & ~PCI_CMD_PASS) | (want & PCI_CMD_PASS));

	if ((want ^ cmd) & ~PCI_CMD_PASS)
		fn->refused++;
	fn->cmd = cmd;
	pci_wr(fn, PCI_COMMAND, 2, cmd | (dev & (PCI_CMD_IO | PCI_CMD_MEM)));
}

static void header_write(struct pci_fn *fn, unsigned d, unsigned bm,
			 uint32_t dval)
{
	if (d >= PCI_BAR0 && d < PCI_BAR0 + 4 * PCI_MAX_BARS) {
		pci_bar_write(fn, (d - PCI_BAR0) / 4, bm, dval);
		return;
	}
	switch (d) {
	case PCI_COMMAND:
		if (bm & 3u)
			command_write(fn, bm, dval);
		/* Status bits are write-1-to-clear: only what was written. */
		pci_cfg_pass(fn, d, bm & 0xcu, dval);
		break;
	case PCI_CACHE_LINE:
		/* Cache line size and latency timer; not header type, BIST. */
		pci_cfg_pass(fn, d, bm & 3u, dval);
		break;
	case PCI_INT_LINE:
		/* The guest's own note of its IRQ: the routing is the plan's. */
		if (bm & 1u)
			fn->intx_line = (uint8_t)dval;
		break;
	default:
		/* IDs, class, subsystem, ROM, capability pointer: read-only
		 * here; an expansion ROM write is the guest sizing it. */
		break;
	}
}

static void fn_write(struct pci_fn *fn, unsigned d, unsigned bm, uint32_t dval)
{
	if (d < PCI_HEADER_SIZE)
		header_write(fn, d, bm, dval);
	else if (pci_msi_owns(fn, d))
		pci_msi_write(fn, d, bm, dval);
	else if (pci_msix_owns(fn, d))
		pci_msix_write(fn, d, bm, dval);
	else if (pci_reset_cap_write(fn, d, bm, dval))
		return;
	else if (d < PCI_CFG_LEGACY)
		pci_cfg_pass(fn, d, bm, dval);
	else if (fn->aer_cap && d >= fn->aer_cap &&
		 d < fn->aer_cap + PCI_AER_SIZE)
		/* Its error status and masks are the driver's to manage. */
		pci_cfg_pass(fn, d, bm, dval);
	else
		fn->refused++;
}

uint32_t pci_cfg_read(struct pci_vm *pv, uint32_t bdf, unsigned off,
		      unsigned size)
{
	unsigned d = off & ~3u;
	struct pci_fn *fn;
	uint32_t v = ONES;

	if (!access_ok(off, size))
		return ONES;
	spin_lock(&pv->lock);
	fn = find(pv, bdf);
	if (fn)
		v = pci_cfg_fn_read(fn, d);
	else if (host_bridge(pv, bdf))
		v = host_bridge_read(bdf, d);
	spin_unlock(&pv->lock);
	return (v >> (8 * (off & 3u))) & size_bits(size);
}

void pci_cfg_write(struct pci_vm *pv, uint32_t bdf, unsigned off, unsigned size,
		   uint32_t val)
{
	struct pci_fn *fn;

	spin_lock(&pv->lock);
	fn = find(pv, bdf);
	if (fn && !access_ok(off, size))
		fn->refused++;
	else if (fn)
		fn_write(fn, off & ~3u, ((1u << size) - 1) << (off & 3u),
			 (val & size_bits(size)) << (8 * (off & 3u)));
	spin_unlock(&pv->lock);
}

/*
 * The ECAM window (PCIe 5.0 7.2.2): 1 MiB per bus from the board's first,
 * 4 KiB per function.  Accesses other than 1, 2 or 4 naturally aligned
 * bytes read all-ones and write nothing, as pci_cfg_read() has them.
 */
static bool ecam_decode(const struct pci_vm *pv, uint64_t off, uint32_t *bdf)
{
	uint64_t bus = pv->board->bus_first + (off >> 20);

	if (bus > pv->board->bus_last || bus > 0xffu)
		return false;
	*bdf = (uint32_t)(bus << 8 | ((off >> 12) & 0xffu));
	return true;
}

static int ecam_read(struct vcpu *vcpu, void *priv, uint64_t off, unsigned size,
		     uint64_t *val)
{
	struct pci_vm *pv = priv;
	uint32_t bdf;

	(void)vcpu;
	*val = ~0ull;
	if (size <= 4 && ecam_decode(pv, off, &bdf))
		*val = pci_cfg_read(pv, bdf, off & 0xfffu, size);
	return 0;
}

static int ecam_write(struct vcpu *vcpu, void *priv, uint64_t off,
		      unsigned size, uint64_t val)
{
	struct pci_vm *pv = priv;
	uint32_t bdf;

	(void)vcpu;
	if (size <= 4 && ecam_decode(pv, off, &bdf))
		pci_cfg_write(pv, bdf, off & 0xfffu, size, (uint32_t)val);
	return 0;
}

static const struct mmio_ops ecam_ops = { ecam_read, ecam_write };

/**
 * pci_cfg_register_ecam() - Trap @pv's view of the board's ECAM window in
 * @mmio, at its physical address.  Return: 0 or mmio_register()'s error.
 */
int pci_cfg_register_ecam(struct pci_vm *pv, struct mmio_map *mmio)
{
	const struct shikiri_plan_pci *b = pv->board;
	uint64_t size = ((uint64_t)b->bus_last - b->bus_first + 1) << 20;

	return mmio_register(mmio, b->ecam_base, MIN(size, b->ecam_size),
			     &ecam_ops, pv);
}
