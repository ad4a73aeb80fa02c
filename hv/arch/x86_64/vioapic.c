/* SPDX-License-Identifier: MIT */
/*
 * Virtual I/O APIC (Intel 82093AA datasheet; ACPI MADT gives it GSI base 0
 * and 24 pins).  Registers are reached through IOREGSEL/IOWIN; each pin's
 * redirection entry turns its line into a vlapic message.  Only Fixed and
 * Lowest Priority messages go out (X86 facts: an I/O APIC entry must not
 * become an NMI, INIT or SIPI), and only to the VM's own vlapics, since
 * the message can only reach vlapic_deliver() of this VM.
 */
#include "arch/vioapic.h"
#include "hv/errno.h"

#define IOREGSEL 0x00
#define IOWIN 0x10

#define REG_ID 0x00
#define REG_VER 0x01
#define REG_ARB 0x02
#define REG_REDIR 0x10

/* Version 0x11, maximum redirection entry 23. */
#define IOAPIC_VERSION (0x11u | (VIOAPIC_PINS - 1) << 16)

#define RTE_MASKED BIT(16)
#define RTE_LEVEL BIT(15)
#define RTE_REMOTE_IRR BIT(14)
#define RTE_LOGICAL BIT(11)
/* Vector, delivery mode, destination mode, polarity, trigger, mask, dest. */
#define RTE_WRITABLE (0x1afffull | 0xff00000000000000ull)

static void send(struct vioapic *io, unsigned pin)
{
	uint64_t e = io->redir[pin];
	struct vlapic_msg msg = {
		.vector = (uint8_t)e,
		.mode = (uint8_t)((e >> 8) & 7),
		.dest = (uint8_t)(e >> 56),
		.logical = (e & RTE_LOGICAL) != 0,
		.level = (e & RTE_LEVEL) != 0,
		.assert = true,
	};

	if (msg.mode != VLAPIC_FIXED && msg.mode != VLAPIC_LOWEST) {
		io->dropped++;
		return;
	}
	if (msg.level)
		io->redir[pin] |= RTE_REMOTE_IRR;
	if (io->deliver)
		io->deliver(io->ctx, &msg);
}

/* Send @pin's level-triggered interrupt if it is due (asserted, idle). */
static void resample(struct vioapic *io, unsigned pin)
{
	uint64_t e = io->redir[pin];

	if ((io->line & BIT(pin)) && (e & RTE_LEVEL) &&
	    !(e & (RTE_MASKED | RTE_REMOTE_IRR)))
		send(io, pin);
}

/* Tell the owner of a physical pin whether the guest masked it. */
static void hw_mask(struct vioapic *io, unsigned pin)
{
	if ((io->hw & BIT(pin)) && io->hw_ops && io->hw_ops->mask)
		io->hw_ops->mask(io->ctx, pin,
				 (io->redir[pin] & RTE_MASKED) != 0);
}

void vioapic_reset(struct vioapic *io)
{
	io->sel = 0;
	io->line &= ~io->hw;
	for (unsigned i = 0; i < VIOAPIC_PINS; i++) {
		io->redir[i] = RTE_MASKED;
		hw_mask(io, i);
	}
}

void vioapic_set_hw(struct vioapic *io, uint32_t pins,
		    const struct vioapic_hw_ops *ops)
{
	io->hw = pins & io->owned;
	io->hw_ops = ops;
	io->line &= ~io->hw;
}

void vioapic_init(struct vioapic *io, uint8_t id, uint32_t owned,
		  void (*deliver)(void *ctx, const struct vlapic_msg *msg),
		  void *ctx)
{
	*io = (struct vioapic){
		.id = id & 0xf,
		.owned = owned & (uint32_t)(BIT(VIOAPIC_PINS) - 1),
		.deliver = deliver,
		.ctx = ctx,
	};
	vioapic_reset(io);
}

static uint32_t reg_read(const struct vioapic *io)
{
	unsigned pin;

	switch (io->sel) {
	case REG_ID:
	case REG_ARB:
		return (uint32_t)io->id << 24;
	case REG_VER:
		return IOAPIC_VERSION;
	default:
		break;
	}
	if (io->sel < REG_REDIR || io->sel >= REG_REDIR + 2 * VIOAPIC_PINS)
		return 0xffffffff; /* no register: as a floating bus reads */
	pin = (io->sel - REG_REDIR) / 2;
	return (uint32_t)(io->redir[pin] >> (io->sel & 1 ? 32 : 0));
}

static void reg_write(struct vioapic *io, uint32_t val)
{
	uint64_t old, e;
	unsigned pin;

	if (io->sel == REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	if (io->sel < REG_REDIR || io->sel >= REG_REDIR + 2 * VIOAPIC_PINS)
		return;
	pin = (io->sel - REG_REDIR) / 2;
	if (!(io->owned & BIT(pin)))
		return;
	old = io->redir[pin];
	if (io->sel & 1)
		e = (old & 0xffffffffull) | (uint64_t)val << 32;
	else
		e = (old & ~0xffffffffull) | val;
	e = (e & RTE_WRITABLE) | (old & RTE_REMOTE_IRR);
	/* Remote IRR means nothing for an edge-triggered pin. */
	if (!(e & RTE_LEVEL))
		e &= ~RTE_REMOTE_IRR;
	io->redir[pin] = e;
	if ((old ^ e) & RTE_MASKED)
		hw_mask(io, pin);
	/* Unmasking an asserted level-triggered pin sends it. */
	resample(io, pin);
}

int vioapic_read(struct vioapic *io, uint32_t off, unsigned size, uint64_t *val)
{
	uint64_t v = 0;

	if (off >= VIOAPIC_SIZE || size == 0 || size > 8)
		return -HV_ERANGE;
	if (off == IOREGSEL)
		v = io->sel;
	else if (off == IOWIN)
		v = reg_read(io);
	*val = size < 8 ? v & ((1ull << (8 * size)) - 1) : v;
	return 0;
}

int vioapic_write(struct vioapic *io, uint32_t off, unsigned size, uint64_t val)
{
	if (off >= VIOAPIC_SIZE)
		return -HV_ERANGE;
	if (off == IOREGSEL && size >= 1)
		io->sel = (uint8_t)val;
	else if (off == IOWIN && size == 4)
		reg_write(io, (uint32_t)val);
	return 0;
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level)
{
	bool was;

	if (pin >= VIOAPIC_PINS || !(io->owned & BIT(pin)))
		return;
	was = (io->line & BIT(pin)) != 0;
	if (level)
		io->line |= (uint32_t)BIT(pin);
	else
		io->line &= ~(uint32_t)BIT(pin);
	if (io->redir[pin] & RTE_LEVEL)
		resample(io, pin);
	else if (level && !was && !(io->redir[pin] & RTE_MASKED))
		send(io, pin);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t e = io->redir[pin];

		if (!(e & RTE_REMOTE_IRR) || (uint8_t)e != vector)
			continue;
		io->redir[pin] = e & ~RTE_REMOTE_IRR;
		/*
		 * A physical line is not sampled: it is taken as deasserted,
		 * and its pin unmasked fires again if the device still
		 * asserts it.
		 */
		if (io->hw & BIT(pin)) {
			io->line &= ~(uint32_t)BIT(pin);
			if (io->hw_ops && io->hw_ops->eoi)
				io->hw_ops->eoi(io->ctx, pin);
			continue;
		}
		resample(io, pin);
	}
}
