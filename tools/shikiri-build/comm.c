// SPDX-License-Identifier: MIT
/*
 * The guest-physical layout and interrupts of shared memory and virtual
 * LANs (see comm.h).  It is one layout for all VMs, so a region is at the
 * same IPA and rings the same INTID wherever it is mapped, and a user
 * reads one table in --explain; only a region's PCI slot depends on which
 * regions the VM maps (slot 1 is its first free one: a VM's passed-through
 * PCI functions keep their own slots on the same bus, pci_layout.c).
 */
#include <inttypes.h>
#include <libfdt.h>
#include <string.h>

#include "comm.h"

#define PAGE 0x1000ull
#define MAX_TAKEN (SHIKIRI_MAX_VMS * (SHIKIRI_MAX_MMIO + 9u) + SHIKIRI_MAX_SHM)

/**
 * comm_needs() - Whether VM @i maps a region, is on a LAN or owns PCI
 * functions.
 * @cfg: the config.
 * @i: the VM.
 *
 * Return: true when it gets a virtual PCI bus or a virtio-net device.
 */
bool comm_needs(const struct config *cfg, unsigned int i)
{
	if (cfg->vm[i].network[0] || cfg->vm[i].pci_count)
		return true;
	for (unsigned int s = 0; s < cfg->shm_count; s++)
		if (cfg->shm[s].vm_mask & (1u << i))
			return true;
	return false;
}

/* Everything VM @g already has in its IPA space, appended to @t. */
static unsigned int add_taken(struct layout_range *t, unsigned int n,
			      const struct board *b, const struct comm_guest *g,
			      const struct shikiri_range *pci_mem)
{
	const struct shikiri_plan_board *f = &b->facts;

	for (unsigned int w = 0; w < 2; w++)
		if (pci_mem[w].size)
			t[n++] = (struct layout_range){ pci_mem[w].base,
							pci_mem[w].size };

	t[n++] = (struct layout_range){ g->l->ram_ipa, g->l->ram_size };
	t[n++] = (struct layout_range){ g->l->manage_ipa, LAYOUT_MANAGE_SIZE };
	if (g->vm->watchdog_ms)
		t[n++] = (struct layout_range){ g->l->watchdog_ipa,
						LAYOUT_WATCHDOG_SIZE };
	if (g->vm->console)
		t[n++] = (struct layout_range){ f->uart_base, PAGE };
	t[n++] = (struct layout_range){ f->hw.aarch64.gicd_base, b->gicd_size };
	t[n++] = (struct layout_range){ f->hw.aarch64.gicr_base,
					f->hw.aarch64.gicr_size };
	for (unsigned int m = 0; m < g->pt->mmio_count; m++)
		t[n++] = (struct layout_range){ g->pt->mmio[m].ipa,
						g->pt->mmio[m].size };
	return n;
}

static void mark(bool *used, uint32_t intid)
{
	if (intid < COMM_SPI_END)
		used[intid] = true;
}

/* The SPIs a board node's "interrupt-map" sends to the GIC. */
static void mark_map(const struct board *b, int node, bool *used)
{
	const void *fdt = b->dtb.data;
	const fdt32_t *map, *cells;
	int len, at = 0, total;
	uint32_t child, ic;

	map = fdt_getprop(fdt, node, "interrupt-map", &len);
	if (!map || len <= 0)
		return;
	total = len / 4;
	cells = fdt_getprop(fdt, node, "#address-cells", NULL);
	child = cells ? fdt32_to_cpu(*cells) : 2;
	cells = fdt_getprop(fdt, node, "#interrupt-cells", NULL);
	ic = cells ? fdt32_to_cpu(*cells) : 1;
	/* A board DT's cell counts are small; anything else is not read. */
	if (child > 4 || ic > 4)
		return;
	child += ic;
	/* Each entry: child unit address and specifier, parent, its own. */
	while (at + (int)child < total) {
		uint32_t phandle = fdt32_to_cpu(map[at + child]);
		int parent = fdt_node_offset_by_phandle(fdt, phandle);
		uint32_t pa = 0, pi;

		if (parent < 0)
			return;
		cells = fdt_getprop(fdt, parent, "#address-cells", NULL);
		pa = cells ? fdt32_to_cpu(*cells) : 0;
		cells = fdt_getprop(fdt, parent, "#interrupt-cells", NULL);
		if (!cells || pa > 4 || fdt32_to_cpu(*cells) > 4)
			return;
		pi = fdt32_to_cpu(*cells);
		at += (int)(child + 1 + pa);
		if (at + (int)pi > total)
			return;
		if (phandle == b->gic_phandle && pi == 3 &&
		    fdt32_to_cpu(map[at]) == 0)
			mark(used,
			     SHIKIRI_GIC_SPI_BASE + fdt32_to_cpu(map[at + 1]));
		at += (int)pi;
	}
}

