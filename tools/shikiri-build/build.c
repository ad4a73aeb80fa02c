// SPDX-License-Identifier: MIT
/*
 * One run of shikiri-build, start to finish: config and board, payloads,
 * devices, guest layouts and DTs, physical placement, plan, image.  Input
 * problems are collected over every VM before giving up, so the user sees
 * them all at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "build.h"
#include "explain.h"
#include "overlay.h"
#include "pack.h"
#include "place.h"
#include "shikiri/x86_layout.h"

#define MIB UINT64_C(0x100000)

/* Everything one run holds, freed together. */
struct run {
	const struct build_opts *o;
	struct diag d;
	struct config cfg;
	struct board board;
	struct image_build ib;
	uint8_t *seed;
};

static int select_board(struct run *r)
{
	const struct build_opts *o = r->o;
	const char *name = o->board ? o->board : r->cfg.board;
	const struct board_model *model;

	if (o->board_dtb && r->cfg.qemu.count)
		diag_prop(&r->d, r->cfg.path, "/", "qemu-args",
			  "needs a board that QEMU runs, and --board-dtb "
			  "names none (no OUT.img.qemu is written); fix: "
			  "build with --board (one of %s), or remove it",
			  board_model_names());
	if (o->board_dtb)
		return board_load(&r->board, NULL, o->board_dtb, &r->d);
	if (!name) {
		diag_error(&r->d,
			   "%s: no board; fix: pass --board (one of %s) "
			   "or --board-dtb FILE, or set board = \"...\" in "
			   "the config",
			   r->cfg.path, board_model_names());
		return -1;
	}
	if (o->board && r->cfg.board && strcmp(o->board, r->cfg.board)) {
		diag_prop(&r->d, r->cfg.path, "/", "board",
			  "the config is "
			  "for '%s' but --board says '%s'; fix: make them "
			  "agree",
			  r->cfg.board, o->board);
		return -1;
	}
	model = board_model_find(name);
	if (!model) {
		diag_error(&r->d,
			   "%s: unknown board '%s'; fix: use one of %s,"
			   " or --board-dtb FILE",
			   r->cfg.path, name, board_model_names());
		return -1;
	}
	return board_load(&r->board, model, NULL, &r->d);
}

/* Whether a vm@N node of the config has "pci-devices". */
static bool names_pci(const struct config *cfg)
{
	const void *fdt = cfg->dtb.data;
	int node;

	fdt_for_each_subnode(node, fdt, 0)
	{
		if (strncmp(fdt_get_name(fdt, node, NULL), "vm@", 3) == 0 &&
		    fdt_getprop(fdt, node, "pci-devices", NULL))
			return true;
	}
	return false;
}

/* The board, and on Arm its PCI host when a VM names PCI functions. */
static int load_board(struct run *r)
{
	if (select_board(r))
		return -1;
	if (r->board.facts.arch == SHIKIRI_ARCH_AARCH64 && names_pci(&r->cfg))
		return board_arm_pci_load(&r->board, &r->d);
	return 0;
}

static int load_hv(struct run *r)
{
	struct image_build *ib = &r->ib;
	int err;

	if (!r->o->hv)
		return 0;
	err = fileio_read(r->o->hv, &ib->hv);
	if (err) {
		diag_error(&r->d, "%s: cannot read the hypervisor: %s",
			   r->o->hv, strerror(-err));
		return -1;
	}
	if (ib->x86) {
		const char *why;

		if (mboot_parse(&ib->hv, &ib->hv_mb, &why))
			return 0;
		diag_error(&r->d,
			   "%s: not an x86_64 hypervisor binary: %s; fix: "
			   "pass build/x86_64/hv/shikiri.bin",
			   r->o->hv, why);
		return -1;
	}
	if (!payload_parse_image(&ib->hv, &ib->hv_img) ||
	    ib->hv_img.footprint < ib->hv.size) {
		diag_error(&r->d,
			   "%s: not a hypervisor binary (an arm64 Image "
			   "whose image_size covers the file); fix: pass "
			   "build/hv/shikiri.bin",
			   r->o->hv);
		return -1;
	}
	return 0;
}

