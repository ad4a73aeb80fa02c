/* SPDX-License-Identifier: MIT */
/*
 * Trapped system register emulation (sysreg_trap.c) on the host: the
 * descriptor table, register transfer, what is UNDEFINED, and a sweep of
 * random syndromes, on the fake hardware (hv/arch/fake/sysreg_hw.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/inject.h"
#include "arch/sysreg_hw.h"
#include "arch/sysreg_trap.h"
#include "arch/vgic.h"
#include "fake_sysreg_hw.h"
#include "hv/vm.h"
#include "sysreg.h"

#define PC 0x40001000ull

/* What the code under test asked of the guest side. */
static struct {
	unsigned undefs, sgis;
	uint64_t sgi_val;
} guest;

#define hw fake_sysreg_hw

void inject_undef(struct vcpu_regs *regs)
{
	(void)regs;
	guest.undefs++;
}

void vgic_send_sgi(struct vcpu *vcpu, uint64_t val)
{
	(void)vcpu;
	guest.sgis++;
	guest.sgi_val = val;
}

unsigned arch_pcpu_id(void)
{
	return 1;
}

static struct vcpu vcpu = { .pcpu = 1 };
static struct vcpu_regs regs;

static uint64_t esr(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
		    unsigned op2, unsigned rt, bool read)
{
	return (uint64_t)EC_SYS64 << 26 | ESR_IL | (uint64_t)op0 << 20 |
	       (uint64_t)op2 << 17 | (uint64_t)op1 << 14 | (uint64_t)crn << 10 |
	       (uint64_t)rt << 5 | (uint64_t)crm << 1 | read;
}

/* Run one trapped access; return whether it was emulated (not UNDEF). */
static bool trap(uint64_t e)
{
	unsigned undefs = guest.undefs;

	regs.elr = PC;
	sysreg_trap_handle(&vcpu, &regs, e);
	if (guest.undefs != undefs) {
		assert_int_equal(regs.elr, PC); /* inject_undef() takes it */
		return false;
	}
	assert_int_equal(regs.elr, PC + 4);
	return true;
}

/* A CPU with PMUv3 at @pmuver (ID_AA64DFR0_EL1) and AArch32 at EL0. */
static int cpu_with_pmu(unsigned pmuver)
{
	memset(&hw, 0, sizeof(hw));
	memset(&guest, 0, sizeof(guest));
	memset(&regs, 0, sizeof(regs));
	hw.id[4][0] = 0x22;
	hw.id[5][0] = (uint64_t)pmuver << 8;
	sysreg_trap_init();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return cpu_with_pmu(6);
}

static void ras_records_read_as_zero_ignore_writes(void **state)
{
	(void)state;
	regs.x[3] = 0xdead;
	assert_true(trap(esr(3, 0, 5, 3, 0, 3, true))); /* ERRIDR */
	assert_int_equal(regs.x[3], 0);
	regs.x[4] = 1;
	assert_true(trap(esr(3, 0, 5, 3, 1, 4, false))); /* ERRSELR */
	for (unsigned crm = 4; crm <= 5; crm++)
		for (unsigned op2 = 0; op2 < 8; op2++) {
			regs.x[7] = ~0ull;
			assert_true(trap(esr(3, 0, 5, crm, op2, 7, false)));
			assert_true(trap(esr(3, 0, 5, crm, op2, 7, true)));
			assert_int_equal(regs.x[7], 0);
		}
	assert_int_equal(hw.id_reads, 2); /* only sysreg_trap_init()'s */
}

static void id_registers_are_sanitized(void **state)
{
	(void)state;
	hw.id[4][1] = ~0ull; /* ID_AA64PFR1: MTE, SME ... */
	assert_true(trap(esr(3, 0, 0, 4, 1, 2, true)));
	assert_int_equal((regs.x[2] >> 8) & 0xf, 3);  /* MTE: at most MTE3 */
	assert_int_equal((regs.x[2] >> 24) & 0xf, 0); /* SME */
	assert_int_equal(regs.x[2] & 0xf, 0xf);	      /* BT passes */
	/* Reserved and unlisted encodings: zero, the hardware not asked. */
	hw.id_reads = 0;
	hw.id[3][3] = hw.id[4][5] = ~0ull;
	assert_true(trap(esr(3, 0, 0, 3, 3, 2, true)));
	assert_int_equal(regs.x[2], 0);
	assert_true(trap(esr(3, 0, 0, 4, 5, 2, true)));
	assert_int_equal(regs.x[2], 0);
	assert_int_equal(hw.id_reads, 0);
	/* ID registers are read-only. */
	assert_false(trap(esr(3, 0, 0, 4, 1, 2, false)));
}

