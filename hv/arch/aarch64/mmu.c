/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own EL2 stage-1 identity map (VA = PA): board RAM as
 * normal memory, the GIC and the console UART as device memory, nothing
 * else.  Built once on the boot CPU; every CPU turns on the same tables.
 */
#include "hv/arch/cpu.h"
#include "hv/arch/pgtable.h"
#include "hv/errno.h"
#include "hv/vm.h"
#include "sysreg.h"

#define MAIR_EL2_VALUE 0xff04ull /* attr0 Device-nGnRE, attr1 Normal WB */
/* T0SZ 25 (39 bits), WBWA inner/outer, inner shareable, 4 KiB, 40-bit PA. */
#define TCR_EL2_VALUE                                                   \
	(25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 2ull << 16 | \
	 1ull << 23 | 1ull << 31)
/* SCTLR_EL2 RES1 bits with M, C, SA and I set. */
#define SCTLR_EL2_VALUE 0x30c5183dull

static struct pgtable hv_pt;
static unsigned char page_memory[256 * PAGE_SIZE] __attribute__((aligned(4096)));
struct page_pool hv_pages;

static void mmu_enable(void)
{
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(sy);
	write_sysreg(mair_el2, MAIR_EL2_VALUE);
	write_sysreg(tcr_el2, TCR_EL2_VALUE);
	write_sysreg(ttbr0_el2, (uintptr_t)hv_pt.root);
	isb();
	write_sysreg(sctlr_el2, SCTLR_EL2_VALUE);
	isb();
}

int arch_mmu_setup(const struct shikiri_plan_board *board, uint64_t hv_base,
		   uint64_t hv_size)
{
	int ret;

	(void)hv_base;
	(void)hv_size;
	page_pool_init(&hv_pages, page_memory, sizeof(page_memory) / PAGE_SIZE);
	ret = pgtable_init(&hv_pt, PGTABLE_STAGE1_EL2, &hv_pages);
	if (!ret)
		ret = pgtable_map(&hv_pt, board->ram_base, board->ram_base,
				  board->ram_size, PGTABLE_MEM_NORMAL);
	if (!ret)
		ret = pgtable_map(&hv_pt, board->gicd_base, board->gicd_base,
				  SZ_64K, PGTABLE_MEM_DEVICE);
	if (!ret)
		ret = pgtable_map(&hv_pt, board->gicr_base, board->gicr_base,
				  board->gicr_size, PGTABLE_MEM_DEVICE);
	if (!ret)
		ret = pgtable_map(&hv_pt, board->uart_base, board->uart_base,
				  SZ_4K, PGTABLE_MEM_DEVICE);
	if (ret)
		return ret;
	mmu_enable();
	return 0;
}

/* Called by each secondary CPU from arch_cpu_init(). */
void mmu_enable_secondary(void)
{
	mmu_enable();
}