static int read_seed(struct run *r)
{
	size_t size = (size_t)r->cfg.vm_count * DTGEN_SEED_SIZE;
	FILE *f;

	r->seed = fileio_xmalloc(size);
	if (r->o->seed) {
		for (size_t i = 0; i < size; i += DTGEN_SEED_SIZE)
			memcpy(r->seed + i, r->o->seed, DTGEN_SEED_SIZE);
		return 0;
	}
	f = fopen("/dev/urandom", "rb");
	if (!f || fread(r->seed, 1, size, f) != size) {
		diag_error(&r->d, "/dev/urandom: cannot read seeds");
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Whether one of the VM's devices masters the bus (DMA). */
static bool does_dma(const struct run *r, const struct vm_build *v)
{
	const void *fdt = r->board.dtb.data;

	for (unsigned int i = 0; i < v->pt.node_count; i++)
		if (devices_dma_capable(fdt, v->pt.node[i]))
			return true;
	return false;
}

/*
 * Whether the VM owns PCI functions whose DMA nothing translates: the
 * board has no SMMUv3 in front of its PCI host.
 */
static bool pci_untranslated(const struct run *r, const struct vm_build *v)
{
	return v->cfg->pci_count && !r->board.facts.hw.aarch64.smmu_base;
}

/*
 * Where a VM sees its RAM.  Normally at the board's RAM base, wherever it
 * really is.  A VM that owns a DMA-capable device gets it at its physical
 * address: without an IOMMU the device uses the addresses the guest gives
 * it as physical ones, so they must be the same.  PCI functions behind an
 * SMMUv3 need not: the hypervisor's DMA tables translate as stage 2 does.
 */
static uint64_t ram_ipa_of(const struct run *r, const struct vm_build *v)
{
	if (v->cfg->mem_fixed && (does_dma(r, v) || pci_untranslated(r, v)))
		return v->cfg->mem_base;
	return r->board.facts.ram[0].base;
}

/* Lay out one VM's RAM and generate its DT; report what does not fit. */
static void make_guest(struct run *r, unsigned int i)
{
	struct vm_build *v = &r->ib.vm[i];
	const struct vm_config *c = v->cfg;
	struct guest_layout *l = &v->layout;
	uint64_t ram_ipa = ram_ipa_of(r, v);
	int err;

	if (!c->mem_fixed && pci_untranslated(r, v)) {
		diag_prop(&r->d, r->cfg.path, c->node, "pci-devices",
			  "%s has no SMMUv3 in front of its PCI host, so the "
			  "functions' DMA is not translated and a VM that owns "
			  "them must see its RAM at its physical address; "
			  "fix: add memory-base = <hi lo> (2 MiB aligned, in "
			  "board RAM), or use a board with an SMMUv3 "
			  "(qemu-virt-smmu)",
			  r->board.name);
		return;
	}
	if (!c->mem_fixed && does_dma(r, v)) {
		diag_prop(&r->d, r->cfg.path, c->node, "devices",
			  "a VM that owns a DMA-capable device needs its RAM "
			  "at a fixed physical address, which is also where "
			  "it sees it (device DMA is not translated: there is "
			  "no IOMMU); fix: add memory-base = <hi lo> (2 MiB "
			  "aligned, in board RAM)");
		return;
	}
	layout_guest(l, ram_ipa, c->mem_size, &v->pl.kimg, v->pl.kernel.size,
		     v->pl.initrd.size, 0);
	err = dtgen_build(&v->dt, &r->board, c, &v->pt, l, &v->comm,
			  r->seed + i * DTGEN_SEED_SIZE);
	if (err) {
		diag_error(&r->d,
			   "%s: %s: cannot generate its device tree: "
			   "%s",
			   r->cfg.path, c->node, fdt_strerror(err));
		return;
	}
	if (v->overlay.size) {
		const struct overlay_vm o = { &r->board, c, &v->pt, l };

		if (overlay_apply(&v->dt.dtb, &v->overlay, &o, &r->cfg, &r->d))
			return;
		dtgen_locate_seeds(&v->dt);
	}
	if (layout_guest(l, ram_ipa, c->mem_size, &v->pl.kimg,
			 v->pl.kernel.size, v->pl.initrd.size,
			 v->dt.dtb.size) == 0)
		return;
	diag_prop(&r->d, r->cfg.path, c->node, "memory-size",
		  "%" PRIu64 " MiB is too small for the payloads (kernel at "
		  "0x%" PRIx64 " needs 0x%" PRIx64
		  " bytes, initrd at 0x%" PRIx64 ", DTB at 0x%" PRIx64
		  " ends at 0x%" PRIx64 "); "
		  "fix: use at least %" PRIu64 " MiB or smaller payloads",
		  c->mem_size / MIB, l->kernel_ipa, l->kernel_footprint,
		  l->initrd_ipa, l->dtb_ipa, l->end,
		  layout_align_up(l->end - l->ram_ipa, LAYOUT_SZ_2M) / MIB);
}

/*
 * An x86_64 VM: kernel and initrd placed, boot_params and ACPI made.  A VM
 * that owns PCI functions has its main RAM at @ram_ipa, its physical
 * address (0 for the others: RAM from guest-physical 0), known for sure
 * once @placed.
 */
static void make_x86_guest(struct run *r, unsigned int i, uint64_t ram_ipa,
			   bool placed)
{
	struct vm_build *v = &r->ib.vm[i];
	const struct vm_config *c = v->cfg;
	const struct vm_payloads *pl = &v->pl;
	const struct acpi_pci pci = { &r->board.facts.pci, c->pci,
				      c->pci_count };

	if (strlen(c->bootargs) > pl->bz.cmdline_size) {
		diag_prop(&r->d, r->cfg.path, c->node, "bootargs",
			  "is %zu characters long, more than the %u the "
			  "kernel '%s' takes; fix: shorten it",
			  strlen(c->bootargs), pl->bz.cmdline_size, c->kernel);
		return;
	}
	if (placed && ram_ipa && !pl->bz.relocatable &&
	    (pl->bz.pref_address < ram_ipa ||
	     pl->bz.pref_address - ram_ipa >= c->mem_size)) {
		diag_prop(&r->d, r->cfg.path, c->node, "kernel",
			  "'%s' is not relocatable and runs only at 0x%" PRIx64
			  ", outside the VM's RAM [0x%" PRIx64 ", 0x%" PRIx64
			  ") (a VM that owns PCI functions sees its RAM at its "
			  "physical address); fix: give the VM a memory-base "
			  "whose RAM holds 0x%" PRIx64
			  ", or build the kernel with CONFIG_RELOCATABLE=y",
			  c->kernel, pl->bz.pref_address, ram_ipa,
			  ram_ipa + c->mem_size, pl->bz.pref_address);
		return;
	}
	if (ram_ipa) {
		v->x86.ecam_base = r->board.facts.pci.ecam_base;
		v->x86.ecam_size = r->board.facts.pci.ecam_size;
	}
	if (bootparams_layout(&v->x86, ram_ipa, c->mem_size, &pl->bz,
			      pl->kernel.size, pl->initrd.size)) {
		diag_prop(&r->d, r->cfg.path, c->node, "memory-size",
			  "%" PRIu64 " MiB is too small for the payloads "
			  "(kernel at 0x%" PRIx64 " needs 0x%" PRIx64
			  " bytes, then a %" PRIu64 "-byte initrd); fix: use "
			  "at least %" PRIu64 " MiB or smaller payloads",
			  c->mem_size / MIB, v->x86.kernel_ipa,
			  v->x86.kernel_footprint, pl->initrd.size,
			  v->x86.need / MIB);
		return;
	}
	fileio_free(&v->boot_params);
	fileio_free(&v->acpi);
	bootparams_build(&v->boot_params, &v->rng_seed_offset, &pl->kernel,
			 &pl->bz, c->bootargs, &v->x86,
			 r->seed + i * DTGEN_SEED_SIZE);
	acpi_build(&v->acpi, (unsigned int)__builtin_popcountll(c->cpu_mask),
		   c->pci_count ? &pci : NULL);
}

/*
 * Where an x86_64 VM's main RAM is before placement: a VM that owns PCI
 * functions sees it at its physical address, known only once it is
 * placed, so until then at its memory-base, at the 2 MiB holding the
 * pref_address of a kernel that is not relocatable, or at 16 MiB, which
 * any kernel_alignment divides (the payloads then fit as they will).
 */
static uint64_t x86_ram_ipa(const struct vm_build *v)
{
	const struct vm_config *c = v->cfg;

	if (!c->pci_count)
		return 0;
	if (c->mem_fixed)
		return c->mem_base;
	if (!v->pl.bz.relocatable && v->pl.bz.pref_address >= LAYOUT_SZ_2M)
		return v->pl.bz.pref_address & ~(LAYOUT_SZ_2M - 1);
	return X86_LAYOUT_KERNEL;
}

/* Lay out the identity-mapped VMs again where they were placed. */
static bool remake_identity(struct run *r)
{
	bool any = false;

	for (unsigned int i = 0; i < r->ib.vm_count; i++)
		if (r->ib.vm[i].cfg->pci_count) {
			make_x86_guest(r, i, r->ib.vm[i].ram_pa, true);
			any = true;
		}
	return any;
}

/*
 * Where regions and LANs appear in the VMs: every VM's IPA space must be
 * known first (RAM, management page, watchdog, devices), so each VM's
 * payloads are laid out once here; make_guest() does it again with the
 * DT's size.
 */
static void make_comm(struct run *r, const bool *ok)
{
	struct comm_guest g[SHIKIRI_MAX_VMS];
	struct image_build *ib = &r->ib;

	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct vm_build *v = &ib->vm[i];

		g[i] = (struct comm_guest){ v->cfg, &v->pt, NULL };
		if (!ok[i])
			continue;
		layout_guest(&v->layout, ram_ipa_of(r, v), v->cfg->mem_size,
			     &v->pl.kimg, v->pl.kernel.size, v->pl.initrd.size,
			     0);
		g[i].l = &v->layout;
	}
	if (comm_plan(&ib->comm, &r->cfg, &r->board, g, &r->d))
		return;
	for (unsigned int i = 0; i < ib->vm_count; i++)
		comm_vm_view(&ib->vm[i].comm, &ib->comm, &r->cfg, i);
}

/* Read, resolve and generate everything each VM needs. */
static void make_vms(struct run *r)
{
	const struct passthrough *pts[SHIKIRI_MAX_VMS];
	struct image_build *ib = &r->ib;
	bool ok[SHIKIRI_MAX_VMS] = { false };

	ib->vm_count = r->cfg.vm_count;
	ib->ram_cleared = r->cfg.ram_cleared;
	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct vm_build *v = &ib->vm[i];
		int errors = r->d.errors;

		v->cfg = &r->cfg.vm[i];
		pts[i] = &v->pt;
		payload_load(&v->pl, &r->cfg, v->cfg, r->board.facts.arch,
			     &r->d);
		overlay_load(&v->overlay, &r->cfg, v->cfg, &r->d);
		devices_resolve(&v->pt, &r->board, &r->cfg, v->cfg, &r->d);
		ok[i] = r->d.errors == errors && v->cfg->mem_size &&
			v->cfg->label[0] && v->cfg->cpu_mask;
	}
	devices_check_between(pts, &r->cfg, &r->d);
	if (!ib->x86)
		make_comm(r, ok);
	for (unsigned int i = 0; i < ib->vm_count; i++)
		if (ok[i] && ib->x86)
			make_x86_guest(r, i, x86_ram_ipa(&ib->vm[i]),
				       ib->vm[i].cfg->mem_fixed);
		else if (ok[i])
			make_guest(r, i);
}

