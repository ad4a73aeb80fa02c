// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the x86 device models of one VM together, as a guest
 * and the world reach them: instructions decoded and performed on the
 * local and I/O APIC pages, raw register accesses, every I/O port, time
 * passing, interrupts taken and ended, pins raised, console input.
 * The input is a sequence of 16-byte steps (struct step).  After each
 * step the invariants a hostile guest must not break are checked; a
 * broken one aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/pio.h"
#include "arch/vioapic.h"
#include "arch/vlapic.h"
#include "arch/x86_decode.h"
#include "arch/x86_emulate.h"
#include "hv/console.h"
#include "hv/v16550.h"
#include "fuzz_check.h"

#define NCPU 3
/* The VM owns pins 0-15 but 5; 16-23 are another VM's. */
#define OWNED (0xffffu & ~(1u << 5))

enum act {
	ACT_INSN,
	ACT_LAPIC,
	ACT_IOAPIC,
	ACT_PIO,
	ACT_TIME,
	ACT_TAKE,
	ACT_PIN,
	ACT_UART,
	ACT_COUNT
};

struct step {
	uint8_t act, a;
	uint16_t b;
	uint8_t bytes[12]; /* an instruction, or values */
};

static struct {
	struct vlapic_vm vm;
	struct vlapic cpu[NCPU];
	struct vioapic io;
	struct pio_bus bus;
	struct v16550 uart;
	uint64_t now;
} w;

void console_vm_putc(struct vm *vm, char c)
{
	(void)vm;
	(void)c;
}

unsigned console_vm_tx_room(struct vm *vm)
{
	(void)vm;
	return (unsigned)(w.now >> 10) % 64;
}

void console_vm_reset(struct vm *vm)
{
	(void)vm;
}

static void vcpu_cb(void *ctx, unsigned vcpu)
{
	CHECK(ctx == &w);
	CHECK(vcpu < NCPU);
}

static void sipi_cb(void *ctx, unsigned vcpu, uint8_t vector)
{
	(void)vector;
	vcpu_cb(ctx, vcpu);
}

static void eoi_cb(void *ctx, uint8_t vector)
{
	CHECK(ctx == &w);
	vioapic_eoi(&w.io, vector);
}

static const struct vlapic_ops lapic_ops = { vcpu_cb, vcpu_cb, vcpu_cb, sipi_cb,
					     eoi_cb };

static void deliver(void *ctx, const struct vlapic_msg *msg)
{
	CHECK(ctx == &w);
	CHECK(msg->mode == VLAPIC_FIXED || msg->mode == VLAPIC_LOWEST);
	vlapic_deliver(&w.vm, msg);
}

static void irq(void *ctx, unsigned gsi, bool level)
{
	CHECK(ctx == &w);
	CHECK(gsi < VIOAPIC_PINS);
	vioapic_set_irq(&w.io, gsi, level);
}

static void nothing(void *ctx)
{
	CHECK(ctx == &w);
}

static const struct pio_ops pio_ops = { irq, nothing, nothing, nothing };

/* The memory operand: a register of the page the step aimed at. */
struct target {
	struct vlapic *lapic; /* NULL: the I/O APIC */
	uint32_t off;
};

static int mem_read(void *ctx, unsigned size, uint64_t *val)
{
	struct target *t = ctx;

	if (t->lapic)
		return vlapic_read(t->lapic, t->off, size, w.now, val);
	return vioapic_read(&w.io, t->off, size, val);
}

static int mem_write(void *ctx, unsigned size, uint64_t val)
{
	struct target *t = ctx;

	if (t->lapic)
		return vlapic_write(t->lapic, t->off, size, w.now, val);
	return vioapic_write(&w.io, t->off, size, val);
}

static const struct x86_mem_ops mem_ops = { mem_read, mem_write };

