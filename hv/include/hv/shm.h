/* SPDX-License-Identifier: MIT */
/*
 * Shared-memory regions between VMs (config shm@N), each seen by every VM
 * that maps it as an ivshmem-compatible PCI function on its virtual bus
 * (include/shikiri/shm.h): BAR 2 the region, mapped by stage 2; BAR 0 a
 * trapped register page with the doorbell; INTx an edge line that pulses
 * when (INTR_STATUS & INTR_MASK) rises while INTx is enabled, or when INTx
 * is enabled after it rose (hv/core/shm.c).
 */
#ifndef HV_SHM_H
#define HV_SHM_H

#include "hv/spinlock.h"
#include "hv/types.h"
#include "hv/vpci.h"
#include "shikiri/plan.h"

struct vm;

/** Counters of one VM's function, for `stats` (docs/communication.md). */
struct shm_stats {
	uint64_t sent;	  /**< its rings that reached a running peer */
	uint64_t taken;	  /**< rings it received */
	uint64_t dropped; /**< its rings to a peer that was not running */
	uint64_t refused; /**< its rings to a VM outside the region, or with a
			       vector other than 0 */
};

/** One VM's view of one region: its PCI function. */
struct shm_fn {
	struct spinlock lock; /* protects mask, status, rung_by, line, owed */
	struct vpci_fn pci;
	struct vm *vm;
	const struct shikiri_vm_shm *rec;      /**< the VM's plan record */
	const struct shikiri_plan_shm *region; /**< the plan's region */
	uint32_t mask;			       /**< INTR_MASK */
	uint32_t status;		       /**< INTR_STATUS */
	uint32_t rung_by;		       /**< RUNG_BY */
	bool line;		/**< its request: INTR_STATUS & INTR_MASK */
	bool owed;		/**< the request rose with INTx disabled: an
				     edge is sent when it is enabled */
	struct shm_stats stats; /* atomic */
};

/** A VM's shared-memory functions, in the order of its plan records. */
struct shm_vm {
	unsigned count;
	struct shm_fn fn[SHIKIRI_MAX_SHM];
};

/**
 * shm_boot() - Take the checked @plan's regions and zero them, once, before
 * any VM is built or started: a region is never zeroed again, so what one
 * VM wrote survives another's restart.
 */
void shm_boot(const struct shikiri_plan *plan);

/** shm_region() - Region @idx of the plan given to shm_boot(), or NULL. */
const struct shikiri_plan_shm *shm_region(uint32_t idx);

/**
 * shm_vm_init() - Put @vm's functions on its virtual bus (vpci_init()
 * first), trap their register pages and add their doorbell lines; logs
 * each.  Stage 2 maps the regions (arch).  Boot time.
 * Return: 0 or a negative error.
 */
int shm_vm_init(struct vm *vm);

/**
 * shm_vm_reset() - @vm's functions back to power-on (mask, status and
 * rung-by 0), not the regions' contents.  While its vCPUs are parked,
 * after vpci_reset().
 */
void shm_vm_reset(struct vm *vm);

/** shm_log_stats() - One line per function of @vm with its counters. */
void shm_log_stats(const struct vm *vm);

#endif /* HV_SHM_H */
