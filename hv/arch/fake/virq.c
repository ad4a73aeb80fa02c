/* SPDX-License-Identifier: MIT */
/* The core's virtual interrupt lines on the host: counted, for tests. */
#include "fake.h"
#include "hv/arch/virq.h"
#include "hv/errno.h"
#include "hv/vm.h"

struct fake_virq fake_virq;

int arch_virq_add(struct vm *vm, uint32_t irq)
{
	if (vm->id >= FAKE_VIRQ_VMS || irq >= FAKE_VIRQ_LINES ||
	    fake_virq.present[vm->id][irq])
		return -HV_EINVAL;
	fake_virq.present[vm->id][irq] = true;
	return 0;
}

void arch_virq_pulse(struct vm *vm, uint32_t irq)
{
	if (vm->id < FAKE_VIRQ_VMS && irq < FAKE_VIRQ_LINES &&
	    fake_virq.present[vm->id][irq])
		__atomic_add_fetch(&fake_virq.pulses[vm->id][irq], 1,
				   __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&fake_virq.stray, 1, __ATOMIC_RELAXED);
}
