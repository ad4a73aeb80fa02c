/* SPDX-License-Identifier: MIT */
/*
 * Emulated CMOS real-time clock (Motorola MC146818A datasheet; registers
 * as on every PC).  Linux reads the time once at boot (mc146818_get_time():
 * it waits while UIP is set, so UIP is set only in the 244 us before each
 * second turns, and always clears as time passes).
 */
#include "arch/vrtc.h"

#define NS_PER_S 1000000000ull
#define UIP_NS 244000ull

#define REG_SEC 0x00
#define REG_MIN 0x02
#define REG_HOUR 0x04
#define REG_WDAY 0x06
#define REG_MDAY 0x07
#define REG_MON 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32 /* the FADT's CENTURY field points here */

#define A_UIP BIT(7)
#define B_SET BIT(7)
#define B_BINARY BIT(2)
#define B_24H BIT(1)
#define D_VRT BIT(7)

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, struct vrtc_date *t)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	t->mday = doy - (153 * mp + 2) / 5 + 1;
	t->mon = mp < 10 ? mp + 3 : mp - 9;
	t->year = (unsigned)((int64_t)yoe + era * 400 + (t->mon <= 2));
}

/* Seconds since 1970 the guest sees now, never before 1970. */
static uint64_t now_s(const struct vrtc *rtc, uint64_t now)
{
	int64_t s = (int64_t)(rtc->base_s +
			      (now > rtc->base_ns ? now - rtc->base_ns : 0) /
				      NS_PER_S) +
		    rtc->offset;

	return s < 0 ? 0 : (uint64_t)s;
}

static void split(uint64_t s, struct vrtc_date *t)
{
	int64_t days = (int64_t)(s / 86400);
	unsigned rem = (unsigned)(s % 86400);

	civil_from_days(days, t);
	t->hour = rem / 3600;
	t->min = rem / 60 % 60;
	t->sec = rem % 60;
	t->wday = (unsigned)((days + 4) % 7) + 1; /* 1970-01-01: Thursday */
}