/*
 * The absolute path of OUT.disk, made when the board model has a disk
 * (QEMU resolves a relative file= against its own working directory,
 * not the image's); NULL when it has none or after reporting.
 */
static char *disk_path(struct run *r)
{
	char *dir, *real, *path;
	const char *base = strrchr(r->o->out, '/');
	int err;

	if (!r->board.model->disk_size)
		return NULL;
	dir = fileio_dirname(r->o->out);
	real = realpath(dir, NULL);
	path = real ? fileio_strdup_printf("%s/%s.disk", real,
					   base ? base + 1 : r->o->out) :
		      NULL;
	err = path ? board_write_disk(r->board.model, path) : -errno;
	if (err) {
		diag_error(&r->d, "%s.disk: cannot write the board's disk: %s",
			   r->o->out, strerror(-err));
		free(path);
		path = NULL;
	}
	free(real);
	free(dir);
	return path;
}

static void write_side_files(struct run *r)
{
	const char *out = r->o->out;

	for (unsigned int i = 0; i < r->ib.vm_count; i++) {
		const struct vm_build *v = &r->ib.vm[i];
		const struct blob *b = r->ib.x86 ? &v->acpi : &v->dt.dtb;
		char *path = fileio_strdup_printf("%s.%s-%s", out,
						  r->ib.x86 ? "acpi" : "dtb",
						  v->cfg->label);

		if (fileio_write(path, b->data, b->size))
			diag_error(&r->d, "%s: cannot write", path);
		free(path);
	}
	if (r->board.model) {
		char *path = fileio_strdup_printf("%s.qemu", out);
		char *disk = disk_path(r);
		FILE *f = fopen(path, "w");

		for (const char *const *a = r->board.model->qemu_args; f && *a;
		     a++) {
			char *arg = board_qemu_arg(*a, disk ? disk : "");

			fprintf(f, "%s\n", arg);
			free(arg);
		}
		free(disk);
		for (unsigned int i = 0; f && i < r->cfg.qemu.count; i++)
			fprintf(f, "%s\n", r->cfg.qemu.arg[i]);
		if (!f || fclose(f))
			diag_error(&r->d, "%s: cannot write", path);
		free(path);
	}
}

