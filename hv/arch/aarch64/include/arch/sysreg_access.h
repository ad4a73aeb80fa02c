/* SPDX-License-Identifier: MIT */
/*
 * System register accessors and barriers (included by sysreg.h): the one
 * place hypervisor C code turns into MRS/MSR.  The fake architecture has a
 * header of the same name that reads and writes a register file instead.
 */
#ifndef ARCH_SYSREG_ACCESS_H
#define ARCH_SYSREG_ACCESS_H

#include <stdint.h>

#define read_sysreg(r)                                      \
	({                                                  \
		uint64_t v_;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)); \
		v_;                                         \
	})

#define write_sysreg(r, v)                                                 \
	do {                                                               \
		uint64_t v_ = (uint64_t)(v);                               \
		__asm__ volatile("msr " #r ", %0" : : "r"(v_) : "memory"); \
	} while (0)

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")

#endif /* ARCH_SYSREG_ACCESS_H */
