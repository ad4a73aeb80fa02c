/* SPDX-License-Identifier: MIT */
/*
 * The emulated 16550A, driven as Linux's 8250 driver drives it; the
 * console multiplexer is a fake here (its room is set by each test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/console.h"
#include "hv/v16550.h"
#include "xorshift.h"

static struct v16550 uart;
static struct vm *const the_vm = (struct vm *)&uart; /* only compared */
static char out[4096];
static unsigned out_len, room, resets, irq_changes;
static bool line;

void console_vm_putc(struct vm *vm, char c)
{
	assert_ptr_equal(vm, the_vm);
	assert_true(out_len < sizeof(out));
	out[out_len++] = c;
	if (room)
		room--;
}

unsigned console_vm_tx_room(struct vm *vm)
{
	assert_ptr_equal(vm, the_vm);
	return room;
}

void console_vm_reset(struct vm *vm)
{
	assert_ptr_equal(vm, the_vm);
	resets++;
}

static void irq(void *ctx, unsigned gsi, bool level)
{
	assert_ptr_equal(ctx, &uart);
	assert_int_equal(gsi, 4);
	assert_true(level != line); /* only changes are told */
	line = level;
	irq_changes++;
}

static void outb(unsigned off, uint8_t v)
{
	v16550_io(&uart, off, true, &v);
}

static uint8_t inb(unsigned off)
{
	uint8_t v = 0x5a;

	v16550_io(&uart, off, false, &v);
	return v;
}

static int setup(void **state)
{
	(void)state;
	out_len = resets = irq_changes = 0;
	room = 1000;
	line = false;
	assert_int_equal(v16550_init(&uart, the_vm, 0x3f8, 4, irq, &uart), 0);
	return 0;
}

/* serial8250 autoconfig(): IER scratch test, loopback, FIFO type. */
static void linux_probe_finds_a_16550a(void **state)
{
	(void)state;
	assert_int_equal(resets, 1);
	outb(1, 0);
	assert_int_equal(inb(1) & 0x0f, 0);
	outb(1, 0x0f);
	assert_int_equal(inb(1) & 0x0f, 0x0f);
	outb(1, 0);
	outb(4, 0x10 | 0x0a); /* loopback, RTS, OUT2 */
	assert_int_equal(inb(6) & 0xf0, 0x90);
	outb(4, 0);
	assert_int_equal(inb(6), 0xb0);
	outb(2, 0x01); /* FIFO on: IIR bits 7:6 = 3 */
	assert_int_equal(inb(2) >> 6, 3);
	outb(3, 0xbf); /* EFR is 0 on a 16650; ours reads IIR, not 0 */
	assert_int_not_equal(inb(2), 0);
	outb(3, 0x03);
	outb(7, 0xa5);
	assert_int_equal(inb(7), 0xa5);
	assert_int_not_equal(inb(5), 0xff); /* LSR safety check */
}

static void divisor_latch(void **state)
{
	(void)state;
	assert_int_equal(inb(0), 0);
	outb(3, 0x83); /* DLAB */
	assert_int_equal(inb(0), 12);
	outb(0, 1);
	outb(1, 0);
	assert_int_equal(inb(0), 1);
	assert_int_equal(inb(1), 0);
	outb(3, 0x03);
	/* With DLAB clear, offset 0 is THR again: the byte goes out. */
	outb(0, 'A');
	assert_int_equal(out_len, 1);
	assert_int_equal(out[0], 'A');
	assert_int_equal(inb(1), 0); /* IER untouched by the DLM write */
}