static void finish(struct run *r, FILE *out)
{
	struct plan_error perr = { NULL, -1 };

	if (pack_plan(&r->ib, &perr)) {
		diag_error(&r->d,
			   "shikiri-build: internal error: the plan "
			   "fails plan_check (%s, VM %d); please report this "
			   "bug",
			   perr.what, perr.vm);
		return;
	}
	if (r->o->explain)
		explain_print(&r->ib, out);
	if (r->o->check || !r->o->out)
		return;
	if (pack_write(&r->ib, r->o->out, &r->d) == 0)
		write_side_files(r);
}

/**
 * build_run() - Compile, validate, place, generate and pack.
 * @o: what to do.
 * @out: where --explain prints.
 * @err: where every problem is reported.
 *
 * Return: 0 on success, 1 when anything was reported.
 */
int build_run(const struct build_opts *o, FILE *out, FILE *err)
{
	struct run *r = fileio_xmalloc(sizeof(*r));
	int ret;

	r->o = o;
	r->d.out = err;
	r->ib.board = &r->board;
	r->ib.cfg = &r->cfg;
	if (config_compile(&r->cfg, o->config, &r->d) == 0 &&
	    load_board(r) == 0) {
		r->ib.x86 = r->board.facts.arch == SHIKIRI_ARCH_X86_64;
		r->ib.hv_mb.load_addr = MBOOT_DEFAULT_LOAD;
		config_parse(&r->cfg, &r->board, &r->d);
		load_hv(r);
		if (read_seed(r) == 0)
			make_vms(r);
		/* Payload sizes only move the hypervisor's area a little. */
		pack_offsets(&r->ib);
		place_vms(&r->ib, &r->cfg, &r->d);
		/* Same payload sizes, so the image keeps its layout. */
		if (!r->d.errors && r->ib.x86 && remake_identity(r))
			pack_offsets(&r->ib);
		if (!r->d.errors)
			finish(r, out);
	}
	ret = r->d.errors ? 1 : 0;
	pack_free(&r->ib);
	board_free(&r->board);
	config_free(&r->cfg);
	free(r->seed);
	free(r);
	return ret;
}
