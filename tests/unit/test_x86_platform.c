/* SPDX-License-Identifier: MIT */
/*
 * The x86 models together, as Linux's boot uses them: the PIT's tick
 * through the I/O APIC to a vlapic (check_timer()), the local APIC timer
 * calibrated against that tick (calibrate_APIC_clock()), the TSC's
 * reference from PIT channel 2 and the PM timer (pit_calibrate_tsc()), and
 * the console UART's interrupt.  The console multiplexer is a fake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/pio.h"
#include "arch/vioapic.h"
#include "arch/vlapic.h"
#include "hv/console.h"
#include "hv/v16550.h"

#define NCPU 2
#define HZ 250
#define TIMER_VECTOR 0x30
#define UART_VECTOR 0x34

static struct {
	struct vlapic_vm vm;
	struct vlapic cpu[NCPU];
	struct vioapic io;
	struct pio_bus pc;
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
	return 1000;
}

void console_vm_reset(struct vm *vm)
{
	(void)vm;
}

static void deliver(void *ctx, const struct vlapic_msg *msg)
{
	(void)ctx;
	vlapic_deliver(&w.vm, msg);
}

static void eoi(void *ctx, uint8_t vector)
{
	(void)ctx;
	vioapic_eoi(&w.io, vector);
}

static void irq(void *ctx, unsigned gsi, bool level)
{
	(void)ctx;
	vioapic_set_irq(&w.io, gsi, level);
}

static void nothing(void *ctx)
{
	(void)ctx;
	fail_msg("no reset, power-off or crash expected");
}

static const struct vlapic_ops lapic_ops = { .eoi = eoi };
static const struct pio_ops pio_ops = { irq, nothing, nothing, nothing };

static void outb(uint16_t port, uint8_t v)
{
	uint32_t val = v;

	assert_int_equal(pio_access(&w.pc, port, 1, true, &val, w.now), 0);
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t val = 0;

	assert_int_equal(pio_access(&w.pc, port, size, false, &val, w.now), 0);
	return val;
}

static void lapic_wr(unsigned cpu, uint32_t off, uint32_t val)
{
	assert_int_equal(vlapic_write(&w.cpu[cpu], off, 4, w.now, val), 0);
}

static uint32_t lapic_rd(unsigned cpu, uint32_t off)
{
	uint64_t val;

	assert_int_equal(vlapic_read(&w.cpu[cpu], off, 4, w.now, &val), 0);
	return (uint32_t)val;
}

static void ioapic_route(unsigned pin, uint32_t lo, uint8_t dest)
{
	vioapic_write(&w.io, 0, 4, 0x11 + 2 * pin);
	vioapic_write(&w.io, 0x10, 4, (uint32_t)dest << 24);
	vioapic_write(&w.io, 0, 4, 0x10 + 2 * pin);
	vioapic_write(&w.io, 0x10, 4, lo);
}

/* Run CPU 0 until the next PIT tick has been taken and ended. */
static void next_tick(void)
{
	uint64_t d = pio_deadline(&w.pc);

	assert_true(d != UINT64_MAX);
	w.now = d;
	pio_update(&w.pc, w.now);
	assert_int_equal(vlapic_pending(&w.cpu[0]), TIMER_VECTOR);
	vlapic_accept(&w.cpu[0], TIMER_VECTOR);
	lapic_wr(0, 0xb0, 0);
	assert_int_equal(vlapic_pending(&w.cpu[0]), -1);
}

