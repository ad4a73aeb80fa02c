/* SPDX-License-Identifier: MIT */
/*
 * The core's virtual interrupt lines (hv/arch/virq.h) on the emulated
 * GICv3: edge-triggered software SPIs.
 */
#include "arch/vgic.h"
#include "hv/arch/virq.h"
#include "hv/vm.h"

int arch_virq_add(struct vm *vm, uint32_t irq)
{
	return vgic_add_edge_spi(vm, irq);
}

void arch_virq_pulse(struct vm *vm, uint32_t irq)
{
	vgic_pulse(vm, irq);
}
