/* SPDX-License-Identifier: MIT */
#ifndef HV_VWDT_H
#define HV_VWDT_H

#include "hv/spinlock.h"
#include "hv/types.h"

struct vm;

#define VWDT_SIZE 0x2000u /* control frame, then refresh frame */

/**
 * An emulated SBSA Generic Watchdog (Arm DEN0029, version 0): the guest
 * enables it (WCS.EN) and refreshes it (WRR); the first expiry of WOR sets
 * WS0, the second sets WS1, at which the hypervisor applies the VM's
 * on-crash policy (cause "watchdog").  The plan's watchdog_ms caps WOR, so
 * a guest cannot make its own watchdog toothless.
 */
struct vwdt {
	struct spinlock lock; /* protects everything below */
	uint32_t wcs;
	uint32_t wor;
	uint64_t wcv;
	uint64_t max_wor; /**< counter ticks: watchdog_ms / 2 */
};

/** vwdt_init() - Emulate @vm's watchdog if its plan asks for one. */
int vwdt_init(struct vm *vm);

/** vwdt_reset() - Disabled, as at power-on (the VM is restarting). */
void vwdt_reset(struct vwdt *w);

/**
 * vwdt_tick() - Advance every VM's watchdog to now; a VM whose watchdog
 * expired twice is handed to its on-crash policy.  From the EL2 timer.
 */
void vwdt_tick(void);

#endif /* HV_VWDT_H */
