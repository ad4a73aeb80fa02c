/* SPDX-License-Identifier: MIT */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include "hv/types.h"

/* ioapic_program() @flags. */
#define IOAPIC_LEVEL 1u	     /* level-triggered (else edge) */
#define IOAPIC_ACTIVE_LOW 2u /* active low (else high) */

/** ioapic_init() - Every pin of the I/O APIC at @base masked. */
void ioapic_init(uint64_t base);

/** ioapic_pins() - How many pins it has (after ioapic_init()). */
unsigned ioapic_pins(void);

/**
 * ioapic_route() - Deliver pin @pin (edge, active high) as @vector to the
 * CPU with APIC ID @apic_id, unmasked.
 */
void ioapic_route(unsigned pin, uint8_t vector, uint32_t apic_id);

/**
 * ioapic_program() - Pin @pin delivers @vector, fixed, to the CPU with
 * APIC ID @apic_id, with trigger and polarity from @flags (IOAPIC_*);
 * left masked.  Pins the I/O APIC does not have are ignored.
 */
void ioapic_program(unsigned pin, uint8_t vector, uint32_t apic_id,
		    unsigned flags);

/** ioapic_mask() - Mask or unmask pin @pin; any CPU, any time. */
void ioapic_mask(unsigned pin, bool masked);

#endif /* ARCH_IOAPIC_H */
