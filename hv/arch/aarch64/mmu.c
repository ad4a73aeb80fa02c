/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own EL2 stage-1 identity map (VA = PA): board RAM as
 * normal memory, the GIC, the console UART, the SMMU and, when a VM owns
 * PCI functions, the ECAM and the VMs' PCI windows (pci.c) as device memory,
 * nothing else.  Write xor execute (SCTLR_EL2.WXN, and the map itself): the
 * hypervisor's code is read-only and executable, its read-only data
 * read-only, everything else never executable; the guard page under each
 * CPU's stack is not mapped at all.  Where the CPU has MTE2, normal memory
 * is Tagged, so that a scrub can zero the tags too (mte.c).  Built once on
 * the boot CPU; every CPU turns on the same tables.
 */
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "arch/pci_arm.h"
#include "arch/its.h"
#include "arch/mte.h"
#include "arch/pgtable.h"
#include "hv/drivers/smmuv3.h"
#include "hv/errno.h"
#include "hv/vm.h"
#include "sysreg.h"

#define MAIR_EL2_VALUE PGTABLE_STAGE1_MAIR
/* T0SZ 25 (39 bits), WBWA inner/outer, inner shareable, 4 KiB, 40-bit PA. */
#define TCR_EL2_VALUE                                                   \
	(25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 2ull << 16 | \
	 1ull << 23 | 1ull << 31)
/* SCTLR_EL2 RES1 bits with M, C, SA, I and WXN set. */
#define SCTLR_EL2_VALUE (0x30c5183dull | 1ull << 19)

extern char _start[], _text_end[], _rodata_end[], _hv_end[], __stacks[];

static struct pgtable hv_pt;
static unsigned char page_memory[256 * PAGE_SIZE] __attribute__((aligned(4096)));
struct page_pool hv_pages;

static void mmu_enable(void)
{
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(sy);
	write_sysreg(mair_el2, mte_el2_mair(MAIR_EL2_VALUE));
	write_sysreg(tcr_el2, TCR_EL2_VALUE);
	write_sysreg(ttbr0_el2, (uintptr_t)hv_pt.root);
	isb();
	write_sysreg(sctlr_el2, mte_el2_sctlr(SCTLR_EL2_VALUE));
	isb();
}

/* The hypervisor image over the RAM map: code, read-only data, guards. */
static int map_image(void)
{
	uintptr_t text = (uintptr_t)_start, rodata = (uintptr_t)_text_end;
	uintptr_t data = (uintptr_t)_rodata_end;
	int ret;

	if (!IS_ALIGNED(text, SZ_4K))
		return -HV_EINVAL;
	ret = pgtable_map(&hv_pt, text, text, rodata - text, PGTABLE_MEM_CODE);
	if (!ret)
		ret = pgtable_map(&hv_pt, rodata, rodata, data - rodata,
				  PGTABLE_MEM_RODATA);
	for (unsigned i = 0; i < HV_MAX_CPUS && !ret; i++)
		ret = pgtable_unmap(&hv_pt,
				    (uintptr_t)__stacks + i * HV_STACK_SLOT,
				    HV_STACK_GUARD);
	return ret;
}

/* The map is what map_image() meant, checked before it is turned on. */
static bool image_map_ok(void)
{
	uintptr_t stack0 = (uintptr_t)__stacks;
	enum pgtable_mem text, rodata, data, stack;

	return !pgtable_lookup(&hv_pt, (uintptr_t)_start, 0, 0, &text) &&
	       !pgtable_lookup(&hv_pt, (uintptr_t)_text_end, 0, 0, &rodata) &&
	       !pgtable_lookup(&hv_pt, (uintptr_t)_rodata_end, 0, 0, &data) &&
	       !pgtable_lookup(&hv_pt, stack0 + HV_STACK_GUARD, 0, 0, &stack) &&
	       pgtable_lookup(&hv_pt, stack0, 0, 0, 0) == -HV_ENOENT &&
	       text == PGTABLE_MEM_CODE && rodata == PGTABLE_MEM_RODATA &&
	       data == PGTABLE_MEM_NORMAL && stack == PGTABLE_MEM_NORMAL;
}

int arch_mmu_setup(const struct shikiri_plan_board *board, uint64_t hv_base,
		   uint64_t hv_size)
{
	int ret;

	(void)hv_base;
	(void)hv_size;
	page_pool_init(&hv_pages, page_memory, sizeof(page_memory) / PAGE_SIZE);
	ret = pgtable_init(&hv_pt, PGTABLE_STAGE1_EL2, &hv_pages);
	for (uint32_t r = 0; !ret && r < board->ram_count; r++)
		ret = pgtable_map(&hv_pt, board->ram[r].base,
				  board->ram[r].base, board->ram[r].size,
				  PGTABLE_MEM_NORMAL);
	if (!ret)
		ret = pgtable_map(&hv_pt, board->hw.aarch64.gicd_base,
				  board->hw.aarch64.gicd_base, SZ_64K,
				  PGTABLE_MEM_DEVICE);
	if (!ret)
		ret = pgtable_map(&hv_pt, board->hw.aarch64.gicr_base,
				  board->hw.aarch64.gicr_base,
				  board->hw.aarch64.gicr_size,
				  PGTABLE_MEM_DEVICE);
	if (!ret)
		ret = pgtable_map(&hv_pt, board->uart_base, board->uart_base,
				  SZ_4K, PGTABLE_MEM_DEVICE);
	/* The SMMU is the hypervisor's alone (smmu.c). */
	if (!ret && board->hw.aarch64.smmu_base)
		ret = pgtable_map(&hv_pt, board->hw.aarch64.smmu_base,
				  board->hw.aarch64.smmu_base, SMMUV3_REG_SIZE,
				  PGTABLE_MEM_DEVICE);
	if (!ret)
		ret = pci_hv_map(&hv_pt, board);
	if (!ret && board->hw.aarch64.its_base)
		ret = pgtable_map(&hv_pt, board->hw.aarch64.its_base,
				  board->hw.aarch64.its_base, GITS_SIZE,
				  PGTABLE_MEM_DEVICE);
	if (!ret)
		ret = map_image();
	if (!ret && !image_map_ok())
		ret = -HV_EINVAL;
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
