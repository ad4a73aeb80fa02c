/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own timer: the EL2 physical timer (CNTHP_*), whose PPI
 * (26 on the SBSA/QEMU layout) is never a guest's.  The guests keep the EL1
 * virtual and physical timers to themselves.
 */
#include "arch/timer.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/vm.h"
#include "hv/vwdt.h"
#include "sysreg.h"

#define CNTHP_CTL_ENABLE 1ull
#define CNTHP_CTL_IMASK 2ull
#define CNTHP_CTL_ISTATUS 4ull

static uint64_t timer_now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

void arch_timer_arm(uint64_t deadline)
{
	uint64_t ctl = read_sysreg(cnthp_ctl_el2);

	if ((ctl & CNTHP_CTL_ENABLE) && !(ctl & CNTHP_CTL_IMASK) &&
	    read_sysreg(cnthp_cval_el2) < deadline)
		return;
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

static struct console_clock clock = {
	.now = timer_now,
	.arm = arch_timer_arm,
};

const struct console_clock *timer_console_clock(void)
{
	clock.hz = read_sysreg(cntfrq_el0);
	return &clock;
}

void timer_expired(void)
{
	struct vcpu *v = arch_this_pcpu()->vcpu;

	write_sysreg(cnthp_ctl_el2, 0);
	isb();
	console_tick(v ? v->vm : NULL);
	/* Only this CPU's own VM: another VM's deadlines never land here. */
	if (v)
		vwdt_tick(v->vm);
}
