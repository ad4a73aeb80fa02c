/* SPDX-License-Identifier: MIT */
/*
 * PSCI and SMCCC as a guest sees them (hv/arch/aarch64/psci.c, run on the
 * host): CPU_ON claims its target before it writes the entry, so a second
 * call cannot mix its entry into the first; PSCI_FEATURES says SUCCESS for
 * exactly the functions that answer; SMCCC_ARCH_WORKAROUND_2 never reaches
 * the firmware.  The firmware (arch_smc), the idle loop and the VM's
 * policy are fakes here.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/psci.h"
#include "hv/vm.h"
#include "sysreg.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_FEATURES 0x8400000au
#define PSCI_64 0x40000000u
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_WA1 0x80008000u
#define SMCCC_WA2 0x80007fffu
#define SMCCC_WA3 0x80003fffu

#define SUCCESS 0
#define NOT_SUPPORTED (-1)
#define NOT_REQUIRED (-2)
#define ALREADY_ON (-4)
#define ON_PENDING (-5)

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x10000000ull

struct pcpu pcpus[SHIKIRI_MAX_CPUS];
static struct vm vm;
static struct shikiri_plan_vm rec;

/* The fake firmware: SMCCC 1.1 with these answers, and what it was asked. */
static struct {
	bool smccc;
	int64_t wa[4]; /* ARCH_FEATURES answer for WORKAROUND_1..3 */
	unsigned wa2_calls;
	uint64_t wa2_last_arg;
	unsigned calls;
} fw;

static jmp_buf idled;
static unsigned kicks, policies;

uint64_t arch_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a2;
	(void)a3;
	fw.calls++;
	switch ((uint32_t)fid) {
	case PSCI_FEATURES:
		return (uint64_t)(a1 == SMCCC_VERSION && fw.smccc ?
					  SUCCESS :
					  NOT_SUPPORTED);
	case SMCCC_VERSION:
		return 0x10001;
	case SMCCC_ARCH_FEATURES:
		return (uint64_t)(a1 == SMCCC_WA1 ? fw.wa[1] :
				  a1 == SMCCC_WA2 ? fw.wa[2] :
				  a1 == SMCCC_WA3 ? fw.wa[3] :
						    NOT_SUPPORTED);
	case SMCCC_WA2:
		fw.wa2_calls++;
		fw.wa2_last_arg = a1;
		return SUCCESS;
	default:
		return SUCCESS;
	}
}

void arch_kick(unsigned pcpu)
{
	(void)pcpu;
	__atomic_fetch_add(&kicks, 1, __ATOMIC_RELAXED);
}

void arch_idle(void)
{
	longjmp(idled, 1);
}

uint64_t vm_ram_pa(const struct vm *v, uint64_t ipa, uint64_t size)
{
	(void)v;
	return ipa >= RAM_BASE && ipa + size <= RAM_BASE + RAM_SIZE ? ipa : 0;
}

void vm_request_policy(struct vm *v, enum vm_cause cause)
{
	(void)v;
	(void)cause;
	policies++;
}

static void firmware(bool smccc, int64_t wa1, int64_t wa2, int64_t wa3)
{
	memset(&fw, 0, sizeof(fw));
	fw.smccc = smccc;
	fw.wa[1] = wa1;
	fw.wa[2] = wa2;
	fw.wa[3] = wa3;
	psci_probe_firmware();
}

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.plan = &rec;
	vm.vcpu_count = 3;
	for (unsigned i = 0; i < 3; i++)
		vm.vcpu[i] = (struct vcpu){ .vm = &vm, .id = i, .pcpu = i };
	vm.vcpu[0].power = VCPU_ON;
	kicks = policies = 0;
	firmware(true, SUCCESS, SUCCESS, NOT_SUPPORTED);
	return 0;
}

/* One SMCCC call from vCPU @caller; returns x0. */
static int64_t call(unsigned caller, uint32_t fid, uint64_t a1, uint64_t a2,
		    uint64_t a3)
{
	struct vcpu_regs regs = { .x = { fid, a1, a2, a3 } };

	psci_handle(&vm.vcpu[caller], &regs);
	return (int64_t)regs.x[0];
}

