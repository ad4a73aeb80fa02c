/* SPDX-License-Identifier: MIT */
#ifndef ARCH_SMMU_H
#define ARCH_SMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/page_pool.h"
#include "shikiri/plan.h"

struct vm;

/*
 * The board's SMMUv3 as the hypervisor uses it (smmu.c): every StreamID of
 * PCI bus 0 has a valid STE; a stream some VM owns translates through that
 * VM's DMA table (its RAM, IPA -> PA, and the page smmu_map_msi() adds),
 * every other one through an empty table, so its DMA aborts and is
 * reported.  Boot order, all on the boot CPU: smmu_init() after the plan
 * is checked and the board mapped; smmu_attach() and smmu_map_msi() while
 * the VMs are built; smmu_enable() before any VM starts.  Without an SMMU
 * on the board (smmu_base 0) every call succeeds and does nothing.
 */

/** The StreamIDs the stream table covers: PCI bus 0. */
#define SMMU_STREAMS 256u

/**
 * smmu_init() - Probe the SMMU the plan names, build its stream table (every
 * stream blocked) and queues, with tables from @pool, and route its
 * interrupts to the CPU @boot_pcpu.  A failure is logged; then
 * smmu_attach() fails, and with it a plan where a VM owns a PCI function.
 * Return: 0 or a negative error.
 */
int smmu_init(const struct shikiri_plan_board *board, unsigned boot_pcpu,
	      struct page_pool *pool);

/**
 * smmu_attach() - Give the device with StreamID @sid (its RID +
 * shikiri_plan_pci.sid_base) to @vm: its DMA is translated by @vm's table,
 * built on first use.  Before smmu_enable().
 * Return: 0, -HV_ERANGE (@sid beyond the table), -HV_EBUSY (another VM's
 * stream, the SMMU is already on or did not come up), -HV_ENOMEM.
 */
int smmu_attach(struct vm *vm, uint32_t sid);

/**
 * smmu_map_msi() - Map the 4 KiB page at @iova of @vm's DMA view to the
 * device page at @pa (the ITS translater: a device's MSI write to the
 * address its guest programmed lands there).  Before smmu_enable().
 * Return: 0, -HV_EINVAL (misaligned, or @iova in the VM's RAM), -HV_EBUSY,
 * -HV_ENOMEM.
 */
int smmu_map_msi(struct vm *vm, uint64_t iova, uint64_t pa);

/**
 * smmu_enable() - Turn translation on, with the event queue and its
 * interrupts.  Return: 0 (also with no SMMU, and with one that did not
 * come up while no VM owns a PCI function), or a negative error when
 * translation did not turn on for VMs that own functions.
 */
int smmu_enable(void);

/**
 * smmu_irq() - Serve @intid when it is the SMMU's event queue or global
 * error interrupt (on the boot CPU): each DMA fault logged (rate-limited),
 * counted, and handed to its VM's on-fault policy.
 * Return: whether @intid was the SMMU's.
 */
bool smmu_irq(uint32_t intid);

#endif /* ARCH_SMMU_H */
