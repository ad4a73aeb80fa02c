/* SPDX-License-Identifier: MIT */
/*
 * Port I/O dispatch of a VM's legacy PC, with its small devices: reset
 * ports, pvpanic, the 8259 pair, the ACPI PM blocks, the PIT's interrupt
 * and the console UART.  The console multiplexer is a fake here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/pio.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/v16550.h"
#include "xorshift.h"

static struct pio_bus bus;
static struct v16550 uart;
static unsigned resets, poweroffs, crashes, irqs[24];
static bool level[24];
static char out[64];
static unsigned out_len;

void console_vm_putc(struct vm *vm, char c)
{
	(void)vm;
	if (out_len < sizeof(out))
		out[out_len++] = c;
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

static void irq(void *ctx, unsigned gsi, bool l)
{
	assert_ptr_equal(ctx, &bus);
	assert_true(gsi < 24);
	level[gsi] = l;
	irqs[gsi] += l;
}

static void reset(void *ctx)
{
	assert_ptr_equal(ctx, &bus);
	resets++;
}

static void poweroff(void *ctx)
{
	assert_ptr_equal(ctx, &bus);
	poweroffs++;
}

static void crash(void *ctx)
{
	assert_ptr_equal(ctx, &bus);
	crashes++;
}

static const struct pio_ops ops = { irq, poweroff, reset, crash };

static void outp(uint16_t port, unsigned size, uint32_t v, uint64_t now)
{
	assert_int_equal(pio_access(&bus, port, size, true, &v, now), 0);
}

static uint32_t inp(uint16_t port, unsigned size, uint64_t now)
{
	uint32_t v = 0x5a5a5a5a;

	assert_int_equal(pio_access(&bus, port, size, false, &v, now), 0);
	return v;
}

static int setup(void **state)
{
	(void)state;
	resets = poweroffs = crashes = out_len = 0;
	memset(irqs, 0, sizeof(irqs));
	memset(level, 0, sizeof(level));
	v16550_init(&uart, NULL, 0x3f8, 4, NULL, NULL);
	pio_init(&bus, &ops, &bus, &uart, 1700000000, 1000);
	return 0;
}

/* Every port: exactly the claimed ones answer, the rest count as unknown. */
static void every_port_dispatches(void **state)
{
	static const uint16_t claimed[] = {
		0x20,  0x21,  0x40,  0x41,  0x42,  0x43,  0x60,	 0x61,
		0x64,  0x70,  0x71,  0x80,  0xa0,  0xa1,  0x3f8, 0x3f9,
		0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x4d0, 0x4d1,
		0x505, 0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x606,
		0x607, 0x608, 0x609, 0x60a, 0x60b, 0xcf9,
	};
	uint64_t unknown = 0;

	(void)state;
	for (uint32_t port = 0; port <= 0xffff; port++) {
		bool mine = false;
		uint64_t before = bus.unknown_reads;

		for (size_t i = 0; i < ARRAY_SIZE(claimed); i++)
			mine |= claimed[i] == port;
		if (mine) {
			inp((uint16_t)port, 1, 5000);
			assert_int_equal(bus.unknown_reads, before);
		} else {
			assert_int_equal(inp((uint16_t)port, 1, 5000), 0xff);
			assert_int_equal(bus.unknown_reads, before + 1);
			unknown++;
		}
	}
	assert_int_equal(unknown, 0x10000 - ARRAY_SIZE(claimed));
	/* Wider reads: all ones; writes ignored and counted. */
	assert_int_equal(inp(0x1234, 4, 0), 0xffffffff);
	assert_int_equal(inp(0x1234, 2, 0), 0xffff);
	outp(0x1234, 4, 0, 0);
	outp(0xffff, 2, 0, 0);
	assert_int_equal(bus.unknown_writes, 2);
	/* Port 0x80 (I/O delay) is neither. */
	outp(0x80, 1, 0x12, 0);
	assert_int_equal(bus.unknown_writes, 2);
	{
		uint32_t v = 0;

		assert_int_equal(pio_access(&bus, 0x70, 3, false, &v, 0),
				 -HV_EINVAL);
		assert_int_equal(pio_access(&bus, 0x70, 8, true, &v, 0),
				 -HV_EINVAL);
	}
}

