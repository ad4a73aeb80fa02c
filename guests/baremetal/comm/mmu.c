/* SPDX-License-Identifier: MIT */
/*
 * A stage-1 identity map for the probes that need Normal memory: with the
 * MMU off every data access is Device memory, where a misaligned access
 * faults in the guest itself and never reaches the hypervisor.  One
 * level-1 table of 1 GiB blocks (4 KiB granule, 39-bit VA, Arm ARM
 * D8.2): the blocks of @normal Normal (non-cacheable, as SCTLR_EL1.C
 * stays 0), the rest Device-nGnRnE; SCTLR_EL1.A stays 0, so misaligned
 * accesses to Normal memory are allowed.
 */
#include "mmu.h"

#include "baremetal/platform.h"
#include "baremetal/sysreg.h"

#define L1_ENTRIES 512
#define BLOCK_SHIFT 30
#define DESC_BLOCK 1ull
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_AF BIT(10)
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1
#define MAIR_VALUE 0x4400ull /* attr0 Device-nGnRnE, attr1 Normal NC */
#define TCR_T0SZ 25ull
#define TCR_EPD1 BIT(23)
#define TCR_IPS_40 (2ull << 32)
#define SCTLR_M BIT(0)

static uint64_t l1[L1_ENTRIES] __attribute__((aligned(4096)));

static bool in_block(uint64_t block, uint64_t base, uint64_t size)
{
	uint64_t start = block << BLOCK_SHIFT, end = start + BIT(BLOCK_SHIFT);

	return size && base < end && base + size > start;
}

void mmu_on(uint64_t normal, uint64_t size)
{
	for (uint64_t i = 0; i < L1_ENTRIES; i++) {
		/* Code and stack run from RAM: Device memory never executes. */
		bool n = in_block(i, normal, size) ||
			 in_block(i, platform.ram_base, platform.ram_size);

		l1[i] = i << BLOCK_SHIFT | DESC_BLOCK | DESC_AF |
			DESC_ATTR(n ? ATTR_NORMAL : ATTR_DEVICE);
	}
	dsb(sy);
	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, TCR_T0SZ | TCR_EPD1 | TCR_IPS_40);
	write_sysreg(ttbr0_el1, (uint64_t)(uintptr_t)l1);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M);
	isb();
}

void mmu_off(void)
{
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~SCTLR_M);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
}