static int setup(void **state)
{
	(void)state;
	memset(&w, 0, sizeof(w));
	w.now = 123456789;
	vlapic_vm_init(&w.vm, &lapic_ops, NULL);
	for (unsigned i = 0; i < NCPU; i++) {
		assert_int_equal(vlapic_init(&w.cpu[i], &w.vm, i), 0);
		lapic_wr(i, 0xe0, 0xffffffff); /* flat model */
		lapic_wr(i, 0xd0, (1u << i) << 24);
		lapic_wr(i, 0xf0, 0x1ff);
	}
	vioapic_init(&w.io, NCPU, 0xffffff, deliver, NULL);
	v16550_init(&w.uart, NULL, 0x3f8, 4, irq, NULL);
	pio_init(&w.pc, &pio_ops, NULL, &w.uart, 1700000000, w.now);
	/* IRQ0 → GSI 2, edge, logical destination CPU 0 (Linux's default). */
	ioapic_route(2, 0x800 | TIMER_VECTOR, 0x01);
	/* The PIT clockevent: channel 0, mode 2, HZ. */
	outb(0x43, 0x34);
	outb(0x40, ((1193182 + HZ / 2) / HZ) & 0xff);
	outb(0x40, ((1193182 + HZ / 2) / HZ) >> 8);
	return 0;
}

/* check_timer(): the tick arrives at HZ, only on CPU 0. */
static void pit_tick_reaches_cpu0_at_hz(void **state)
{
	uint64_t start = w.now;
	unsigned ticks = 0;

	(void)state;
	while (w.now < start + 1000000000ull) {
		next_tick();
		ticks++;
	}
	assert_in_range(ticks, HZ, HZ + 1);
	assert_int_equal(vlapic_pending(&w.cpu[1]), -1);
}

/* calibrate_APIC_clock(): TMCCT over HZ/10 ticks, divide by 16. */
static void apic_timer_calibrates_against_the_tick(void **state)
{
	uint32_t start, end;
	uint64_t ns;

	(void)state;
	next_tick();
	lapic_wr(0, 0x3e0, 0x3);
	lapic_wr(0, 0x320, 0x30000 | 0xec); /* periodic, masked */
	lapic_wr(0, 0x380, 0xffffffffu / 16);
	start = lapic_rd(0, 0x390);
	for (unsigned i = 0; i < HZ / 10; i++)
		next_tick();
	end = lapic_rd(0, 0x390);
	/* Counts of 16 ns each: 100 ms of ticks is 6.25 million counts. */
	ns = (uint64_t)(start - end) * 16;
	assert_in_range(ns, 99900000, 100100000);
	assert_int_equal(vlapic_pending(&w.cpu[0]), -1); /* masked */
}

/* pit_calibrate_tsc(): 50 ms of channel 2 against the PM timer. */
static void pit_channel2_agrees_with_pm_timer(void **state)
{
	uint32_t pm0, pm1;
	unsigned polls = 0;

	(void)state;
	outb(0x61, (uint8_t)((in(0x61, 1) & ~0x02) | 0x01));
	outb(0x43, 0xb0);
	outb(0x42, (1193182 / 20) & 0xff);
	outb(0x42, (1193182 / 20) >> 8);
	pm0 = in(0x608, 4);
	while (!(in(0x61, 1) & 0x20)) {
		w.now += 20000; /* each IN is an exit of about 20 us */
		assert_true(++polls < 10000);
	}
	pm1 = in(0x608, 4);
	/* 50 ms at 3.579545 MHz, within one poll. */
	assert_in_range(pm1 - pm0, 178977 - 72, 178977 + 72);
}

static void uart_interrupt_reaches_its_vector(void **state)
{
	(void)state;
	ioapic_route(4, 0x800 | UART_VECTOR, 0x02);
	outb(0x3f9, 0x01); /* RDA */
	v16550_rx(&w.uart, 'k');
	assert_int_equal(vlapic_pending(&w.cpu[1]), UART_VECTOR);
	assert_int_equal(vlapic_pending(&w.cpu[0]), -1);
	vlapic_accept(&w.cpu[1], UART_VECTOR);
	assert_int_equal(in(0x3fa, 1) & 0x0f, 0x04);
	assert_int_equal(in(0x3f8, 1), 'k');
	lapic_wr(1, 0xb0, 0);
	/* The next byte is a new edge: a new interrupt. */
	v16550_rx(&w.uart, 'l');
	assert_int_equal(vlapic_pending(&w.cpu[1]), UART_VECTOR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(pit_tick_reaches_cpu0_at_hz),
		T(apic_timer_calibrates_against_the_tick),
		T(pit_channel2_agrees_with_pm_timer),
		T(uart_interrupt_reaches_its_vector),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
