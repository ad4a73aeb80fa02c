/* SPDX-License-Identifier: MIT */
/*
 * pmuirq: the PMU's overflow interrupt reaches the VM owning the CPU, and
 * only it (tests/system/test_pmu_irq.py).
 *
 * The PPI comes from the guest's device tree (/pmu, written by the tool
 * from the board's).  Where the PMU is the guest's, the cycle counter is
 * set to overflow every PERIOD cycles with its interrupt enabled; each
 * interrupt must find PMOVSSET_EL0.C set, which the handler clears before
 * the EOI, so every arrival is a new overflow (a level line not cleared
 * would come straight back, one never deactivated would not come again).
 *
 * Default role, in a VM restarted on reset: the first life (after a key
 * with "pmuirq.start=key") leaves an overflow interrupt pending in the
 * vGIC (IRQs masked) and resets the VM; the second life finds no trace of
 * it and takes fresh overflows.
 * "pmuirq.quiet_ms=N": first listen N ms for any interrupt with the PPI
 * enabled and its own PMU idle, while another VM's PMU overflows on its
 * own CPUs: none may arrive; then take its own overflows.
 */
#include "baremetal/bootargs.h"
#include "baremetal/exceptions.h"
#include "baremetal/fdt.h"
#include "baremetal/gic.h"
#include "baremetal/key.h"
#include "baremetal/manage.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/string.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"

/* PMU registers (Arm ARM D13.4): PMCR_EL0 E, P, C, LC; the cycle counter's
 * bit in PMCNTEN, PMINTEN and PMOVS. */
#define PMCR_E BIT(0)
#define PMCR_P BIT(1)
#define PMCR_C BIT(2)
#define PMCR_LC BIT(6)
#define PMU_CYCLES BIT(31)
#define PMU_ALL 0xffffffffull

/* One overflow per million cycles: a millisecond on QEMU's 1 GHz clock. */
#define PERIOD 1000000ull
#define OVERFLOWS 8u
#define WAIT_US 3000000ull
#define QUIET_AFTER_US 50000ull
#define PRIORITY 0x80u

static uint32_t pmu_intid;
static volatile unsigned arrived, overflowed, other_irqs;

/* The PMU's PPI from /pmu: interrupts = <1 n flags> is INTID 16 + n. */
static uint32_t dt_pmu_intid(void)
{
	int node = fdt_path(platform.dtb, "/pmu");
	const uint8_t *irq;
	uint32_t len;

	if (node < 0)
		return 0;
	irq = fdt_prop(platform.dtb, node, "interrupts", &len);
	if (!irq || len != 12 || fdt_cells(irq, 1) != 1)
		return 0;
	return 16 + (uint32_t)fdt_cells(irq + 4, 1);
}

/* Whether this VM runs the quiet role ("pmuirq.quiet_ms=N"). */
static bool quiet_role(void)
{
	size_t len;

	return bootargs_get("pmuirq.quiet_ms", &len) != NULL;
}

static bool pmu_given(void)
{
	/* ID_AA64DFR0_EL1.PMUVer: 0 where the hypervisor hides the PMU. */
	uint64_t ver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;

	return ver != 0 && ver != 0xf;
}

/* This vCPU's PPI @intid: group 1, enabled, mid priority; IRQs unmasked
 * at the CPU interface (PSTATE.I is the caller's). */
