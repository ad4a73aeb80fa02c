/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PCI_ARM_H
#define ARCH_PCI_ARM_H

#include "arch/pgtable.h"
#include "shikiri/plan.h"

struct vm;

/*
 * PCI on aarch64 beyond hv/arch/pci.h: the hypervisor's own map of the
 * board's ECAM and the VMs' BAR windows (pci.c), and what a VM owning
 * functions gets in its stage 2, its vGIC and the SMMU (pci_guest.c).
 */

/**
 * pci_hv_map() - Map the board's ECAM (its buses) and every VM's PCI
 * windows (plan pci_mem) as device memory in @pt, the hypervisor's own
 * tables, when some VM owns a function.  arch_mmu_setup(), boot CPU, the
 * plan checked.  Return: 0, or pgtable_map()'s error.
 */
int pci_hv_map(struct pgtable *pt, const struct shikiri_plan_board *board);

/**
 * pci_guest_init() - Give @vm what its functions need beyond their config
 * space: each memory range pci_vm_maps() lists in its stage 2 (IPA = PA,
 * device memory; refused unless inside the VM's PCI windows), each
 * function's stream in the SMMU (smmu_attach()), each INTx INTID as a
 * hardware-backed vGIC SPI of the same number (once per line: the VM's
 * functions may share one).  arch_vm_init(), after vgic_init(); boot CPU.
 * Return: 0, or a negative error with the reason logged.
 */
int pci_guest_init(struct vm *vm);

#endif /* ARCH_PCI_ARM_H */
