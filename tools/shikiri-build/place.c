// SPDX-License-Identifier: MIT
/*
 * Physical placement of VM RAM and shared-memory regions: fixed bases
 * first (VMs', then regions'), then the rest top-down into what is left,
 * VMs that must be identity-mapped (a PC's VMs that own PCI functions)
 * before the others, then those VMs' own first MiB, then the regions.
 * Every message names the ranges involved, so the user can pick a base
 * that fits.
 */
#include <inttypes.h>

#include "place.h"
#include "shikiri/x86_layout.h"

#define MIB UINT64_C(0x100000)

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/*
 * The board RAM range VMs are placed in: the one the hypervisor is loaded
 * into (on a PC the others are small, below 1 MiB).
 */
static const struct shikiri_range *main_ram(const struct image_build *ib)
{
	const struct shikiri_plan_board *f = &ib->board->facts;

	for (uint32_t r = 0; r < f->ram_count; r++)
		if (ib->hvl.load_pa >= f->ram[r].base &&
		    ib->hvl.load_pa - f->ram[r].base < f->ram[r].size)
			return &f->ram[r];
	return &f->ram[0];
}

/*
 * Whether VM @i sees its RAM at its physical address: on a PC, a VM that
 * owns PCI functions, whose devices' DMA takes guest addresses for
 * physical ones (no IOMMU is used).
 */
static bool identity(const struct image_build *ib, unsigned int i)
{
	return ib->x86 && ib->vm[i].cfg->pci_count;
}

/*
 * Check that [@base, @base + @size), the memory-base of @node, lies in
 * board RAM above the hypervisor's area (@align: what the lowest base
 * that fits is rounded to).  Return: 0; after reporting, -1 when it is
 * outside board RAM, -2 when it overlaps the hypervisor's area.
 */
static int check_base(const struct image_build *ib, const struct config *cfg,
		      const char *node, uint64_t base, uint64_t size,
		      uint64_t align, struct diag *d)
{
	const struct shikiri_range *ram = main_ram(ib);
	uint64_t ram_end = ram->base + ram->size;

	if (base < ram->base || base > ram_end || size > ram_end - base) {
		diag_prop(d, cfg->path, node, "memory-base",
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") is outside board "
			  "RAM [0x%" PRIx64 ", 0x%" PRIx64 "); fix: choose a "
			  "base in board RAM",
			  base, base + size, ram->base, ram_end);
		return -1;
	}
	if (base < ib->hvl.resv_end) {
		diag_prop(d, cfg->path, node, "memory-base",
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the "
			  "hypervisor's area [0x%" PRIx64 ", 0x%" PRIx64
			  ") (its image, plan, payloads and the loader's DTB)"
			  "; fix: use a base of at least 0x%" PRIx64,
			  base, base + size, ib->hvl.resv_base,
			  ib->hvl.resv_end,
			  layout_align_up(ib->hvl.resv_end, align));
		return -2;
	}
	return 0;
}

/* Check a fixed base; report and return -1 when it cannot be used. */
static int check_fixed(const struct image_build *ib, const struct config *cfg,
		       unsigned int i, struct diag *d)
{
	const struct vm_config *c = ib->vm[i].cfg;
	uint64_t base = c->mem_base, size = c->mem_size;
	int ret = check_base(ib, cfg, c->node, base, size, CONFIG_MEM_ALIGN, d);

	/* Outside RAM says it all; in the hypervisor's area, say more. */
	if (ret == -1)
		return -1;
	if (identity(ib, i) && base + size > X86_LAYOUT_MANAGE) {
		diag_prop(d, cfg->path, c->node, "memory-base",
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") does not end below "
			  "0x%llx, where the devices of a VM that owns PCI "
			  "functions begin (it sees its RAM at its physical "
			  "address); fix: use a lower base or less memory",
			  base, base + size, X86_LAYOUT_MANAGE);
		ret = -1;
	}
	for (unsigned int j = 0; j < i; j++) {
		const struct vm_config *o = ib->vm[j].cfg;

		if (!o->mem_fixed || !o->mem_size ||
		    !overlaps(base, size, o->mem_base, o->mem_size))
			continue;
		diag_prop(d, cfg->path, c->node, "memory-base",
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the RAM "
			  "of %s, [0x%" PRIx64 ", 0x%" PRIx64 "); fix: give "
			  "each VM its own range",
			  base, base + size, o->node, o->mem_base,
			  o->mem_base + o->mem_size);
		ret = -1;
	}
	return ret;
}

