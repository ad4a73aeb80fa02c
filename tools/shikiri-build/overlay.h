/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_OVERLAY_H
#define SHIKIRI_BUILD_OVERLAY_H

#include "board.h"
#include "config.h"
#include "devices.h"
#include "diag.h"
#include "fileio.h"
#include "layout.h"

/**
 * overlay_load() - Compile a VM's "overlay" source with dtc -@.
 * @ovl: receives the compiled overlay; left empty when the VM has none.
 * @cfg: the config, for messages.
 * @vm: the VM.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting (a missing file, dtc's own message).
 */
int overlay_load(struct blob *ovl, const struct config *cfg,
		 const struct vm_config *vm, struct diag *d);

/**
 * struct overlay_vm - What a VM owns, to judge an overlay's nodes by.
 * @b: the board (GIC, UART).
 * @vm: the VM's configuration.
 * @pt: its passed-through devices and SPIs.
 * @l: its memory layout (RAM, management page, watchdog).
 */
struct overlay_vm {
	const struct board *b;
	const struct vm_config *vm;
	const struct passthrough *pt;
	const struct guest_layout *l;
};

/**
 * overlay_apply() - Apply a VM's overlay to its generated device tree.
 * @dtb: the generated DT; replaced by the merged one on success.
 * @ovl: the overlay from overlay_load() (not changed).
 * @o: what the VM owns.
 * @cfg: the config, for messages.
 * @d: where problems are reported.
 *
 * Fragments must name their target by path (&{/path} or target-path):
 * the generated DT has no labels.  An overlay adds; it never changes a
 * property the tool wrote.  It adds only passive nodes: a "reg" is taken
 * only in a child of /reserved-memory (inside the VM's RAM) or below one of
 * the VM's passed-through devices (bus addresses); "interrupts" only on
 * GIC SPIs the VM owns.  libfdt's fdt_overlay_apply() does the merge.
 *
 * Return: 0, or -1 after reporting (@dtb unchanged).
 */
int overlay_apply(struct blob *dtb, const struct blob *ovl,
		  const struct overlay_vm *o, const struct config *cfg,
		  struct diag *d);

#endif /* SHIKIRI_BUILD_OVERLAY_H */
