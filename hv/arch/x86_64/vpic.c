/* SPDX-License-Identifier: MIT */
/*
 * The legacy 8259A pair (Intel 8259A datasheet), reduced to what a guest
 * routed through the I/O APIC touches: Linux's init_8259A() runs the
 * ICW1-ICW4 sequence, probe_8259A() checks that IMR reads back what was
 * written, and mask_8259A() masks everything.  Nothing is delivered.
 */
#include "arch/vpic.h"

#define ICW1 BIT(4) /* a command-port write with bit 4 set is ICW1 */
#define ICW1_ICW4 BIT(0)
#define ICW1_SINGLE BIT(1)

static void command(struct vpic_chip *c, uint8_t val)
{
	if (val & ICW1) {
		c->icw4 = val & ICW1_ICW4;
		c->single = val & ICW1_SINGLE;
		c->imr = 0; /* ICW1 clears the mask register */
		c->icw = 2;
	}
	/* OCW2 (EOI, rotation) and OCW3 (read IRR/ISR, poll): no state. */
}

static void data(struct vpic_chip *c, uint8_t val)
{
	switch (c->icw) {
	case 2:
		c->base = val & 0xf8;
		c->icw = c->single ? (c->icw4 ? 4 : 0) : 3;
		break;
	case 3:
		c->icw = c->icw4 ? 4 : 0;
		break;
	case 4:
		c->icw = 0;
		break;
	default:
		c->imr = val; /* OCW1 */
		break;
	}
}

void vpic_io(struct vpic *pic, uint16_t port, bool write, uint8_t *val)
{
	struct vpic_chip *c;

	if (port == 0x4d0 || port == 0x4d1) {
		c = &pic->chip[port & 1];
		/* IRQ 0-2 and 8, 13 are edge-only (ELCR, PIIX4 datasheet). */
		if (write)
			c->elcr = *val & (port & 1 ? 0xde : 0xf8);
		else
			*val = c->elcr;
		return;
	}
	if ((port & ~0x81u) != 0x20) {
		if (!write)
			*val = 0xff;
		return;
	}
	c = &pic->chip[port >> 7 & 1];
	if (write) {
		if (port & 1)
			data(c, *val);
		else
			command(c, *val);
	} else {
		/* IRR and ISR (OCW3) read 0: nothing is ever pending. */
		*val = (port & 1) ? c->imr : 0;
	}
}

void vpic_reset(struct vpic *pic)
{
	for (unsigned i = 0; i < 2; i++)
		pic->chip[i] = (struct vpic_chip){ .imr = 0xff };
}
