/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PCI_X86_H
#define ARCH_PCI_X86_H

#include "hv/types.h"
#include "shikiri/plan.h"

struct page_pool;
struct vcpu;
struct vm;

/*
 * PCI on x86 beyond hv/arch/pci.h: the hypervisor's own map of the
 * board's PCI ranges and the delivery of MSIs (pci.c), and what a VM
 * owning functions sees of configuration space through ports
 * (pci_guest.c).
 */

/**
 * pci_hv_map() - Map @b's ECAM window and memory windows uncacheable in
 * the hypervisor's own page tables.  Boot CPU, before the others start.
 */
void pci_hv_map(const struct shikiri_plan_board *b);

/**
 * pci_guest_io() - A guest IN or OUT at @port of a VM that owns PCI
 * functions: CONFIG_ADDRESS (0xcf8, 32-bit) is the VM's own latch,
 * CONFIG_DATA (0xcfc-0xcff) reaches pci_cfg_read()/pci_cfg_write().
 * Return: true when it was one of those, false for any other port (and
 * for byte and word accesses to 0xcf8-0xcfb, which are not
 * CONFIG_ADDRESS: 0xcf9 is the reset control).
 */
bool pci_guest_io(struct vcpu *v, uint16_t port, unsigned size, bool write,
		  uint32_t *val);

/**
 * pci_guest_map() - Pass @vm's functions' ranges (pci_vm_maps()) through:
 * memory BARs into its nested page tables at guest-physical = physical,
 * uncacheable, I/O BARs in its I/O permission bitmap.  arch_vm_init(),
 * after pci_vm_init().  Return: 0, or a negative error with the reason
 * logged: a range overlapping RAM, a page the hypervisor emulates or owns
 * (APICs, management and watchdog pages, ECAM), another VM's device
 * ranges or ports, the VM's emulated ports (below 0x1000), or memory that
 * is not whole pages.
 */
int pci_guest_map(struct vm *vm, struct page_pool *pool);

/**
 * pci_msi_irq() - Vector @vector, not the hypervisor's, came to this CPU
 * (interrupts off): it is a passed-through device's MSI for the vCPU this
 * CPU runs (arch_pci_msi_route() aimed it here); end it at once and make
 * it pending in that vCPU's local APIC, whose EOI is the guest's.
 * Return: false when this CPU's VM owns no PCI function (nothing done).
 */
bool pci_msi_irq(unsigned vector);

#endif /* ARCH_PCI_X86_H */
