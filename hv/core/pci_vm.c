// SPDX-License-Identifier: MIT
/*
 * A VM's PCI functions as a whole: taken from its plan at boot (each
 * checked, its BARs sized, its capabilities found, its header saved, its
 * MSI-X pages and the ECAM window trapped), listed for the arch to map,
 * held when the VM stops and reset when it starts.
 *
 * Lock order: vm.lock, then pci_vm.lock (pci_vm_hold() runs under vm.lock).
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
	 * policy), as before it had PCI.
	 */
	if (board->ecam_size && count)
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
