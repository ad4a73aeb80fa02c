/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VRTC_H
#define ARCH_VRTC_H

#include "hv/types.h"

#define VRTC_NVRAM 128u

/**
 * An MC146818-style CMOS RTC at ports 0x70 (index) and 0x71 (data): 128
 * bytes of NVRAM whose first ten hold the time of day, read in BCD or
 * binary, 12- or 24-hour, as register B says.  The time is a base (seconds
 * since 1970, given at init) plus the time passed since; a guest that sets
 * the clock moves only its own offset.  No RTC interrupt is raised.
 */
struct vrtc {
	uint8_t index;
	uint8_t ram[VRTC_NVRAM]; /**< registers A-D and NVRAM; time not kept */
	int64_t offset;		 /**< seconds the guest moved its clock by */
	uint64_t base_s;	 /**< seconds since 1970 at @base_ns */
	uint64_t base_ns;
};

/** vrtc_init() - The clock reads @epoch_s (Unix time) at @now_ns. */
void vrtc_init(struct vrtc *rtc, uint64_t epoch_s, uint64_t now_ns);

/** vrtc_reset() - Index and the guest's offset back to 0; NVRAM kept. */
void vrtc_reset(struct vrtc *rtc);

/** vrtc_io() - A byte access to port 0x70 or 0x71 at @now_ns. */
void vrtc_io(struct vrtc *rtc, uint16_t port, bool write, uint8_t *val,
	     uint64_t now_ns);

/* Registers 0x00-0x0b of an RTC: the time, registers A and B. */
#define VRTC_TIME_REGS 12u

/**
 * vrtc_epoch_of() - Unix time from a snapshot of a CMOS RTC's @reg
 * (0x00-0x0b, read while UIP was clear, in the format register B gives)
 * and its @century register (0x32; 0: assume 20xx), e.g. the machine's own
 * RTC read once at boot, to give vrtc_init().  Return: seconds since 1970,
 * or 0 when the date is not one (BCD digits above 9, a month of 13, a 30th
 * of February, hour 0 on a 12-hour clock, a year before 1970).
 */
uint64_t vrtc_epoch_of(const uint8_t reg[VRTC_TIME_REGS], uint8_t century);

/** A calendar date and time of day (UTC, proleptic Gregorian). */
struct vrtc_date {
	unsigned sec, min, hour; /**< 0-59, 0-59, 0-23 */
	unsigned wday;		 /**< 1-7, Sunday is 1 (as the RTC counts) */
	unsigned mday, mon;	 /**< 1-31, 1-12 */
	unsigned year;		 /**< 1970.. */
};

/** vrtc_date_of() - The date and time @epoch_s (Unix time) names. */
void vrtc_date_of(uint64_t epoch_s, struct vrtc_date *d);

#endif /* ARCH_VRTC_H */
