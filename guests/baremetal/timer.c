/* SPDX-License-Identifier: MIT */
/* Time from the generic timer's virtual counter (Arm ARM D11). */
#include "baremetal/sysreg.h"
#include "baremetal/timer.h"

uint64_t timer_now_us(void)
{
	uint64_t mhz = read_sysreg(cntfrq_el0) / 1000000;

	/* The ISB keeps the counter read from being taken early. */
	isb();
	return read_sysreg(cntvct_el0) / (mhz ? mhz : 1);
}

void timer_delay_us(uint64_t us)
{
	uint64_t end = timer_now_us() + us;

	while (timer_now_us() < end)
		;
}
