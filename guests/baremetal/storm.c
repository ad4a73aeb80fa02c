/* SPDX-License-Identifier: MIT */
/*
 * storm: a passed-through device keeps its level-triggered interrupt
 * asserted while the vCPU it is routed to is off, and the VM still stops,
 * starts and restarts (tests/system/test_irq_storm.py).
 *
 * The device is QEMU virt's PL031 RTC (config `devices = "/pl031@9010000"`):
 * its match register set to the current count raises the match interrupt
 * at once, and with the mask set and RTCICR never written the line stays
 * high, across the VM's restarts too (the device is not reset with the VM).
 * The guest enables the line in its virtual GIC, routed to vCPU 0, sees it
 * pending, and switches vCPU 0 off with PSCI CPU_OFF, the interrupt still
 * asserted.  Then, by the life (restart count from the management page):
 *
 *   0 restarts: nothing more; the test restarts the VM from the shell;
 *   1 restart:  vCPU 1 waits for vCPU 0 to be off, powers it on again
 *               (vCPU 0 takes the line, enabled again as the guest left
 *               it, and goes off again with it), then resets the VM
 *               (SYSTEM_RESET, on-reset "restart");
 *   2 or more:  the same, but vCPU 1 switches the VM off (SYSTEM_OFF,
 *               on-poweroff "stop"); the test starts it from the shell.
 */
#include "baremetal/gic.h"
#include "baremetal/manage.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/rtc.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"

#define PENDING_TIMEOUT_US 1000000

/* Set by vCPU 0 once it was on again and took the line (storm_back()). */
volatile uint32_t storm_vcpu0_was_back;

/*
 * vCPU 1's whole life, without a stack: wait until AFFINITY_INFO says
 * vCPU 0 is off, power it on again at storm_resume, wait until it says it
 * took the line and is off again, then make the PSCI call whose function
 * ID is the context argument (x0).
 */
void storm_secondary(void);
void storm_resume(void);
noreturn_fn void storm_back(void);
__asm__(".text\n"
	".global storm_secondary\n"
	"storm_secondary:\n"
	"	mov	x19, x0\n"
	"	bl	1f\n"
	"	mov	w0, #0x0003\n"
	"	movk	w0, #0xc400, lsl #16\n" /* PSCI_CPU_ON_64 */
	"	mov	x1, #0\n"
	"	adr	x2, storm_resume\n"
	"	mov	x3, #0\n"
	"	hvc	#0\n"
	"	adrp	x20, storm_vcpu0_was_back\n"
	"	add	x20, x20, :lo12:storm_vcpu0_was_back\n"
	"2:	ldr	w0, [x20]\n"
	"	cbz	w0, 2b\n"
	"	bl	1f\n"
	"	mov	x0, x19\n"
	"	mov	x1, #0\n"
	"	mov	x2, #0\n"
	"	mov	x3, #0\n"
	"	hvc	#0\n"
	"3:	wfi\n"
	"	b	3b\n"
	/* Until AFFINITY_INFO(vCPU 0) is OFF; x30 is the only state. */
	"1:	mov	w0, #0x0004\n"
	"	movk	w0, #0x8400, lsl #16\n" /* PSCI_AFFINITY_INFO */
	"	mov	x1, #0\n"
	"	mov	x2, #0\n"
	"	hvc	#0\n"
	"	cmp	x0, #1\n" /* PSCI_AFFINITY_OFF */
	"	b.ne	1b\n"
	"	ret\n"
	/* vCPU 0 again, in EL1 reset state: its old stack is free. */
	".global storm_resume\n"
	"storm_resume:\n"
	"	adrp	x1, __stack_top\n"
	"	add	x1, x1, :lo12:__stack_top\n"
	"	mov	sp, x1\n"
	"	adrp	x1, el1_vectors\n"
	"	add	x1, x1, :lo12:el1_vectors\n"
	"	msr	vbar_el1, x1\n"
	"	isb\n"
	"	bl	storm_back\n");

/*
 * vCPU 0 is on again: the line, held while it was off, must be enabled
 * again as this guest left it, and so be pending here at once.  Take it,
 * say so, and go off again with it active (the hypervisor deactivates it,
 * and holds it again).
 */
void storm_back(void)
{
	uint64_t end = timer_now_us() + PENDING_TIMEOUT_US;
	uint32_t intid = GIC_SPURIOUS;

	gic_init(platform.gicd_base, platform.gicr_base);
	while (!gic_irq_pending() && timer_now_us() < end)
		;
	if (gic_irq_pending())
		intid = gic_ack();
	printf("storm: vcpu 0 on again, took INTID %u\n", intid);
	storm_vcpu0_was_back = 1;
	dsb(sy);
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

TEST(rtc_line_stays_asserted)
{
	uint64_t rtc = 0, end;
	uint32_t intid = 0;

	ASSERT_TRUE(rtc_find(&rtc, &intid));
	ASSERT_TRUE(rtc_assert(rtc));

	/* Enabled, routed to vCPU 0; PSTATE.I stays set: never taken. */
	gic_spi_enable(intid, true);
	end = timer_now_us() + PENDING_TIMEOUT_US;
	while (!gic_irq_pending() && timer_now_us() < end)
		;
	ASSERT_TRUE(gic_irq_pending());
	printf("storm: SPI %u asserted, pending on vcpu 0\n", intid);
}

TEST(vcpu0_goes_off_with_its_line_asserted)
{
	uint32_t restarts = manage_own_restarts(manage_base());
	uint32_t fid = restarts == 1 ? PSCI_SYSTEM_RESET : PSCI_SYSTEM_OFF;
	const char *then = restarts == 0 ? "nothing" :
			   restarts == 1 ? "vcpu 1 resets the VM" :
					   "vcpu 1 switches the VM off";

	ASSERT_NE(restarts, ~0u);
	ASSERT_EQ(platform.cpu_count, 2);
	if (restarts > 0)
		ASSERT_EQ(psci_call(PSCI_CPU_ON_64, 1,
				    (uint64_t)(uintptr_t)storm_secondary, fid),
			  PSCI_SUCCESS);
	printf("storm: life with %u restarts: vcpu 0 goes off; then %s\n",
	       restarts, then);
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	ASSERT_TRUE(!"PSCI CPU_OFF returned");
}
