/* SPDX-License-Identifier: MIT */
/*
 * What the arch-neutral PCI code (hv/pci.h) asks of the arch: physical
 * config-space and BAR access, MSI routing, and a wait.
 */
#ifndef HV_ARCH_PCI_H
#define HV_ARCH_PCI_H

#include "hv/types.h"
#include "shikiri/plan.h"

struct vm;

/**
 * arch_pci_cfg_read() - Read @size (1, 2, 4) bytes at @off of physical
 * function @bdf's config space (ECAM where the board has it; x86 without
 * ECAM: 0xcf8/0xcfc, first 256 bytes only, all-ones above).
 */
uint32_t arch_pci_cfg_read(uint32_t bdf, unsigned off, unsigned size);

/** arch_pci_cfg_write() - Write @val there. */
void arch_pci_cfg_write(uint32_t bdf, unsigned off, unsigned size,
			uint32_t val);

/** arch_pci_mmio_read() - Read @size bytes of device memory at @pa. */
uint64_t arch_pci_mmio_read(uint64_t pa, unsigned size);

/** arch_pci_mmio_write() - Write @size bytes of device memory at @pa. */
void arch_pci_mmio_write(uint64_t pa, unsigned size, uint64_t val);

/**
 * arch_pci_msi_route() - Translate the MSI message @vm's guest programmed
 * (@addr, @data) into the physical message that interrupts one of @vm's
 * own CPUs with that vector.  Return: false when it cannot be delivered
 * safely (a destination outside the VM, a vector or delivery mode the
 * arch does not pass through); the caller then keeps it masked.
 */
bool arch_pci_msi_route(struct vm *vm, uint64_t addr, uint32_t data,
			uint64_t *paddr, uint32_t *pdata);

/**
 * arch_pci_windows() - The two windows where VM @rec's functions' memory
 * BARs go when the hypervisor assigns them (SHIKIRI_PCI_BOARD_ASSIGN_BARS;
 * aarch64: its plan's pci_mem), or NULL: the arch has none (x86: firmware
 * assigns BARs).
 */
const struct shikiri_range *arch_pci_windows(const struct shikiri_plan_vm *rec);

/** arch_pci_delay_us() - Wait @us microseconds (resets' settle times). */
void arch_pci_delay_us(unsigned us);

#endif /* HV_ARCH_PCI_H */
