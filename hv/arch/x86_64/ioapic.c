/* SPDX-License-Identifier: MIT */
/*
 * The physical I/O APIC (82093AA datasheet): the hypervisor owns it and
 * routes its own console UART's pin and the INTx pins of passed-through
 * PCI functions (intx.c); the legacy 8259 pair is masked so nothing
 * arrives through LINT0.  Each register is reached through the
 * IOREGSEL/IOWIN pair, so every access is one step under a lock: CPUs of
 * several VMs change their pins' masks.
 */
#include "arch/ioapic.h"
#include "arch/x86.h"
#include "hv/spinlock.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define REDIR_ACTIVE_LOW BIT(13)
#define REDIR_LEVEL BIT(15)
#define REDIR_MASKED BIT(16)

static uint64_t base;
static unsigned pin_count;
static struct spinlock lock;

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
	base = addr;
	/* Both 8259s: every line masked (OCW1). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	pin_count = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	for (unsigned pin = 0; pin < pin_count; pin++) {
		ioapic_write(IOAPIC_REDTBL(pin) + 1, 0);
		ioapic_write(IOAPIC_REDTBL(pin), REDIR_MASKED);
	}
}

unsigned ioapic_pins(void)
{
	return pin_count;
}

void ioapic_route(unsigned pin, uint8_t vector, uint32_t apic_id)
{
	ioapic_program(pin, vector, apic_id, 0);
	ioapic_mask(pin, false);
}

void ioapic_program(unsigned pin, uint8_t vector, uint32_t apic_id,
		    unsigned flags)
{
	uint32_t lo = REDIR_MASKED | vector;

	if (pin >= pin_count)
		return;
	if (flags & IOAPIC_LEVEL)
		lo |= REDIR_LEVEL;
	if (flags & IOAPIC_ACTIVE_LOW)
		lo |= REDIR_ACTIVE_LOW;
	spin_lock(&lock);
	/* Masked first: never a moment with the old vector unmasked. */
	ioapic_write(IOAPIC_REDTBL(pin), REDIR_MASKED);
	ioapic_write(IOAPIC_REDTBL(pin) + 1, apic_id << 24);
	ioapic_write(IOAPIC_REDTBL(pin), lo);
	spin_unlock(&lock);
}

void ioapic_mask(unsigned pin, bool masked)
{
	uint32_t lo;

	if (pin >= pin_count)
		return;
	spin_lock(&lock);
	lo = ioapic_read(IOAPIC_REDTBL(pin));
	lo = masked ? lo | REDIR_MASKED : lo & ~(uint32_t)REDIR_MASKED;
	ioapic_write(IOAPIC_REDTBL(pin), lo);
	spin_unlock(&lock);
}
