/* SPDX-License-Identifier: MIT */
/*
 * The fake hardware behind sysreg_trap.c (hv/arch/fake/sysreg_hw.c): ID
 * registers and ACTLR_EL1 as a test sets them, and a record of the cache
 * maintenance and PMCR_EL0 writes the emulation asked for.
 */
#ifndef HV_ARCH_FAKE_SYSREG_HW_H
#define HV_ARCH_FAKE_SYSREG_HW_H

#include <stdbool.h>
#include <stdint.h>

struct fake_sysreg_hw {
	uint64_t id[8][8]; /* [CRm][op2] of the ID space */
	unsigned id_reads;
	uint64_t actlr, pmcr;
	unsigned dc_calls; /* sysreg_hw_dc_sw() */
	uint64_t dc_setway;
	bool dc_invalidate;
};

extern struct fake_sysreg_hw fake_sysreg_hw;

#endif /* HV_ARCH_FAKE_SYSREG_HW_H */
