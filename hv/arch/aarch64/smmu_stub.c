/* SPDX-License-Identifier: MIT */
/*
 * Until the SMMUv3 driver is in: no DMA translation, so no MSI page to
 * map; its_vm_init() then gives the functions GITS_TRANSLATER itself.
 * The driver's strong smmu_map_msi() replaces this one at link time.
 */
#include "hv/errno.h"
#include "hv/types.h"

struct vm;

/** smmu_map_msi() - No SMMU driver in this build: -HV_ENOENT. */
__attribute__((weak)) int smmu_map_msi(struct vm *vm, uint64_t iova,
				       uint64_t pa)
{
	(void)vm;
	(void)iova;
	(void)pa;
	return -HV_ENOENT;
}
