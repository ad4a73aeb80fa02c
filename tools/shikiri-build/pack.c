// SPDX-License-Identifier: MIT
/*
 * The image: hypervisor binary, boot plan, payloads (see shikiri/plan.h),
 * and the plan's contents.  The plan is checked with the hypervisor's own
 * plan_check() before anything is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "shikiri/x86_layout.h"

#define IMAGE_SIZE_AT 16

static void add_item(struct vm_build *v, uint32_t kind, const uint8_t *data,
		     uint64_t size, uint64_t ipa)
{
	v->item[v->item_count++] =
		(struct pack_item){ kind, data, size, ipa, 0 };
}

/* A VM's payloads, in the order they go into the image. */
static void list_items(struct vm_build *v, bool x86)
{
	const struct vm_payloads *pl = &v->pl;

	v->item_count = 0;
	if (x86) {
		/* Only the protected-mode part: the real-mode setup is ours. */
		add_item(v, SHIKIRI_PAYLOAD_KERNEL,
			 pl->kernel.data + pl->bz.setup_size,
			 v->x86.kernel_size, v->x86.kernel_ipa);
		if (pl->initrd.size)
			add_item(v, SHIKIRI_PAYLOAD_INITRD, pl->initrd.data,
				 pl->initrd.size, v->x86.initrd_ipa);
		add_item(v, SHIKIRI_PAYLOAD_BOOT_PARAMS, v->boot_params.data,
			 v->boot_params.size, X86_LAYOUT_BOOT_PARAMS);
		add_item(v, SHIKIRI_PAYLOAD_ACPI, v->acpi.data, v->acpi.size,
			 X86_LAYOUT_ACPI);
		return;
	}
	add_item(v, SHIKIRI_PAYLOAD_KERNEL, pl->kernel.data, pl->kernel.size,
		 v->layout.kernel_ipa);
	if (pl->initrd.size)
		add_item(v, SHIKIRI_PAYLOAD_INITRD, pl->initrd.data,
			 pl->initrd.size, v->layout.initrd_ipa);
	add_item(v, SHIKIRI_PAYLOAD_DTB, v->dt.dtb.data, v->dt.dtb.size,
		 v->layout.dtb_ipa);
}

/**
 * pack_offsets() - Lay out the image: plan, then every payload.
 * @ib: the image.
 */
void pack_offsets(struct image_build *ib)
{
	uint64_t at;

	ib->plan_offset = layout_align_up(ib->x86 ? ib->hv_mb.footprint :
						    ib->hv_img.footprint,
					  SHIKIRI_PLAN_ALIGN);
	ib->plan_size = sizeof(struct shikiri_plan) +
			ib->vm_count * sizeof(struct shikiri_plan_vm);
	at = ib->plan_offset + ib->plan_size;
	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct vm_build *v = &ib->vm[i];

		list_items(v, ib->x86);
		for (unsigned int n = 0; n < v->item_count; n++) {
			v->item[n].off =
				layout_align_up(at, SHIKIRI_PAYLOAD_ALIGN);
			at = v->item[n].off + v->item[n].size;
		}
	}
	ib->image_size = at;
	if (ib->x86) {
		/* The whole image where Multiboot puts it; no loader DTB. */
		ib->hvl = (struct hv_layout){
			.load_pa = ib->hv_mb.load_addr,
			.image_size = at,
			.resv_base = ib->hv_mb.load_addr,
			.resv_end = ib->hv_mb.load_addr + at,
		};
		return;
	}
	layout_hv(&ib->hvl, ib->board->facts.ram[0].base,
		  ib->board->facts.ram[0].size, ib->hv_img.text_offset, at);
}

/**
 * pack_limits() - The ranges plan_check() must keep VMs clear of.
 * @ib: the image.
 * @lim: filled in.
 */
void pack_limits(const struct image_build *ib, struct plan_limits *lim)
{
	lim->hv_base = ib->hvl.load_pa;
	lim->hv_size = ib->hvl.resv_end - ib->hvl.load_pa;
	lim->fdt_base = ib->hvl.fdt_pa;
	lim->fdt_size = ib->hvl.fdt_size;
}

/**
 * pack_arch_rules() - The plan rules of architecture @arch.
 * @arch: enum shikiri_arch.
 *
 * Return: the rules, or NULL for an unknown architecture (which
 * plan_check() refuses).
 */
const struct plan_arch *pack_arch_rules(uint32_t arch)
{
	if (arch == SHIKIRI_ARCH_AARCH64)
		return &plan_arch_aarch64;
	if (arch == SHIKIRI_ARCH_X86_64)
		return &plan_arch_x86_64;
	return NULL;
}