/* Every SPI a board device or a VM's passthrough has. */
static void mark_used(const struct board *b, const struct comm_guest *g,
		      unsigned int vm_count, bool *used)
{
	const void *fdt = b->dtb.data;
	int node;

	for (uint32_t i = 0; i < SHIKIRI_GIC_SPI_BASE; i++)
		used[i] = true;
	mark(used, b->facts.uart_irq);
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		uint32_t intid;
		bool spi;

		for (int i = 0; board_irq(fdt, node, i, &intid, &spi) == 0; i++)
			if (spi)
				mark(used, intid);
		mark_map(b, node, used);
	}
	for (unsigned int v = 0; v < vm_count; v++)
		for (unsigned int q = 0; g[v].pt && q < g[v].pt->irq_count; q++)
			mark(used, g[v].pt->irq[q].virt);
}

/*
 * Each region's IPA (BAR 2): the highest place aligned to its size,
 * largest region first, so the smaller ones fill in below it.
 */
static int place_regions(struct comm_layout *cl, const struct config *cfg,
			 struct layout_range *t, unsigned int n, struct diag *d)
{
	unsigned int order[SHIKIRI_MAX_SHM];

	/* Insertion sort, stable: equal sizes keep region order. */
	for (unsigned int k = 0; k < cfg->shm_count; k++) {
		unsigned int at = k;

		while (at > 0 &&
		       cfg->shm[order[at - 1]].size < cfg->shm[k].size) {
			order[at] = order[at - 1];
			at--;
		}
		order[at] = k;
	}
	for (unsigned int k = 0; k < cfg->shm_count; k++) {
		const struct shm_config *c = &cfg->shm[order[k]];

		if (!c->size)
			continue;
		if (layout_place_top_down(t, n, COMM_4G, COMM_IPA_END, c->size,
					  c->size, &cl->bar2_ipa[order[k]])) {
			diag_prop(d, cfg->path, c->node, "size",
				  "no room above 4 GiB in the IPA space of its "
				  "VMs for %" PRIu64 " MiB; fix: make the "
				  "regions smaller",
				  c->size >> 20);
			return -1;
		}
		t[n++] = (struct layout_range){ cl->bar2_ipa[order[k]],
						c->size };
	}
	return 0;
}

/* The lowest free SPIs: one per region, then the LANs' devices'. */
static int pick_intids(struct comm_layout *cl, const struct config *cfg,
		       const bool *used, bool lans, struct diag *d)
{
	unsigned int want = cfg->shm_count + (lans ? 1 : 0), got = 0;
	uint32_t intid[SHIKIRI_MAX_SHM + 1] = { 0 };

	for (uint32_t i = SHIKIRI_GIC_SPI_BASE; i < COMM_SPI_END && got < want;
	     i++)
		if (!used[i])
			intid[got++] = i;
	if (got < want) {
		diag_error(d,
			   "%s: only %u of the %u virtual SPIs that shared "
			   "memory and LANs need are free (INTIDs 32-%u not "
			   "used by board devices or passthrough); fix: pass "
			   "fewer interrupts through",
			   cfg->path, got, want, COMM_SPI_END - 1);
		return -1;
	}
	for (unsigned int s = 0; s < cfg->shm_count; s++)
		cl->shm_intid[s] = intid[s];
	if (lans)
		cl->net_intid = intid[cfg->shm_count];
	return 0;
}

