/* SPDX-License-Identifier: MIT */
#ifndef HV_PLAN_CHECK_H
#define HV_PLAN_CHECK_H

#include <stdint.h>

#include "shikiri/plan.h"

/** Physical ranges a plan must keep every VM clear of. */
struct plan_limits {
	uint64_t hv_base;  /**< where the image was loaded */
	uint64_t hv_size;  /**< bytes the hypervisor reserves from hv_base */
	uint64_t fdt_base; /**< boot device tree from the loader (0: none) */
	uint64_t fdt_size;
};

/** Why a plan was refused: a fixed message and the VM it concerns. */
struct plan_error {
	const char *what; /**< static text, e.g. "CRC mismatch" */
	int vm;           /**< VM index, or -1 for the header */
};

/**
 * plan_check() - Verify a boot plan completely before any of it is applied.
 * @plan: the plan as found in memory (any alignment of 8 bytes).
 * @avail: bytes that may be read from @plan.
 * @limits: ranges that belong to the hypervisor and the loader.
 * @err: filled with the first reason for refusal.
 *
 * Checks magic, revision, size, CRC, then every record: names, CPU masks
 * (disjoint, on the board), RAM regions (aligned, in board RAM, disjoint
 * between VMs and from @limits), passthrough MMIO and IRQs (disjoint between
 * VMs, clear of the hypervisor's GIC and UART), payloads (inside the image
 * and inside the VM's RAM), entry point and DTB address, seed offsets and
 * policy values.  Shared by the hypervisor (at boot) and shikiri-build (after
 * writing), so both sides agree on what a valid plan is.
 *
 * Return: 0 when the plan is valid, -HV_EINVAL otherwise.
 */
int plan_check(const struct shikiri_plan *plan, uint64_t avail,
	       const struct plan_limits *limits, struct plan_error *err);

/**
 * plan_crc32() - CRC-32 (IEEE 802.3, reflected, as zlib) of @len bytes.
 * @crc: 0 for a fresh CRC, or a previous result to continue one.
 */
uint32_t plan_crc32(uint32_t crc, const void *data, uint64_t len);

/** plan_compute_crc() - CRC of a plan of @plan->size bytes, crc32 taken as 0. */
uint32_t plan_compute_crc(const struct shikiri_plan *plan);

#endif /* HV_PLAN_CHECK_H */