static uint8_t encode(const struct vrtc *rtc, unsigned v)
{
	if (rtc->ram[REG_B] & B_BINARY)
		return (uint8_t)v;
	return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

/* A register value back to a number; bad BCD digits count as 9. */
static unsigned decode(const struct vrtc *rtc, uint8_t v)
{
	unsigned hi = v >> 4, lo = v & 0xf;

	if (rtc->ram[REG_B] & B_BINARY)
		return v;
	return (hi > 9 ? 9 : hi) * 10 + (lo > 9 ? 9 : lo);
}

static uint8_t encode_hour(const struct vrtc *rtc, unsigned h)
{
	unsigned h12;

	if (rtc->ram[REG_B] & B_24H)
		return encode(rtc, h);
	h12 = h % 12 ? h % 12 : 12;
	return (uint8_t)(encode(rtc, h12) | (h >= 12 ? 0x80 : 0));
}

static unsigned decode_hour(const struct vrtc *rtc, uint8_t v)
{
	unsigned h;

	if (rtc->ram[REG_B] & B_24H)
		return decode(rtc, v) % 24;
	h = decode(rtc, v & 0x7f) % 12;
	return (v & 0x80) ? h + 12 : h;
}

static uint8_t read_time(const struct vrtc *rtc, unsigned reg, uint64_t now)
{
	struct vrtc_date t;

	split(now_s(rtc, now), &t);
	switch (reg) {
	case REG_SEC:
		return encode(rtc, t.sec);
	case REG_MIN:
		return encode(rtc, t.min);
	case REG_HOUR:
		return encode_hour(rtc, t.hour);
	case REG_WDAY:
		return encode(rtc, t.wday);
	case REG_MDAY:
		return encode(rtc, t.mday);
	case REG_MON:
		return encode(rtc, t.mon);
	case REG_YEAR:
		return encode(rtc, t.year % 100);
	default: /* REG_CENTURY */
		return encode(rtc, t.year / 100);
	}
}

/* The guest sets one field of the date: move its offset to match. */
static void write_time(struct vrtc *rtc, unsigned reg, uint8_t val,
		       uint64_t now)
{
	uint64_t cur = now_s(rtc, now);
	struct vrtc_date t;
	unsigned year;
	int64_t s;

	split(cur, &t);
	switch (reg) {
	case REG_SEC:
		t.sec = decode(rtc, val) % 60;
		break;
	case REG_MIN:
		t.min = decode(rtc, val) % 60;
		break;
	case REG_HOUR:
		t.hour = decode_hour(rtc, val);
		break;
	case REG_MDAY:
		t.mday = decode(rtc, val) % 32;
		break;
	case REG_MON:
		t.mon = decode(rtc, val) % 13;
		break;
	case REG_YEAR:
		t.year = t.year / 100 * 100 + decode(rtc, val) % 100;
		break;
	case REG_CENTURY:
		year = decode(rtc, val) % 100 * 100 + t.year % 100;
		t.year = year < 1970 ? 1970 : year;
		break;
	default: /* REG_WDAY: follows from the date */
		return;
	}
	s = days_from_civil(t.year, t.mon ? t.mon : 1, t.mday ? t.mday : 1) *
		    86400 +
	    t.hour * 3600 + t.min * 60 + t.sec;
	rtc->offset += s - (int64_t)cur;
}

static bool is_time(unsigned reg)
{
	return reg == REG_SEC || reg == REG_MIN || reg == REG_HOUR ||
	       (reg >= REG_WDAY && reg <= REG_YEAR) || reg == REG_CENTURY;
}

static uint8_t read_reg(struct vrtc *rtc, unsigned reg, uint64_t now)
{
	uint64_t into;

	if (is_time(reg))
		return read_time(rtc, reg, now);
	switch (reg) {
	case REG_A:
		into = (now > rtc->base_ns ? now - rtc->base_ns : 0) % NS_PER_S;
		/* While SET holds the clock, no update is in progress. */
		if (into >= NS_PER_S - UIP_NS && !(rtc->ram[REG_B] & B_SET))
			return rtc->ram[REG_A] | A_UIP;
		return rtc->ram[REG_A];
	case REG_C:
		return 0; /* no interrupt flags: none are raised */
	case REG_D:
		return D_VRT;
	default:
		return rtc->ram[reg];
	}
}

void vrtc_io(struct vrtc *rtc, uint16_t port, bool write, uint8_t *val,
	     uint64_t now)
{
	unsigned reg = rtc->index;

	if (port == 0x70) {
		/* Bit 7 is the NMI mask on a PC: not emulated. */
		if (write)
			rtc->index = *val & 0x7f;
		else
			*val = 0xff;
		return;
	}
	if (port != 0x71) {
		if (!write)
			*val = 0xff;
		return;
	}
	if (!write) {
		*val = read_reg(rtc, reg, now);
		return;
	}
	if (is_time(reg))
		write_time(rtc, reg, *val, now);
	else if (reg == REG_A)
		rtc->ram[REG_A] = *val & 0x7f; /* UIP is read-only */
	else if (reg != REG_C && reg != REG_D)
		rtc->ram[reg] = *val;
}

/* A register of @rtc's format that is a valid number up to @max. */
static bool valid(const struct vrtc *rtc, uint8_t v, unsigned max)
{
	if (!(rtc->ram[REG_B] & B_BINARY) && ((v >> 4) > 9 || (v & 0xf) > 9))
		return false;
	return decode(rtc, v) <= max;
}

/* An hour register: 0-23, or 1-12 with bit 7 for PM in 12-hour mode. */
static bool valid_hour(const struct vrtc *rtc, uint8_t v)
{
	if (rtc->ram[REG_B] & B_24H)
		return valid(rtc, v, 23);
	return valid(rtc, v & 0x7f, 12) && decode(rtc, v & 0x7f) >= 1;
}

static unsigned days_in_month(unsigned year, unsigned mon)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[mon - 1] + (mon == 2 && leap);
}

uint64_t vrtc_epoch_of(const uint8_t reg[VRTC_TIME_REGS], uint8_t century)
{
	struct vrtc fmt = { .ram[REG_B] = reg[REG_B] };
	unsigned year, mon, mday, hour;

	if (!valid(&fmt, reg[REG_SEC], 59) || !valid(&fmt, reg[REG_MIN], 59) ||
	    !valid_hour(&fmt, reg[REG_HOUR]) ||
	    !valid(&fmt, reg[REG_MDAY], 31) || !valid(&fmt, reg[REG_MON], 12) ||
	    !valid(&fmt, reg[REG_YEAR], 99) ||
	    (century && !valid(&fmt, century, 99)))
		return 0;
	mon = decode(&fmt, reg[REG_MON]);
	mday = decode(&fmt, reg[REG_MDAY]);
	year = (century ? decode(&fmt, century) : 20) * 100 +
	       decode(&fmt, reg[REG_YEAR]);
	if (!mon || !mday || year < 1970 || mday > days_in_month(year, mon))
		return 0;
	hour = decode_hour(&fmt, reg[REG_HOUR]);
	return (uint64_t)(days_from_civil(year, mon, mday) * 86400) +
	       hour * 3600 + decode(&fmt, reg[REG_MIN]) * 60 +
	       decode(&fmt, reg[REG_SEC]);
}

void vrtc_date_of(uint64_t epoch_s, struct vrtc_date *d)
{
	split(epoch_s, d);
}

void vrtc_reset(struct vrtc *rtc)
{
	rtc->index = 0;
	rtc->offset = 0;
	rtc->ram[REG_A] = 0x26; /* 32.768 kHz time base, 1024 Hz rate */
	rtc->ram[REG_B] = B_24H;
}

void vrtc_init(struct vrtc *rtc, uint64_t epoch_s, uint64_t now)
{
	*rtc = (struct vrtc){ .base_s = epoch_s, .base_ns = now };
	vrtc_reset(rtc);
}
