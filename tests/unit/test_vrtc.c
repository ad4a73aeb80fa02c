/* SPDX-License-Identifier: MIT */
/* The CMOS RTC: time of day from a base, BCD/binary, 12/24 h, UIP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/vrtc.h"
#include "xorshift.h"

#define S 1000000000ull
/* 2023-11-14 22:13:20 UTC, a Tuesday. */
#define EPOCH 1700000000ull
#define T0 777ull

static struct vrtc rtc;

static uint8_t rd(uint8_t reg, uint64_t now)
{
	uint8_t v = reg;

	vrtc_io(&rtc, 0x70, true, &v, now);
	vrtc_io(&rtc, 0x71, false, &v, now);
	return v;
}

static void wr(uint8_t reg, uint8_t val, uint64_t now)
{
	vrtc_io(&rtc, 0x70, true, &reg, now);
	vrtc_io(&rtc, 0x71, true, &val, now);
}

static int setup(void **state)
{
	(void)state;
	vrtc_init(&rtc, EPOCH, T0);
	return 0;
}

static void bcd_24h_time(void **state)
{
	(void)state;
	assert_int_equal(rd(0x00, T0), 0x20);
	assert_int_equal(rd(0x02, T0), 0x13);
	assert_int_equal(rd(0x04, T0), 0x22);
	assert_int_equal(rd(0x06, T0), 3); /* Sunday is 1 */
	assert_int_equal(rd(0x07, T0), 0x14);
	assert_int_equal(rd(0x08, T0), 0x11);
	assert_int_equal(rd(0x09, T0), 0x23);
	assert_int_equal(rd(0x32, T0), 0x20);
	assert_int_equal(rd(0x0b, T0), 0x02);
	assert_int_equal(rd(0x0d, T0) & 0x80, 0x80);
	assert_int_equal(rd(0x0c, T0), 0);
	/* It advances: 40 s later, and across midnight into the 15th. */
	assert_int_equal(rd(0x00, T0 + 40 * S), 0x00);
	assert_int_equal(rd(0x02, T0 + 40 * S), 0x14);
	assert_int_equal(rd(0x07, T0 + 7000 * S), 0x15);
	assert_int_equal(rd(0x04, T0 + 7000 * S), 0x00);
	assert_int_equal(rd(0x06, T0 + 7000 * S), 4);
	/* Ten years on: a leap day, 2028-02-29. */
	{
		uint64_t t = T0 + (1835395200ull - EPOCH) * S;

		assert_int_equal(rd(0x07, t), 0x29);
		assert_int_equal(rd(0x08, t), 0x02);
		assert_int_equal(rd(0x09, t), 0x28);
	}
}

static void binary_and_12h(void **state)
{
	(void)state;
	wr(0x0b, 0x04, T0); /* binary, 12-hour */
	assert_int_equal(rd(0x00, T0), 20);
	assert_int_equal(rd(0x04, T0), 0x80 | 10); /* 10 PM */
	assert_int_equal(rd(0x09, T0), 23);
	wr(0x0b, 0x00, T0); /* BCD, 12-hour */
	assert_int_equal(rd(0x04, T0), 0x80 | 0x10);
	/* Half past midnight is 12 AM. */
	assert_int_equal(rd(0x04, T0 + (7000 + 1800) * S) & 0x9f, 0x12);
}

static void uip_never_stuck(void **state)
{
	unsigned set = 0;

	(void)state;
	/* Set only in the last 244 us of each second. */
	for (uint64_t ns = 0; ns < 3 * S; ns += 1000) {
		bool uip = rd(0x0a, T0 + ns) & 0x80;

		assert_int_equal(uip, ns % S >= S - 244000);
		set += uip;
	}
	assert_int_equal(set, 3 * 244);
	assert_int_equal(rd(0x0a, T0) & 0x7f, 0x26);
}