static void cpu_on_second_call_keeps_first_entry(void **state)
{
	(void)state;
	assert_int_equal(call(0, PSCI_CPU_ON | PSCI_64, 2, RAM_BASE + 0x1000,
			      0xaaaa),
			 SUCCESS);
	assert_int_equal(call(1, PSCI_CPU_ON | PSCI_64, 2, RAM_BASE + 0x2000,
			      0xbbbb),
			 ON_PENDING);
	assert_int_equal(vm.vcpu[2].boot_pc, RAM_BASE + 0x1000);
	assert_int_equal(vm.vcpu[2].boot_ctx, 0xaaaa);
	assert_int_equal(vm.vcpu[2].power, VCPU_ON_PENDING);
	assert_int_equal(kicks, 1);

	vm.vcpu[2].power = VCPU_ON;
	assert_int_equal(call(1, PSCI_CPU_ON, 2, RAM_BASE + 0x3000, 0xcccc),
			 ALREADY_ON);
	assert_int_equal(vm.vcpu[2].boot_pc, RAM_BASE + 0x1000);
	assert_int_equal(vm.vcpu[2].boot_ctx, 0xaaaa);
}

struct racer {
	unsigned caller;
	uint64_t pc, ctx;
	int64_t ret;
	pthread_barrier_t *go;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->go);
	r->ret = call(r->caller, PSCI_CPU_ON | PSCI_64, 2, r->pc, r->ctx);
	return NULL;
}

/*
 * vCPUs 0 and 1 race CPU_ON to vCPU 2, many times: one wins, and the entry
 * and context vCPU 2 would start with are both the winner's.
 */
static void cpu_on_race_never_mixes(void **state)
{
	pthread_barrier_t go;

	(void)state;
	pthread_barrier_init(&go, NULL, 2);
	for (unsigned i = 0; i < 2000; i++) {
		struct racer r[2] = {
			{ 0, RAM_BASE + 0x1000, 0xaaaa, 0, &go },
			{ 1, RAM_BASE + 0x2000, 0xbbbb, 0, &go },
		};
		pthread_t t[2];
		struct vcpu *v = &vm.vcpu[2];

		v->power = VCPU_OFF;
		v->boot_pc = v->boot_ctx = 0;
		for (unsigned k = 0; k < 2; k++)
			pthread_create(&t[k], NULL, race, &r[k]);
		for (unsigned k = 0; k < 2; k++)
			pthread_join(t[k], NULL);
		assert_true((r[0].ret == SUCCESS) != (r[1].ret == SUCCESS));
		for (unsigned k = 0; k < 2; k++) {
			if (r[k].ret != SUCCESS) {
				assert_int_equal(r[k].ret, ON_PENDING);
				continue;
			}
			assert_int_equal(v->boot_pc, r[k].pc);
			assert_int_equal(v->boot_ctx, r[k].ctx);
		}
	}
	pthread_barrier_destroy(&go);
}

/* Whether calling @fid is answered by something other than NOT_SUPPORTED. */
static bool answers(uint32_t fid)
{
	/* Arguments a call that exists accepts without side effects. */
	if (fid == PSCI_FEATURES)
		return call(0, fid, PSCI_VERSION, 0, 0) == SUCCESS;
	if (fid == SMCCC_ARCH_FEATURES)
		return call(0, fid, SMCCC_WA1, 0, 0) != NOT_SUPPORTED;
	if (setjmp(idled))
		return true; /* CPU_OFF, SYSTEM_OFF, SYSTEM_RESET(2) */
	return call(0, fid, 0, 0, 0) != NOT_SUPPORTED;
}

/*
 * PSCI_FEATURES says SUCCESS for exactly the PSCI functions (and
 * SMCCC_VERSION) that are implemented, each SMC32 and SMC64 ID apart.
 */
