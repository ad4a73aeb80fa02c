/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_PACK_H
#define SHIKIRI_BUILD_PACK_H

#include <stdint.h>

#include "board.h"
#include "bootparams.h"
#include "comm.h"
#include "config.h"
#include "devices.h"
#include "diag.h"
#include "dtgen.h"
#include "hv/plan_check.h"
#include "layout.h"
#include "mboot.h"
#include "payload.h"

/**
 * struct pack_item - One payload of a VM: where it is in the image, its
 * bytes, where it goes in the VM.
 * @kind: enum shikiri_payload_kind.
 * @data: its bytes (owned by the VM's other fields).
 * @size: how many.
 * @ipa: where it goes in the VM.
 * @off: its offset in the image (set by pack_offsets()).
 */
struct pack_item {
	uint32_t kind;
	const uint8_t *data;
	uint64_t size;
	uint64_t ipa;
	uint64_t off;
};

/**
 * struct vm_build - Everything known about one VM while the image is made.
 * @cfg: its configuration.
 * @pl: its kernel and initrd.
 * @pt: its passed-through devices.
 * @layout: where its payloads go in its RAM.
 * @overlay: its compiled DT overlay (empty when it has none).
 * @dt: its generated device tree, overlay applied.
 * @ram_pa: physical base of its RAM (x86_64 with PCI functions: of its
 *          main RAM, which it sees at the same address).
 * @low_pa: x86_64 with PCI functions: physical base of its first MiB.
 * @x86: where its payloads go (x86_64).
 * @boot_params: its BOOT_PARAMS payload (x86_64).
 * @acpi: its ACPI tables (x86_64).
 * @rng_seed_offset: the RNG seed's offset in @boot_params (x86_64).
 * @comm: how it sees its shared-memory regions and its LAN.
 * @item: its payloads, in image order (pack_offsets()).
 * @item_count: entries in @item.
 */
struct vm_build {
	const struct vm_config *cfg;
	struct vm_payloads pl;
	struct passthrough pt;
	struct guest_layout layout;
	struct blob overlay;
	struct dtgen_out dt;
	uint64_t ram_pa;
	uint64_t low_pa;
	struct x86_guest x86;
	struct blob boot_params;
	struct blob acpi;
	uint32_t rng_seed_offset;
	struct comm_vm comm;
	struct pack_item item[SHIKIRI_MAX_PAYLOADS];
	unsigned int item_count;
};

/**
 * struct image_build - The image being made.
 * @board: the board.
 * @hv: the hypervisor binary (empty with --check and no --hv).
 * @hv_img: its Image header (aarch64).
 * @hv_mb: its Multiboot headers (x86_64).
 * @x86: the board is a PC: x86_64 hypervisor, guests and plan.
 * @vm_count: VMs in @vm.
 * @vm: the VMs.
 * @plan_offset: where the plan goes in the image.
 * @plan_size: the plan's size.
 * @image_size: the whole image's size.
 * @hvl: where the loader puts the image and its DTB.
 * @plan: the plan (malloc'd by pack_plan()).
 * @ram_cleared: the platform clears RAM at every boot (config).
 * @cfg: the config (its regions and LANs).
 * @shm_pa: each region's physical base (place_vms()).
 * @comm: the IPAs and INTIDs of regions and LANs, the same in every VM.
 */
struct image_build {
	const struct board *board;
	struct blob hv;
	struct arm64_image hv_img;
	struct mboot_image hv_mb;
	bool x86;
	unsigned int vm_count;
	struct vm_build vm[SHIKIRI_MAX_VMS];
	uint64_t plan_offset;
	uint64_t plan_size;
	uint64_t image_size;
	struct hv_layout hvl;
	struct shikiri_plan *plan;
	bool ram_cleared;
	const struct config *cfg;
	uint64_t shm_pa[SHIKIRI_MAX_SHM];
	struct comm_layout comm;
};

/**
 * pack_offsets() - Lay out the image: plan, then every payload.
 * @ib: the image; the payload and DTB sizes must be known.
 *
 * Sets the plan and payload offsets, the image size and @ib->hvl.
 */
void pack_offsets(struct image_build *ib);

/**
 * pack_plan() - Fill in the plan and check it as the hypervisor will.
 * @ib: the image; VMs must be placed (@ram_pa).
 * @err: receives plan_check()'s reason on failure.
 *
 * Return: 0, or plan_check()'s error.
 */
int pack_plan(struct image_build *ib, struct plan_error *err);

/**
 * pack_limits() - The ranges plan_check() must keep VMs clear of.
 * @ib: the image, after pack_offsets().
 * @lim: filled in.
 */
void pack_limits(const struct image_build *ib, struct plan_limits *lim);

/** pack_arch_rules() - The plan rules of @arch (enum shikiri_arch), or NULL. */
const struct plan_arch *pack_arch_rules(uint32_t arch);

/**
 * pack_write() - Write the image atomically (to @path.tmp, then renamed).
 * @ib: the image, after pack_plan().
 * @path: the output file.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pack_write(const struct image_build *ib, const char *path, struct diag *d);

/** pack_free() - Release the plan and every VM's payloads and DTB. */
void pack_free(struct image_build *ib);

#endif /* SHIKIRI_BUILD_PACK_H */