/* Report that a VM's RAM does not fit below @top. */
static void no_room(const struct image_build *ib, const struct config *cfg,
		    unsigned int i, const struct layout_range *taken,
		    unsigned int n, uint64_t floor, uint64_t top,
		    struct diag *d)
{
	uint64_t size = ib->vm[i].cfg->mem_size, free_base, free_size;
	const char *where = identity(ib, i) ?
				    " (a VM that owns PCI functions sees its "
				    "RAM at its physical address, which must "
				    "be below 0xfeb00000)" :
				    "";

	free_size = layout_largest_free(taken, n, floor, top, &free_base);
	if (free_size)
		diag_prop(d, cfg->path, ib->vm[i].cfg->node, "memory-size",
			  "%" PRIu64 " MiB does not fit in board RAM%s: "
			  "the largest free range is %" PRIu64 " MiB, "
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") (free: above the "
			  "hypervisor's area, outside the other VMs); fix: "
			  "give VMs less memory",
			  size / MIB, where, free_size / MIB, free_base,
			  free_base + free_size);
	else
		diag_prop(d, cfg->path, ib->vm[i].cfg->node, "memory-size",
			  "%" PRIu64 " MiB does not fit in board RAM%s: none "
			  "is free above the hypervisor's area (which ends "
			  "at 0x%" PRIx64 ") outside the other VMs; fix: "
			  "give VMs less memory",
			  size / MIB, where, floor);
}

/* The alignment of a region's physical base: its size, at most 2 MiB. */
static uint64_t shm_align(uint64_t size)
{
	return size < CONFIG_MEM_ALIGN ? size : CONFIG_MEM_ALIGN;
}

/*
 * Check a region's memory-base against board RAM, the hypervisor's area,
 * the VMs placed so far (@taken, VM @owner[n] each) and the regions fixed
 * before it.  Return: -1 after reporting.
 */
static int check_fixed_shm(const struct image_build *ib,
			   const struct config *cfg, unsigned int s,
			   const struct layout_range *taken,
			   const unsigned int *owner, unsigned int n,
			   struct diag *d)
{
	const struct shm_config *c = &cfg->shm[s];
	uint64_t base = c->mem_base, size = c->size;
	int ret = check_base(ib, cfg, c->node, base, size, shm_align(size), d);

	if (ret == -1)
		return -1;
	for (unsigned int t = 0; t < n; t++) {
		const char *what =
			owner[t] < SHIKIRI_MAX_VMS ?
				ib->vm[owner[t]].cfg->node :
				cfg->shm[owner[t] - SHIKIRI_MAX_VMS].node;

		if (!overlaps(base, size, taken[t].base, taken[t].size))
			continue;
		diag_prop(d, cfg->path, c->node, "memory-base",
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") overlaps %s %s, "
			  "[0x%" PRIx64 ", 0x%" PRIx64 "); fix: give each "
			  "its own range, or leave memory-base out",
			  base, base + size,
			  owner[t] < SHIKIRI_MAX_VMS ? "the RAM of" : "region",
			  what, taken[t].base, taken[t].base + taken[t].size);
		ret = -1;
	}
	return ret;
}

/* Report that region @s does not fit below @top. */
static void shm_no_room(const struct config *cfg, unsigned int s,
			const struct layout_range *taken, unsigned int n,
			uint64_t floor, uint64_t top, struct diag *d)
{
	uint64_t free_base, free_size;

	free_size = layout_largest_free(taken, n, floor, top, &free_base);
	diag_prop(d, cfg->path, cfg->shm[s].node, "size",
		  "0x%" PRIx64 " bytes do not fit in the board RAM the VMs "
		  "leave: the largest free range is [0x%" PRIx64 ", 0x%" PRIx64
		  "); fix: make the region or the VMs smaller",
		  cfg->shm[s].size, free_base, free_base + free_size);
}

