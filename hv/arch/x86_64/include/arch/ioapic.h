/* SPDX-License-Identifier: MIT */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include "hv/types.h"

/** ioapic_init() - Every pin of the I/O APIC at @base masked. */
void ioapic_init(uint64_t base);

/**
 * ioapic_route() - Deliver pin @pin (edge, active high) as @vector to the
 * CPU with APIC ID @apic_id, unmasked.
 */
void ioapic_route(unsigned pin, uint8_t vector, uint32_t apic_id);

#endif /* ARCH_IOAPIC_H */
