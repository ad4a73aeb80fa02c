/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture's device register accessors: the same names as
 * hv/arch/aarch64/include/arch/mmio_reg.h, each access handed to the unit
 * test, which defines the two functions below as its model of the device.
 */
#ifndef ARCH_MMIO_REG_H
#define ARCH_MMIO_REG_H

#include <stdint.h>

/** fake_mmio_reg_read() - The test's device answers a load at @addr. */
uint32_t fake_mmio_reg_read(uint64_t addr);

/** fake_mmio_reg_write() - The test's device takes a store at @addr. */
void fake_mmio_reg_write(uint64_t addr, uint32_t val);

static inline uint32_t mmio_reg_read(uint64_t addr)
{
	return fake_mmio_reg_read(addr);
}

static inline void mmio_reg_write(uint64_t addr, uint32_t val)
{
	fake_mmio_reg_write(addr, val);
}

/* The test's device runs on this thread: a compiler barrier orders it. */
static inline void mmio_reg_barrier(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

#endif /* ARCH_MMIO_REG_H */