static void fill_vm(struct shikiri_plan_vm *pv, const struct vm_build *v,
		    const struct board *b, bool x86)
{
	const struct vm_config *c = v->cfg;
	const struct guest_layout *l = &v->layout;

	memcpy(pv->name, c->label, sizeof(pv->name));
	pv->cpu_mask = c->cpu_mask;
	pv->ram_count = 1;
	pv->ram[0].pa = v->ram_pa;
	pv->mmio_count = v->pt.mmio_count;
	memcpy(pv->mmio, v->pt.mmio, sizeof(pv->mmio));
	pv->irq_count = v->pt.irq_count;
	memcpy(pv->irq, v->pt.irq, sizeof(pv->irq));
	for (unsigned int n = 0; n < v->item_count; n++) {
		const struct pack_item *it = &v->item[n];
		struct shikiri_payload *p = &pv->payload[pv->payload_count++];

		*p = (struct shikiri_payload){
			.offset = it->off,
			.size = it->size,
			.ipa = it->ipa,
			.kind = it->kind,
			.crc32 = plan_crc32(0, it->data, it->size),
		};
	}
	if (x86) {
		/* The virtual PC of shikiri/x86_layout.h. */
		pv->entry_ipa = v->x86.kernel_ipa;
		pv->boot_info_ipa = X86_LAYOUT_BOOT_PARAMS;
		pv->ram[0].ipa = 0;
		pv->ram[0].size = v->x86.ram_size;
		if (c->pci_count) {
			/* Its own first MiB, then its RAM at GPA = PA. */
			pv->ram_count = 2;
			pv->ram[0].pa = v->low_pa;
			pv->ram[0].size = X86_LAYOUT_HIGH_RAM;
			pv->ram[1] = (struct shikiri_region){ v->ram_pa,
							      v->ram_pa,
							      v->x86.ram_size };
		}
		pv->pci_count = c->pci_count;
		memcpy(pv->pci, c->pci, c->pci_count * sizeof(pv->pci[0]));
		if (c->console) {
			pv->flags |= SHIKIRI_VM_CONSOLE_VIRTUAL;
			pv->console_base = X86_LAYOUT_COM1;
			pv->console_irq = X86_LAYOUT_COM1_GSI;
		}
		pv->rng_seed_offset = v->rng_seed_offset;
		pv->manage_ipa = X86_LAYOUT_MANAGE;
	} else {
		pv->entry_ipa = l->kernel_ipa;
		pv->boot_info_ipa = l->dtb_ipa;
		pv->ram[0].ipa = l->ram_ipa;
		pv->ram[0].size = l->ram_size;
		if (c->console) {
			pv->flags |= SHIKIRI_VM_CONSOLE_VIRTUAL;
			pv->console_base = b->facts.uart_base;
			pv->console_irq = b->facts.uart_irq;
		}
		pv->rng_seed_offset = v->dt.rng_seed_offset;
		pv->kaslr_seed_offset = v->dt.kaslr_seed_offset;
		pv->arch.aarch64.pmu_status_offset = v->dt.pmu_status_offset;
		pv->manage_ipa = l->manage_ipa;
		pv->pci_count = v->comm.pci_count;
		memcpy(pv->pci, v->comm.pci,
		       v->comm.pci_count * sizeof(pv->pci[0]));
		if (c->watchdog_ms) {
			pv->watchdog_ipa = l->watchdog_ipa;
			pv->watchdog_ms = c->watchdog_ms;
		}
	}
	pv->on_reset = c->on_reset;
	pv->on_poweroff = c->on_poweroff;
	pv->on_crash = c->on_crash;
	pv->on_fault = c->on_fault;
	pv->manage_mask = c->manage_mask;
}

/* The regions and LANs: the header's tables, each VM's view of them. */
static void fill_comm(struct shikiri_plan *p, const struct image_build *ib)
{
	const struct config *cfg = ib->cfg;

	if (!cfg)
		return;
	p->shm_count = cfg->shm_count;
	for (unsigned int s = 0; s < cfg->shm_count; s++) {
		struct shikiri_plan_shm *ps = &p->shm[s];

		memcpy(ps->name, cfg->shm[s].label, sizeof(ps->name));
		ps->pa = ib->shm_pa[s];
		ps->size = cfg->shm[s].size;
		ps->vm_mask = cfg->shm[s].vm_mask;
	}
	p->lan_count = cfg->lan_count;
	memcpy(p->lan, cfg->lan, sizeof(p->lan));
	for (unsigned int i = 0; i < ib->vm_count; i++) {
		struct shikiri_plan_vm *pv = &p->vm[i];
		const struct comm_vm *c = &ib->vm[i].comm;

		pv->vpci_ecam_ipa = c->vpci_ecam_ipa;
		pv->shm_count = c->shm_count;
		memcpy(pv->shm, c->shm, sizeof(pv->shm));
		pv->net = c->net;
		if (ib->x86)
			continue;
		memcpy(pv->arch.aarch64.pci_mem, c->pci_mem,
		       sizeof(pv->arch.aarch64.pci_mem));
		pv->arch.aarch64.msi_intid = c->msi_intid;
		pv->arch.aarch64.msi_count = c->msi_count;
	}
}

