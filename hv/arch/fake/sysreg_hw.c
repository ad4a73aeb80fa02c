/* SPDX-License-Identifier: MIT */
/* The hardware accesses of sysreg_trap.c, on the host (fake_sysreg_hw.h). */
#include "arch/sysreg_hw.h"
#include "fake_sysreg_hw.h"

struct fake_sysreg_hw fake_sysreg_hw;

uint64_t sysreg_hw_id(unsigned crm, unsigned op2)
{
	fake_sysreg_hw.id_reads++;
	return crm < 8 && op2 < 8 ? fake_sysreg_hw.id[crm][op2] : 0;
}

uint64_t sysreg_hw_actlr(void)
{
	return fake_sysreg_hw.actlr;
}

void sysreg_hw_dc_sw(uint64_t setway, bool invalidate)
{
	fake_sysreg_hw.dc_calls++;
	fake_sysreg_hw.dc_setway = setway;
	fake_sysreg_hw.dc_invalidate = invalidate;
}

uint64_t sysreg_hw_pmcr(void)
{
	return fake_sysreg_hw.pmcr;
}

void sysreg_hw_set_pmcr(uint64_t val)
{
	fake_sysreg_hw.pmcr = val;
}
