/* SPDX-License-Identifier: MIT */
/*
 * Emulated 8254 programmable interval timer (Intel 82C54 datasheet) and
 * port 0x61.  A stock Debian kernel on AMD (or TCG) learns the TSC's rate
 * only by timing PIT channel 2 (gated by port 0x61 bit 0, its output in
 * bit 5) and calibrates the local APIC timer against channel 0's
 * interrupts (GSI 2), so both must count true time: the counters are
 * computed from the nanosecond clock passed in, never ticked.
 *
 * A counter's state is the input clocks it counted before its current run
 * (@base) and when that run began (@start); value and output follow from
 * the mode.  Modes 1 and 5 count only after a rising gate (channel 2).
 */
#include "arch/vpit.h"

#define NS_PER_S 1000000000ull

/* Port 0x61 bits (IBM PC/AT "NMI status and control"). */
#define P61_GATE2 BIT(0)
#define P61_SPEAKER BIT(1)
#define P61_REFRESH BIT(4)
#define P61_OUT2 BIT(5)
/* The refresh request toggles every 15.085 us. */
#define REFRESH_NS 15085u

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_S * VPIT_HZ + ns % NS_PER_S * VPIT_HZ / NS_PER_S;
}

/* The first ns at which @t clocks have passed. */
static uint64_t ticks_to_ns(uint64_t t)
{
	return t / VPIT_HZ * NS_PER_S +
	       (t % VPIT_HZ * NS_PER_S + VPIT_HZ - 1) / VPIT_HZ;
}

static uint64_t period(const struct vpit_channel *c)
{
	uint64_t p = c->count ? c->count : 65536;

	/* A count of 1 is illegal in modes 2 and 3 (82C54 datasheet). */
	return (c->mode == 2 || c->mode == 3) && p < 2 ? 2 : p;
}

static uint64_t elapsed(const struct vpit_channel *c, uint64_t now)
{
	if (!c->running || now < c->start)
		return c->base;
	return c->base + ns_to_ticks(now - c->start);
}

static bool periodic(const struct vpit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

static uint16_t value(const struct vpit_channel *c, uint64_t now)
{
	uint64_t e = elapsed(c, now), p = period(c), half = (p + 1) / 2;

	if (!c->loaded)
		return c->count;
	if (c->mode == 2)
		return (uint16_t)(p - e % p);
	if (c->mode == 3) {
		/* Mode 3 counts down by two, twice per period. */
		e %= p;
		return (uint16_t)((p - 2 * (e < half ? e : e - half)) & ~1ull);
	}
	return (uint16_t)(c->count - e);
}

static bool out(const struct vpit_channel *c, uint64_t now)
{
	uint64_t e = elapsed(c, now), p = period(c);

	if (!c->loaded)
		return c->mode != 0;
	switch (c->mode) {
	case 0:
		return e >= p;
	case 1:
		return !c->running && !c->base ? true : e >= p;
	case 2:
		/* Gate low forces OUT high in modes 2 and 3. */
		return !c->running || e % p != p - 1;
	case 3:
		return !c->running || e % p < (p + 1) / 2;
	default: /* 4 and 5: one clock low at the terminal count */
		return e != p;
	}
}

/* The input clock of channel 0's next rising output edge, or 0: none. */
static uint64_t next_edge(const struct vpit_channel *c, uint64_t now)
{
	uint64_t e = elapsed(c, now), p = period(c), edge;

	if (!c->running)
		return 0;
	if (periodic(c))
		return (e / p + 1) * p;
	edge = c->mode >= 4 ? p + 1 : p;
	return e < edge ? edge : 0;
}

static void set_out0(struct vpit *pit, bool level)
{
	if (pit->out0 == level)
		return;
	pit->out0 = level;
	if (pit->irq)
		pit->irq(pit->ctx, level);
}

/* Channel 0 changed: when does it interrupt next? */
static void rearm(struct vpit *pit, uint64_t now)
{
	const struct vpit_channel *c = &pit->ch[0];
	uint64_t edge = next_edge(c, now);

	pit->next = VPIT_NO_DEADLINE;
	if (!edge)
		return;
	pit->next = c->start + ticks_to_ns(edge - c->base);
	if (periodic(c) && pit->next < now + VPIT_MIN_PERIOD_NS)
		pit->next = now + VPIT_MIN_PERIOD_NS;
}

void vpit_update(struct vpit *pit, uint64_t now)
{
	if (pit->next == VPIT_NO_DEADLINE || now < pit->next)
		return;
	if (pit->ch[0].mode == 0) {
		/* Interrupt on terminal count: OUT stays high until rewritten. */
		set_out0(pit, true);
	} else {
		/* An edge-triggered pin: a pulse is one interrupt. */
		set_out0(pit, true);
		set_out0(pit, false);
	}
	rearm(pit, now);
}

uint64_t vpit_deadline(const struct vpit *pit)
{
	return pit->next;
}

static void set_gate(struct vpit_channel *c, bool gate, uint64_t now)
{
	if (gate == c->gate)
		return;
	c->gate = gate;
	if (!gate) {
		c->base = elapsed(c, now);
		c->running = false;
		return;
	}
	if (!c->loaded)
		return;
	/* A rising gate restarts modes 1, 2, 3 and 5; 0 and 4 resume. */
	if (c->mode != 0 && c->mode != 4)
		c->base = 0;
	c->start = now;
	c->running = true;
}

static void load(struct vpit_channel *c, uint16_t count, uint64_t now)
{
	c->count = count;
	c->loaded = true;
	c->base = 0;
	c->start = now;
	c->running = c->gate && c->mode != 1 && c->mode != 5;
}

static void write_count(struct vpit *pit, unsigned i, uint8_t val, uint64_t now)
{
	struct vpit_channel *c = &pit->ch[i];

	switch (c->rw) {
	case 1:
		load(c, val, now);
		break;
	case 2:
		load(c, (uint16_t)(val << 8), now);
		break;
	default:
		if (!c->write_msb) {
			c->lsb = val;
			c->write_msb = true;
			return;
		}
		c->write_msb = false;
		load(c, (uint16_t)(c->lsb | val << 8), now);
		break;
	}
	if (i == 0) {
		set_out0(pit, false);
		rearm(pit, now);
	}
}

static uint8_t status(const struct vpit_channel *c, uint64_t now)
{
	return (uint8_t)((out(c, now) ? 0x80 : 0) | (c->loaded ? 0 : 0x40) |
			 c->rw << 4 | c->mode << 1 | (c->bcd ? 1 : 0));
}

static uint8_t read_count(struct vpit_channel *c, uint64_t now)
{
	uint16_t v;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		v = c->latch;
		msb = c->rw == 2 || (c->rw == 3 && c->latch_msb);
		c->latch_msb = c->rw == 3 && !c->latch_msb;
		c->count_latched = c->latch_msb;
	} else {
		v = value(c, now);
		msb = c->rw == 2 || (c->rw == 3 && c->read_msb);
		if (c->rw == 3)
			c->read_msb = !c->read_msb;
	}
	return (uint8_t)(msb ? v >> 8 : v);
}

