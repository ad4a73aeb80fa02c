// SPDX-License-Identifier: MIT
/*
 * shm@N nodes: shared-memory regions.  Each has a name, a size (a power of
 * two, so that every VM can see it at an IPA aligned to its size as a PCI
 * BAR must be), the VMs that map it (two at least: a region for one VM is
 * just RAM), those of them that map it read-only, and optionally its
 * physical base.  Where the region and its views go is decided later
 * (place.c, comm.c); here every problem with the node itself is reported
 * with the file, the node and the fix.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_vm.h"

#define SHM_MIN UINT64_C(0x1000)
#define SHM_MAX UINT64_C(0x40000000)
#define SZ_2M UINT64_C(0x200000)
#define SZ_1M UINT64_C(0x100000)

/* State while one shm@N node is read. */
struct shm_parse {
	const struct config *cfg;
	struct diag *d;
	struct shm_config *shm;
};

typedef void (*shm_parser)(struct shm_parse *p, const char *name,
			   const void *val, int len);

static void parse_label(struct shm_parse *p, const char *name, const void *val,
			int len)
{
	config_name_prop(p->d, p->cfg->path, p->shm->node, name, val, len,
			 "region", "label = \"ring0\"", p->shm->label);
}

/* The power of two from 4 KiB to 1 GiB nearest above @size. */
static uint64_t size_fix(uint64_t size)
{
	uint64_t up = SHM_MIN;

	while (up < size && up < SHM_MAX)
		up <<= 1;
	return up;
}

static void parse_size(struct shm_parse *p, const char *name, const void *val,
		       int len)
{
	uint64_t size, fix;

	if (!config_as_u64(val, len, &size)) {
		diag_prop(p->d, p->cfg->path, p->shm->node, name,
			  "must be a 64-bit size as two cells; fix: e.g. "
			  "size = <0x0 0x200000> for 2 MiB");
		return;
	}
	if (size >= SHM_MIN && size <= SHM_MAX && !(size & (size - 1))) {
		p->shm->size = size;
		return;
	}
	fix = size_fix(size);
	diag_prop(p->d, p->cfg->path, p->shm->node, name,
		  "0x%" PRIx64 " is not a power of two from 4 KiB to 1 GiB "
		  "(each VM sees the region as a PCI BAR, whose size is a "
		  "power of two); fix: use e.g. <0x%" PRIx64 " 0x%" PRIx64
		  "> (%" PRIu64 " %s)",
		  size, fix >> 32, fix & 0xffffffffu,
		  fix >= SZ_1M ? fix / SZ_1M : fix >> 10,
		  fix >= SZ_1M ? "MiB" : "KiB");
}

static void parse_vms(struct shm_parse *p, const char *name, const void *val,
		      int len)
{
	p->shm->vm_mask = config_vm_list(p->d, p->cfg->path, p->shm->node, name,
					 val, len, p->cfg->vm_count,
					 "vms = <0 1>");
}

static void parse_read_only(struct shm_parse *p, const char *name,
			    const void *val, int len)
{
	p->shm->ro_mask = config_vm_list(p->d, p->cfg->path, p->shm->node, name,
					 val, len, p->cfg->vm_count,
					 "read-only = <1>");
}

static void parse_memory_base(struct shm_parse *p, const char *name,
			      const void *val, int len)
{
	uint64_t base;

	if (!config_as_u64(val, len, &base)) {
		diag_prop(p->d, p->cfg->path, p->shm->node, name,
			  "must be a 64-bit physical address as two cells; "
			  "fix: e.g. memory-base = <0x0 0x7fe00000>");
		return;
	}
	p->shm->mem_base = base;
	p->shm->mem_fixed = true;
}

/* The properties of a shm@N node; anything else is an error. */
static const struct shm_prop {
	const char *name;
	shm_parser parse;
	const char *example; /* non-NULL: required, shown when missing */
} shm_props[] = {
	{ "label", parse_label, "label = \"ring0\"" },
	{ "size", parse_size, "size = <0x0 0x200000>" },
	{ "vms", parse_vms, "vms = <0 1>" },
	{ "read-only", parse_read_only, NULL },
	{ "memory-base", parse_memory_base, NULL },
};

#define SHM_PROP_COUNT (sizeof(shm_props) / sizeof(shm_props[0]))

