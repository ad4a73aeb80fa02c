// SPDX-License-Identifier: MIT
/*
 * Where an Arm VM's PCI functions sit (docs/pci.md): each VM that owns
 * functions gets a share of the board's PCI memory windows, where the
 * hypervisor places their BARs (IPA = PA, so stage 2 maps them 1:1 and the
 * guest DT's host bridge says so), and a range of virtual SPIs for their
 * MSIs when the board has an ITS to back them.  Shares are equal powers of
 * two aligned to their size, so every BAR up to a share's size fits
 * naturally aligned.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <string.h>

#include "comm.h"

/* The smallest share worth giving: a few BARs of whole pages. */
#define PCI_SHARE_MIN 0x100000ull

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a_size && b_size && a < b + b_size && b < a + a_size;
}

/* The highest power of two that is not above @v (@v > 0). */
static uint64_t pow2_floor(uint64_t v)
{
	return 1ull << (63 - __builtin_clzll(v));
}

/*
 * Split window @w into @n shares: the largest power of two that @n of,
 * aligned to it, fit in @w; the first at @base.  Return: the share's size,
 * 0 when it would be below PCI_SHARE_MIN.
 */
static uint64_t split(const struct shikiri_range *w, unsigned int n,
		      uint64_t *base)
{
	uint64_t share = pow2_floor(w->size / n);

	for (; share >= PCI_SHARE_MIN; share /= 2) {
		*base = layout_align_up(w->base, share);
		if (*base >= w->base && *base - w->base <= w->size &&
		    (w->size - (*base - w->base)) / share >= n)
			return share;
	}
	return 0;
}

/**
 * pci_layout_windows() - Give each VM that owns PCI functions its share of
 * the board's PCI memory windows.
 * @cl: its @pci_mem and @pci_coherent are filled.
 * @cfg: the config.
 * @b: the board.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pci_layout_windows(struct comm_layout *cl, const struct config *cfg,
		       const struct board *b, struct diag *d)
{
	const struct shikiri_plan_pci *pci = &b->facts.pci;
	unsigned int owners = 0, usable = 0;

	if (b->pci_node >= 0)
		cl->pci_coherent = fdt_getprop(b->dtb.data, b->pci_node,
					       "dma-coherent", NULL) != NULL;
	for (unsigned int i = 0; i < cfg->vm_count; i++)
		owners += cfg->vm[i].pci_count ? 1 : 0;
	if (!owners)
		return 0;
	for (unsigned int w = 0; w < 2; w++) {
		const struct shikiri_range *win = &pci->mem[w];
		uint64_t base = 0, share;
		unsigned int k = 0;

		/* Past the 39-bit IPA space neither EL2 nor stage 2 reach. */
		if (!win->size || win->base + win->size > COMM_IPA_END)
			continue;
		usable++;
		share = split(win, owners, &base);
		if (!share) {
			diag_error(d,
				   "%s: %s: its %s PCI memory window "
				   "[0x%" PRIx64 ", 0x%" PRIx64 ") is too "
				   "small to give each of the %u VMs that own "
				   "PCI functions 1 MiB; fix: give PCI "
				   "functions to fewer VMs",
				   cfg->path, b->name, w ? "64-bit" : "32-bit",
				   win->base, win->base + win->size, owners);
			return -1;
		}
		for (unsigned int i = 0; i < cfg->vm_count; i++)
			if (cfg->vm[i].pci_count)
				cl->pci_mem[i][w] = (struct shikiri_range){
					base + share * k++, share
				};
	}
	if (!usable && (pci->flags & SHIKIRI_PCI_BOARD_ASSIGN_BARS)) {
		diag_error(d,
			   "%s: %s: its PCI host %s has no memory window "
			   "below 0x%llx (the 39-bit IPA space) to put the "
			   "functions' BARs in; fix: remove pci-devices",
			   cfg->path, b->name, b->pci_path,
			   (unsigned long long)COMM_IPA_END);
		return -1;
	}
	return 0;
}

/* The ranges of @g (RAM, pages, devices) that are its own. */
static unsigned int own_ranges(const struct comm_guest *g,
			       struct layout_range *t)
{
	unsigned int n = 0;

	t[n++] = (struct layout_range){ g->l->ram_ipa, g->l->ram_size };
	t[n++] = (struct layout_range){ g->l->manage_ipa, LAYOUT_MANAGE_SIZE };
	if (g->vm->watchdog_ms)
		t[n++] = (struct layout_range){ g->l->watchdog_ipa,
						LAYOUT_WATCHDOG_SIZE };
	return n;
}

/**
 * pci_layout_check() - Report a VM's window that overlaps its own RAM or
 * pages, or any VM's passed-through MMIO.
 * @cl: the windows.
 * @cfg: the config.
 * @g: each VM's IPA space.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pci_layout_check(const struct comm_layout *cl, const struct config *cfg,
		     const struct comm_guest *g, struct diag *d)
{
	int errors = d->errors;

	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		struct layout_range t[3];
		unsigned int n = g[i].l ? own_ranges(&g[i], t) : 0;

		for (unsigned int w = 0; w < 2; w++) {
			const struct shikiri_range *m = &cl->pci_mem[i][w];
			bool hit = false;

			for (unsigned int k = 0; k < n; k++)
				hit |= overlaps(m->base, m->size, t[k].base,
						t[k].size);
			for (unsigned int j = 0; j < cfg->vm_count; j++)
				for (unsigned int k = 0;
				     g[j].pt && k < g[j].pt->mmio_count; k++)
					hit |= overlaps(m->base, m->size,
							g[j].pt->mmio[k].ipa,
							g[j].pt->mmio[k].size);
			if (hit)
				diag_prop(d, cfg->path, cfg->vm[i].node,
					  "pci-devices",
					  "the VM's PCI memory window "
					  "[0x%" PRIx64 ", 0x%" PRIx64 ") "
					  "overlaps its RAM, management page "
					  "or watchdog, or a passed-through "
					  "device; fix: move the VM's RAM "
					  "(memory-base) or the device away "
					  "from the board's PCI window",
					  m->base, m->base + m->size);
		}
	}
	return d->errors == errors ? 0 : -1;
}

/**
 * pci_layout_msi() - The virtual SPIs of every PCI VM's MSIs.
 * @cl: @msi_intid is filled.
 * @cfg: the config.
 * @b: the board.
 * @used: COMM_SPI_END flags.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pci_layout_msi(struct comm_layout *cl, const struct config *cfg,
		   const struct board *b, const bool *used, struct diag *d)
{
	bool any = false;
	uint32_t run = 0;

	for (unsigned int i = 0; i < cfg->vm_count; i++)
		any |= cfg->vm[i].pci_count != 0;
	if (!any || !b->facts.hw.aarch64.its_base)
		return 0;
	/* Top down: regions and LANs take theirs from the bottom. */
	for (uint32_t intid = COMM_SPI_END; intid-- > SHIKIRI_GIC_SPI_BASE;) {
		run = used[intid] ? 0 : run + 1;
		if (run == COMM_MSI_COUNT) {
			cl->msi_intid = intid;
			return 0;
		}
	}
	diag_error(d,
		   "%s: no %u consecutive virtual SPIs are free (INTIDs "
		   "32-%u not used by board devices, passthrough, shared "
		   "memory or LANs) for the MSIs of the VMs that own PCI "
		   "functions; fix: pass fewer interrupts through",
		   cfg->path, COMM_MSI_COUNT, COMM_SPI_END - 1);
	return -1;
}
