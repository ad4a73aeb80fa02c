/* SPDX-License-Identifier: MIT */
/*
 * ACPI fixed hardware of a VM: the PM1a event block (PM1_STS, PM1_EN), the
 * PM1a control block (PM1_CNT) and the 32-bit PM timer (ACPI 6.5 4.8.3).
 * The PM timer is computed from the clock passed in, so a guest that
 * calibrates against it (Linux's acpi_pm clocksource) sees true time.
 * Accesses are handled byte by byte over the blocks, so any width works as
 * ACPI allows, and a read of the timer takes one sample of the clock.
 */
#include "arch/vpm.h"

#define NS_PER_S 1000000000ull

#define CNT_SCI_EN BIT(0)
#define CNT_SLP_TYP_SHIFT 10
#define CNT_SLP_EN BIT(13)

static uint32_t timer(const struct vpm *pm, uint64_t now)
{
	uint64_t ns = now < pm->epoch ? 0 : now - pm->epoch;

	return (uint32_t)(ns / NS_PER_S * VPM_TMR_HZ +
			  ns % NS_PER_S * VPM_TMR_HZ / NS_PER_S);
}

/* The byte at @port, with @tmr the timer's sample for this access. */
static uint8_t read_byte(const struct vpm *pm, unsigned port, uint32_t tmr)
{
	uint32_t v;

	switch (port & ~1u) {
	case VPM_EVT_PORT:
		v = pm->sts;
		break;
	case VPM_EVT_PORT + 2:
		v = pm->en;
		break;
	case VPM_CNT_PORT:
		/* SCI_EN reads 1: the VM is in ACPI mode (no SMI_CMD). */
		v = pm->cnt | CNT_SCI_EN;
		break;
	default:
		if (port >= VPM_TMR_PORT && port < VPM_TMR_PORT + 4)
			return (uint8_t)(tmr >> (8 * (port - VPM_TMR_PORT)));
		return 0xff;
	}
	return (uint8_t)(v >> (8 * (port & 1)));
}

static void write_bytes(struct vpm *pm, unsigned port, unsigned size,
			uint32_t val)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned p = port + i, shift = 8 * (p & 1);
		uint16_t b = (uint16_t)(((val >> (8 * i)) & 0xff) << shift);

		switch (p & ~1u) {
		case VPM_EVT_PORT:
			pm->sts &= (uint16_t)~b; /* write 1 to clear */
			break;
		case VPM_EVT_PORT + 2:
			pm->en = (uint16_t)((pm->en & ~(0xff << shift)) | b);
			break;
		case VPM_CNT_PORT:
			pm->cnt = (uint16_t)((pm->cnt & ~(0xff << shift)) | b);
			break;
		default:
			break; /* the timer is read-only */
		}
	}
	/* SLP_EN starts the sleep in SLP_TYP and reads back as 0. */
	if (pm->cnt & CNT_SLP_EN) {
		unsigned typ = (pm->cnt >> CNT_SLP_TYP_SHIFT) & 7;

		pm->cnt &= (uint16_t)~CNT_SLP_EN;
		if (typ == VPM_SLP_TYP_S5 && pm->poweroff)
			pm->poweroff(pm->ctx);
	}
}

void vpm_io(struct vpm *pm, uint16_t port, unsigned size, bool write,
	    uint32_t *val, uint64_t now)
{
	uint32_t tmr, v = 0;

	if (size != 1 && size != 2 && size != 4)
		size = 1;
	if (write) {
		write_bytes(pm, port, size, *val);
		return;
	}
	tmr = timer(pm, now);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)read_byte(pm, port + i, tmr) << (8 * i);
	*val = v;
}

void vpm_reset(struct vpm *pm)
{
	pm->sts = pm->en = pm->cnt = 0;
}

void vpm_init(struct vpm *pm, void (*poweroff)(void *ctx), void *ctx,
	      uint64_t now)
{
	*pm = (struct vpm){ .poweroff = poweroff, .ctx = ctx, .epoch = now };
}