static void reset_ports(void **state)
{
	(void)state;
	/* Linux's reboot=pci: SYS_RST, then SYS_RST | RST_CPU. */
	outp(0xcf9, 1, 0x02, 0);
	assert_int_equal(resets, 0);
	assert_int_equal(inp(0xcf9, 1, 0), 0x02);
	outp(0xcf9, 1, 0x06, 0);
	assert_int_equal(resets, 1);
	outp(0xcf9, 1, 0x0e, 0); /* full reset */
	assert_int_equal(resets, 2);
	outp(0xcf9, 1, 0x08, 0);
	assert_int_equal(resets, 2);
	/* A dword at 0xcf8 is PCI CONFIG_ADDRESS: function 4 resets nothing. */
	outp(0xcf8, 4, 0x8000fc00, 0);
	outp(0xcf8, 2, 0xfc00, 0);
	assert_int_equal(resets, 2);
	assert_int_equal(inp(0xcf8, 4, 0), 0xffffffff);
	assert_int_equal(inp(0xcf9, 1, 0), 0x08);
	/* The keyboard controller: status reads empty, 0xfe pulses reset. */
	assert_int_equal(inp(0x64, 1, 0), 0);
	outp(0x64, 1, 0xd1, 0);
	outp(0x60, 1, 0xfe, 0);
	assert_int_equal(resets, 2);
	outp(0x64, 1, 0xfe, 0);
	assert_int_equal(resets, 3);
	/* pvpanic: both events offered; only PANICKED is a crash. */
	assert_int_equal(inp(0x505, 1, 0), 3);
	outp(0x505, 1, 2, 0);
	assert_int_equal(crashes, 0);
	outp(0x505, 1, 1, 0);
	assert_int_equal(crashes, 1);
	assert_int_equal(resets + poweroffs, 3);
	pio_reset(&bus, 0);
	assert_int_equal(inp(0xcf9, 1, 0), 0);
}

static void acpi_sleep_and_pm_timer(void **state)
{
	(void)state;
	/* SCI_EN reads 1; SLP_EN reads 0. */
	assert_int_equal(inp(0x604, 2, 0), 1);
	/* S3 (SLP_TYP 3) and others: ignored. */
	for (unsigned typ = 0; typ < 8; typ++) {
		if (typ != VPM_SLP_TYP_S5)
			outp(0x604, 2, typ << 10 | 1u << 13, 0);
	}
	assert_int_equal(poweroffs, 0);
	/* ACPICA: SLP_TYP first, then SLP_TYP | SLP_EN. */
	outp(0x604, 2, 5u << 10, 0);
	assert_int_equal(poweroffs, 0);
	outp(0x604, 2, 5u << 10 | 1u << 13, 0);
	assert_int_equal(poweroffs, 1);
	assert_int_equal(inp(0x604, 2, 0) & (1u << 13), 0);
	/* A byte write of the high half works too. */
	outp(0x605, 1, (5u << 10 | 1u << 13) >> 8, 0);
	assert_int_equal(poweroffs, 2);
	/* PM1_EN is read/write; PM1_STS is write-one-to-clear (and 0). */
	outp(0x602, 2, 0x0121, 0);
	assert_int_equal(inp(0x600, 4, 0), 0x01210000);
	/* The PM timer: 3.579545 MHz from init, 32 bits. */
	assert_int_equal(inp(0x608, 4, 1000), 0);
	assert_int_equal(inp(0x608, 4, 1000 + 1000000000ull), 3579545);
	assert_int_equal(inp(0x608, 4, 1000 + 2000000000ull), 2 * 3579545);
	/* It wraps at 2^32 (after 1199.9 s). */
	assert_int_equal(inp(0x608, 4, 1000 + 1200000000000ull),
			 (uint32_t)(1200ull * 3579545));
	/* Narrow reads see the same sample's bytes. */
	assert_int_equal(inp(0x60a, 2, 1000 + 1000000000ull), 3579545 >> 16);
	/* The timer is read-only. */
	outp(0x608, 4, 0, 5);
	assert_int_equal(inp(0x608, 4, 1000 + 1000000000ull), 3579545);
	/* Straddling the end: the byte past the block reads 0xff. */
	assert_int_equal(inp(0x60a, 4, 1000) >> 16, 0xffff);
}

