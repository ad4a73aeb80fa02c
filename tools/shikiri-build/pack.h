/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_PACK_H
#define SHIKIRI_BUILD_PACK_H

#include <stdint.h>

#include "board.h"
#include "config.h"
#include "devices.h"
#include "diag.h"
#include "dtgen.h"
#include "hv/plan_check.h"
#include "layout.h"
#include "payload.h"

/**
 * struct vm_build - Everything known about one VM while the image is made.
 * @cfg: its configuration.
 * @pl: its kernel and initrd.
 * @pt: its passed-through devices.
 * @layout: where its payloads go in its RAM.
 * @overlay: its compiled DT overlay (empty when it has none).
 * @dt: its generated device tree, overlay applied.
 * @ram_pa: physical base of its RAM.
 * @kernel_off: image offset of its kernel.
 * @initrd_off: image offset of its initrd (when it has one).
 * @dtb_off: image offset of its DTB.
 */
struct vm_build {
	const struct vm_config *cfg;
	struct vm_payloads pl;
	struct passthrough pt;
	struct guest_layout layout;
	struct blob overlay;
	struct dtgen_out dt;
	uint64_t ram_pa;
	uint64_t kernel_off;
	uint64_t initrd_off;
	uint64_t dtb_off;
};

/**
 * struct image_build - The image being made.
 * @board: the board.
 * @hv: the hypervisor binary (empty with --check and no --hv).
 * @hv_img: its Image header.
 * @vm_count: VMs in @vm.
 * @vm: the VMs.
 * @plan_offset: where the plan goes in the image.
 * @plan_size: the plan's size.
 * @image_size: the whole image's size.
 * @hvl: where the loader puts the image and its DTB.
 * @plan: the plan (malloc'd by pack_plan()).
 * @ram_cleared: the platform clears RAM at every boot (config).
 */
struct image_build {
	const struct board *board;
	struct blob hv;
	struct arm64_image hv_img;
	unsigned int vm_count;
	struct vm_build vm[SHIKIRI_MAX_VMS];
	uint64_t plan_offset;
	uint64_t plan_size;
	uint64_t image_size;
	struct hv_layout hvl;
	struct shikiri_plan *plan;
	bool ram_cleared;
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
