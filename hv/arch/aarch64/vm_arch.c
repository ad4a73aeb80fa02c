/* SPDX-License-Identifier: MIT */
/*
 * An Arm VM's arch state (arch/vm_arch.h) through the core's hooks
 * (hv/arch/vm.h): its stage 2 and its vGIC with the passthrough SPIs.
 */
#include "arch/stage2.h"
#include "arch/vgic.h"
#include "hv/arch/vm.h"
#include "hv/vm.h"

int arch_vm_init(struct vm *vm, struct page_pool *pool)
{
	const struct shikiri_plan_vm *p = vm->plan;
	int ret = stage2_init(vm, pool);

	if (!ret)
		ret = vgic_init(vm, hv_board->gicd_base, hv_board->gicr_base);
	for (unsigned i = 0; !ret && i < p->irq_count; i++)
		ret = vgic_add_hw_spi(vm, p->irq[i].virt, p->irq[i].phys);
	return ret;
}

void arch_vm_reset(struct vm *vm)
{
	vgic_reset_vm(vm);
}

void arch_vm_hold_irqs(struct vm *vm)
{
	vgic_hold_vm(vm);
}

unsigned arch_vcpu_irqs_queued(const struct vcpu *vcpu)
{
	return vcpu->arch.vgic.queue_len;
}
