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

#endif /* SHIKIRI_BUILD_EXPLAIN_H */
