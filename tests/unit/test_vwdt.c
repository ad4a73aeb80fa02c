/* SPDX-License-Identifier: MIT */
/*
 * The emulated SBSA watchdog (hv/core/vwdt.c): its offset has a floor and
 * a cap, each CPU's EL2 timer serves only the watchdog of the VM that CPU
 * runs, the deadline is armed only on the CPU that last wrote it, and two
 * expiries apply the VM's policy.  The counter, the EL2 timer and the VM
 * policy are fakes here; the CPU is the fake architecture's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../hv/arch/fake/fake.h"
#include "hv/arch/cpu.h"
#include "hv/vm.h"
#include "hv/vwdt.h"

#define HZ 62500000ull /* QEMU virt's counter */
#define TICKS_PER_MS (HZ / 1000)
#define WDT_IPA 0x3fffd000ull
#define WCS 0x000
#define WOR 0x008
#define WRR 0x1000

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
struct pcpu pcpus[SHIKIRI_MAX_CPUS];

static struct shikiri_plan_vm plans[2];
static uint64_t now;
/* Deadlines armed, per CPU: the earliest wins, as on the EL2 timer. */
static uint64_t armed[8];
static unsigned arm_calls[8];
static struct vm *policy_vm;
static enum vm_cause policy_cause;

uint64_t arch_counter(void)
{
	return now;
}

void arch_timer_arm(uint64_t deadline)
{
	unsigned cpu = arch_pcpu_id();

	if (!armed[cpu] || deadline < armed[cpu])
		armed[cpu] = deadline;
	arm_calls[cpu]++;
}

uint64_t console_clock_hz(void)
{
	return HZ;
}

void hv_log(const char *fmt, ...)
{
	(void)fmt;
}

void vm_request_policy(struct vm *vm, enum vm_cause cause)
{
	policy_vm = vm;
	policy_cause = cause;
}

/* VM 0 on CPUs 0 and 1, VM 1 on CPU 2; both with a 1 s watchdog. */
static int setup(void **state)
{
	(void)state;
	fake_reset();
	memset(vms, 0, sizeof(vms));
	memset(armed, 0, sizeof(armed));
	memset(arm_calls, 0, sizeof(arm_calls));
	policy_vm = NULL;
	now = 1000 * HZ;
	vm_count = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct vm *vm = &vms[i];

		plans[i] = (struct shikiri_plan_vm){ .watchdog_ipa = WDT_IPA,
						     .watchdog_ms = 1000 };
		vm->id = i;
		vm->plan = &plans[i];
		vm->life.state = VM_RUNNING;
		vm->vcpu_count = i == 0 ? 2 : 1;
		for (unsigned k = 0; k < vm->vcpu_count; k++)
			vm->vcpu[k] = (struct vcpu){ .vm = vm,
						     .id = k,
						     .pcpu = i * 2 + k };
		assert_int_equal(vwdt_init(vm), 0);
	}
	return 0;
}

/* Write @val at @off of @vm's watchdog from CPU @cpu. */
static void wr(unsigned vm, unsigned cpu, uint64_t off, uint64_t val)
{
	struct mmio_access a = {
		.ipa = WDT_IPA + off, .size = 4, .reg = 1, .write = true
	};
	uint64_t regs[31] = { 0 };

	fake_cpu.pcpu = cpu;
	regs[1] = val;
	assert_int_equal(
		mmio_dispatch(&vms[vm].mmio, &vms[vm].vcpu[0], &a, regs), 0);
}

static uint64_t rd(unsigned vm, uint64_t off)
{
	struct mmio_access a = { .ipa = WDT_IPA + off, .size = 4, .reg = 0 };
	uint64_t regs[31] = { 0 };

	assert_int_equal(
		mmio_dispatch(&vms[vm].mmio, &vms[vm].vcpu[0], &a, regs), 0);
	return regs[0];
}

/* CPU @cpu's EL2 timer fired: it serves the VM it runs. */
static void tick_on(unsigned cpu, struct vm *vm)
{
	fake_cpu.pcpu = cpu;
	armed[cpu] = 0;
	vwdt_tick(vm);
}

static void offset_has_a_floor_and_a_cap(void **state)
{
	(void)state;
	wr(1, 2, WOR, 0);
	assert_int_equal(rd(1, WOR), VWDT_MIN_STAGE_MS * TICKS_PER_MS);
	wr(1, 2, WOR, 1);
	assert_int_equal(rd(1, WOR), VWDT_MIN_STAGE_MS * TICKS_PER_MS);
	wr(1, 2, WOR, 0xffffffffu);
	assert_int_equal(rd(1, WOR), 500 * TICKS_PER_MS); /* 1000 ms / 2 */
	wr(1, 2, WOR, 20 * TICKS_PER_MS);
	assert_int_equal(rd(1, WOR), 20 * TICKS_PER_MS);
}

