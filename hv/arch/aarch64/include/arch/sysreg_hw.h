/* SPDX-License-Identifier: MIT */
#ifndef ARCH_SYSREG_HW_H
#define ARCH_SYSREG_HW_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The hardware accesses behind the trapped-register emulation
 * (sysreg_trap.c), apart so that the emulation itself builds and is
 * tested on the host with fakes.
 */

/**
 * sysreg_hw_id() - This CPU's ID register (op0 3, op1 0, CRn 0, @crm 1..7,
 * @op2).
 */
uint64_t sysreg_hw_id(unsigned crm, unsigned op2);

/** sysreg_hw_actlr() - This CPU's ACTLR_EL1, as the firmware left it. */
uint64_t sysreg_hw_actlr(void);

/**
 * sysreg_hw_dc_sw() - Clean (@invalidate: and invalidate) the data cache
 * line at set/way/level @setway on this CPU, and wait for it.
 */
void sysreg_hw_dc_sw(uint64_t setway, bool invalidate);

/** sysreg_hw_pmcr() - PMCR_EL0. */
uint64_t sysreg_hw_pmcr(void);

/** sysreg_hw_set_pmcr() - Write @val to PMCR_EL0. */
void sysreg_hw_set_pmcr(uint64_t val);

#endif /* ARCH_SYSREG_HW_H */