static void insn(const struct step *s)
{
	unsigned avail = 1 + s->a % sizeof(s->bytes);
	struct target t = { .off = s->b & 0xfff };
	uint64_t gpr[X86_GPR_COUNT], before[X86_GPR_COUNT], fl = 0x202;
	struct x86_insn in;

	for (unsigned i = 0; i < X86_GPR_COUNT; i++)
		gpr[i] = before[i] = 0x0101010101010101ull * (i + s->a);
	if (s->b & 0x8000)
		t.lapic = &w.cpu[(s->b >> 12) % NCPU];
	if (x86_decode(s->bytes, avail, (enum x86_mode)((s->a >> 4) % 3), &in))
		return;
	CHECK(in.len >= 1 && in.len <= avail && in.len <= X86_INSN_MAX);
	CHECK(in.reg < X86_GPR_COUNT);
	x86_emulate(&in, gpr, &fl, &mem_ops, &t);
	/* Only the instruction's own register may change. */
	for (unsigned i = 0; i < X86_GPR_COUNT; i++)
		CHECK(gpr[i] == before[i] || (in.has_reg && i == in.reg));
	CHECK((fl & ~X86_FLAGS_ARITH) == 0x202);
}

static uint32_t u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void step(const struct step *s)
{
	struct vlapic *v = &w.cpu[s->a % NCPU];
	uint64_t val = u32(s->bytes);
	uint32_t v32 = (uint32_t)val;
	int vec;

	switch (s->act % ACT_COUNT) {
	case ACT_INSN:
		insn(s);
		break;
	case ACT_LAPIC:
		if (s->a & 0x80)
			vlapic_write(v, s->b & 0xfff, 1u << (s->a >> 4 & 3),
				     w.now, val);
		else
			vlapic_read(v, s->b & 0xfff, 1u << (s->a >> 4 & 3),
				    w.now, &val);
		break;
	case ACT_IOAPIC:
		if (s->a & 0x80)
			vioapic_write(&w.io, s->b & 0x1f, 4, val);
		else
			vioapic_read(&w.io, s->b & 0x1f, 4, &val);
		break;
	case ACT_PIO:
		pio_access(&w.bus, s->b, 1u << (s->a % 3), s->a & 0x80, &v32,
			   w.now);
		break;
	case ACT_TIME:
		w.now += val * (1 + s->a);
		break;
	case ACT_TAKE:
		vec = vlapic_pending(v);
		if (vec >= 0)
			vlapic_accept(v, (uint8_t)vec);
		if (s->a & 0x80)
			vlapic_write(v, 0xb0, 4, w.now, 0);
		break;
	case ACT_PIN:
		vioapic_set_irq(&w.io, s->b % 32, s->a & 1);
		break;
	default:
		if (s->a & 1)
			v16550_rx(&w.uart, (char)s->b);
		else
			v16550_tx_room(&w.uart);
		break;
	}
	for (unsigned i = 0; i < NCPU; i++) {
		vlapic_timer_update(&w.cpu[i], w.now);
		vec = vlapic_pending(&w.cpu[i]);
		CHECK(vec == -1 || (vec >= 16 && vec < 256));
		CHECK(vlapic_timer_deadline(&w.cpu[i]) > w.now);
	}
	pio_update(&w.bus, w.now);
	CHECK(pio_deadline(&w.bus) > w.now);
	CHECK(!(w.io.line & ~OWNED));
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		CHECK((OWNED & (1u << pin)) || w.io.redir[pin] == BIT(16));
	CHECK(w.uart.rx_count <= V16550_RX_BUF);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct step s;

	memset(&w, 0, sizeof(w));
	w.now = 1000;
	vlapic_vm_init(&w.vm, &lapic_ops, &w);
	for (unsigned i = 0; i < NCPU; i++)
		CHECK(vlapic_init(&w.cpu[i], &w.vm, i) == 0);
	vioapic_init(&w.io, NCPU, OWNED, deliver, &w);
	v16550_init(&w.uart, NULL, 0x3f8, 4, irq, &w);
	pio_init(&w.bus, &pio_ops, &w, &w.uart, 1700000000, w.now);
	for (size_t off = 0; off + sizeof(s) <= size; off += sizeof(s)) {
		memcpy(&s, data + off, sizeof(s));
		step(&s);
	}
	return 0;
}
