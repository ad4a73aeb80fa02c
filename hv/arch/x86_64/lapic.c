/* SPDX-License-Identifier: MIT */
/*
 * The physical local APIC in xAPIC mode (Intel SDM vol. 3 chapter 11; AMD
 * APM vol. 2 chapter 16), which the hypervisor owns on every CPU: its
 * timer is the hypervisor's one-shot timer, its ICR sends kicks and starts
 * the other CPUs.  The TSC is the hypervisor's counter (arch_counter());
 * both frequencies are measured once at boot against PIT channel 2, the
 * one clock of known frequency (1.193182 MHz) every PC has.  Hypervisor
 * code runs with interrupts off except in the idle loop, so nothing here
 * is reentered on one CPU.
 */
#include "arch/lapic.h"
#include "arch/x86.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "hv/vwdt.h"

#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TMICT 0x380
#define LAPIC_TMCCT 0x390
#define LAPIC_TDCR 0x3e0

#define SVR_ENABLE BIT(8)
#define LVT_MASKED BIT(16)
#define LVT_PERIODIC BIT(17)
#define ICR_BUSY BIT(12)
#define ICR_ASSERT BIT(14)
#define ICR_LEVEL BIT(15)
#define ICR_INIT (5u << 8)
#define ICR_SIPI (6u << 8)
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE BIT(11)

/* The shortest period of a backstop (lapic_timer_backstop()). */
#define BACKSTOP_MIN_US 50
#define PIT_HZ 1193182u
/* 50 ms of PIT: long enough that reading the ports costs little error. */
#define PIT_CAL_COUNT 59659u

static uint64_t lapic_base;
static uint64_t tsc_hz, timer_hz;
/* Each CPU's armed deadline (TSC), 0: none; written by that CPU only. */
static uint64_t deadline[HV_MAX_CPUS];
/*
 * Each CPU's backstop (lapic_timer_backstop()): whether the timer runs
 * periodic, and how many of its expiries were served.  Written by that
 * CPU only.
 */
static bool backstop_on[HV_MAX_CPUS];
static uint64_t backstop_expiries[HV_MAX_CPUS];

static uint32_t reg_read(unsigned off)
{
	return mmio_read32(lapic_base + off);
}

static void reg_write(unsigned off, uint32_t v)
{
	mmio_write32(lapic_base + off, v);
}

void lapic_init(uint64_t base)
{
	lapic_base = base;
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	reg_write(LAPIC_TPR, 0);
	reg_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	reg_write(LAPIC_LVT_LINT0, LVT_MASKED);
	reg_write(LAPIC_LVT_LINT1, LVT_MASKED);
	reg_write(LAPIC_LVT_ERROR, LVT_MASKED);
	reg_write(LAPIC_TDCR, 0xb); /* divide by 1 */
	reg_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	reg_write(LAPIC_ESR, 0);
	reg_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return reg_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	reg_write(LAPIC_EOI, 0);
}

static void icr_send(uint32_t apic_id, uint32_t lo)
{
	while (reg_read(LAPIC_ICR_LO) & ICR_BUSY)
		cpu_relax();
	reg_write(LAPIC_ICR_HI, apic_id << 24);
	reg_write(LAPIC_ICR_LO, lo);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	icr_send(apic_id, ICR_ASSERT | vector);
}

void lapic_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * (tsc_hz / 1000000);

	while (rdtsc() < end)
		cpu_relax();
}