static void deadline_is_armed_on_the_writers_cpu(void **state)
{
	(void)state;
	wr(1, 2, WOR, 1);
	wr(1, 2, WCS, 1);
	assert_int_equal(armed[2], now + VWDT_MIN_STAGE_MS * TICKS_PER_MS);
	for (unsigned cpu = 0; cpu < 8; cpu++)
		if (cpu != 2)
			assert_int_equal(arm_calls[cpu], 0);
}

static void a_cpu_serves_only_its_own_vm(void **state)
{
	(void)state;
	wr(1, 2, WOR, 1);
	wr(1, 2, WCS, 1);
	/*
	 * VM 0's CPUs take their EL2 timer (for their console, say) while
	 * VM 1's watchdog runs: they look at VM 0's watchdog alone, which
	 * is off, and arm nothing; VM 1's deadline is not touched.
	 */
	for (unsigned i = 0; i < 100; i++) {
		now += TICKS_PER_MS;
		tick_on(0, &vms[0]);
		tick_on(1, &vms[0]);
		wr(1, 2, WRR, 0);
	}
	assert_int_equal(arm_calls[0], 0);
	assert_int_equal(arm_calls[1], 0);
	assert_null(policy_vm);
	assert_int_equal(rd(1, WCS), 1); /* enabled, no stage expired */
}

static void a_cpu_without_a_vm_serves_nothing(void **state)
{
	(void)state;
	wr(1, 2, WCS, 1);
	now += 2000 * TICKS_PER_MS;
	tick_on(3, NULL);
	assert_null(policy_vm);
	assert_int_equal(arm_calls[3], 0);
}

static void only_the_writers_cpu_rearms(void **state)
{
	(void)state;
	/* vCPU 1 (CPU 1) arms it, then vCPU 0 (CPU 0) refreshes it. */
	wr(0, 1, WOR, 1);
	wr(0, 1, WCS, 1);
	wr(0, 0, WRR, 0);
	arm_calls[1] = 0;
	/* CPU 1's old deadline fires: early, and it is no longer CPU 1's. */
	now += 5 * TICKS_PER_MS;
	tick_on(1, &vms[0]);
	assert_int_equal(arm_calls[1], 0);
	/* CPU 0 holds it and arms it again on every tick before expiry. */
	tick_on(0, &vms[0]);
	assert_int_equal(armed[0], now + 5 * TICKS_PER_MS);
}

static void two_expiries_apply_the_policy(void **state)
{
	(void)state;
	wr(1, 2, WOR, 1);
	wr(1, 2, WCS, 1);
	now += VWDT_MIN_STAGE_MS * TICKS_PER_MS;
	tick_on(2, &vms[1]);
	assert_int_equal(rd(1, WCS), 3); /* WS0 */
	assert_null(policy_vm);
	assert_int_equal(armed[2], now + VWDT_MIN_STAGE_MS * TICKS_PER_MS);
	/* Another VM's CPU ticking meanwhile changes nothing. */
	now += VWDT_MIN_STAGE_MS * TICKS_PER_MS;
	tick_on(0, &vms[0]);
	assert_null(policy_vm);
	tick_on(2, &vms[1]);
	assert_ptr_equal(policy_vm, &vms[1]);
	assert_int_equal(policy_cause, VM_CAUSE_WATCHDOG);
	assert_int_equal(rd(1, WCS), 6); /* WS0, WS1, no longer enabled */
}

static void a_stopped_vm_is_not_served(void **state)
{
	(void)state;
	wr(1, 2, WCS, 1);
	vms[1].life.state = VM_STOPPED;
	now += 2000 * TICKS_PER_MS;
	tick_on(2, &vms[1]);
	tick_on(2, &vms[1]);
	assert_null(policy_vm);
	assert_int_equal(armed[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(offset_has_a_floor_and_a_cap, setup),
		cmocka_unit_test_setup(deadline_is_armed_on_the_writers_cpu,
				       setup),
		cmocka_unit_test_setup(a_cpu_serves_only_its_own_vm, setup),
		cmocka_unit_test_setup(a_cpu_without_a_vm_serves_nothing,
				       setup),
		cmocka_unit_test_setup(only_the_writers_cpu_rearms, setup),
		cmocka_unit_test_setup(two_expiries_apply_the_policy, setup),
		cmocka_unit_test_setup(a_stopped_vm_is_not_served, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
