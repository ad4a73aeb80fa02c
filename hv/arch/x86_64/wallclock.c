/* SPDX-License-Identifier: MIT */
/*
 * The wall clock: the machine's own CMOS RTC, read once at boot.  Guests
 * never reach the physical RTC (every port traps; theirs is vrtc.c), and
 * the hypervisor reads it only here, before any VM runs, so the index
 * register at port 0x70 is never shared with anyone.
 */
#include "arch/rtc_read.h"
#include "arch/vcpu.h"
#include "arch/vrtc.h"
#include "arch/wallclock.h"
#include "arch/x86.h"
#include "hv/print.h"

static uint64_t wall_s, wall_ns;

/*
 * Index bit 7 is the NMI mask on a PC: left clear, as Linux's CMOS_READ
 * does, so NMIs stay enabled.
 */
static uint8_t cmos_read(void *ctx, uint8_t reg)
{
	(void)ctx;
	outb(0x70, reg);
	return inb(0x71);
}

void wallclock_init(void)
{
	struct rtc_read r;
	enum rtc_read_result res;
	struct vrtc_date d;

	res = rtc_read(cmos_read, NULL, RTC_READ_CENTURY, &r);
	wall_ns = x86_now_ns();
	wall_s = r.epoch_s;
	if (res != RTC_READ_OK) {
		hv_log("wall clock 1970-01-01 00:00:00 UTC: the machine's RTC "
		       "%s (century %02x year %02x month %02x day %02x "
		       "%02x:%02x:%02x, register B %02x)",
		       rtc_read_why(res), r.century, r.reg[9], r.reg[8],
		       r.reg[7], r.reg[4], r.reg[2], r.reg[0], r.reg[0x0b]);
		return;
	}
	vrtc_date_of(wall_s, &d);
	hv_log("wall clock %04u-%02u-%02u %02u:%02u:%02u UTC from the machine's "
	       "RTC",
	       d.year, d.mon, d.mday, d.hour, d.min, d.sec);
}

void wallclock_base(uint64_t *epoch_s, uint64_t *at_ns)
{
	*epoch_s = wall_s;
	*at_ns = wall_ns;
}
