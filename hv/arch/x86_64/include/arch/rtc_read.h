/* SPDX-License-Identifier: MIT */
#ifndef ARCH_RTC_READ_H
#define ARCH_RTC_READ_H

#include "arch/vrtc.h"
#include "hv/types.h"

/*
 * Bounds on reading a CMOS RTC.  UIP stays set at most 2228 us per second
 * (MC146818A datasheet: 244 us warning plus 1984 us update); a port read
 * takes about a microsecond, so 100 000 polls outlast it many times over.
 */
#define RTC_READ_UIP_POLLS 100000u
#define RTC_READ_TRIES 10u

/** Register index of the century on a PC (ACPI FADT CENTURY on QEMU). */
#define RTC_READ_CENTURY 0x32u

/** Reads register @reg of a CMOS RTC (index to port 0x70, data at 0x71). */
typedef uint8_t (*rtc_read_fn)(void *ctx, uint8_t reg);

/** What reading an RTC gave. */
enum rtc_read_result {
	RTC_READ_OK,	   /**< a valid date, in epoch_s */
	RTC_READ_BUSY,	   /**< UIP never cleared */
	RTC_READ_UNSTABLE, /**< no two reads in a row agreed */
	RTC_READ_INVALID,  /**< two reads agreed on something not a date */
};

/** One reading of an RTC. */
struct rtc_read {
	uint8_t reg[VRTC_TIME_REGS]; /**< registers 0x00-0x0b as read */
	uint8_t century;	     /**< the century register (0: not read) */
	uint64_t epoch_s;	     /**< Unix time; 0 unless RTC_READ_OK */
};

/**
 * rtc_read() - Read the time from an RTC through @rd, the way the
 * datasheet allows: wait while UIP is set (at most RTC_READ_UIP_POLLS
 * polls), read registers 0x00-0x0b and @century_reg (0: none, 20xx), and
 * again until two reads in a row agree (at most RTC_READ_TRIES times), so
 * an update between two registers never mixes two seconds.  Return: the
 * result; @out holds the last registers read and, on RTC_READ_OK, the time.
 */
enum rtc_read_result rtc_read(rtc_read_fn rd, void *ctx, uint8_t century_reg,
			      struct rtc_read *out);

/** rtc_read_why() - Words for a log line on what @r says about the RTC. */
const char *rtc_read_why(enum rtc_read_result r);

#endif /* ARCH_RTC_READ_H */
