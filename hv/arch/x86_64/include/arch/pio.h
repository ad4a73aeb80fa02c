/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PIO_H
#define ARCH_PIO_H

#include "arch/vpic.h"
#include "arch/vpit.h"
#include "arch/vpm.h"
#include "arch/vrtc.h"
#include "hv/types.h"

struct v16550;

/* The PIT's channel 0 output: ISA IRQ 0, GSI 2 by the MADT's override. */
#define PIO_PIT_GSI 2u
/* pvpanic (QEMU's ISA device, _HID QEMU0001). */
#define PIO_PVPANIC_PORT 0x505
#define PIO_PVPANIC_PANICKED BIT(0)
#define PIO_PVPANIC_CRASH_LOADED BIT(1)

/** What the legacy devices of one VM ask of the hypervisor. */
struct pio_ops {
	/** Set the VM's I/O APIC pin @gsi to @level. */
	void (*irq)(void *ctx, unsigned gsi, bool level);
	/** ACPI S5: the on-poweroff policy. */
	void (*poweroff)(void *ctx);
	/** 0xcf9 or the keyboard controller's pulse: the on-reset policy. */
	void (*reset)(void *ctx);
	/** pvpanic "panicked": the on-crash policy. */
	void (*crash)(void *ctx);
};

/**
 * The emulated legacy PC of one VM behind its trapped I/O ports
 * (X86_PLAN.md layout): PIT + port 0x61, 8259 pair + ELCR, CMOS/RTC, ACPI
 * PM1a and PM timer, reset (0xcf9, 0x64), pvpanic, port 0x80, and the
 * 16550 console UART at its base.  Ports nobody claims read all ones;
 * writes to them are ignored; both are counted.
 */
struct pio_bus {
	struct vpit pit;
	struct vpm pm;
	struct vrtc rtc;
	struct vpic pic;
	struct v16550 *uart; /**< the console UART, or NULL */
	uint8_t cf9;	     /**< reset control: bits 1 and 3 as written */
	const struct pio_ops *ops;
	void *ctx;
	uint64_t unknown_reads, unknown_writes;
};

/**
 * pio_init() - The devices at time @now_ns, the RTC reading @epoch_s
 * (Unix time) then, the console @uart (NULL: none) at its own base;
 * effects through @ops with @ctx.
 */
void pio_init(struct pio_bus *b, const struct pio_ops *ops, void *ctx,
	      struct v16550 *uart, uint64_t epoch_s, uint64_t now_ns);

/**
 * pio_reset() - The VM restarts: every device here back to power-on (the
 * UART is reset by its owner, vuart_reset()); the RTC keeps its NVRAM.
 */
void pio_reset(struct pio_bus *b, uint64_t now_ns);

/**
 * pio_access() - A guest IN or OUT of @size bytes (1, 2 or 4) at @port at
 * time @now_ns: *@val is written, or set to what is read (bytes of no
 * device read 0xff).  Return: 0, or -HV_EINVAL for another size.
 *
 * Serialized per VM by the caller (a lock of the bus's own).  @ops->irq
 * is called under it, from pio_update() too, so it must take the lock of
 * the VM's vlapics and vioapic, never this one; the 16550 also calls its
 * @irq from the console, with no lock held.
 */
int pio_access(struct pio_bus *b, uint16_t port, unsigned size, bool write,
	       uint32_t *val, uint64_t now_ns);

/** pio_update() - The time is @now_ns: the PIT's interrupt if due. */
void pio_update(struct pio_bus *b, uint64_t now_ns);

/** pio_deadline() - When pio_update() is next due (ns), or UINT64_MAX. */
uint64_t pio_deadline(const struct pio_bus *b);

#endif /* ARCH_PIO_H */
