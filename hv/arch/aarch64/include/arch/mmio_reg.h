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

/*
 * Order memory accesses around a device's register accesses both ways: a
 * device that reads (or writes) memory the CPU wrote (or reads) since,
 * e.g. a queue whose index register is written next.  DSB SY: the device
 * is an observer outside the inner shareable domain.
 */
static inline void mmio_reg_barrier(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

#endif /* ARCH_MMIO_REG_H */
