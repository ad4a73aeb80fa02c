/* SPDX-License-Identifier: MIT */
/*
 * The core's virtual interrupt lines (hv/arch/virq.h): none on x86-64 yet,
 * whose plan rules refuse shared memory and virtual networks.
 */
#include "hv/arch/virq.h"
#include "hv/errno.h"

int arch_virq_add(struct vm *vm, uint32_t irq)
{
	(void)vm;
	(void)irq;
	return -HV_EPERM;
}

void arch_virq_pulse(struct vm *vm, uint32_t irq)
{
	(void)vm;
	(void)irq;
}
