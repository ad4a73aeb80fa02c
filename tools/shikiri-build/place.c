// SPDX-License-Identifier: MIT
/*
 * Physical placement of VM RAM: fixed bases first, then the rest top-down
 * into what is left.  Every message names the ranges involved, so the user
 * can pick a base that fits.
 */
#include <inttypes.h>

#include "place.h"

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

/* Check a fixed base; report and return -1 when it cannot be used. */
static int check_fixed(const struct image_build *ib, const struct config *cfg,
		       unsigned int i, struct diag *d)
{
	const struct shikiri_range *ram = main_ram(ib);
	const struct vm_config *c = ib->vm[i].cfg;
	uint64_t base = c->mem_base, size = c->mem_size;
	uint64_t ram_end = ram->base + ram->size;
	int ret = 0;

	if (base < ram->base || base > ram_end || size > ram_end - base) {
		diag_prop(d, cfg->path, c->node, "memory-base",
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") is outside board "
			  "RAM [0x%" PRIx64 ", 0x%" PRIx64 "); fix: choose a "
			  "base in board RAM",
			  base, base + size, ram->base, ram_end);
		return -1;
	}
	if (base < ib->hvl.resv_end) {
		diag_prop(d, cfg->path, c->node, "memory-base",
			  "[0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the "
			  "hypervisor's area [0x%" PRIx64 ", 0x%" PRIx64
			  ") (its image, plan, payloads and the loader's DTB)"
			  "; fix: use a base of at least 0x%" PRIx64,
			  base, base + size, ib->hvl.resv_base,
			  ib->hvl.resv_end,
			  layout_align_up(ib->hvl.resv_end, CONFIG_MEM_ALIGN));
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
	struct layout_range taken[SHIKIRI_MAX_VMS];
	unsigned int n = 0;
	int errors = d->errors;

	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct vm_build *v = &ib->vm[i];

		if (!v->cfg->mem_size || !v->cfg->mem_fixed ||
		    check_fixed(ib, cfg, i, d))
			continue;
		v->ram_pa = v->cfg->mem_base;
		taken[n++] =
			(struct layout_range){ v->ram_pa, v->cfg->mem_size };
	}
	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct vm_build *v = &ib->vm[i];
		uint64_t size = v->cfg->mem_size, free_base, free_size;

		if (!size || v->cfg->mem_fixed)
			continue;
		if (layout_place_vm(taken, n, floor, top, size, &v->ram_pa) ==
		    0) {
			taken[n++] = (struct layout_range){ v->ram_pa, size };
			continue;
		}
		free_size =
			layout_largest_free(taken, n, floor, top, &free_base);
		if (free_size)
			diag_prop(d, cfg->path, v->cfg->node, "memory-size",
				  "%" PRIu64 " MiB does not fit in board RAM: "
				  "the largest free range is %" PRIu64
				  " MiB, [0x%" PRIx64 ", 0x%" PRIx64 ") (free: "
				  "above the hypervisor's area, outside the "
				  "other VMs); fix: give VMs less memory",
				  size / MIB, free_size / MIB, free_base,
				  free_base + free_size);
		else
			diag_prop(d, cfg->path, v->cfg->node, "memory-size",
				  "%" PRIu64 " MiB does not fit in board RAM: "
				  "none is free above the hypervisor's area "
				  "(which ends at 0x%" PRIx64 ") outside the "
				  "other VMs; fix: give VMs less memory",
				  size / MIB, floor);
	}
	return d->errors == errors ? 0 : -1;
}
