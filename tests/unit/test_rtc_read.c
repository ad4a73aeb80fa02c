/* SPDX-License-Identifier: MIT */
/* Reading a machine's CMOS RTC at boot: UIP, agreeing reads, bad dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/rtc_read.h"

#define S 1000000000ull
#define US 1000ull
/* 2023-11-14 22:13:20 UTC. */
#define EPOCH 1700000000ull
#define T0 777ull

/* The machine's RTC: an emulated one whose time moves @step per access. */
struct machine {
	struct vrtc rtc;
	uint64_t now, step;
	unsigned reads;
	bool no_uip;	      /* an RTC that never shows its updates */
	bool uip_stuck;	      /* one whose update never ends */
	const uint8_t *table; /* fixed registers instead of the clock */
};

static uint8_t machine_read(void *ctx, uint8_t reg)
{
	struct machine *m = ctx;
	uint8_t v = reg;

	m->reads++;
	m->now += m->step;
	if (m->table)
		return m->table[reg];
	vrtc_io(&m->rtc, 0x70, true, &v, m->now);
	vrtc_io(&m->rtc, 0x71, false, &v, m->now);
	if (reg == 0x0a && m->uip_stuck)
		return v | 0x80;
	if (reg == 0x0a && m->no_uip)
		return v & 0x7f;
	return v;
}

static void machine_at(struct machine *m, uint64_t now, uint8_t reg_b)
{
	uint8_t idx = 0x0b;

	*m = (struct machine){ .now = now, .step = US };
	vrtc_init(&m->rtc, EPOCH, T0);
	vrtc_io(&m->rtc, 0x70, true, &idx, now);
	vrtc_io(&m->rtc, 0x71, true, &reg_b, now);
}

/* Any format, any moment, even inside an update: the time it shows. */
static void reads_the_time_in_every_format(void **state)
{
	static const uint8_t formats[] = { 0x02, 0x06, 0x00, 0x04 };
	struct machine m;
	struct rtc_read r;

	(void)state;
	for (size_t f = 0; f < sizeof(formats); f++) {
		for (uint64_t t = 1; t < 2 * 86400; t += 7919) {
			/* 100 us before the second turns: UIP is set. */
			machine_at(&m, T0 + t * S - 100 * US, formats[f]);
			assert_int_equal(rtc_read(machine_read, &m,
						  RTC_READ_CENTURY, &r),
					 RTC_READ_OK);
			assert_int_equal(r.epoch_s, EPOCH + t);
			assert_int_equal(r.reg[0x0b], formats[f]);
			/* Waited the update out: a hundred polls or so. */
			assert_in_range(m.reads, 100, 200);
			/* Mid-second: no wait, two reads of 13 registers. */
			machine_at(&m, T0 + t * S + S / 2, formats[f]);
			assert_int_equal(rtc_read(machine_read, &m,
						  RTC_READ_CENTURY, &r),
					 RTC_READ_OK);
			assert_int_equal(r.epoch_s, EPOCH + t);
			assert_int_equal(m.reads, 2 * (1 + 12 + 1));
		}
	}
	/* No century register: 20xx, and it is not read. */
	machine_at(&m, T0 + S / 2, 0x02);
	assert_int_equal(rtc_read(machine_read, &m, 0, &r), RTC_READ_OK);
	assert_int_equal(r.epoch_s, EPOCH);
	assert_int_equal(r.century, 0);
	assert_int_equal(m.reads, 2 * (1 + 12));
}

/*
 * An RTC that hides its updates turns 22:13:59 into 22:14:00 between the
 * seconds and the minutes: one read says 22:14:59, a minute off.  The
 * second read disagrees, the third agrees with it.
 */
static void a_torn_read_is_read_again(void **state)
{
	uint64_t turn = T0 + 40 * S;
	struct machine m;
	struct rtc_read r;

	(void)state;
	/*
	 * Reads: A at turn - 2 us, seconds at - 1 us, minutes at + 1 us; a
	 * third read of 14 registers shows the first two differed.
	 */
	machine_at(&m, turn - 3 * US, 0x02);
	m.no_uip = true;
	assert_int_equal(rtc_read(machine_read, &m, RTC_READ_CENTURY, &r),
			 RTC_READ_OK);
	assert_int_equal(r.epoch_s, EPOCH + 40);
	assert_int_equal(m.reads, 3 * 14);
}

static void uip_stuck_is_busy_and_bounded(void **state)
{
	struct machine m;
	struct rtc_read r;

	(void)state;
	machine_at(&m, T0, 0x02);
	m.uip_stuck = true;
	assert_int_equal(rtc_read(machine_read, &m, RTC_READ_CENTURY, &r),
			 RTC_READ_BUSY);
	assert_int_equal(r.epoch_s, 0);
	assert_int_equal(m.reads, RTC_READ_UIP_POLLS);
}

