/* SPDX-License-Identifier: MIT */
/*
 * gicstate: the pending and active state of hardware-backed interrupts
 * and SGIs, as the GIC's ISPENDR/ICPENDR/ISACTIVER/ICACTIVER show and
 * change it (tests/system/test_gicstate.py, docs/architecture.md
 * "Interrupt state").  Each test leaves the lines as it found them.
 *
 *  - the virtual timer's PPI 27, fired with the PPI masked in the GIC or
 *    with PSTATE.I set, in GICR_ISPENDR0; ICPENDR0 of a line still
 *    asserted leaves it pending, of one no longer asserted clears it;
 *    ISACTIVER0/ICACTIVER0 round-trip and an active line is not taken
 *    until it is deactivated;
 *  - SGI 3 to itself: pending, then active once acknowledged;
 *  - the RTC's SPI (passed through, config `devices = "/pl031@9010000"`)
 *    the same in the distributor;
 *  - vCPU 1's frame, read by vCPU 0: its CPU's timer line, and a hardware
 *    line in its list registers reading active.
 *
 * Interrupts stay masked (PSTATE.I): the guest polls ISR_EL1 and
 * acknowledges with ICC_IAR1_EL1 itself.
 */
#include "baremetal/gic.h"
#include "baremetal/platform.h"
#include "baremetal/psci.h"
#include "baremetal/secondary.h"
#include "baremetal/rtc.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"

#define VTIMER 27u
#define SGI 3u
#define CNTV_ENABLE BIT(0)
#define CNTV_ISTATUS BIT(2)
/* Time for a state change to show, and for one that must not. */
#define SHOW_US 1000000
#define QUIET_US 20000

/* One bit of a set/clear register of redistributor @frame's SGI frame. */
static bool ppi_bit(unsigned frame, uint32_t reg, uint32_t intid)
{
	return (mmio_read32(gic_redist(frame, GICR_SGI + reg)) >> intid) & 1;
}

static void ppi_write(unsigned frame, uint32_t reg, uint32_t intid)
{
	mmio_write32(gic_redist(frame, GICR_SGI + reg), 1u << intid);
}

static bool spi_bit(uint32_t reg, uint32_t intid)
{
	uint32_t v = mmio_read32(gic_dist(reg + (intid / 32) * 4));

	return (v >> (intid % 32)) & 1;
}

static void spi_write(uint32_t reg, uint32_t intid)
{
	mmio_write32(gic_dist(reg + (intid / 32) * 4), 1u << (intid % 32));
}

/* Whether PPI @intid of @frame reads @want in @reg within SHOW_US. */
static bool ppi_becomes(unsigned frame, uint32_t reg, uint32_t intid, bool want)
{
	uint64_t end = timer_now_us() + SHOW_US;

	while (ppi_bit(frame, reg, intid) != want)
		if (timer_now_us() > end)
			return false;
	return true;
}

static bool spi_becomes(uint32_t reg, uint32_t intid, bool want)
{
	uint64_t end = timer_now_us() + SHOW_US;

	while (spi_bit(reg, intid) != want)
		if (timer_now_us() > end)
			return false;
	return true;
}

/* Whether an interrupt is pending for this vCPU within @us (ISR_EL1.I). */
static bool irq_within(uint64_t us)
{
	uint64_t end = timer_now_us() + us;

	while (!gic_irq_pending())
		if (timer_now_us() > end)
			return false;
	return true;
}

/* The virtual timer's condition met now: its line asserted. */
static void vtimer_fire(void)
{
	write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0));
	write_sysreg(cntv_ctl_el0, CNTV_ENABLE);
	isb();
}

static void vtimer_stop(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

/* Back to idle: timer off, PPI 27 disabled, neither pending nor active. */
static void vtimer_idle(unsigned frame)
{
	vtimer_stop();
	ppi_write(frame, GICD_ICENABLER, VTIMER);
	ppi_write(frame, GICD_ICACTIVER, VTIMER);
	ppi_write(frame, GICD_ICPENDR, VTIMER);
}

/*
 * The line works after what a test did to it: the timer fires, the
 * interrupt is taken and ended; then it is left idle.
 */
static bool vtimer_taken_again(void)
{
	uint32_t intid;

	vtimer_fire();
	if (!irq_within(SHOW_US))
		return false;
	intid = gic_ack();
	vtimer_stop();
	gic_eoi(intid);
	vtimer_idle(0);
	return intid == VTIMER;
}

TEST(masked_vtimer_pending_shows_in_gicr_ispendr0)
{
	irq_disable();
	vtimer_idle(0);
	vtimer_fire();
	ASSERT_TRUE(read_sysreg(cntv_ctl_el0) & CNTV_ISTATUS);
	ASSERT_TRUE(ppi_becomes(0, GICD_ISPENDR, VTIMER, true));
	ASSERT_TRUE(ppi_bit(0, GICD_ICPENDR, VTIMER));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, VTIMER));
	/* Masked in the GIC: not signalled to the CPU. */
	ASSERT_TRUE(!irq_within(QUIET_US));
	/* Still asserted: ICPENDR0 cannot clear it, as on the hardware. */
	ppi_write(0, GICD_ICPENDR, VTIMER);
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, VTIMER));
	vtimer_stop();
	ASSERT_TRUE(ppi_becomes(0, GICD_ISPENDR, VTIMER, false));
	vtimer_idle(0);
}