/**
 * comm_plan() - Choose the IPAs and INTIDs every VM shares.
 * @cl: filled in.
 * @cfg: the config.
 * @b: the board.
 * @g: each VM's IPA space.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int comm_plan(struct comm_layout *cl, const struct config *cfg,
	      const struct board *b, const struct comm_guest *g, struct diag *d)
{
	struct layout_range t[MAX_TAKEN];
	bool used[COMM_SPI_END] = { false }, any = false;
	unsigned int n = 0;

	memset(cl, 0, sizeof(*cl));
	if (pci_layout_windows(cl, cfg, b, d) ||
	    pci_layout_check(cl, cfg, g, d))
		return -1;
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		if (!comm_needs(cfg, i))
			continue;
		any = true;
		if (g[i].l)
			n = add_taken(t, n, b, &g[i], cl->pci_mem[i]);
	}
	if (!any)
		return 0;
	/* Above the first 2 MiB: IPA 0 is no place for a device. */
	if (layout_place_top_down(t, n, COMM_BLOCK_SIZE, COMM_4G,
				  COMM_BLOCK_SIZE, COMM_BLOCK_SIZE,
				  &cl->block_ipa)) {
		diag_error(d,
			   "%s: no free 2 MiB below 4 GiB in the IPA space "
			   "of the VMs with shared memory or a network (for "
			   "their PCI configuration space and device "
			   "registers); fix: give those VMs less memory",
			   cfg->path);
		return -1;
	}
	if (place_regions(cl, cfg, t, n, d))
		return -1;
	mark_used(b, g, cfg->vm_count, used);
	if (pick_intids(cl, cfg, used, cfg->lan_count != 0, d))
		return -1;
	for (unsigned int s = 0; s < cfg->shm_count; s++)
		mark(used, cl->shm_intid[s]);
	if (cfg->lan_count)
		mark(used, cl->net_intid);
	return pci_layout_msi(cl, cfg, b, used, d);
}

/**
 * comm_vm_view() - VM @i's view of the shared layout.
 * @cv: filled in.
 * @cl: the layout.
 * @cfg: the config.
 * @i: the VM.
 */
void comm_vm_view(struct comm_vm *cv, const struct comm_layout *cl,
		  const struct config *cfg, unsigned int i)
{
	const struct vm_config *vm = &cfg->vm[i];
	uint64_t lo32 = ~0ull, hi32 = 0, lo64 = ~0ull, hi64 = 0;
	uint32_t slots = 1u, slot = 0; /* slot 0: the host bridge */

	memset(cv, 0, sizeof(*cv));
	cv->pci_count = vm->pci_count;
	memcpy(cv->pci, vm->pci, vm->pci_count * sizeof(vm->pci[0]));
	for (unsigned int f = 0; f < vm->pci_count; f++)
		slots |= 1u << (vm->pci[f].bdf >> 3 & 0x1f);
	if (vm->pci_count) {
		memcpy(cv->pci_mem, cl->pci_mem[i], sizeof(cv->pci_mem));
		cv->msi_intid = cl->msi_intid;
		cv->msi_count = cl->msi_intid ? COMM_MSI_COUNT : 0;
		cv->pci_coherent = cl->pci_coherent;
	}
	for (unsigned int s = 0; s < cfg->shm_count; s++) {
		const struct shm_config *c = &cfg->shm[s];
		struct shikiri_vm_shm *v = &cv->shm[cv->shm_count];

		if (!(c->vm_mask & (1u << i)))
			continue;
		/* 8 regions and 16 functions leave free slots of the 32. */
		while (slots & (1u << slot))
			slot++;
		slots |= 1u << slot;
		v->region = s;
		v->flags = (c->ro_mask & (1u << i)) ? SHIKIRI_SHM_READ_ONLY : 0;
		v->ipa = cl->bar2_ipa[s];
		v->regs_ipa = cl->block_ipa + COMM_REGS_OFFSET + s * PAGE;
		v->intid = cl->shm_intid[s];
		v->devfn = slot << 3;
		cv->shm_count++;
		if (v->regs_ipa < lo32)
			lo32 = v->regs_ipa;
		if (v->regs_ipa + PAGE > hi32)
			hi32 = v->regs_ipa + PAGE;
		if (v->ipa < lo64)
			lo64 = v->ipa;
		if (v->ipa + c->size > hi64)
			hi64 = v->ipa + c->size;
	}
	if (cv->shm_count) {
		cv->mem32 = (struct layout_range){ lo32, hi32 - lo32 };
		cv->mem64 = (struct layout_range){ lo64, hi64 - lo64 };
	}
	if (cv->shm_count || cv->pci_count)
		cv->vpci_ecam_ipa = cl->block_ipa;
	if (vm->network[0]) {
		cv->net.ipa = cl->block_ipa + COMM_NET_OFFSET;
		cv->net.intid = cl->net_intid;
		cv->net.lan = vm->lan;
		memcpy(cv->net.mac, vm->mac, sizeof(cv->net.mac));
	}
}
