/* SPDX-License-Identifier: MIT */
#ifndef HV_VWDT_H
#define HV_VWDT_H

#include "hv/spinlock.h"
#include "hv/types.h"

struct vm;

#define VWDT_SIZE 0x2000u /* control frame, then refresh frame */

/*
 * The shortest watchdog offset (WOR) a guest can set, per stage: 10 ms,
 * so a guest's own CPU takes at most about 100 timer interrupts a
 * second for it, whatever it writes.  Real SBSA watchdogs count in
 * seconds (Linux's sbsa_gwdt: 1 s at least).
 */
#define VWDT_MIN_STAGE_MS 10u

/**
 * An emulated SBSA Generic Watchdog (Arm DEN0029, version 0): the guest
 * enables it (WCS.EN) and refreshes it (WRR); the first expiry of WOR sets
 * WS0, the second sets WS1, at which the hypervisor applies the VM's
 * on-crash policy (cause "watchdog").  The plan's watchdog_ms caps WOR, so
 * a guest cannot make its own watchdog toothless, and VWDT_MIN_STAGE_MS is
 * its floor.  The deadline is armed on the timer of the VM's CPU that
 * last programmed or refreshed it (@pcpu), never on another VM's CPU.
 */
struct vwdt {
	struct spinlock lock; /* protects everything below */
	uint32_t wcs;
	uint32_t wor;
	uint64_t wcv;
	uint64_t max_wor; /**< counter ticks: watchdog_ms / 2 */
	uint64_t min_wor; /**< counter ticks: VWDT_MIN_STAGE_MS */
	unsigned pcpu;    /**< the CPU whose timer holds the deadline */
};

/** vwdt_init() - Emulate @vm's watchdog if its plan asks for one. */
int vwdt_init(struct vm *vm);

/** vwdt_reset() - Disabled, as at power-on (the VM is restarting). */
void vwdt_reset(struct vwdt *w);

/**
 * vwdt_tick() - Advance @vm's watchdog to now; a VM whose watchdog expired
 * twice is handed to its on-crash policy.  From the timer of one of
 * @vm's own CPUs (@vm is the VM that CPU runs; NULL: nothing to do).  The
 * next deadline is armed again only on the CPU that holds it (vwdt.pcpu).
 */
void vwdt_tick(struct vm *vm);

#endif /* HV_VWDT_H */
