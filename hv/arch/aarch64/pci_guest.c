// SPDX-License-Identifier: MIT
/*
 * What a VM that owns PCI functions gets on aarch64 beyond their config
 * space (which its virtual PCI bus 0 shows at their own devfn, through
 * the core's filter: pci_vm_plug()): their BARs in its stage 2 at IPA =
 * PA as device memory, the MSI-X table and PBA pages left out to trap;
 * their DMA confined to its RAM by the SMMU (smmu_attach(), one stream per
 * function); their INTx lines as hardware-backed vGIC SPIs under their own
 * INTID, level-high unless the plan says edge (GICv3 has no active-low
 * SPIs, IHI 0069 1.4.2; the plan checks refuse them).
 */
#include "arch/gic.h"
#include "arch/pci_arm.h"
#include "arch/smmu.h"
#include "arch/vgic.h"
#include "hv/errno.h"
#include "hv/pci.h"
#include "hv/print.h"
#include "hv/vm.h"

/* Why @m cannot go into @vm's stage 2, or NULL. */
static const char *refused(const struct vm *vm, const struct pci_map *m)
{
	const struct shikiri_range *w = vm->plan->arch.aarch64.pci_mem;

	if (!m->size || ((m->base | m->size) & (SZ_4K - 1)))
		return "is not whole pages: a page would hold registers of "
		       "something else";
	/* The plan checks keep the windows apart from everything else the
	 * VM or another VM has. */
	for (unsigned i = 0; i < 2; i++)
		if (w[i].size && m->base >= w[i].base &&
		    m->base - w[i].base < w[i].size &&
		    m->size <= w[i].size - (m->base - w[i].base))
			return NULL;
	return "lies outside the VM's PCI windows";
}

static int map_bars(struct vm *vm)
{
	static struct pci_map maps[PCI_MAX_MAPS]; /* boot CPU only */
	unsigned n = pci_vm_maps(&vm->pci, maps, PCI_MAX_MAPS);
	int ret = 0;

	for (unsigned i = 0; !ret && i < n; i++) {
		const struct pci_map *m = &maps[i];
		const char *why;

		/* Ports: no VM has the board's I/O window on Arm. */
		if (m->io)
			continue;
		why = refused(vm, m);
		if (why) {
			hv_log("vm %s: PCI memory 0x%lx-0x%lx %s", vm->name,
			       m->base, m->base + m->size - 1, why);
			return -HV_EINVAL;
		}
		ret = pgtable_map(&vm->arch.stage2, m->base, m->base, m->size,
				  PGTABLE_MEM_DEVICE);
	}
	return ret;
}

/* Whether a function of @p before @i already has INTx line @intx. */
static bool line_taken(const struct shikiri_plan_vm *p, unsigned i,
		       uint32_t intx)
{
	for (unsigned k = 0; k < i; k++)
		if (p->pci[k].intx == intx)
			return true;
	return false;
}

int pci_guest_init(struct vm *vm)
{
	const struct shikiri_plan_vm *p = vm->plan;
	int ret = map_bars(vm);

	for (unsigned i = 0; !ret && i < vm->pci.count; i++) {
		const struct shikiri_pci_fn *f = &p->pci[i];

		ret = smmu_attach(vm, hv_board->pci.sid_base + f->bdf);
		if (ret || f->intx == SHIKIRI_PCI_NO_INTX ||
		    line_taken(p, i, f->intx))
			continue;
		gic_spi_set_edge(f->intx, f->flags & SHIKIRI_PCI_INTX_EDGE);
		ret = vgic_add_hw_spi(vm, f->intx, f->intx);
		if (ret)
			hv_log("vm %s: PCI %02x:%02x.%x: INTx INTID %u cannot "
			       "be given to it",
			       vm->name, PCI_BUS(f->bdf), PCI_DEV(f->bdf),
			       PCI_FN(f->bdf), f->intx);
	}
	if (ret)
		hv_log("vm %s: its PCI functions cannot be given to it (%d)",
		       vm->name, ret);
	return ret;
}