static void latch_count(struct vpit_channel *c, uint64_t now)
{
	/* A second latch before the first is read is ignored. */
	if (c->count_latched)
		return;
	c->latch = value(c, now);
	c->count_latched = true;
	c->latch_msb = false;
}

static void control(struct vpit *pit, uint8_t val, uint64_t now)
{
	unsigned sc = val >> 6, rw = (val >> 4) & 3, mode = (val >> 1) & 7;
	struct vpit_channel *c;

	if (sc == 3) {
		/* Read-back: bit 5 clear latches counts, bit 4 statuses. */
		for (unsigned i = 0; i < 3; i++) {
			c = &pit->ch[i];
			if (!(val & BIT(i + 1)))
				continue;
			if (!(val & 0x20))
				latch_count(c, now);
			if (!(val & 0x10) && !c->status_latched) {
				c->status = status(c, now);
				c->status_latched = true;
			}
		}
		return;
	}
	c = &pit->ch[sc];
	if (!rw) {
		latch_count(c, now);
		return;
	}
	c->rw = (uint8_t)rw;
	c->mode = (uint8_t)(mode > 5 ? mode - 4 : mode);
	c->bcd = val & 1;
	c->loaded = c->running = false;
	c->base = 0;
	c->write_msb = c->read_msb = c->latch_msb = false;
	c->count_latched = c->status_latched = false;
	if (sc == 0) {
		set_out0(pit, false);
		rearm(pit, now);
	}
}

void vpit_io(struct vpit *pit, uint16_t port, bool write, uint8_t *val,
	     uint64_t now)
{
	vpit_update(pit, now);
	if (port == 0x61) {
		if (write) {
			pit->port61 = *val & (P61_GATE2 | P61_SPEAKER);
			set_gate(&pit->ch[2], *val & P61_GATE2, now);
		} else {
			*val = (uint8_t)(pit->port61 |
					 ((now / REFRESH_NS) & 1 ? P61_REFRESH :
								   0) |
					 (out(&pit->ch[2], now) ? P61_OUT2 :
								  0));
		}
	} else if (port == 0x43) {
		if (write)
			control(pit, *val, now);
		else
			*val = 0xff; /* the control word is write-only */
	} else if (port >= 0x40 && port <= 0x42) {
		if (write)
			write_count(pit, port - 0x40u, *val, now);
		else
			*val = read_count(&pit->ch[port - 0x40], now);
	} else if (!write) {
		*val = 0xff;
	}
}

void vpit_reset(struct vpit *pit, uint64_t now)
{
	for (unsigned i = 0; i < 3; i++) {
		pit->ch[i] = (struct vpit_channel){ .rw = 3,
						    .gate = i != 2,
						    .start = now };
	}
	pit->port61 = 0;
	set_out0(pit, false);
	pit->next = VPIT_NO_DEADLINE;
}

void vpit_init(struct vpit *pit, void (*irq)(void *ctx, bool level), void *ctx,
	       uint64_t now)
{
	*pit = (struct vpit){ .irq = irq, .ctx = ctx };
	vpit_reset(pit, now);
}
