/* SPDX-License-Identifier: MIT */
/* The emulated 8254 and port 0x61, driven as Linux drives them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/vpit.h"
#include "xorshift.h"

static struct vpit pit;
static unsigned rises, falls;
static bool line;

static void irq(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &pit);
	assert_true(level != line);
	line = level;
	if (level)
		rises++;
	else
		falls++;
}

static void out(uint16_t port, uint8_t v, uint64_t now)
{
	vpit_io(&pit, port, true, &v, now);
}

static uint8_t in(uint16_t port, uint64_t now)
{
	uint8_t v = 0x5a;

	vpit_io(&pit, port, false, &v, now);
	return v;
}

/* The first ns at which @t input clocks have passed. */
static uint64_t ns(uint64_t t)
{
	return (t * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ;
}

/* A word read: LSB, then MSB. */
static unsigned word(uint16_t port, uint64_t now)
{
	unsigned lsb = in(port, now);

	return lsb | (unsigned)in(port, now) << 8;
}

static int setup(void **state)
{
	(void)state;
	rises = falls = 0;
	line = false;
	vpit_init(&pit, irq, &pit, 1000);
	return 0;
}

/* pit_calibrate_tsc(): channel 2, mode 0, 50 ms, poll OUT2 in port 0x61. */
static void linux_pit_calibrate_tsc(void **state)
{
	const uint64_t t0 = 7000000;
	const unsigned latch = 1193182 / 20;

	(void)state;
	out(0x61, (uint8_t)((in(0x61, t0) & ~0x02) | 0x01), t0);
	out(0x43, 0xb0, t0);
	out(0x42, latch & 0xff, t0);
	out(0x42, latch >> 8, t0);
	assert_int_equal(in(0x61, t0) & 0x21, 0x01);
	assert_int_equal(in(0x61, t0 + ns(latch) - 1000) & 0x20, 0);
	assert_int_equal(in(0x61, t0 + ns(latch) + 1000) & 0x20, 0x20);
	/* Channel 2 never interrupts. */
	assert_int_equal(rises, 0);
}

/* quick_pit_calibrate(): count from 0xffff, read LSB then MSB. */
static void linux_quick_pit_calibrate(void **state)
{
	const uint64_t t0 = 3;

	(void)state;
	out(0x61, 0x01, t0);
	out(0x43, 0xb0, t0);
	out(0x42, 0xff, t0);
	out(0x42, 0xff, t0);
	for (uint64_t t = 0; t < 60000; t += 997) {
		uint64_t now = t0 + ns(t) + 1;
		assert_int_equal(word(0x42, now), (uint16_t)(0xffff - t));
	}
}

/* Linux's PIT clockevent: channel 0 mode 2 at HZ=250, GSI 2. */
static void channel0_periodic(void **state)
{
	const unsigned latch = (1193182 + 125) / 250;
	const uint64_t t0 = 1000000;
	uint64_t d;

	(void)state;
	assert_int_equal(vpit_deadline(&pit), VPIT_NO_DEADLINE);
	out(0x43, 0x34, t0);
	out(0x40, latch & 0xff, t0);
	assert_int_equal(vpit_deadline(&pit), VPIT_NO_DEADLINE);
	out(0x40, latch >> 8, t0);
	d = vpit_deadline(&pit);
	assert_true(d >= t0 + ns(latch) && d <= t0 + ns(latch) + 1);
	vpit_update(&pit, d - 1);
	assert_int_equal(rises, 0);
	vpit_update(&pit, d);
	assert_int_equal(rises, 1);
	assert_int_equal(falls, 1); /* a pulse on the edge-triggered pin */
	assert_true(vpit_deadline(&pit) > d);
	assert_true(vpit_deadline(&pit) <= t0 + ns(2 * latch) + 1);
	/* Ten periods late: one interrupt, the next deadline ahead. */
	vpit_update(&pit, t0 + ns(12 * latch) + 5);
	assert_int_equal(rises, 2);
	assert_true(vpit_deadline(&pit) > t0 + ns(12 * latch) + 5);
	assert_true(vpit_deadline(&pit) <= t0 + ns(13 * latch) + 1);
	/* The counter reads back within the period. */
	out(0x43, 0x00, t0 + ns(100));
	assert_int_equal(word(0x40, t0 + ns(5000)), latch - 100);
}

static void channel0_one_shot(void **state)
{
	(void)state;
	out(0x43, 0x30, 0); /* mode 0 */
	out(0x40, 100, 0);
	out(0x40, 0, 0);
	vpit_update(&pit, ns(100) + 1);
	assert_int_equal(rises, 1);
	assert_true(line); /* stays high */
	assert_int_equal(vpit_deadline(&pit), VPIT_NO_DEADLINE);
	vpit_update(&pit, ns(1000000));
	assert_int_equal(rises, 1);
	/* Reprogramming drops the output. */
	out(0x43, 0x30, ns(1000000));
	assert_false(line);
	assert_int_equal(falls, 1);
}

static void min_period(void **state)
{
	(void)state;
	out(0x43, 0x14, 500); /* ch 0, LSB only, mode 2 */
	out(0x40, 2, 500);
	assert_true(vpit_deadline(&pit) >= 500 + VPIT_MIN_PERIOD_NS);
	vpit_update(&pit, vpit_deadline(&pit));
	assert_int_equal(rises, 1);
	assert_true(vpit_deadline(&pit) >= 500 + 2 * VPIT_MIN_PERIOD_NS);
}

static void latch_and_status(void **state)
{
	(void)state;
	out(0x43, 0xb4, 0);		  /* ch 2, word, mode 2 */
	assert_int_equal(in(0x42, 0), 0); /* no count yet */
	out(0x43, 0xe8, 0);		  /* read-back status of ch 2 */
	assert_int_equal(in(0x42, 0), 0x40 | 0x30 | 0x04 | 0x80);
	out(0x42, 0x10, 0);
	out(0x42, 0x27, 0); /* 10000 */
	out(0x61, 0x01, 0);
	out(0x43, 0x80, ns(1234)); /* latch ch 2 */
	out(0x43, 0x80, ns(5000)); /* ignored: already latched */
	assert_int_equal(in(0x42, ns(9000)), (10000 - 1234) & 0xff);
	assert_int_equal(in(0x42, ns(9000)), (10000 - 1234) >> 8);
	/* Read-back of count and status together: status first. */
	out(0x43, 0xc8, ns(2000));
	assert_int_equal(in(0x42, ns(3000)), 0x30 | 0x04 | 0x80);
	assert_int_equal(in(0x42, ns(3000)), (10000 - 2000) & 0xff);
	assert_int_equal(in(0x42, ns(3000)), (10000 - 2000) >> 8);
	/* LSB-only and MSB-only access. */
	out(0x43, 0x90, 0); /* ch 2, LSB, mode 0 */
	out(0x42, 0x80, 0);
	assert_int_equal(in(0x42, ns(0x10)), 0x70);
	out(0x43, 0xa0, 0); /* ch 2, MSB, mode 0 */
	out(0x42, 0x02, 0);
	assert_int_equal(in(0x42, ns(0x100)), 0x01);
	assert_int_equal(in(0x43, 0), 0xff);
}

static void gate_and_square_wave(void **state)
{
	uint64_t t0 = 1000;

	(void)state;
	out(0x43, 0xb6, t0); /* ch 2, word, mode 3: the speaker */
	out(0x42, 100, t0);
	out(0x42, 0, t0);
	out(0x61, 0x03, t0); /* gate on, speaker on: counting starts */
	assert_int_equal(in(0x61, t0) & 0x23, 0x23);
	assert_int_equal(in(0x61, t0 + ns(49)) & 0x20, 0x20);
	assert_int_equal(in(0x61, t0 + ns(51)) & 0x20, 0);
	assert_int_equal(in(0x61, t0 + ns(101)) & 0x20, 0x20);
	/* Mode 0 pauses while the gate is low. */
	out(0x43, 0xb0, t0);
	out(0x42, 0x00, t0);
	out(0x42, 0x10, t0); /* 4096 */
	out(0x61, 0x00, t0 + ns(1000));
	out(0x43, 0x80, t0 + ns(3000));
	assert_int_equal(word(0x42, 0), 4096 - 1000);
	out(0x61, 0x01, t0 + ns(5000));
	out(0x43, 0x80, t0 + ns(5100));
	assert_int_equal(word(0x42, 0), 4096 - 1100);
	/* The refresh bit toggles with time. */
	assert_true((in(0x61, 0) ^ in(0x61, 15085)) & 0x10);
}

static void random_io_is_safe(void **state)
{
	uint64_t x = 0x853c49e6748fea9bull, now = 0;
	static const uint16_t ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61, 0x44 };

	(void)state;
	for (unsigned n = 0; n < 300000; n++) {
		uint8_t v;

		xorshift64(&x);
		now += x % 300000;
		v = (uint8_t)(x >> 24);
		vpit_io(&pit, ports[(x >> 8) % 6], (x >> 16) & 1, &v, now);
		vpit_update(&pit, now);
		assert_true(vpit_deadline(&pit) > now);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(linux_pit_calibrate_tsc),
		T(linux_quick_pit_calibrate),
		T(channel0_periodic),
		T(channel0_one_shot),
		T(min_period),
		T(latch_and_status),
		T(gate_and_square_wave),
		T(random_io_is_safe),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
