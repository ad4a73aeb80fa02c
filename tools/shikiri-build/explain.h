/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_EXPLAIN_H
#define SHIKIRI_BUILD_EXPLAIN_H

#include <stdio.h>

#include "pack.h"

/**
 * explain_print() - Print the partition table of an image.
 * @ib: the image, after pack_plan().
 * @out: where to print it.
 *
 * One block per VM: physical CPUs, physical RAM, devices with their MMIO,
 * IRQs (virtual -> physical), console, where each payload sits in the image
 * and in the VM, and the policies; then the hypervisor's own area.
 */
void explain_print(const struct image_build *ib, FILE *out);

/**
 * explain_comm_regions() - Print each shared-memory region: physical
 * range, and for each VM that maps it the IPA, rw/ro, register page,
 * doorbell INTID and PCI slot.
 */
void explain_comm_regions(const struct image_build *ib, FILE *out);

/**
 * explain_comm_vm() - Print VM @i's virtual PCI bus and network port (LAN,
 * MAC, IPA, INTID, the LAN's other ports), if it has them.
 */
void explain_comm_vm(const struct image_build *ib, unsigned int i, FILE *out);

#endif /* SHIKIRI_BUILD_EXPLAIN_H */