void lapic_start_ap(uint32_t apic_id, uint64_t trampoline)
{
	/* The universal start-up algorithm (Intel SDM vol. 3 8.4.4.1). */
	icr_send(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	lapic_delay_us(10000);
	for (unsigned i = 0; i < 2; i++) {
		icr_send(apic_id,
			 ICR_SIPI | ICR_ASSERT | (uint32_t)(trampoline >> 12));
		lapic_delay_us(200);
	}
}

void lapic_calibrate(void)
{
	uint64_t t0, t1;
	uint32_t c1;
	uint8_t gate = inb(0x61);

	/* Channel 2 gate on, speaker off; mode 0 raises OUT2 at zero. */
	outb(0x61, (uint8_t)((gate & ~0x02) | 0x01));
	outb(0x43, 0xb0);
	outb(0x42, PIT_CAL_COUNT & 0xff);
	outb(0x42, PIT_CAL_COUNT >> 8);
	reg_write(LAPIC_TMICT, 0xffffffffu);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	t1 = rdtsc();
	c1 = reg_read(LAPIC_TMCCT);
	reg_write(LAPIC_TMICT, 0);
	outb(0x61, gate);
	tsc_hz = (t1 - t0) * PIT_HZ / PIT_CAL_COUNT;
	timer_hz = (uint64_t)(0xffffffffu - c1) * PIT_HZ / PIT_CAL_COUNT;
	hv_log("TSC %lu kHz, local APIC timer %lu kHz (against PIT channel 2)",
	       tsc_hz / 1000, timer_hz / 1000);
}

uint64_t lapic_tsc_hz(void)
{
	return tsc_hz;
}

/* Local APIC timer ticks from @now until TSC @when: 1 to 2^32-1. */
static uint32_t ticks_until(uint64_t when, uint64_t now)
{
	uint64_t delta = when > now ? when - now : 1, ticks;

	/*
	 * At most a second ahead: the product below stays in 64 bits, and
	 * an early expiry only makes the console and watchdogs look again.
	 */
	delta = MIN(delta, tsc_hz);
	ticks = delta * timer_hz / tsc_hz;
	ticks = MAX(ticks, 1);
	return (uint32_t)MIN(ticks, 0xffffffffu);
}

void arch_timer_arm(uint64_t when)
{
	unsigned cpu = arch_pcpu_id();

	if (!tsc_hz)
		return; /* before lapic_calibrate(): nothing to serve yet */

	if (deadline[cpu] && deadline[cpu] <= when)
		return;
	deadline[cpu] = when;
	backstop_on[cpu] = false;
	reg_write(LAPIC_LVT_TIMER, VEC_TIMER);
	reg_write(LAPIC_TMICT, ticks_until(when, rdtsc()));
}

void lapic_timer_backstop(uint64_t max_us)
{
	unsigned cpu = arch_pcpu_id();
	uint64_t now = rdtsc(), us = tsc_hz / 1000000;
	uint64_t when = now + max_us * us;

	/*
	 * One already running renews a request lost at this entry too; and
	 * each reprogramming costs (under TCG it wakes QEMU's main loop).
	 */
	if (!tsc_hz || backstop_on[cpu])
		return;
	/*
	 * Not a period shorter than BACKSTOP_MIN_US, not even for a deadline
	 * due sooner or already past (its interrupt is pending): a periodic
	 * timer of a few ticks would keep the CPU in its timer interrupt.
	 */
	if (deadline[cpu] && deadline[cpu] < when)
		when = MAX(deadline[cpu], now + BACKSTOP_MIN_US * us);
	deadline[cpu] = when;
	backstop_on[cpu] = true;
	/*
	 * Masked while the count changes: periodic with the old count (as
	 * small as 1 tick) would be a storm of expiries until TMICT is set.
	 */
	reg_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_PERIODIC | VEC_TIMER);
	reg_write(LAPIC_TMICT, ticks_until(when, now));
	reg_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
}

uint64_t lapic_timer_backstops(unsigned cpu)
{
	return cpu < HV_MAX_CPUS ? backstop_expiries[cpu] : 0;
}

uint64_t arch_counter(void)
{
	return rdtsc();
}

void lapic_timer_expired(void)
{
	struct pcpu *p = arch_this_pcpu();
	struct vcpu *v = p->vcpu;
	unsigned cpu = p->id;

	if (backstop_on[cpu]) {
		/* Stop the backstop: the loop arms what is due next. */
		reg_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
		backstop_expiries[cpu]++;
		backstop_on[cpu] = false;
	}
	deadline[cpu] = 0;
	p->stats.timer++;
	console_tick(v ? v->vm : NULL);
	/* Only this CPU's own VM: another VM's deadlines never land here. */
	if (v)
		vwdt_tick(v->vm);
}

static struct console_clock clock = {
	.now = arch_counter,
	.arm = arch_timer_arm,
};

const struct console_clock *lapic_console_clock(void)
{
	clock.hz = tsc_hz;
	return &clock;
}
