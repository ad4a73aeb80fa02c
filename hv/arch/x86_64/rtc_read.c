/* SPDX-License-Identifier: MIT */
/*
 * Reading a CMOS RTC's time consistently (MC146818A datasheet, "Update
 * cycle"): pure logic over a register-read callback, so the hypervisor
 * uses it on the machine's RTC once at boot and the unit tests on an
 * emulated one.
 */
#include <string.h>

#include "arch/rtc_read.h"

#define REG_A 0x0a
#define A_UIP BIT(7)

static bool wait_uip_clear(rtc_read_fn rd, void *ctx)
{
	for (unsigned i = 0; i < RTC_READ_UIP_POLLS; i++) {
		if (!(rd(ctx, REG_A) & A_UIP))
			return true;
	}
	return false;
}

/* With UIP clear, at least 244 us pass before the registers change. */
static bool sample(rtc_read_fn rd, void *ctx, uint8_t century_reg,
		   struct rtc_read *s)
{
	if (!wait_uip_clear(rd, ctx))
		return false;
	for (uint8_t i = 0; i < VRTC_TIME_REGS; i++)
		s->reg[i] = rd(ctx, i);
	s->century = century_reg ? rd(ctx, century_reg) : 0;
	return true;
}

/* Register A's UIP bit may turn between reads; the time must not. */
static bool same(const struct rtc_read *a, const struct rtc_read *b)
{
	return !memcmp(a->reg, b->reg, REG_A) &&
	       (a->reg[REG_A] & ~A_UIP) == (b->reg[REG_A] & ~A_UIP) &&
	       !memcmp(a->reg + REG_A + 1, b->reg + REG_A + 1,
		       VRTC_TIME_REGS - REG_A - 1) &&
	       a->century == b->century;
}

enum rtc_read_result rtc_read(rtc_read_fn rd, void *ctx, uint8_t century_reg,
			      struct rtc_read *out)
{
	struct rtc_read prev;

	*out = (struct rtc_read){ 0 };
	if (!sample(rd, ctx, century_reg, out))
		return RTC_READ_BUSY;
	for (unsigned i = 0;; i++) {
		if (i == RTC_READ_TRIES)
			return RTC_READ_UNSTABLE;
		prev = *out;
		if (!sample(rd, ctx, century_reg, out))
			return RTC_READ_BUSY;
		if (same(&prev, out))
			break;
	}
	out->epoch_s = vrtc_epoch_of(out->reg, out->century);
	return out->epoch_s ? RTC_READ_OK : RTC_READ_INVALID;
}

const char *rtc_read_why(enum rtc_read_result r)
{
	switch (r) {
	case RTC_READ_OK:
		return "reads a valid date";
	case RTC_READ_BUSY:
		return "never ends its update (UIP stays set)";
	case RTC_READ_UNSTABLE:
		return "never reads the same twice";
	default:
		return "reads no valid date";
	}
}
