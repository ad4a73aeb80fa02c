// SPDX-License-Identifier: MIT
/*
 * PCI on aarch64: not yet.  The plan checks refuse a VM with PCI
 * functions on this arch (plan_arch.c), so the core's PCI code (hv/pci.h)
 * never has a function here; a guest's config access reaches no device:
 * physical config space reads as absent and MSI routes are refused.
 * What the Arm port needs for passthrough (the board's ECAM mapped at
 * EL2, MSI through the GIC ITS) is for the issue that brings it.
 */
#include "hv/arch/cpu.h"
#include "hv/arch/pci.h"
#include "hv/console.h"

uint32_t arch_pci_cfg_read(uint32_t bdf, unsigned off, unsigned size)
{
	(void)bdf;
	(void)off;
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void arch_pci_cfg_write(uint32_t bdf, unsigned off, unsigned size, uint32_t val)
{
	(void)bdf;
	(void)off;
	(void)size;
	(void)val;
}

uint64_t arch_pci_mmio_read(uint64_t pa, unsigned size)
{
	(void)pa;
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

void arch_pci_mmio_write(uint64_t pa, unsigned size, uint64_t val)
{
	(void)pa;
	(void)size;
	(void)val;
}

void arch_pci_delay_us(unsigned us)
{
	uint64_t hz = console_clock_hz();
	uint64_t end = arch_counter() + hz / 1000000u * us;

	while (arch_counter() < end)
		;
}
