/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_PLACE_H
#define SHIKIRI_BUILD_PLACE_H

#include "config.h"
#include "diag.h"
#include "pack.h"

/**
 * place_vms() - Give every VM its physical RAM, and every shared-memory
 * region its physical range.
 * @ib: the image, after pack_offsets() (so the hypervisor's area is known);
 *      each VM's @ram_pa and each region's @shm_pa are set.
 * @cfg: the config, for messages.
 * @d: where problems are reported.
 *
 * VMs with "memory-base" get exactly that, once it is checked to lie in
 * board RAM, above the hypervisor's area and clear of the other fixed VMs.
 * The others then take the highest free RAM that holds them, in config
 * order: first a PC's VMs that own PCI functions (identity-mapped, so
 * below the virtual PC's devices at X86_LAYOUT_MANAGE), then the rest;
 * then each identity-mapped VM's own first MiB (@low_pa), anywhere.
 * Regions with "memory-base" get exactly that (checked like a VM's, and
 * against the fixed VMs and regions), before the VMs are placed; the
 * others take the highest free RAM left at the end, aligned to their
 * size, at most 2 MiB.  VMs and regions whose size is unknown (already
 * reported) are skipped.
 *
 * Return: 0, or -1 after reporting.
 */
int place_vms(struct image_build *ib, const struct config *cfg, struct diag *d);

#endif /* SHIKIRI_BUILD_PLACE_H */