static void features_match_implemented(void **state)
{
	static const uint32_t expected[] = {
		0x84000000u, 0x84000002u, 0x84000003u, 0xc4000003u,
		0x84000004u, 0xc4000004u, 0x84000006u, 0x84000008u,
		0x84000009u, 0x8400000au, 0x84000012u, 0xc4000012u,
	};

	(void)state;
	for (unsigned smc64 = 0; smc64 < 2; smc64++) {
		uint32_t base = PSCI_VERSION | (smc64 ? PSCI_64 : 0);

		for (uint32_t fid = base; fid < base + 0x20; fid++) {
			bool want = false;

			for (unsigned i = 0;
			     i < sizeof(expected) / sizeof(expected[0]); i++)
				want = want || expected[i] == fid;
			vm.vcpu[2].power = VCPU_ON;
			if (call(0, PSCI_FEATURES, fid, 0, 0) !=
			    (want ? SUCCESS : NOT_SUPPORTED))
				fail_msg("PSCI_FEATURES(0x%x) wrong", fid);
			if (answers(fid) != want)
				fail_msg("0x%x: call and PSCI_FEATURES "
					 "disagree",
					 fid);
		}
	}
	assert_int_equal(call(0, PSCI_FEATURES, SMCCC_VERSION, 0, 0), SUCCESS);
	assert_int_equal(call(0, PSCI_FEATURES, SMCCC_ARCH_FEATURES, 0, 0),
			 NOT_SUPPORTED);
	assert_int_equal(call(0, PSCI_FEATURES, SMCCC_WA1, 0, 0),
			 NOT_SUPPORTED);
	firmware(false, NOT_SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED);
	assert_int_equal(call(0, PSCI_FEATURES, SMCCC_VERSION, 0, 0),
			 NOT_SUPPORTED);
	assert_int_equal(call(0, SMCCC_VERSION, 0, 0, 0), NOT_SUPPORTED);
}

/*
 * WORKAROUND_2 as KVM does it: the guest is told the mitigation is not
 * required where the hypervisor keeps it on, and a call to switch it off
 * never reaches the firmware.
 */
static void workaround2_stays_with_the_hypervisor(void **state)
{
	(void)state;
	/* Firmware with the dynamic mitigation. */
	firmware(true, SUCCESS, SUCCESS, NOT_SUPPORTED);
	psci_cpu_mitigate();
	assert_int_equal(fw.wa2_calls, 1);
	assert_int_equal(fw.wa2_last_arg, 1);
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, SMCCC_WA2, 0, 0),
			 NOT_REQUIRED);
	assert_int_equal(call(0, SMCCC_WA2, 0, 0, 0), NOT_SUPPORTED);
	assert_int_equal(call(0, SMCCC_WA2 | PSCI_64, 0, 0, 0), NOT_SUPPORTED);
	assert_int_equal(fw.wa2_calls, 1);
	assert_int_equal(fw.wa2_last_arg, 1);

	/* The other answers are the firmware's. */
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, SMCCC_WA1, 0, 0),
			 SUCCESS);
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, SMCCC_WA3, 0, 0),
			 NOT_SUPPORTED);
	assert_int_equal(call(0, SMCCC_WA3, 0, 0, 0), NOT_SUPPORTED);
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, 0x80000002u, 0, 0),
			 NOT_SUPPORTED);

	/* Not affected, or no mitigation at all. */
	firmware(true, SUCCESS, NOT_REQUIRED, SUCCESS);
	psci_cpu_mitigate();
	assert_int_equal(fw.wa2_calls, 0);
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, SMCCC_WA2, 0, 0),
			 NOT_REQUIRED);
	firmware(true, SUCCESS, NOT_SUPPORTED, SUCCESS);
	assert_int_equal(call(0, SMCCC_ARCH_FEATURES, SMCCC_WA2, 0, 0),
			 NOT_SUPPORTED);
	assert_int_equal(call(0, SMCCC_WA2, 0, 0, 0), NOT_SUPPORTED);
	assert_int_equal(fw.wa2_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(cpu_on_second_call_keeps_first_entry,
				       setup),
		cmocka_unit_test_setup(cpu_on_race_never_mixes, setup),
		cmocka_unit_test_setup(features_match_implemented, setup),
		cmocka_unit_test_setup(workaround2_stays_with_the_hypervisor,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
