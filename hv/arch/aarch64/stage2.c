/* SPDX-License-Identifier: MIT */
/*
 * A VM's stage-2 translation: its RAM and the shared-memory regions it
 * maps as normal memory (a region read-only where the plan says so), its
 * passthrough devices and its PCI functions' BARs (pci_guest.c) as device
 * memory, with the largest blocks alignment allows.
 * Everything else, the hypervisor and other VMs included, is absent: an
 * access there exits to the hypervisor as a stage-2 abort.
 */
#include <string.h>

#include "arch/pci_arm.h"
#include "arch/its.h"
#include "arch/pmu.h"
#include "arch/vgic.h"
#include "hv/arch/cpu.h"
#include "hv/errno.h"
#include "hv/shm.h"
#include "hv/vm.h"

void arch_vm_reset(struct vm *vm)
{
	vgic_reset_vm(vm);
}

void arch_vm_payload_loaded(struct vm *vm, const struct shikiri_payload *pl,
			    uint8_t *dst)
{
	uint32_t off = vm->plan->arch.aarch64.pmu_status_offset;

	/*
	 * A machine whose PMU its OS may not use has no PMU node: where the
	 * hypervisor hides the PMU, /pmu/status "okay" becomes "fail" (the
	 * plan check keeps the 5 bytes inside the DTB, clear of the seeds).
	 */
	if (pl->kind == SHIKIRI_PAYLOAD_DTB && off &&
	    !pmu_guest_intid(vm->vcpu[0].pcpu))
		memcpy(dst + off, "fail", 4);
}

int arch_vm_init(struct vm *vm, struct page_pool *pool)
{
	const struct shikiri_plan_vm *p = vm->plan;
	struct pgtable *s2 = &vm->arch.stage2;
	int ret = pgtable_init(s2, PGTABLE_STAGE2, pool);

	for (unsigned i = 0; !ret && i < p->ram_count; i++)
		ret = pgtable_map(s2, p->ram[i].ipa, p->ram[i].pa,
				  p->ram[i].size, PGTABLE_MEM_NORMAL);
	for (unsigned i = 0; !ret && i < p->mmio_count; i++)
		ret = pgtable_map(s2, p->mmio[i].ipa, p->mmio[i].pa,
				  p->mmio[i].size, PGTABLE_MEM_DEVICE);
	/*
	 * Shared regions: a guest's write to one it maps read-only is a
	 * permission fault, handled like any access outside the VM.
	 */
	for (unsigned i = 0; !ret && i < p->shm_count; i++) {
		const struct shikiri_vm_shm *v = &p->shm[i];
		const struct shikiri_plan_shm *r = shm_region(v->region);
		enum pgtable_mem kind = (v->flags & SHIKIRI_SHM_READ_ONLY) ?
						PGTABLE_MEM_RODATA :
						PGTABLE_MEM_NORMAL;

		ret = r ? pgtable_map(s2, v->ipa, r->pa, r->size, kind) :
			  -HV_EINVAL;
	}
	if (!ret)
		ret = vgic_init(vm, hv_board->hw.aarch64.gicd_base,
				hv_board->hw.aarch64.gicr_base);
	for (unsigned i = 0; !ret && i < p->irq_count; i++)
		ret = vgic_add_hw_spi(vm, p->irq[i].virt, p->irq[i].phys);
	if (!ret && vm->pci.count)
		ret = pci_guest_init(vm);
	if (!ret)
		ret = its_vm_init(vm);
	return ret;
}