TEST(ispendr0_sets_and_icpendr0_clears_the_timer_ppi)
{
	uint32_t intid;

	irq_disable();
	vtimer_idle(0);
	ppi_write(0, GICD_ISPENDR, VTIMER);
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, VTIMER));
	ppi_write(0, GICD_ICPENDR, VTIMER);
	ASSERT_TRUE(!ppi_bit(0, GICD_ISPENDR, VTIMER));
	/* Set pending and enabled: taken, with no timer behind it. */
	ppi_write(0, GICD_ISPENDR, VTIMER);
	ppi_write(0, GICD_ISENABLER, VTIMER);
	ASSERT_TRUE(irq_within(SHOW_US));
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, VTIMER));
	intid = gic_ack();
	ASSERT_EQ(intid, VTIMER);
	ASSERT_TRUE(ppi_bit(0, GICD_ISACTIVER, VTIMER));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISPENDR, VTIMER));
	gic_eoi(intid);
	ASSERT_TRUE(ppi_becomes(0, GICD_ISACTIVER, VTIMER, false));
	ASSERT_TRUE(!irq_within(QUIET_US));
	vtimer_idle(0);
}

TEST(active_timer_ppi_round_trips_and_holds_the_line)
{
	uint32_t intid;

	irq_disable();
	vtimer_idle(0);
	ppi_write(0, GICD_ISENABLER, VTIMER);
	ppi_write(0, GICD_ISACTIVER, VTIMER);
	ASSERT_TRUE(ppi_bit(0, GICD_ISACTIVER, VTIMER));
	ASSERT_TRUE(ppi_bit(0, GICD_ICACTIVER, VTIMER));
	/* Active: the timer firing is pending, not taken. */
	vtimer_fire();
	ASSERT_TRUE(ppi_becomes(0, GICD_ISPENDR, VTIMER, true));
	ASSERT_TRUE(!irq_within(QUIET_US));
	ppi_write(0, GICD_ICACTIVER, VTIMER);
	ASSERT_TRUE(irq_within(SHOW_US));
	intid = gic_ack();
	ASSERT_EQ(intid, VTIMER);
	vtimer_stop();
	gic_eoi(intid);
	ASSERT_TRUE(ppi_becomes(0, GICD_ISACTIVER, VTIMER, false));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISPENDR, VTIMER));
	vtimer_idle(0);
}

TEST(taken_timer_reads_active_and_pending_until_ended)
{
	uint32_t intid;

	irq_disable();
	vtimer_idle(0);
	ppi_write(0, GICD_ISENABLER, VTIMER);
	vtimer_fire();
	ASSERT_TRUE(irq_within(SHOW_US));
	/* Delivered, not yet taken: pending, not active. */
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, VTIMER));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, VTIMER));
	intid = gic_ack();
	ASSERT_EQ(intid, VTIMER);
	/* Taken while still asserted: active and pending. */
	ASSERT_TRUE(ppi_bit(0, GICD_ISACTIVER, VTIMER));
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, VTIMER));
	vtimer_stop();
	ASSERT_TRUE(ppi_becomes(0, GICD_ISPENDR, VTIMER, false));
	/* ICACTIVER0 ends it; the EOI then only drops the priority. */
	ppi_write(0, GICD_ICACTIVER, VTIMER);
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, VTIMER));
	gic_eoi(intid);
	ASSERT_TRUE(vtimer_taken_again());
}

