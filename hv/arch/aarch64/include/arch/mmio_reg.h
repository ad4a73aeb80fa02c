/* SPDX-License-Identifier: MIT */
/*
 * Device register accessors for the hypervisor's own drivers: a 32-bit load
 * or store at a physical address mapped as device memory.  The fake
 * architecture has a header of the same name that hands each access to the
 * unit test's model of the device instead.
 */
#ifndef ARCH_MMIO_REG_H
#define ARCH_MMIO_REG_H

#include <stdint.h>

static inline uint32_t mmio_reg_read(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_reg_write(uint64_t addr, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)addr = val;
}

#endif /* ARCH_MMIO_REG_H */
