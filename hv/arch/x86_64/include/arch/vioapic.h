/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VIOAPIC_H
#define ARCH_VIOAPIC_H

#include "arch/vlapic.h"
#include "hv/types.h"

/* The I/O APIC every VM sees (X86_PLAN.md "Fixed x86 guest layout"). */
#define VIOAPIC_BASE 0xfec00000ull
#define VIOAPIC_SIZE 0x1000u
#define VIOAPIC_PINS 24u

/**
 * What a pin that follows a physical interrupt line (a passed-through PCI
 * function's INTx) tells the hypervisor, with the vioapic's @ctx.  Called
 * under the caller's serialization of the vioapic.
 */
struct vioapic_hw_ops {
	/** The guest masked (@masked) or unmasked the pin's entry. */
	void (*mask)(void *ctx, unsigned pin, bool masked);
	/**
	 * The guest ended the pin's level-triggered interrupt (its remote
	 * IRR cleared): the line was deasserted, the physical pin may fire
	 * again.
	 */
	void (*eoi)(void *ctx, unsigned pin);
};

/**
 * A virtual 82093AA-style I/O APIC with 24 pins (GSI 0-23).  Only the pins
 * in @owned can be unmasked or raised: the others read as masked and
 * ignore writes.  Interrupts go out as vlapic messages through @deliver,
 * which the hypervisor sends to vlapic_deliver() of the same VM.
 */
struct vioapic {
	uint8_t id;
	uint8_t sel;	/**< IOREGSEL */
	uint32_t owned; /**< pins this VM may use */
	uint32_t line;	/**< pins asserted now */
	uint32_t hw;	/**< pins that follow a physical line (@hw_ops) */
	uint64_t redir[VIOAPIC_PINS];
	void (*deliver)(void *ctx, const struct vlapic_msg *msg);
	const struct vioapic_hw_ops *hw_ops;
	void *ctx;
	uint64_t dropped; /**< interrupts refused (bad delivery mode) */
};

/**
 * vioapic_init() - An I/O APIC with ID @id, of which the VM owns the pins
 * in @owned, delivering through @deliver with @ctx; all pins masked.
 */
void vioapic_init(struct vioapic *io, uint8_t id, uint32_t owned,
		  void (*deliver)(void *ctx, const struct vlapic_msg *msg),
		  void *ctx);

/**
 * vioapic_set_hw() - Pins @pins (owned ones) follow physical lines: their
 * masks and EOIs are reported through @ops, and a level-triggered one's
 * EOI deasserts its line (the physical pin stays masked until then, so
 * the line's state is not known; it fires again if still asserted).
 */
void vioapic_set_hw(struct vioapic *io, uint32_t pins,
		    const struct vioapic_hw_ops *ops);

/**
 * vioapic_reset() - Every entry masked, nothing latched; lines kept, but
 * those of physical pins (vioapic_set_hw()) deasserted.
 */
void vioapic_reset(struct vioapic *io);

/**
 * vioapic_read() - Guest read of @size bytes at @off (IOREGSEL at 0x00,
 * IOWIN at 0x10).  Return: 0 with *@val, or -HV_ERANGE outside the page.
 * Serialized with the VM's vlapics by the caller (see vlapic_read()).
 */
int vioapic_read(struct vioapic *io, uint32_t off, unsigned size,
		 uint64_t *val);

/** vioapic_write() - Guest write; like vioapic_read(). */
int vioapic_write(struct vioapic *io, uint32_t off, unsigned size,
		  uint64_t val);

/**
 * vioapic_set_irq() - Pin @pin's line is now @level (asserted or not).
 * Edge-triggered pins send on the rising edge; level-triggered ones while
 * asserted, once until the EOI (remote IRR).  Pins not owned are ignored.
 */
void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level);

/**
 * vioapic_eoi() - A vlapic ended level-triggered @vector: clear the remote
 * IRR of pins with that vector, and send again those still asserted.
 */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

#endif /* ARCH_VIOAPIC_H */
