// SPDX-License-Identifier: MIT
/*
 * A VM's PCI functions as a whole: taken from its plan at boot (each
 * checked, its BARs placed where no firmware did and sized, its
 * capabilities found, its header saved, its MSI-X pages and the ECAM
 * window or its slots on the VM's virtual bus trapped), listed for the
 * arch to map, held when the VM stops and reset when it starts.
 *
 * Lock order: vm.lock, then pci_vm.lock (pci_vm_hold() runs under vm.lock);
 * vpci_bus.lock, then pci_vm.lock (a guest's access through its virtual
 * bus, pci_vm_plug()).
 */
#include <string.h>

#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "pci_int.h"

static void save_header(struct pci_fn *fn)
{
	for (unsigned o = 0; o < PCI_HEADER_SIZE; o += 4) {
		uint32_t v = pci_rd(fn, o, 4);

		for (unsigned b = 0; b < 4; b++)
			fn->header[o + b] = (uint8_t)(v >> (8 * b));
	}
	fn->cmd = (uint16_t)(fn->header[PCI_COMMAND] |
			     fn->header[PCI_COMMAND + 1] << 8);
	fn->intx_line = fn->header[PCI_INT_LINE];
}

static int take(struct pci_fn *fn, const struct vm *vm,
		const struct shikiri_plan_pci *board, struct page_pool *pool)
{
	uint32_t id = pci_rd(fn, PCI_VENDOR, 4);
	int ret;

	if ((id & 0xffffu) == 0xffffu) {
		hv_log("vm %s: pci %02x:%02x.%x is not there", vm->name,
		       PCI_BUS(fn->bdf), PCI_DEV(fn->bdf), PCI_FN(fn->bdf));
		return -HV_ENOENT;
	}
	if (pci_rd(fn, PCI_HEADER_TYPE, 1) & 0x7fu) {
		hv_log("vm %s: pci %02x:%02x.%x is a bridge: name the "
		       "functions behind it",
		       vm->name, PCI_BUS(fn->bdf), PCI_DEV(fn->bdf),
		       PCI_FN(fn->bdf));
		return -HV_EINVAL;
	}
	save_header(fn);
	ret = pci_bar_probe(fn, board);
	if (!ret)
		ret = pci_cap_walk(fn);
	if (!ret)
		ret = pci_msix_init(fn, pool);
	if (!ret)
		hv_log("vm %s: pci %02x:%02x.%x %04x:%04x, reset %s%s%s",
		       vm->name, PCI_BUS(fn->bdf), PCI_DEV(fn->bdf),
		       PCI_FN(fn->bdf), id & 0xffffu, id >> 16,
		       pci_reset_name(fn->reset), fn->msi_cap ? ", MSI" : "",
		       fn->msix_cap ? ", MSI-X" : "");
	return ret;
}

int pci_vm_init(struct pci_vm *pv, struct vm *vm,
		const struct shikiri_plan_pci *board, struct page_pool *pool)
{
	const struct shikiri_plan_vm *rec = vm->plan;
	unsigned count = MIN(rec->pci_count, SHIKIRI_MAX_PCI);
	int ret = 0;

	memset(pv, 0, sizeof(*pv));
	pv->vm = vm;
	pv->board = board;
	/*
	 * A VM without functions keeps the ECAM window unmapped and
	 * untrapped: a touch is an access outside the VM (its on-fault
	 * policy), as before it had PCI.  One with a virtual bus (Arm)
	 * reaches its functions there instead (pci_vm_plug()).
	 */
	if (board->ecam_size && count && !rec->vpci_ecam_ipa)
		ret = pci_cfg_register_ecam(pv, &vm->mmio);
	if (!ret && count && (board->flags & SHIKIRI_PCI_BOARD_ASSIGN_BARS))
		ret = pci_assign_bars(vm->name, rec->pci, count,
				      arch_pci_windows(rec));
	for (unsigned i = 0; !ret && i < count; i++) {
		struct pci_fn *fn = &pv->fn[i];

		fn->bdf = rec->pci[i].bdf;
		fn->plan = &rec->pci[i];
		fn->pv = pv;
		pv->count = i + 1;
		ret = take(fn, vm, board, pool);
	}
	for (unsigned i = 0; !ret && i < pv->count; i++)
		for (unsigned k = 0; !ret && k < 2; k++)
			if (pv->fn[i].trap[k].size)
				ret = mmio_register(&vm->mmio,
						    pv->fn[i].trap[k].base,
						    pv->fn[i].trap[k].size,
						    &pci_msix_ops,
						    &pv->fn[i].trap[k]);
	if (ret)
		hv_log("vm %s: its PCI functions cannot be given to it (%d)",
		       vm->name, ret);
	return ret;
}

unsigned pci_vm_maps(const struct pci_vm *pv, struct pci_map *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < pv->count; i++)
		n += pci_bar_maps(&pv->fn[i], out + n, max - n);
	return n;
}

static uint32_t plugged_read(struct vpci_fn *vf, uint32_t off, unsigned size)
{
	struct pci_fn *fn = vf->priv;

	return pci_cfg_read(fn->pv, fn->bdf, off, size);
}

static void plugged_write(struct vpci_fn *vf, uint32_t off, unsigned size,
			  uint32_t val)
{
	struct pci_fn *fn = vf->priv;

	pci_cfg_write(fn->pv, fn->bdf, off, size, val);
}

/* The whole config space is the core's filter: no emulated header. */
static const struct vpci_ops plugged_ops = {
	.read = plugged_read,
	.write = plugged_write,
};

int pci_vm_plug(struct pci_vm *pv, struct vpci_bus *bus)
{
	int ret = 0;

	if (!bus->ecam_ipa)
		return 0;
	for (unsigned i = 0; !ret && i < pv->count; i++) {
		struct pci_fn *fn = &pv->fn[i];

		fn->vfn = (struct vpci_fn){ .devfn = (uint8_t)(fn->bdf & 0xffu),
					    .ops = &plugged_ops,
					    .priv = fn };
		ret = vpci_add(bus, &fn->vfn);
	}
	if (ret)
		hv_log("vm %s: its PCI functions cannot go on its virtual bus "
		       "(%d)",
		       pv->vm->name, ret);
	return ret;
}

void pci_vm_hold(struct pci_vm *pv)
{
	spin_lock(&pv->lock);
	for (unsigned i = 0; i < pv->count; i++)
		pci_reset_hold(&pv->fn[i]);
	spin_unlock(&pv->lock);
}

void pci_vm_reset(struct pci_vm *pv)
{
	spin_lock(&pv->lock);
	/* All of them quiet before any is reset: one may target another. */
	for (unsigned i = 0; i < pv->count; i++)
		pci_reset_hold(&pv->fn[i]);
	for (unsigned i = 0; i < pv->count; i++)
		pci_reset_fn(&pv->fn[i]);
	spin_unlock(&pv->lock);
}