TEST(icpendr0_withdraws_a_timer_interrupt_not_yet_taken)
{
	irq_disable();
	vtimer_idle(0);
	ppi_write(0, GICD_ISENABLER, VTIMER);
	vtimer_fire();
	ASSERT_TRUE(irq_within(SHOW_US));
	/* Still asserted: ICPENDR0 leaves it pending, as on the hardware. */
	ppi_write(0, GICD_ICPENDR, VTIMER);
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, VTIMER));
	ASSERT_TRUE(irq_within(SHOW_US));
	/* No longer asserted: gone, and not left active anywhere. */
	vtimer_stop();
	ppi_write(0, GICD_ICPENDR, VTIMER);
	ASSERT_TRUE(!ppi_bit(0, GICD_ISPENDR, VTIMER));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, VTIMER));
	ASSERT_TRUE(!irq_within(QUIET_US));
	ASSERT_TRUE(vtimer_taken_again());
}

TEST(sgi_active_state_shows_after_ack)
{
	uint32_t intid;

	irq_disable();
	ppi_write(0, GICD_ISENABLER, SGI);
	gic_send_sgi1r(SGIR_INTID(SGI) | SGIR_TARGETS(1));
	ASSERT_TRUE(irq_within(SHOW_US));
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, SGI));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, SGI));
	intid = gic_ack();
	ASSERT_EQ(intid, SGI);
	ASSERT_TRUE(ppi_bit(0, GICD_ISACTIVER, SGI));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISPENDR, SGI));
	gic_eoi(intid);
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, SGI));
	/* ISACTIVER0 of a pending SGI: active and pending; then undone. */
	gic_send_sgi1r(SGIR_INTID(SGI) | SGIR_TARGETS(1));
	ASSERT_TRUE(irq_within(SHOW_US));
	ppi_write(0, GICD_ISACTIVER, SGI);
	ASSERT_TRUE(ppi_bit(0, GICD_ISACTIVER, SGI));
	ASSERT_TRUE(ppi_bit(0, GICD_ISPENDR, SGI));
	ppi_write(0, GICD_ICPENDR, SGI);
	ASSERT_TRUE(!ppi_bit(0, GICD_ISPENDR, SGI));
	ppi_write(0, GICD_ICACTIVER, SGI);
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, SGI));
	ASSERT_TRUE(!irq_within(QUIET_US));
	ppi_write(0, GICD_ICENABLER, SGI);
}

/* The RTC: a passed-through, level-triggered SPI. */

TEST(rtc_spi_pending_shows_in_gicd_ispendr)
{
	uint64_t rtc;
	uint32_t spi;

	irq_disable();
	if (!rtc_find(&rtc, &spi))
		SKIP_TEST("no RTC");
	gic_spi_enable(spi, false);
	ASSERT_TRUE(rtc_assert(rtc));
	ASSERT_TRUE(spi_becomes(GICD_ISPENDR, spi, true));
	ASSERT_TRUE(!spi_bit(GICD_ISACTIVER, spi));
	spi_write(GICD_ICPENDR, spi);
	ASSERT_TRUE(spi_bit(GICD_ISPENDR, spi));
	rtc_deassert(rtc);
	ASSERT_TRUE(spi_becomes(GICD_ISPENDR, spi, false));
	spi_write(GICD_ISPENDR, spi);
	ASSERT_TRUE(spi_bit(GICD_ISPENDR, spi));
	spi_write(GICD_ICPENDR, spi);
	ASSERT_TRUE(!spi_bit(GICD_ISPENDR, spi));
	spi_write(GICD_ISACTIVER, spi);
	ASSERT_TRUE(spi_bit(GICD_ISACTIVER, spi));
	spi_write(GICD_ICACTIVER, spi);
	ASSERT_TRUE(!spi_bit(GICD_ISACTIVER, spi));
}

TEST(rtc_spi_taken_reads_active)
{
	uint64_t rtc;
	uint32_t spi, intid;

	irq_disable();
	if (!rtc_find(&rtc, &spi))
		SKIP_TEST("no RTC");
	gic_spi_enable(spi, true);
	ASSERT_TRUE(rtc_assert(rtc));
	ASSERT_TRUE(irq_within(SHOW_US));
	ASSERT_TRUE(spi_bit(GICD_ISPENDR, spi));
	ASSERT_TRUE(!spi_bit(GICD_ISACTIVER, spi));
	intid = gic_ack();
	ASSERT_EQ(intid, spi);
	ASSERT_TRUE(spi_bit(GICD_ISACTIVER, spi));
	ASSERT_TRUE(spi_bit(GICD_ISPENDR, spi));
	rtc_deassert(rtc);
	ASSERT_TRUE(spi_becomes(GICD_ISPENDR, spi, false));
	gic_eoi(intid);
	ASSERT_TRUE(spi_becomes(GICD_ISACTIVER, spi, false));
	gic_spi_enable(spi, false);
}

