// SPDX-License-Identifier: MIT
/*
 * What an aarch64 plan needs beyond the common checks: a GICv3 with a
 * redistributor per CPU, a PL011 console with an SPI, the timer and
 * maintenance PPIs, no more CPUs than the hypervisor has stacks for, and
 * a DTB per VM.  Pure, like hv/core/plan_check.c; shikiri-build links it
 * too.
 */
#include <stddef.h>

#include "asm_defs.h"
#include "hv/plan_check.h"

#define PLAN_GICD_SIZE 0x10000ull
#define PLAN_UART_SIZE 0x1000ull
#define PLAN_PPI_FIRST 16u
#define PLAN_PPI_LAST 31u

static bool is_spi(uint32_t intid)
{
	return intid >= SHIKIRI_GIC_SPI_BASE && intid <= SHIKIRI_GIC_MAX_INTID;
}

static bool is_ppi(uint32_t intid)
{
	return intid >= PLAN_PPI_FIRST && intid <= PLAN_PPI_LAST;
}

static const char *aarch64_board(const struct shikiri_plan *plan)
{
	const struct shikiri_plan_board *b = &plan->board;
	size_t used = sizeof(b->hw.aarch64);

	if (!plan_aligned(b->hw.aarch64.gicd_base, PLAN_GICD_SIZE) ||
	    !plan_range_valid(b->hw.aarch64.gicd_base, PLAN_GICD_SIZE) ||
	    !plan_aligned(b->hw.aarch64.gicr_base, 0x10000) ||
	    !plan_range_valid(b->hw.aarch64.gicr_base,
			      b->hw.aarch64.gicr_size) ||
	    b->hw.aarch64.gicr_size / SHIKIRI_GICR_STRIDE < b->cpu_count)
		return "bad board GIC";
	if (!plan_aligned(b->uart_base, PLAN_UART_SIZE) ||
	    !plan_range_valid(b->uart_base, PLAN_UART_SIZE) ||
	    !is_spi(b->uart_irq))
		return "bad board UART";
	if (!is_ppi(b->hw.aarch64.timer_virt_intid) ||
	    !is_ppi(b->hw.aarch64.gic_maint_intid))
		return "bad board PPI";
	if (!plan_all_zero(b->hw.raw + used, sizeof(b->hw.raw) - used))
		return "reserved field not zero";
	return NULL;
}

static bool aarch64_hv_device(const struct shikiri_plan_board *b, uint64_t base,
			      uint64_t size)
{
	return plan_overlaps(base, size, b->hw.aarch64.gicd_base,
			     PLAN_GICD_SIZE) ||
	       plan_overlaps(base, size, b->hw.aarch64.gicr_base,
			     b->hw.aarch64.gicr_size) ||
	       plan_overlaps(base, size, b->uart_base, PLAN_UART_SIZE);
}

static bool aarch64_vm_device(const struct shikiri_plan_vm *vm, uint64_t ipa,
			      uint64_t size)
{
	return (vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) &&
	       plan_overlaps(ipa, size, vm->console_base, PLAN_UART_SIZE);
}

static bool aarch64_irq_ok(const struct shikiri_plan_board *b, uint32_t irq)
{
	(void)b;
	return is_spi(irq);
}

static const char *aarch64_vm(const struct shikiri_plan *plan, unsigned int i)
{
	const struct shikiri_plan_vm *vm = &plan->vm[i];

	if ((vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) &&
	    (!plan_aligned(vm->console_base, PLAN_UART_SIZE) ||
	     !plan_range_valid(vm->console_base, PLAN_UART_SIZE) ||
	     !is_spi(vm->console_irq)))
		return "bad console";
	if (!plan_all_zero(vm->arch.raw, sizeof(vm->arch.raw)))
		return "reserved field not zero";
	/* hv/arch/aarch64/pci.c: no physical config access yet. */
	if (vm->pci_count)
		return "PCI functions on aarch64";
	return NULL;
}

/** The aarch64 rules for plan_check(). */
const struct plan_arch plan_arch_aarch64 = {
	.arch = SHIKIRI_ARCH_AARCH64,
	.name = "aarch64",
	.max_cpus = HV_MAX_CPUS,
	.boot_info_kind = SHIKIRI_PAYLOAD_DTB,
	.needed_kinds = 1u << SHIKIRI_PAYLOAD_KERNEL |
			1u << SHIKIRI_PAYLOAD_DTB,
	.allowed_kinds = 1u << SHIKIRI_PAYLOAD_KERNEL |
			 1u << SHIKIRI_PAYLOAD_INITRD |
			 1u << SHIKIRI_PAYLOAD_DTB,
	.board = aarch64_board,
	.vm = aarch64_vm,
	.hv_device = aarch64_hv_device,
	.vm_device = aarch64_vm_device,
	.irq_ok = aarch64_irq_ok,
};