static void guest_sets_the_clock(void **state)
{
	(void)state;
	/* hwclock --systohc: SET, write the fields, clear SET. */
	wr(0x0b, 0x82, T0);
	wr(0x09, 0x30, T0);
	wr(0x08, 0x01, T0);
	wr(0x07, 0x02, T0);
	wr(0x04, 0x03, T0);
	wr(0x02, 0x04, T0);
	wr(0x00, 0x05, T0);
	wr(0x0b, 0x02, T0);
	assert_int_equal(rd(0x09, T0), 0x30);
	assert_int_equal(rd(0x08, T0), 0x01);
	assert_int_equal(rd(0x07, T0), 0x02);
	assert_int_equal(rd(0x04, T0), 0x03);
	assert_int_equal(rd(0x02, T0), 0x04);
	assert_int_equal(rd(0x00, T0 + 2 * S), 0x07);
	/* Its own clock only: a reset brings the base back. */
	vrtc_reset(&rtc);
	assert_int_equal(rd(0x09, T0), 0x23);
	/* Bad BCD digits are clamped, never trusted. */
	wr(0x00, 0xff, T0);
	assert_int_equal(rd(0x00, T0), 0x39);
}

static void nvram_and_ports(void **state)
{
	uint8_t v;

	(void)state;
	for (unsigned i = 0x0e; i < 0x80; i++) {
		if (i != 0x32)
			wr((uint8_t)i, (uint8_t)(i ^ 0x5a), T0);
	}
	for (unsigned i = 0x0e; i < 0x80; i++) {
		if (i != 0x32)
			assert_int_equal(rd((uint8_t)i, T0), i ^ 0x5a);
	}
	/* Index bit 7 is the NMI mask: ignored, the index is 7 bits. */
	v = 0x80 | 0x20;
	vrtc_io(&rtc, 0x70, true, &v, T0);
	vrtc_io(&rtc, 0x71, false, &v, T0);
	assert_int_equal(v, 0x20 ^ 0x5a);
	vrtc_io(&rtc, 0x70, false, &v, T0);
	assert_int_equal(v, 0xff);
	vrtc_io(&rtc, 0x72, false, &v, T0);
	assert_int_equal(v, 0xff);
	/* Registers C and D are read-only; UIP cannot be written. */
	wr(0x0c, 0xff, T0);
	wr(0x0d, 0x00, T0);
	wr(0x0a, 0xff, T0);
	assert_int_equal(rd(0x0c, T0), 0);
	assert_int_equal(rd(0x0d, T0), 0x80);
	assert_int_equal(rd(0x0a, T0), 0x7f);
}

/* The host's RTC read at boot gives the same time back, in any format. */
static void epoch_of_a_snapshot(void **state)
{
	static const uint8_t formats[] = { 0x02, 0x06, 0x00, 0x04 };
	uint8_t reg[VRTC_TIME_REGS];

	(void)state;
	for (size_t f = 0; f < sizeof(formats); f++) {
		for (uint64_t t = 0; t < 3 * 86400; t += 3989) {
			wr(0x0b, formats[f], T0);
			for (uint8_t i = 0; i < VRTC_TIME_REGS; i++)
				reg[i] = rd(i, T0 + t * S);
			assert_int_equal(vrtc_epoch_of(reg, rd(0x32, T0)),
					 EPOCH + t);
		}
	}
	/* No century register: 20xx. */
	assert_int_equal(vrtc_epoch_of(reg, 0),
			 EPOCH + (3 * 86400 - 1) / 3989 * 3989);
	/* Not a date: refused, never a wild time. */
	reg[0x08] = 0x13;
	assert_int_equal(vrtc_epoch_of(reg, 0x20), 0);
	reg[0x08] = 0x00;
	assert_int_equal(vrtc_epoch_of(reg, 0x20), 0);
	reg[0x08] = 0x1a;
	assert_int_equal(vrtc_epoch_of(reg, 0x20), 0);
	/* 1999-12-31 23:59:58 in BCD, 24 h: a valid date, but before 2000. */
	memcpy(reg,
	       (const uint8_t[VRTC_TIME_REGS]){ 0x58, 0, 0x59, 0, 0x23, 0, 6,
						0x31, 0x12, 0x99, 0x26, 0x02 },
	       VRTC_TIME_REGS);
	assert_int_equal(vrtc_epoch_of(reg, 0x19), 946684798);
	assert_int_equal(vrtc_epoch_of(reg, 0x18), 0); /* before 1970 */
	reg[0x00] = 0x60;
	assert_int_equal(vrtc_epoch_of(reg, 0x19), 0);
}