static void actlr_reads_firmware_value_ignores_writes(void **state)
{
	(void)state;
	hw.actlr = 0x1234;
	regs.x[9] = ~0ull;
	assert_true(trap(esr(3, 0, 1, 0, 1, 9, false)));
	assert_true(trap(esr(3, 0, 1, 0, 1, 9, true)));
	assert_int_equal(regs.x[9], 0x1234);
}

static void set_way_is_one_line_invalidate_cleans(void **state)
{
	(void)state;
	regs.x[1] = 0x80000042;
	assert_true(trap(esr(1, 0, 7, 6, 2, 1, false))); /* DC ISW */
	assert_int_equal(hw.dc_setway, 0x80000042);
	assert_true(hw.dc_invalidate);
	assert_true(trap(esr(1, 0, 7, 10, 2, 1, false))); /* DC CSW */
	assert_false(hw.dc_invalidate);
	assert_true(trap(esr(1, 0, 7, 14, 2, 1, false))); /* DC CISW */
	assert_true(hw.dc_invalidate);
	assert_int_equal(hw.dc_calls, 3);
}

static void pmcr_keeps_dp_on_pmuv3p1(void **state)
{
	(void)state;
	cpu_with_pmu(4);
	regs.x[0] = 0x7; /* E, P, C; DP clear */
	assert_true(trap(esr(3, 3, 9, 12, 0, 0, false)));
	assert_int_equal(hw.pmcr, 0x7 | PMCR_DP);
	assert_true(trap(esr(3, 3, 9, 12, 0, 5, true)));
	assert_int_equal(regs.x[5], 0x7 | PMCR_DP);
	/* Hidden PMU (PMUv3 without p1): UNDEFINED. */
	cpu_with_pmu(1);
	assert_false(trap(esr(3, 3, 9, 12, 0, 0, false)));
	assert_false(trap(esr(3, 3, 9, 12, 0, 0, true)));
	assert_int_equal(hw.pmcr, 0);
	/* Any other PMU register trapped by MDCR_EL2.TPM: UNDEFINED. */
	assert_false(trap(esr(3, 3, 9, 13, 0, 0, true))); /* PMCCNTR_EL0 */
}

static void sgis_and_xzr(void **state)
{
	(void)state;
	regs.x[6] = 0x10001;
	assert_true(trap(esr(3, 0, 12, 11, 5, 6, false))); /* ICC_SGI1R */
	assert_int_equal(guest.sgi_val, 0x10001);
	assert_true(trap(esr(3, 0, 12, 11, 5, 31, false))); /* from XZR */
	assert_int_equal(guest.sgi_val, 0);
	assert_false(trap(esr(3, 0, 12, 11, 5, 6, true)));
	assert_true(trap(esr(3, 0, 12, 11, 7, 6, false))); /* ICC_SGI0R */
	assert_int_equal(guest.sgis, 2);
	/* A read into XZR is discarded (x[] has no slot 31: ASan checks). */
	assert_true(trap(esr(3, 0, 5, 3, 0, 31, true)));
}

static void unknown_is_undefined_and_counted(void **state)
{
	uint64_t before = vcpu.stats.exits[ARCH_EXIT_SYSREG];

	(void)state;
	assert_false(trap(esr(3, 1, 15, 2, 0, 0, true))); /* IMPDEF */
	assert_false(trap(esr(3, 0, 10, 4, 7, 0, true))); /* LORID_EL1 */
	assert_false(trap(esr(3, 0, 9, 9, 0, 0, false))); /* PMSCR_EL1 */
	assert_false(trap(esr(3, 1, 0, 0, 1, 0, false))); /* CCSIDR write */
	assert_int_equal(vcpu.stats.exits[ARCH_EXIT_SYSREG], before + 4);
}

/* Any syndrome: emulated or UNDEFINED, never anything else. */
static void random_syndromes(void **state)
{
	(void)state;
	srand(9);
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t iss = ((uint64_t)rand() << 16 ^ (uint64_t)rand()) &
			       0x1ffffff;

		for (unsigned r = 0; r < 31; r++)
			regs.x[r] = (uint64_t)rand();
		trap((uint64_t)EC_SYS64 << 26 | ESR_IL | iss);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(ras_records_read_as_zero_ignore_writes,
				       setup),
		cmocka_unit_test_setup(id_registers_are_sanitized, setup),
		cmocka_unit_test_setup(
			actlr_reads_firmware_value_ignores_writes, setup),
		cmocka_unit_test_setup(set_way_is_one_line_invalidate_cleans,
				       setup),
		cmocka_unit_test_setup(pmcr_keeps_dp_on_pmuv3p1, setup),
		cmocka_unit_test_setup(sgis_and_xzr, setup),
		cmocka_unit_test_setup(unknown_is_undefined_and_counted, setup),
		cmocka_unit_test_setup(random_syndromes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
