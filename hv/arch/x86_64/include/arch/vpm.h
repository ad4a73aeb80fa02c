/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VPM_H
#define ARCH_VPM_H

#include "hv/types.h"

/* The VM's ACPI fixed-hardware blocks (X86_PLAN.md layout, FADT). */
#define VPM_EVT_PORT 0x600 /* PM1a_EVT_BLK: PM1_STS, PM1_EN, 2 bytes each */
#define VPM_CNT_PORT 0x604 /* PM1a_CNT_BLK: PM1_CNT, 2 bytes */
#define VPM_TMR_PORT 0x608 /* PM_TMR_BLK: 32-bit timer (TMR_VAL_EXT) */
#define VPM_TMR_HZ 3579545ull
/* The \_S5 package's SLP_TYP (DSDT). */
#define VPM_SLP_TYP_S5 5u

/**
 * ACPI PM1a event and control registers and the PM timer (ACPI 6.5
 * 4.8.3).  SLP_EN with SLP_TYP 5 calls @poweroff; other sleep states are
 * ignored.  No event raises the SCI: the VM has no power button and no
 * status bit is ever set, so the SCI (GSI 9) stays low.
 */
struct vpm {
	uint16_t sts, en, cnt;
	uint64_t epoch; /**< ns at which the PM timer read 0 */
	void (*poweroff)(void *ctx);
	void *ctx;
};

/** vpm_init() - The blocks at time @now_ns, powering off through @poweroff. */
void vpm_init(struct vpm *pm, void (*poweroff)(void *ctx), void *ctx,
	      uint64_t now_ns);

/** vpm_reset() - Registers back to power-on values; the timer runs on. */
void vpm_reset(struct vpm *pm);

/**
 * vpm_io() - An access of @size bytes (1, 2 or 4) at @port in
 * 0x600-0x60b at @now_ns: *@val written, or set to what is read (all ones
 * where no register is).
 */
void vpm_io(struct vpm *pm, uint16_t port, unsigned size, bool write,
	    uint32_t *val, uint64_t now_ns);

#endif /* ARCH_VPM_H */