/*
 * vCPU 1, driven by vCPU 0 through a mailbox: it runs each command it is
 * given with PSTATE.I set, and reports what its own frame shows.
 */
enum cmd {
	CMD_NONE,
	CMD_FIRE_MASKED, /* PPI 27 disabled, timer fired */
	CMD_FIRE,	 /* PPI 27 enabled, timer fired, until ISR_EL1.I */
	CMD_LOOK,	 /* own frame's pending/active bits of PPI 27 */
	CMD_END,	 /* take and end it, timer off, PPI 27 idle */
	CMD_OFF,
};

uint8_t gicstate_stack[4096] __attribute__((aligned(16)));
volatile uint32_t gicstate_cmd, gicstate_done, gicstate_seen;

noreturn_fn void gicstate_main(void);
SECONDARY_ENTRY(gicstate_secondary, gicstate_stack, gicstate_main);

/* Run @cmd on vCPU 1 (itself); what it reports. */
static uint32_t secondary_run(enum cmd cmd)
{
	switch (cmd) {
	case CMD_FIRE_MASKED:
		vtimer_idle(1);
		vtimer_fire();
		return 1;
	case CMD_FIRE:
		vtimer_idle(1);
		ppi_write(1, GICD_ISENABLER, VTIMER);
		vtimer_fire();
		return irq_within(SHOW_US);
	case CMD_LOOK:
		return ppi_bit(1, GICD_ISPENDR, VTIMER) |
		       ppi_bit(1, GICD_ISACTIVER, VTIMER) << 1;
	case CMD_END:
		vtimer_stop();
		if (gic_irq_pending())
			gic_eoi(gic_ack());
		vtimer_idle(1);
		return 1;
	default:
		return 0;
	}
}

void gicstate_main(void)
{
	uint32_t cmd;

	irq_disable();
	gic_init(platform.gicd_base, platform.gicr_base);
	mmio_write32(gic_redist(1, GICR_WAKER),
		     mmio_read32(gic_redist(1, GICR_WAKER)) &
			     ~(uint32_t)GICR_WAKER_SLEEP);
	do {
		cmd = gicstate_cmd;
		if (cmd == CMD_NONE)
			continue;
		gicstate_seen = secondary_run((enum cmd)cmd);
		gicstate_cmd = CMD_NONE;
		dsb(sy);
		gicstate_done = cmd;
	} while (cmd != CMD_OFF);
	vtimer_idle(1);
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

/* Run @cmd on vCPU 1; false when it does not answer. */
static bool on_vcpu1(enum cmd cmd)
{
	uint64_t end = timer_now_us() + SHOW_US * 5;

	gicstate_done = CMD_NONE;
	dsb(sy);
	gicstate_cmd = cmd;
	while (gicstate_done != cmd)
		if (timer_now_us() > end)
			return false;
	return true;
}

TEST(another_vcpus_frame_shows_its_cpus_state)
{
	irq_disable();
	if (platform.cpu_count < 2)
		SKIP_TEST("one vCPU");
	vtimer_idle(0);
	ASSERT_EQ(psci_call(PSCI_CPU_ON_64, 1,
			    (uint64_t)(uintptr_t)gicstate_secondary, 0),
		  PSCI_SUCCESS);
	/* Its timer fired, masked: pending in its frame, not in ours. */
	ASSERT_TRUE(on_vcpu1(CMD_FIRE_MASKED));
	ASSERT_TRUE(ppi_becomes(1, GICD_ISPENDR, VTIMER, true));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISPENDR, VTIMER));
	/*
	 * Delivered to it, not taken: it sees it pending; from here its
	 * list registers cannot be read, and the line reads active (the
	 * physical GIC's state until its guest ends it).
	 */
	ASSERT_TRUE(on_vcpu1(CMD_FIRE));
	ASSERT_EQ(gicstate_seen, 1);
	ASSERT_TRUE(on_vcpu1(CMD_LOOK));
	ASSERT_EQ(gicstate_seen, 1);
	ASSERT_TRUE(ppi_bit(1, GICD_ISACTIVER, VTIMER));
	ASSERT_TRUE(!ppi_bit(0, GICD_ISACTIVER, VTIMER));
	ASSERT_TRUE(on_vcpu1(CMD_END));
	ASSERT_TRUE(ppi_becomes(1, GICD_ISACTIVER, VTIMER, false));
	ASSERT_TRUE(!ppi_bit(1, GICD_ISPENDR, VTIMER));
	ASSERT_TRUE(on_vcpu1(CMD_OFF));
}
