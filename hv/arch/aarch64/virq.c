/* SPDX-License-Identifier: MIT */
/*
 * The core's virtual interrupt lines (hv/arch/virq.h) on the emulated
 * GICv3: edge-triggered software SPIs.
 */
#include "arch/vgic.h"
#include "hv/arch/virq.h"
#include "hv/errno.h"
#include "hv/vm.h"

int arch_virq_add(struct vm *vm, uint32_t irq)
{
	(void)vm;
	(void)irq;
	return -HV_EPERM; /* the vGIC's edge lines come with issue 12 */
}

void arch_virq_pulse(struct vm *vm, uint32_t irq)
{
	(void)vm;
	(void)irq;
}
