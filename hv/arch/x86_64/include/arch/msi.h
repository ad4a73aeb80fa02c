/* SPDX-License-Identifier: MIT */
#ifndef ARCH_MSI_H
#define ARCH_MSI_H

#include "arch/vlapic.h"
#include "hv/types.h"

/*
 * MSI messages on x86 (Intel SDM vol. 3 11.11; AMD APM vol. 2 16.5): the
 * address names the destination local APIC(s), the data the vector and
 * how it is delivered.  Without interrupt-remapping hardware whatever a
 * device sends is what a CPU takes, so the hypervisor writes the device
 * only messages it made itself from the guest's (PCI_PLAN.md 4).
 */

#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_BASE_MASK 0xfff00000u
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_RH BIT(3) /* redirection hint: lowest priority */
#define MSI_ADDR_DM BIT(2) /* destination mode: logical */
#define MSI_DATA_VECTOR 0xffu
#define MSI_DATA_MODE_SHIFT 8
#define MSI_DATA_ASSERT BIT(14)
#define MSI_DATA_LEVEL BIT(15)

/**
 * msi_translate() - The physical message for the one the guest of a VM
 * wrote (@addr, @data): fixed delivery, edge, the guest's vector, to the
 * CPU of the lowest-numbered vCPU the guest's destination names among
 * @lapics (physical or logical as its local APICs are set up; lowest
 * priority and redirection hint alike), whose physical APIC ID is
 * @apic_id[vCPU index].  Callers hold the lock of @lapics.
 * Return: 0 with *@paddr and *@pdata, or -HV_EPERM: not an interrupt
 * message, a delivery mode other than fixed or lowest priority, a vector
 * below 0x20 or one of the hypervisor's, or a destination no vCPU has.
 */
int msi_translate(const struct vlapic_vm *lapics, const uint64_t *apic_id,
		  uint64_t addr, uint32_t data, uint64_t *paddr,
		  uint32_t *pdata);

/** msi_vector_passable() - Whether @vector may be a device's. */
bool msi_vector_passable(unsigned vector);

#endif /* ARCH_MSI_H */