/**
 * place_vms() - Give every VM its physical RAM.
 * @ib: the image, after pack_offsets().
 * @cfg: the config, for messages.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int place_vms(struct image_build *ib, const struct config *cfg, struct diag *d)
{
	const struct shikiri_range *ram = main_ram(ib);
	uint64_t top = ram->base + ram->size, floor = ib->hvl.resv_end;
	uint64_t ident_top = top < X86_LAYOUT_MANAGE ? top : X86_LAYOUT_MANAGE;
	struct layout_range taken[2 * SHIKIRI_MAX_VMS + SHIKIRI_MAX_SHM];
	/* Whose each taken range is: a VM's index, or MAX_VMS + a region's. */
	unsigned int owner[2 * SHIKIRI_MAX_VMS + SHIKIRI_MAX_SHM];
	unsigned int n = 0;
	int errors = d->errors;

	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct vm_build *v = &ib->vm[i];

		if (!v->cfg->mem_size || !v->cfg->mem_fixed ||
		    check_fixed(ib, cfg, i, d))
			continue;
		v->ram_pa = v->cfg->mem_base;
		owner[n] = i;
		taken[n++] =
			(struct layout_range){ v->ram_pa, v->cfg->mem_size };
	}
	for (unsigned int s = 0; s < cfg->shm_count; s++) {
		const struct shm_config *c = &cfg->shm[s];

		if (!c->mem_fixed ||
		    check_fixed_shm(ib, cfg, s, taken, owner, n, d))
			continue;
		ib->shm_pa[s] = c->mem_base;
		owner[n] = SHIKIRI_MAX_VMS + s;
		taken[n++] = (struct layout_range){ c->mem_base, c->size };
	}
	/* The identity-mapped first: they have less room to choose from. */
	for (int pass = 0; pass < 2; pass++)
		for (unsigned int i = 0; i < ib->vm_count; i++) {
			struct vm_build *v = &ib->vm[i];
			uint64_t size = v->cfg->mem_size;
			uint64_t below = pass ? top : ident_top;

			if (!size || v->cfg->mem_fixed ||
			    identity(ib, i) == (pass == 1))
				continue;
			if (layout_place_vm(taken, n, floor, below, size,
					    &v->ram_pa)) {
				no_room(ib, cfg, i, taken, n, floor, below, d);
				continue;
			}
			owner[n] = i;
			taken[n++] = (struct layout_range){ v->ram_pa, size };
		}
	/* Their first MiB, anywhere: nothing in it is a DMA target. */
	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct vm_build *v = &ib->vm[i];

		if (!v->cfg->mem_size || !identity(ib, i))
			continue;
		if (layout_place_vm(taken, n, floor, top, X86_LAYOUT_HIGH_RAM,
				    &v->low_pa)) {
			diag_prop(d, cfg->path, v->cfg->node, "memory-size",
				  "leaves no room in board RAM for the VM's "
				  "first MiB (a VM that owns PCI functions has "
				  "one of its own besides its RAM); fix: give "
				  "VMs less memory");
			continue;
		}
		owner[n] = i;
		taken[n++] =
			(struct layout_range){ v->low_pa, X86_LAYOUT_HIGH_RAM };
	}
	/* Regions last: they are small and fit the gaps VMs leave. */
	for (unsigned int s = 0; s < cfg->shm_count; s++) {
		const struct shm_config *c = &cfg->shm[s];

		if (c->mem_fixed || !c->size)
			continue;
		if (layout_place_top_down(taken, n, floor, top, c->size,
					  shm_align(c->size), &ib->shm_pa[s])) {
			shm_no_room(cfg, s, taken, n, floor, top, d);
			continue;
		}
		owner[n] = SHIKIRI_MAX_VMS + s;
		taken[n++] = (struct layout_range){ ib->shm_pa[s], c->size };
	}
	return d->errors == errors ? 0 : -1;
}
