/* SPDX-License-Identifier: MIT */
/*
 * The physical I/O APIC (82093AA datasheet): the hypervisor owns it and
 * routes only its own console UART's pin; the legacy 8259 pair is masked
 * so nothing arrives through LINT0.
 */
#include "arch/ioapic.h"
#include "arch/x86.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define REDIR_MASKED BIT(16)

static uint64_t base;

static uint32_t ioapic_read(unsigned reg)
{
	mmio_write32(base + IOREGSEL, reg);
	return mmio_read32(base + IOWIN);
}

static void ioapic_write(unsigned reg, uint32_t v)
{
	mmio_write32(base + IOREGSEL, reg);
	mmio_write32(base + IOWIN, v);
}

void ioapic_init(uint64_t addr)
{
	unsigned pins;

	base = addr;
	/* Both 8259s: every line masked (OCW1). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	pins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	for (unsigned pin = 0; pin < pins; pin++) {
		ioapic_write(IOAPIC_REDTBL(pin) + 1, 0);
		ioapic_write(IOAPIC_REDTBL(pin), REDIR_MASKED);
	}
}

void ioapic_route(unsigned pin, uint8_t vector, uint32_t apic_id)
{
	ioapic_write(IOAPIC_REDTBL(pin) + 1, apic_id << 24);
	ioapic_write(IOAPIC_REDTBL(pin), vector);
}
