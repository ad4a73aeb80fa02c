/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM: the world switch and the VM's arch state.  This first version
 * only detects SVM; building VMs comes with the VMCB and NPT code, so a
 * plan with VMs is refused for now with the reason logged.
 */
#include "arch/x86.h"
#include "hv/arch/cpu.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "hv/vuart.h"

int arch_vm_init(struct vm *vm, struct page_pool *pool)
{
	(void)pool;
	hv_log("vm %s: the x86 hypervisor cannot run VMs yet (no SVM "
	       "back end)",
	       vm->name);
	return -HV_EINVAL;
}

void arch_vm_reset(struct vm *vm)
{
	(void)vm;
}

void arch_vcpu_start(struct vcpu *vcpu, uint64_t pc, uint64_t arg)
{
	(void)pc;
	(void)arg;
	hv_log("vm %s: vcpu %u cannot start: no SVM back end", vcpu->vm->name,
	       vcpu->id);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void vm_log_stats(const struct vm *vm)
{
	struct vcpu_stats t;

	vm_stats_sum(vm, &t);
	hv_log("vm %s: exits: %lu sync (%lu io, %lu mmio, %lu msr, %lu cpuid, "
	       "%lu hlt, %lu npf), %lu irq; %lu interrupts injected",
	       vm->name, t.exits_sync, t.io, t.mmio, t.msr, t.cpuid, t.hlt,
	       t.npf, t.exits_irq, t.injected);
}

int vuart_init(struct vm *vm)
{
	(void)vm;
	return -HV_EINVAL;
}

void vuart_reset(struct vm *vm)
{
	(void)vm;
}

bool vuart_rx(struct vm *vm, char c)
{
	(void)vm;
	(void)c;
	return false;
}

void vuart_tx_room(struct vm *vm)
{
	(void)vm;
}

uint64_t vuart_rx_dropped(struct vm *vm)
{
	(void)vm;
	return 0;
}
