/* SPDX-License-Identifier: MIT */
/*
 * MSIs of passthrough PCI functions on aarch64 (hv/arch/pci.h): the guest
 * sees MBIs (its GIC's device tree node says msi-controller, mbi-ranges),
 * so it programs a function with its own distributor's GICD_SETSPI_NSR as
 * the address and one of its MBI INTIDs as the data.  The function gets
 * the VM's ITS doorbell (its.c) and the event number instead; the ITS
 * turns that into the VM's LPI, which the hypervisor pulses into the VM
 * as the INTID the guest chose.
 */
#include "arch/gicv3_regs.h"
#include "hv/arch/pci.h"
#include "hv/vm.h"

bool arch_pci_msi_route(struct vm *vm, uint64_t addr, uint32_t data,
			uint64_t *paddr, uint32_t *pdata)
{
	uint32_t first = vm->plan->arch.aarch64.msi_intid;
	uint32_t count = vm->plan->arch.aarch64.msi_count;

	/* Anything else would need the hypervisor to forward each message. */
	if (!vm->arch.msi_doorbell ||
	    addr != vm->arch.vgic.gicd_ipa + GICD_SETSPI_NSR)
		return false;
	if (data < first || data - first >= count)
		return false;
	*paddr = vm->arch.msi_doorbell;
	*pdata = data - first;
	return true;
}