static void ppi_enable(uint32_t intid)
{
	mmio_write32(gic_redist(0, GICR_IGROUPR0),
		     mmio_read32(gic_redist(0, GICR_IGROUPR0)) | 1u << intid);
	mmio_write8(gic_redist(0, GICR_IPRIORITYR + intid), PRIORITY);
	mmio_write32(gic_redist(0, GICR_ISENABLER0), 1u << intid);
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

static void cycle_counter_arm(void)
{
	write_sysreg(pmcr_el0, PMCR_LC | PMCR_C | PMCR_P);
	write_sysreg(pmccfiltr_el0, 0); /* EL0 and EL1; never EL2 anyway */
	write_sysreg(pmccntr_el0, -PERIOD);
	write_sysreg(pmovsclr_el0, PMU_ALL);
	write_sysreg(pmintenset_el1, PMU_CYCLES);
	write_sysreg(pmcntenset_el0, PMU_CYCLES);
	isb();
	write_sysreg(pmcr_el0, PMCR_LC | PMCR_E);
	isb();
}

static void cycle_counter_stop(void)
{
	write_sysreg(pmcr_el0, PMCR_LC);
	write_sysreg(pmcntenclr_el0, PMU_ALL);
	write_sysreg(pmintenclr_el1, PMU_ALL);
	write_sysreg(pmovsclr_el0, PMU_ALL);
	isb();
}

static void on_irq(void)
{
	uint32_t intid = gic_ack();

	if (intid == GIC_SPURIOUS)
		return;
	if (intid != pmu_intid) {
		other_irqs++;
	} else {
		arrived++;
		/* The overflow flag is why it came; clear it before the EOI. */
		if (read_sysreg(pmovsset_el0) & PMU_CYCLES) {
			overflowed++;
			write_sysreg(pmovsclr_el0, PMU_CYCLES);
			if (overflowed < OVERFLOWS)
				write_sysreg(pmccntr_el0, -PERIOD);
			else
				write_sysreg(pmcntenclr_el0, PMU_CYCLES);
			isb();
		}
	}
	gic_eoi(intid);
}

static void count_reset(void)
{
	arrived = overflowed = other_irqs = 0;
}

/* With IRQs unmasked, wait until @done() or @us microseconds pass. */
static void irqs_for(uint64_t us, bool (*done)(void))
{
	uint64_t end = timer_now_us() + us;

	exceptions_set_irq_handler(on_irq);
	irq_enable();
	while (timer_now_us() < end && !(done && done()))
		;
	irq_disable();
	exceptions_set_irq_handler(NULL);
}

static bool all_overflowed(void)
{
	return overflowed >= OVERFLOWS;
}

/*
 * First life: an overflow interrupt taken by the hypervisor and queued for
 * this vCPU (pending in its list register, IRQs masked), then a reset.
 */
static noreturn_fn void leave_overflow_pending(void)
{
	uint64_t end = timer_now_us() + WAIT_US;

	if (pmu_given() && pmu_intid) {
		ppi_enable(pmu_intid);
		cycle_counter_arm();
		while (!gic_irq_pending() && timer_now_us() < end)
			;
		printf("pmuirq: overflow %s (PMOVSSET 0x%lx), resetting\n",
		       gic_irq_pending() ? "pending" : "NOT pending",
		       read_sysreg(pmovsset_el0));
	} else {
		printf("pmuirq: no PMU, resetting\n");
	}
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		wfi();
}

TEST(pmu_node_gives_a_ppi)
{
	int node = fdt_path(platform.dtb, "/pmu");
	uint32_t len = 0;
	const char *status =
		node < 0 ? NULL : fdt_prop(platform.dtb, node, "status", &len);

	pmu_intid = dt_pmu_intid();
	ASSERT_NE(pmu_intid, 0);
	ASSERT_TRUE(pmu_intid >= 16 && pmu_intid < 32);
	printf("pmuirq: PMU PPI %u, PMU %s, status %s\n", pmu_intid,
	       pmu_given() ? "given" : "hidden", status ? status : "none");
	/* Where the PMU is hidden, the node says so (status "fail"). */
	ASSERT_TRUE(status && !strcmp(status, pmu_given() ? "okay" : "fail"));
}

/* Default role: the first life never returns from here. */
TEST(restarted_once)
{
	uint64_t page = manage_base();
	uint32_t restarts;

	if (quiet_role())
		SKIP_TEST("quiet role");
	ASSERT_NE(page, 0);
	restarts = manage_own_restarts(page);
	if (restarts == 0 && bootargs_is("pmuirq.start", "key")) {
		/* The test starts it once the quiet VM listens. */
		printf("pmuirq: waiting for a key\n");
		key_wait();
		timer_delay_us(KEY_PAUSE_US);
	}
	if (restarts == 0)
		leave_overflow_pending();
	ASSERT_EQ(restarts, 1);
}

/* Nothing of the first life's overflow: no flag, nothing pending. */
TEST(previous_life_overflow_is_gone)
{
	if (quiet_role())
		SKIP_TEST("quiet role");
	ASSERT_TRUE(!gic_irq_pending());
	if (!pmu_given())
		SKIP_TEST("PMU hidden");
	ASSERT_EQ(read_sysreg(pmovsset_el0), 0);
	ASSERT_EQ(read_sysreg(pmintenset_el1), 0);
	ppi_enable(pmu_intid);
	count_reset();
	irqs_for(QUIET_AFTER_US, NULL);
	ASSERT_EQ(arrived + other_irqs, 0);
}

/* Quiet role: another VM's overflows never come here. */
TEST(other_vms_overflows_never_arrive)
{
	uint64_t ms;

	if (bootargs_u64("pmuirq.quiet_ms", &ms))
		SKIP_TEST("default role");
	ppi_enable(pmu_intid);
	count_reset();
	printf("pmuirq: listening %lu ms\n", ms);
	irqs_for(ms * 1000, NULL);
	printf("pmuirq: listened, %u interrupts\n", arrived + other_irqs);
	ASSERT_EQ(arrived + other_irqs, 0);
}

TEST(cycle_counter_overflow_interrupts_arrive)
{
	uint64_t start, took;

	if (!pmu_given()) {
		/* Hidden: the line is never raised, even enabled. */
		ppi_enable(pmu_intid);
		count_reset();
		irqs_for(QUIET_AFTER_US, NULL);
		ASSERT_EQ(arrived, 0);
		SKIP_TEST("PMU hidden");
	}
	ppi_enable(pmu_intid);
	count_reset();
	start = timer_now_us();
	cycle_counter_arm();
	irqs_for(WAIT_US, all_overflowed);
	took = timer_now_us() - start;
	cycle_counter_stop();
	printf("pmuirq: %u overflow interrupts (%u arrivals) in %lu us\n",
	       overflowed, arrived, took);
	ASSERT_EQ(overflowed, OVERFLOWS);
	/* Each arrival was an overflow: cleared, the line stayed down. */
	ASSERT_EQ(arrived, OVERFLOWS);
	ASSERT_EQ(other_irqs, 0);
	/* Stopped: no more come. */
	irqs_for(QUIET_AFTER_US, NULL);
	ASSERT_EQ(arrived, OVERFLOWS);
}
