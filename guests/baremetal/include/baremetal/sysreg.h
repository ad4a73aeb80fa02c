/* SPDX-License-Identifier: MIT */
/* System register access, barriers and MMIO accessors for EL1 guests. */
#ifndef BAREMETAL_SYSREG_H
#define BAREMETAL_SYSREG_H

#include "baremetal/types.h"

#define read_sysreg(reg)                                      \
	({                                                    \
		uint64_t v_;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_)); \
		v_;                                           \
	})

#define write_sysreg(reg, val) \
	__asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(val)) : "memory")

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")

/* PSTATE.I: IRQs masked or taken. */
#define irq_disable() __asm__ volatile("msr daifset, #2" : : : "memory")
#define irq_enable() __asm__ volatile("msr daifclr, #2" : : : "memory")

/* ESR_ELx (Arm ARM D17.2.37). */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL BIT(25)
#define ESR_ISS(esr) ((esr)&0x1ffffff)
#define ESR_WNR BIT(6)
#define ESR_FSC(esr) ((esr)&0x3f)
#define EC_UNKNOWN 0x00
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define FSC_SYNC_EXTERNAL 0x10

/*
 * MMIO accessors: one load or store each, without writeback addressing.
 * A plain C access in a loop may become "ldr w0, [x2], #4", which has no
 * syndrome (ESR ISV 0) the hypervisor could emulate it from: it would
 * reflect an abort instead.  Linux's readl()/writel() are asm for the same
 * reason.
 */
static inline uint8_t mmio_read8(uint64_t addr)
{
	uint8_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint16_t mmio_read16(uint64_t addr)
{
	uint16_t v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint32_t mmio_read32(uint64_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write8(uint64_t addr, uint8_t val)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

static inline void mmio_write16(uint64_t addr, uint16_t val)
{
	__asm__ volatile("strh %w0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

static inline void mmio_write32(uint64_t addr, uint32_t val)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

static inline void mmio_write64(uint64_t addr, uint64_t val)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

#endif /* BAREMETAL_SYSREG_H */