static void transmit_and_thre(void **state)
{
	(void)state;
	assert_int_equal(inb(5) & 0x60, 0x60);
	assert_int_equal(inb(2) & 0x0f, 0x01);
	/* Enabling THRE with room interrupts at once (UART_BUG_THRE test). */
	outb(1, 0x02);
	assert_true(line);
	assert_int_equal(inb(2) & 0x0f, 0x02);
	/* Reading IIR that said THRE clears it. */
	assert_false(line);
	assert_int_equal(inb(2) & 0x0f, 0x01);
	outb(1, 0);
	outb(1, 0x02);
	assert_int_equal(inb(2) & 0x0f, 0x02);
	/* A THR write with room: THRE again. */
	for (const char *s = "hello\n"; *s; s++)
		outb(0, (uint8_t)*s);
	assert_int_equal(out_len, 6);
	assert_memory_equal(out, "hello\n", 6);
	assert_true(line);
	/* Short of room: THRE clear, no interrupt, until the console calls. */
	room = V16550_TX_BURST;
	outb(0, 'x');
	assert_false(line);
	assert_int_equal(inb(5) & 0x60, 0);
	assert_int_equal(inb(2) & 0x0f, 0x01);
	room = 500;
	v16550_tx_room(&uart);
	assert_true(line);
	assert_int_equal(inb(5) & 0x60, 0x60);
	assert_int_equal(inb(2) & 0x0f, 0x02);
}

static void receive_and_rda(void **state)
{
	(void)state;
	outb(2, 0xc1); /* FIFO on, trigger 14 */
	outb(1, 0x01); /* RDA */
	assert_false(line);
	assert_true(v16550_rx(&uart, 'a'));
	assert_true(line);
	/* One byte, below the trigger: a character timeout. */
	assert_int_equal(inb(2), 0xcc);
	assert_int_equal(inb(5) & 1, 1);
	assert_int_equal(inb(0), 'a');
	assert_false(line);
	assert_int_equal(inb(5) & 1, 0);
	for (unsigned i = 0; i < 20; i++)
		v16550_rx(&uart, (char)('0' + i));
	assert_int_equal(inb(2), 0xc4);
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(inb(0), '0' + i);
	assert_false(line);
	assert_int_equal(inb(0), 0); /* empty reads 0 */
}

static void a_vm_that_never_reads_loses_only_its_input(void **state)
{
	(void)state;
	for (unsigned i = 0; i < V16550_RX_BUF; i++)
		assert_true(v16550_rx(&uart, (char)i));
	assert_false(v16550_rx(&uart, 'z'));
	assert_false(v16550_rx(&uart, 'z'));
	assert_int_equal(v16550_rx_dropped(&uart), 2);
	/* Overrun is reported once, with an RLS interrupt if enabled. */
	outb(1, 0x04);
	assert_true(line);
	assert_int_equal(inb(2) & 0x0f, 0x06);
	assert_int_equal(inb(5) & 0x03, 0x03);
	assert_int_equal(inb(5) & 0x03, 0x01);
	assert_false(line);
	/* FCR's RX clear empties the FIFO only: input behind it moves up. */
	outb(2, 0x03);
	assert_int_equal(inb(0), (uint8_t)V16550_RX_FIFO);
	/* Reset drops all input and resets the console filter. */
	v16550_reset(&uart);
	assert_int_equal(resets, 2);
	assert_int_equal(inb(5) & 1, 0);
	assert_int_equal(v16550_rx_dropped(&uart), 2);
}

static void random_io_is_safe(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (unsigned n = 0; n < 200000; n++) {
		uint8_t v;

		xorshift64(&x);
		v = (uint8_t)(x >> 32);
		room = (x >> 40) % 64;
		switch (x & 3) {
		case 0:
			v16550_io(&uart, (x >> 8) & 0xff, (x >> 16) & 1, &v);
			break;
		case 1:
			v16550_rx(&uart, (char)v);
			break;
		case 2:
			v16550_tx_room(&uart);
			break;
		default:
			v16550_io(&uart, 0, false, &v);
			break;
		}
		if (out_len > 4000)
			out_len = 0;
		assert_true(uart.rx_count <= V16550_RX_BUF);
		/* The line always matches what IIR would say. */
		assert_int_equal(line, uart.line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(linux_probe_finds_a_16550a),
		T(divisor_latch),
		T(transmit_and_thre),
		T(receive_and_rda),
		T(a_vm_that_never_reads_loses_only_its_input),
		T(random_io_is_safe),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