static void read_props(struct shm_parse *p, const void *fdt, int node)
{
	bool seen[SHM_PROP_COUNT] = { false };
	const char *known[SHM_PROP_COUNT];
	int prop, sub;

	for (size_t k = 0; k < SHM_PROP_COUNT; k++)
		known[k] = shm_props[k].name;
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);
		size_t i;

		for (i = 0; i < SHM_PROP_COUNT; i++)
			if (strcmp(shm_props[i].name, name) == 0)
				break;
		if (i == SHM_PROP_COUNT) {
			config_unknown_prop(p->d, p->cfg->path, p->shm->node,
					    name, known, SHM_PROP_COUNT);
			continue;
		}
		if (seen[i]) {
			diag_prop(p->d, p->cfg->path, p->shm->node, name,
				  "given twice; fix: keep one");
			continue;
		}
		seen[i] = true;
		shm_props[i].parse(p, name, val, len);
	}
	for (size_t i = 0; i < SHM_PROP_COUNT; i++)
		if (shm_props[i].example && !seen[i])
			diag_prop(p->d, p->cfg->path, p->shm->node,
				  shm_props[i].name,
				  "is missing; fix: add e.g. %s",
				  shm_props[i].example);
	fdt_for_each_subnode(sub, fdt, node)
		diag_error(p->d, "%s: %s/%s: unknown node; fix: remove it",
			   p->cfg->path, p->shm->node,
			   fdt_get_name(fdt, sub, NULL));
}

/* What only makes sense once every property of the node is known. */
static void check_node(struct shm_parse *p)
{
	struct shm_config *shm = p->shm;
	uint32_t stray = shm->ro_mask & ~shm->vm_mask;
	uint64_t align = shm->size < SZ_2M ? shm->size : SZ_2M;

	if (shm->vm_mask && __builtin_popcount(shm->vm_mask) < 2)
		diag_prop(p->d, p->cfg->path, shm->node, "vms",
			  "names only VM %d, and a region is for two VMs or "
			  "more; fix: list the VMs that share it, e.g. "
			  "vms = <0 1>",
			  __builtin_ctz(shm->vm_mask));
	for (unsigned int vm = 0; stray && vm < SHIKIRI_MAX_VMS; vm++)
		if (stray & (1u << vm))
			diag_prop(p->d, p->cfg->path, shm->node, "read-only",
				  "VM %u is not in vms; fix: add it to vms, "
				  "or remove it from read-only",
				  vm);
	if (shm->vm_mask && (shm->ro_mask & shm->vm_mask) == shm->vm_mask)
		diag_prop(p->d, p->cfg->path, shm->node, "read-only",
			  "lists every VM of the region, so none can write "
			  "it; fix: leave the writer(s) out of read-only");
	if (shm->mem_fixed && shm->size && shm->mem_base % align) {
		uint64_t down = shm->mem_base & ~(align - 1);

		diag_prop(p->d, p->cfg->path, shm->node, "memory-base",
			  "0x%" PRIx64 " is not aligned to 0x%" PRIx64
			  " (the region's size, at most 2 MiB); fix: use "
			  "e.g. <0x%" PRIx64 " 0x%" PRIx64 ">",
			  shm->mem_base, align, down >> 32, down & 0xffffffffu);
		shm->mem_fixed = false;
	}
	if (shm->mem_fixed && !shm->size)
		shm->mem_fixed = false;
}

/**
 * config_shm_parse() - Read one shm@N node into the next region.
 * @cfg: the config, every VM already read.
 * @board: the board.
 * @fdt: the compiled config.
 * @node: the shm@N node.
 * @d: where problems are reported.
 */
void config_shm_parse(struct config *cfg, const struct board *board,
		      const void *fdt, int node, struct diag *d)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	struct shm_parse p = { cfg, d, NULL };
	char *end;
	unsigned long unit = strtoul(name + 4, &end, 16);

	if (board->facts.arch == SHIKIRI_ARCH_X86_64) {
		diag_error(d,
			   "%s: /%s: shared memory is not available on "
			   "x86_64 boards yet (only on Arm boards); fix: "
			   "remove it",
			   cfg->path, name);
		return;
	}
	if (cfg->shm_count == SHIKIRI_MAX_SHM) {
		diag_error(d,
			   "%s: /%s: too many shared-memory regions; fix: "
			   "use at most %u",
			   cfg->path, name, SHIKIRI_MAX_SHM);
		return;
	}
	if (*end || end == name + 4 || unit != cfg->shm_count)
		diag_error(d,
			   "%s: /%s: regions must be numbered in order; fix: "
			   "rename it shm@%x",
			   cfg->path, name, cfg->shm_count);
	p.shm = &cfg->shm[cfg->shm_count++];
	snprintf(p.shm->node, sizeof(p.shm->node), "/%.20s", name);
	read_props(&p, fdt, node);
	check_node(&p);
}

/**
 * config_shm_check() - Report what involves two regions.
 * @cfg: the config, every region read.
 * @d: where problems are reported.
 */
void config_shm_check(const struct config *cfg, struct diag *d)
{
	for (unsigned int i = 0; i < cfg->shm_count; i++) {
		const struct shm_config *s = &cfg->shm[i];

		for (unsigned int j = 0; j < i; j++) {
			const struct shm_config *o = &cfg->shm[j];

			if (s->label[0] && strcmp(s->label, o->label) == 0)
				diag_prop(d, cfg->path, s->node, "label",
					  "'%s' is already the label of %s; "
					  "fix: give each region its own label",
					  s->label, o->node);
		}
	}
}