/* A clock racing 0.2 s per access: no two reads ever agree. */
static void never_agreeing_is_unstable_and_bounded(void **state)
{
	struct machine m;
	struct rtc_read r;

	(void)state;
	machine_at(&m, T0, 0x02);
	m.step = S / 5;
	assert_int_equal(rtc_read(machine_read, &m, RTC_READ_CENTURY, &r),
			 RTC_READ_UNSTABLE);
	assert_int_equal(r.epoch_s, 0);
	assert_in_range(m.reads, (RTC_READ_TRIES + 1) * 14,
			(RTC_READ_TRIES + 1) * 15);
}

/* Registers that hold still, as a machine with a bad date shows them. */
static enum rtc_read_result read_table(const uint8_t *regs, struct rtc_read *r)
{
	struct machine m = { .table = regs };

	return rtc_read(machine_read, &m, RTC_READ_CENTURY, r);
}

static void a_bad_date_is_refused(void **state)
{
	/* 2024-02-29 23:59:58 in BCD, 24 h, century 20. */
	static const uint8_t good[128] = {
		[0x00] = 0x58, [0x02] = 0x59, [0x04] = 0x23, [0x06] = 5,
		[0x07] = 0x29, [0x08] = 0x02, [0x09] = 0x24, [0x0a] = 0x26,
		[0x0b] = 0x02, [0x32] = 0x20
	};
	static const struct {
		uint8_t reg, val;
	} bad[] = {
		{ 0x00, 0x5a }, /* a BCD digit above 9 */
		{ 0x00, 0x60 }, /* second 60 */
		{ 0x02, 0x60 }, /* minute 60 */
		{ 0x04, 0x24 }, /* hour 24 */
		{ 0x04, 0x85 }, /* the PM bit on a 24-hour clock */
		{ 0x07, 0x00 }, /* day 0 */
		{ 0x07, 0x32 }, /* day 32 */
		{ 0x09, 0x23 }, /* 2023-02-29: not a leap year */
		{ 0x08, 0x00 }, /* month 0 */
		{ 0x08, 0x13 }, /* month 13 */
		{ 0x08, 0x1a }, /* month: bad BCD */
		{ 0x32, 0x19 }, /* 1924: before 1970 */
		{ 0x32, 0xff }, /* century: bad BCD (no such register) */
		{ 0x0b, 0x00 }, /* 12-hour: hour 23 is not one */
	};
	uint8_t regs[128];
	struct rtc_read r;

	(void)state;
	assert_int_equal(read_table(good, &r), RTC_READ_OK);
	assert_int_equal(r.epoch_s, 1709251198ull);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(regs, good, sizeof(regs));
		regs[bad[i].reg] = bad[i].val;
		assert_int_equal(read_table(regs, &r), RTC_READ_INVALID);
		assert_int_equal(r.epoch_s, 0);
		/* What was read is kept, for the log line. */
		assert_int_equal(bad[i].reg == 0x32 ? r.century :
						      r.reg[bad[i].reg],
				 bad[i].val);
	}
	/* 12-hour: 11 PM is 0x80 | 0x11; 12 AM is 0x12, never 0. */
	memcpy(regs, good, sizeof(regs));
	regs[0x0b] = 0x00;
	regs[0x04] = 0x80 | 0x11;
	assert_int_equal(read_table(regs, &r), RTC_READ_OK);
	assert_int_equal(r.epoch_s, 1709251198ull);
	regs[0x04] = 0x12;
	assert_int_equal(read_table(regs, &r), RTC_READ_OK);
	assert_int_equal(r.epoch_s, 1709251198ull - 23 * 3600);
	regs[0x04] = 0x00;
	assert_int_equal(read_table(regs, &r), RTC_READ_INVALID);
	regs[0x04] = 0x80;
	assert_int_equal(read_table(regs, &r), RTC_READ_INVALID);
	regs[0x04] = 0x13;
	assert_int_equal(read_table(regs, &r), RTC_READ_INVALID);
	assert_string_equal(rtc_read_why(RTC_READ_INVALID),
			    "reads no valid date");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_the_time_in_every_format),
		cmocka_unit_test(a_torn_read_is_read_again),
		cmocka_unit_test(uip_stuck_is_busy_and_bounded),
		cmocka_unit_test(never_agreeing_is_unstable_and_bounded),
		cmocka_unit_test(a_bad_date_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