/* The date of a time, as the boot log prints the machine's clock. */
static void date_of_a_time(void **state)
{
	struct vrtc_date d;

	(void)state;
	vrtc_date_of(EPOCH, &d);
	assert_int_equal(d.year, 2023);
	assert_int_equal(d.mon, 11);
	assert_int_equal(d.mday, 14);
	assert_int_equal(d.hour, 22);
	assert_int_equal(d.min, 13);
	assert_int_equal(d.sec, 20);
	assert_int_equal(d.wday, 3);
	vrtc_date_of(0, &d);
	assert_int_equal(d.year * 10000 + d.mon * 100 + d.mday, 19700101);
	/* 2024-02-29 23:59:59, then 2100-03-01 (2100 is not leap). */
	vrtc_date_of(1709251199, &d);
	assert_int_equal(d.year * 10000 + d.mon * 100 + d.mday, 20240229);
	assert_int_equal(d.hour * 3600 + d.min * 60 + d.sec, 86399);
	vrtc_date_of(4102444800ull + 59 * 86400, &d);
	assert_int_equal(d.year * 10000 + d.mon * 100 + d.mday, 21000301);
	/* Every day of four years round-trips through the registers. */
	for (uint64_t s = EPOCH; s < EPOCH + 4 * 366 * 86400ull; s += 86399) {
		uint8_t reg[VRTC_TIME_REGS] = { 0 };

		vrtc_date_of(s, &d);
		reg[0x00] = (uint8_t)d.sec;
		reg[0x02] = (uint8_t)d.min;
		reg[0x04] = (uint8_t)d.hour;
		reg[0x07] = (uint8_t)d.mday;
		reg[0x08] = (uint8_t)d.mon;
		reg[0x09] = (uint8_t)(d.year % 100);
		reg[0x0b] = 0x06; /* binary, 24 h */
		assert_int_equal(vrtc_epoch_of(reg, (uint8_t)(d.year / 100)),
				 s);
	}
}

/*
 * A restart brings the clock back to its base counted on: the time now,
 * not the time the VM first started, whatever the guest set before.
 */
static void restart_reads_the_time_now(void **state)
{
	uint64_t later = T0 + 5000 * S;

	(void)state;
	wr(0x0b, 0x82, T0);
	wr(0x09, 0x30, T0);
	wr(0x0b, 0x02, T0);
	assert_int_equal(rd(0x09, later), 0x30);
	vrtc_reset(&rtc);
	/* 22:13:20 + 5000 s = 23:36:40. */
	assert_int_equal(rd(0x09, later), 0x23);
	assert_int_equal(rd(0x04, later), 0x23);
	assert_int_equal(rd(0x02, later), 0x36);
	assert_int_equal(rd(0x00, later), 0x40);
}

static void random_io_is_safe(void **state)
{
	uint64_t x = 0x1234567887654321ull, now = T0;

	(void)state;
	for (unsigned n = 0; n < 200000; n++) {
		uint8_t v;

		xorshift64(&x);
		now += x % (10 * S);
		v = (uint8_t)(x >> 32);
		vrtc_io(&rtc, (uint16_t)(0x70 + ((x >> 8) & 1)), (x >> 16) & 1,
			&v, now);
		/* The year stays in what the registers can say. */
		v = rd(0x32, now);
		assert_true(((v >> 4) <= 9 && (v & 0xf) <= 9) ||
			    (rd(0x0b, now) & 4));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(bcd_24h_time),      T(binary_and_12h),
		T(uip_never_stuck),   T(guest_sets_the_clock),
		T(nvram_and_ports),   T(epoch_of_a_snapshot),
		T(date_of_a_time),    T(restart_reads_the_time_now),
		T(random_io_is_safe),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
