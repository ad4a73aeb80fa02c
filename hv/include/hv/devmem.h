/* SPDX-License-Identifier: MIT */
/*
 * One load or store of 1, 2, 4 or 8 bytes at an address the hypervisor
 * maps as device memory (a PCI function's config space or registers):
 * exactly one access of that width, never merged, split or repeated by
 * the compiler.  Naturally aligned; the callers check.
 */
#ifndef HV_DEVMEM_H
#define HV_DEVMEM_H

#include "hv/types.h"

/** devmem_read() - Load @size bytes at @pa. */
static inline uint64_t devmem_read(uint64_t pa, unsigned size)
{
	switch (size) {
	case 1:
		return *(volatile uint8_t *)(uintptr_t)pa;
	case 2:
		return *(volatile uint16_t *)(uintptr_t)pa;
	case 4:
		return *(volatile uint32_t *)(uintptr_t)pa;
	default:
		return *(volatile uint64_t *)(uintptr_t)pa;
	}
}

/** devmem_write() - Store the low @size bytes of @val at @pa. */
static inline void devmem_write(uint64_t pa, unsigned size, uint64_t val)
{
	switch (size) {
	case 1:
		*(volatile uint8_t *)(uintptr_t)pa = (uint8_t)val;
		break;
	case 2:
		*(volatile uint16_t *)(uintptr_t)pa = (uint16_t)val;
		break;
	case 4:
		*(volatile uint32_t *)(uintptr_t)pa = (uint32_t)val;
		break;
	default:
		*(volatile uint64_t *)(uintptr_t)pa = val;
		break;
	}
}

#endif /* HV_DEVMEM_H */
