/* SPDX-License-Identifier: MIT */
/*
 * The hardware accesses of the trapped-register emulation: each register
 * named in an instruction, which is why they are functions and not data.
 */
#include "arch/sysreg_hw.h"
#include "sysreg.h"

#define ID_CRM_LAST 7u

/* ID registers are read through a row of readers per CRm, built here. */
#define ID_READER(crm, op2)                                 \
	static uint64_t id_read_##crm##_##op2(void)         \
	{                                                   \
		return read_sysreg(S3_0_C0_C##crm##_##op2); \
	}
#define ID_READERS(crm)   \
	ID_READER(crm, 0) \
	ID_READER(crm, 1) \
	ID_READER(crm, 2) \
	ID_READER(crm, 3) \
	ID_READER(crm, 4) ID_READER(crm, 5) ID_READER(crm, 6) ID_READER(crm, 7)
#define ID_ROW(crm)                                                      \
	{                                                                \
		id_read_##crm##_0, id_read_##crm##_1, id_read_##crm##_2, \
			id_read_##crm##_3, id_read_##crm##_4,            \
			id_read_##crm##_5, id_read_##crm##_6,            \
			id_read_##crm##_7                                \
	}

ID_READERS(1)
ID_READERS(2)
ID_READERS(3)
ID_READERS(4)
ID_READERS(5)
ID_READERS(6)
ID_READERS(7)

static uint64_t (*const id_readers[ID_CRM_LAST][8])(void) = {
	ID_ROW(1), ID_ROW(2), ID_ROW(3), ID_ROW(4),
	ID_ROW(5), ID_ROW(6), ID_ROW(7),
};

uint64_t sysreg_hw_id(unsigned crm, unsigned op2)
{
	if (crm < 1 || crm > ID_CRM_LAST || op2 > 7)
		return 0;
	return id_readers[crm - 1][op2]();
}

uint64_t sysreg_hw_actlr(void)
{
	return read_sysreg(actlr_el1);
}

void sysreg_hw_dc_sw(uint64_t setway, bool invalidate)
{
	if (invalidate)
		__asm__ volatile("dc cisw, %0" : : "r"(setway) : "memory");
	else
		__asm__ volatile("dc csw, %0" : : "r"(setway) : "memory");
	dsb(sy);
}

uint64_t sysreg_hw_pmcr(void)
{
	return read_sysreg(pmcr_el0);
}

void sysreg_hw_set_pmcr(uint64_t val)
{
	write_sysreg(pmcr_el0, val);
}