/**
 * pack_plan() - Fill in the plan and check it as the hypervisor will.
 * @ib: the image.
 * @err: receives plan_check()'s reason on failure.
 *
 * Return: 0, or plan_check()'s error.
 */
int pack_plan(struct image_build *ib, struct plan_error *err)
{
	struct shikiri_plan *p;
	struct plan_limits lim;

	free(ib->plan);
	p = ib->plan = fileio_xmalloc(ib->plan_size);
	p->magic = SHIKIRI_PLAN_MAGIC;
	p->revision = SHIKIRI_PLAN_REVISION;
	p->size = (uint32_t)ib->plan_size;
	p->vm_count = ib->vm_count;
	p->image_size = ib->image_size;
	p->board = ib->board->facts;
	for (unsigned int i = 0; i < ib->vm_count; i++) {
		fill_vm(&p->vm[i], &ib->vm[i], ib->board, ib->x86);
		if (ib->ram_cleared)
			p->vm[i].flags |= SHIKIRI_VM_RAM_CLEARED_AT_BOOT;
	}
	fill_comm(p, ib);
	p->crc32 = plan_compute_crc(p);
	pack_limits(ib, &lim);
	return plan_check(p, ib->plan_size, pack_arch_rules(p->board.arch),
			  &lim, err);
}

/* Write zeros until the file is @to bytes long. */
static int pad_to(FILE *f, uint64_t *at, uint64_t to)
{
	static const uint8_t zeros[4096];

	while (*at < to) {
		size_t n = to - *at < sizeof(zeros) ? (size_t)(to - *at) :
						      sizeof(zeros);

		if (fwrite(zeros, 1, n, f) != n)
			return -1;
		*at += n;
	}
	return 0;
}

static int put(FILE *f, uint64_t *at, uint64_t offset, const void *data,
	       size_t size)
{
	if (pad_to(f, at, offset) || (size && fwrite(data, 1, size, f) != size))
		return -1;
	*at += size;
	return 0;
}

static int write_all(const struct image_build *ib, FILE *f)
{
	uint8_t header[MBOOT_SEARCH];
	size_t head = ib->hv.size < sizeof(header) ? ib->hv.size :
						     sizeof(header);
	uint64_t at = 0, total = ib->image_size;
	int err;

	/* The loader loads (reserves) the header's size: the whole image. */
	memcpy(header, ib->hv.data, head);
	if (ib->x86)
		mboot_patch(header, head, &ib->hv_mb, total);
	else
		for (int i = 0; i < 8; i++)
			header[IMAGE_SIZE_AT + i] = (uint8_t)(total >> (8 * i));
	err = put(f, &at, 0, header, head);
	if (!err)
		err = put(f, &at, at, ib->hv.data + head, ib->hv.size - head);
	if (!err)
		err = put(f, &at, ib->plan_offset, ib->plan, ib->plan_size);
	for (unsigned int i = 0; !err && i < ib->vm_count; i++)
		for (unsigned int n = 0; !err && n < ib->vm[i].item_count; n++)
			err = put(f, &at, ib->vm[i].item[n].off,
				  ib->vm[i].item[n].data,
				  ib->vm[i].item[n].size);
	return err || at != total ? -1 : 0;
}

/**
 * pack_write() - Write the image atomically.
 * @ib: the image.
 * @path: the output file.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pack_write(const struct image_build *ib, const char *path, struct diag *d)
{
	char *tmp = fileio_strdup_printf("%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int err = f ? write_all(ib, f) : -1;

	if (f && fclose(f))
		err = -1;
	if (!err && rename(tmp, path))
		err = -1;
	if (err) {
		diag_error(d, "%s: cannot write the image: %s", path,
			   strerror(errno));
		remove(tmp);
	}
	free(tmp);
	return err;
}

/**
 * pack_free() - Release the plan and every VM's payloads and DTB.
 * @ib: the image.
 */
void pack_free(struct image_build *ib)
{
	for (unsigned int i = 0; i < ib->vm_count; i++) {
		payload_free(&ib->vm[i].pl);
		fileio_free(&ib->vm[i].dt.dtb);
		fileio_free(&ib->vm[i].overlay);
		fileio_free(&ib->vm[i].boot_params);
		fileio_free(&ib->vm[i].acpi);
	}
	fileio_free(&ib->hv);
	free(ib->plan);
	ib->plan = NULL;
}
