/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VPIC_H
#define ARCH_VPIC_H

#include "hv/types.h"

/** One 8259A of the pair, as far as a guest that uses the I/O APIC sees. */
struct vpic_chip {
	uint8_t imr;
	uint8_t icw;  /**< initialization words still due: 0 when done */
	bool icw4;    /**< ICW1 asked for an ICW4 */
	bool single;  /**< ICW1 said single (no ICW3) */
	uint8_t base; /**< ICW2: the vector base */
	uint8_t elcr; /**< edge/level control (ports 0x4d0/0x4d1) */
};

/**
 * The 8259A pair at 0x20/0x21 and 0xa0/0xa1 (plus ELCR at 0x4d0/0x4d1):
 * the ICW/OCW sequences are accepted and IMR reads back, so Linux finds a
 * PIC, masks it and goes on with the I/O APIC; IRR and ISR read 0 and no
 * interrupt is ever delivered through it.
 */
struct vpic {
	struct vpic_chip chip[2];
};

/** vpic_reset() - Both chips all masked, as Linux expects after a reset. */
void vpic_reset(struct vpic *pic);

/** vpic_io() - A byte access to one of the ports above. */
void vpic_io(struct vpic *pic, uint16_t port, bool write, uint8_t *val);

#endif /* ARCH_VPIC_H */
