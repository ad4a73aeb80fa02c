/* SPDX-License-Identifier: MIT */
/*
 * A stage-1 identity map for the probes that need Normal memory: with the
 * MMU off every data access is Device memory, where a misaligned access
 * faults in the guest itself and never reaches the hypervisor.  One
 * level-1 table of 1 GiB blocks (4 KiB granule, 39-bit VA, Arm ARM
 * D8.2): the blocks of @normal Normal (non-cacheable, as SCTLR_EL1.C
 * stays 0), the rest Device-nGnRnE; SCTLR_EL1.A stays 0, so misaligned
 * accesses to Normal memory are allowed.  mmu_on_tagged() makes RAM Tagged
 * Write-Back instead, with the caches on, for the MTE probes.
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
/* attr1 Tagged Normal, Inner and Outer Write-Back (FEAT_MTE2, D8.5.4). */
#define MAIR_TAGGED 0xf000ull
#define TCR_T0SZ 25ull
#define TCR_WB_INNER_SHAREABLE (1ull << 8 | 1ull << 10 | 3ull << 12)
#define TCR_EPD1 BIT(23)
#define TCR_IPS_40 (2ull << 32)
#define SCTLR_M BIT(0)
#define SCTLR_C BIT(2)
#define SCTLR_ATA BIT(43) /* EL1 may read and write allocation tags */

static uint64_t l1[L1_ENTRIES] __attribute__((aligned(4096)));

static bool in_block(uint64_t block, uint64_t base, uint64_t size)
{
	uint64_t start = block << BLOCK_SHIFT, end = start + BIT(BLOCK_SHIFT);

	return size && base < end && base + size > start;
}

static void enable(uint64_t normal, uint64_t size, uint64_t mair, uint64_t tcr,
		   uint64_t sctlr)
{
	for (uint64_t i = 0; i < L1_ENTRIES; i++) {
		/* Code and stack run from RAM: Device memory never executes. */
		bool n = in_block(i, normal, size) ||
			 in_block(i, platform.ram_base, platform.ram_size);

		l1[i] = i << BLOCK_SHIFT | DESC_BLOCK | DESC_AF |
			DESC_ATTR(n ? ATTR_NORMAL : ATTR_DEVICE);
	}
	dsb(sy);
	write_sysreg(mair_el1, mair);
	write_sysreg(tcr_el1, TCR_T0SZ | TCR_EPD1 | TCR_IPS_40 | tcr);
	write_sysreg(ttbr0_el1, (uint64_t)(uintptr_t)l1);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | sctlr);
	isb();
}

void mmu_on(uint64_t normal, uint64_t size)
{
	enable(normal, size, MAIR_VALUE, 0, 0);
}

void mmu_on_tagged(void)
{
	/*
	 * Tagged memory is cacheable: with SCTLR_EL1.C clear it is not.  What
	 * the runtime wrote with the cache off is not invalidated first: the
	 * MTE probes run on QEMU, which models no caches.
	 */
	enable(0, 0, MAIR_TAGGED, TCR_WB_INNER_SHAREABLE, SCTLR_C | SCTLR_ATA);
}

void mmu_off(void)
{
	write_sysreg(sctlr_el1,
		     read_sysreg(sctlr_el1) & ~(SCTLR_M | SCTLR_C | SCTLR_ATA));
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
}