static void pic_linux_init_and_probe(void **state)
{
	(void)state;
	assert_int_equal(inp(0x21, 1, 0), 0xff);
	assert_int_equal(inp(0xa1, 1, 0), 0xff);
	/* init_8259A(): mask, ICW1-4 on both, then restore masks. */
	outp(0x21, 1, 0xff, 0);
	outp(0xa1, 1, 0xff, 0);
	outp(0x20, 1, 0x11, 0);
	outp(0x21, 1, 0x30, 0); /* ICW2: vectors 0x30 */
	outp(0x21, 1, 0x04, 0); /* ICW3 */
	outp(0x21, 1, 0x01, 0); /* ICW4 */
	outp(0xa0, 1, 0x11, 0);
	outp(0xa1, 1, 0x38, 0);
	outp(0xa1, 1, 0x02, 0);
	outp(0xa1, 1, 0x01, 0);
	assert_int_equal(bus.pic.chip[0].base, 0x30);
	assert_int_equal(bus.pic.chip[1].base, 0x38);
	outp(0x21, 1, 0xfb, 0);
	outp(0xa1, 1, 0xff, 0);
	/* probe_8259A(): IMR reads back. */
	assert_int_equal(inp(0x21, 1, 0), 0xfb);
	assert_int_equal(inp(0xa1, 1, 0), 0xff);
	/* OCW3 read IRR/ISR: always 0; EOIs accepted. */
	outp(0x20, 1, 0x0a, 0);
	assert_int_equal(inp(0x20, 1, 0), 0);
	outp(0x20, 1, 0x0b, 0);
	assert_int_equal(inp(0xa0, 1, 0), 0);
	outp(0x20, 1, 0x20, 0);
	assert_int_equal(inp(0x21, 1, 0), 0xfb);
	/* A 16-bit write is two byte writes: 0x20 then 0x21. */
	outp(0x20, 2, 0x5a20, 0);
	assert_int_equal(inp(0x21, 1, 0), 0x5a);
	/* ELCR: the edge-only IRQs stay 0. */
	outp(0x4d0, 2, 0xffff, 0);
	assert_int_equal(inp(0x4d0, 2, 0), 0xdef8);
	/* Without ICW4 and single: ICW2 ends the sequence. */
	outp(0x20, 1, 0x12, 0);
	assert_int_equal(inp(0x21, 1, 0), 0);
	outp(0x21, 1, 0x40, 0);
	outp(0x21, 1, 0x77, 0);
	assert_int_equal(inp(0x21, 1, 0), 0x77);
}

static void pit_raises_gsi2(void **state)
{
	uint64_t d;

	(void)state;
	assert_int_equal(pio_deadline(&bus), UINT64_MAX);
	outp(0x43, 1, 0x34, 2000);
	outp(0x40, 1, 0xa9, 2000);
	outp(0x40, 1, 0x04, 2000); /* 1193: about 1 ms */
	d = pio_deadline(&bus);
	assert_true(d > 2000 && d < 2000 + 1100000);
	pio_update(&bus, d - 1);
	assert_int_equal(irqs[2], 0);
	pio_update(&bus, d);
	assert_int_equal(irqs[2], 1);
	assert_false(level[2]);
	for (unsigned i = 0; i < 24; i++)
		assert_int_equal(irqs[i], i == 2);
}

static void uart_at_its_base(void **state)
{
	(void)state;
	outp(0x3f8, 1, 'o', 0);
	outp(0x3f8, 1, 'k', 0);
	assert_int_equal(out_len, 2);
	assert_memory_equal(out, "ok", 2);
	assert_int_equal(inp(0x3fd, 1, 0) & 0x60, 0x60);
	v16550_rx(&uart, 'q');
	assert_int_equal(inp(0x3f8, 1, 0), 'q');
	/* Without a UART its ports are unknown. */
	bus.uart = NULL;
	assert_int_equal(inp(0x3fd, 1, 0), 0xff);
	assert_int_equal(bus.unknown_reads, 1);
}

/* Random ports near the devices, any width, any value, time going on. */
static void random_io_is_safe(void **state)
{
	static const uint16_t near[] = { 0x20,	0x40,  0x60,  0x70,
					 0xa0,	0x3f8, 0x4d0, 0x505,
					 0x600, 0x608, 0xcf9, 0xfffe };
	uint64_t x = 0x0123456789abcdefull, now = 0;

	(void)state;
	for (unsigned n = 0; n < 300000; n++) {
		uint16_t port;
		uint32_t v;

		xorshift64(&x);
		port = (uint16_t)(near[(x >> 8) % ARRAY_SIZE(near)] +
				  (x >> 16) % 6);
		v = (uint32_t)(x >> 32);
		now += x % 100000;
		assert_int_equal(pio_access(&bus, port, 1u << ((x >> 24) % 3),
					    (x >> 28) & 1, &v, now),
				 0);
		pio_update(&bus, now);
		assert_true(pio_deadline(&bus) > now);
	}
	assert_true(resets + poweroffs + crashes > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(every_port_dispatches),   T(reset_ports),
		T(acpi_sleep_and_pm_timer), T(pic_linux_init_and_probe),
		T(pit_raises_gsi2),	    T(uart_at_its_base),
		T(random_io_is_safe),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
