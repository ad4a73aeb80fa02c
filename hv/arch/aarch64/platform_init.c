/* SPDX-License-Identifier: MIT */
#include "arch/gic.h"
#include "arch/its.h"
#include "arch/psci.h"
#include "arch/smmu.h"
#include "arch/timer.h"
#include "hv/console.h"
#include "hv/plan_check.h"
#include "hv/arch/boot.h"
#include "hv/arch/cpu.h"
#include "hv/vm.h"
#include "sysreg.h"

uint64_t arch_cpu_hw_id(void)
{
	return read_sysreg(mpidr_el1) & 0xff00ffffffull;
}

const struct plan_arch *arch_plan_rules(void)
{
	return &plan_arch_aarch64;
}

uint64_t arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

void arch_platform_init(const struct shikiri_plan_board *board,
			unsigned boot_pcpu)
{
	gic_init(board);
	console_init_clock(timer_console_clock());
	/* A failure is logged; a VM with MSIs is then refused (its.h). */
	(void)its_init(board);
	psci_probe_firmware();
	/* A failure is logged; arch_iommu_enable() then refuses the plan. */
	smmu_init(board, boot_pcpu, &hv_pages);
	/* Console input interrupts go to the boot CPU. */
	gic_spi_set_edge(board->uart_irq, false);
	gic_spi_route(board->uart_irq, board->cpu_id[boot_pcpu]);
	gic_spi_enable(board->uart_irq, true);
}

int arch_iommu_enable(void)
{
	return smmu_enable();
}

void arch_dcache_clean(const void *start, uint64_t size)
{
	uintptr_t end = (uintptr_t)start + size;

	for (uintptr_t a = (uintptr_t)start & ~63ull; a < end; a += 64)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}
