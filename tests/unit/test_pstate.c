/* SPDX-License-Identifier: MIT */
/*
 * The PSTATE an injected exception starts the guest's EL1 with
 * (hv/arch/aarch64/pstate.c) is the one the hardware would give it on a
 * real exception entry (Arm ARM D1.3.5, AArch64.TakeException()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arch/pstate.h"

#define EL1H_DAIF 0x3c5ull
#define EL0T 0x0ull
#define EL1H 0x5ull
#define NZCV (0xfull << 28)
#define BTYPE (3ull << 10)
#define SSBS (1ull << 12)
#define ALLINT (1ull << 13)
#define IL (1ull << 20)
#define SS (1ull << 21)
#define PAN (1ull << 22)
#define UAO (1ull << 23)
#define DIT (1ull << 24)
#define TCO (1ull << 25)
#define SPSR32_USR 0x10ull
#define SPSR32_T (1ull << 5)
#define SPSR32_GE (0xfull << 16)
#define SPSR32_Q (1ull << 27)
#define SPSR32_DIT (1ull << 21)
#define SPAN (1ull << 23)
#define DSSBS (1ull << 44)
#define SPINTMASK (1ull << 62)
#define ALL \
	(PSTATE_FEAT_PAN | PSTATE_FEAT_SSBS | PSTATE_FEAT_MTE | PSTATE_FEAT_NMI)

/* A CPU without the optional features: EL1h with D, A, I, F, flags kept. */
static void base_architecture(void **state)
{
	(void)state;
	assert_int_equal(pstate_el1_entry(EL0T, 0, 0), EL1H_DAIF);
	assert_int_equal(pstate_el1_entry(EL1H | NZCV | SS | IL, 0, 0),
			 EL1H_DAIF | NZCV);
}

/* PAN is set on entry unless SCTLR_EL1.SPAN is set; then it is kept. */
static void pan_follows_span(void **state)
{
	(void)state;
	assert_int_equal(pstate_el1_entry(EL0T, 0, PSTATE_FEAT_PAN),
			 EL1H_DAIF | PAN);
	assert_int_equal(pstate_el1_entry(EL0T, SPAN, PSTATE_FEAT_PAN),
			 EL1H_DAIF);
	assert_int_equal(pstate_el1_entry(EL1H | PAN, SPAN, PSTATE_FEAT_PAN),
			 EL1H_DAIF | PAN);
}

/* SSBS is SCTLR_EL1.DSSBS, whatever it was before. */
static void ssbs_is_dssbs(void **state)
{
	(void)state;
	assert_int_equal(pstate_el1_entry(EL0T | SSBS, 0, PSTATE_FEAT_SSBS),
			 EL1H_DAIF);
	assert_int_equal(pstate_el1_entry(EL0T, DSSBS, PSTATE_FEAT_SSBS),
			 EL1H_DAIF | SSBS);
}

/* UAO, BTYPE, SS, IL cleared; DIT kept; TCO set; ALLINT = !SPINTMASK. */
static void the_other_bits(void **state)
{
	uint64_t old = EL1H | UAO | BTYPE | SS | IL | DIT | NZCV;

	(void)state;
	assert_int_equal(pstate_el1_entry(old, SPAN, PSTATE_FEAT_MTE),
			 EL1H_DAIF | DIT | NZCV | TCO);
	assert_int_equal(pstate_el1_entry(EL0T, 0, PSTATE_FEAT_NMI),
			 EL1H_DAIF | ALLINT);
	assert_int_equal(pstate_el1_entry(EL0T, SPINTMASK, PSTATE_FEAT_NMI),
			 EL1H_DAIF);
	assert_int_equal(pstate_el1_entry(EL0T, DSSBS, ALL),
			 EL1H_DAIF | PAN | SSBS | TCO | ALLINT);
}

/* From AArch32 EL0: flags and PAN kept, DIT moved, the rest dropped. */
static void from_aarch32(void **state)
{
	uint64_t old = SPSR32_USR | SPSR32_T | SPSR32_GE | SPSR32_Q |
		       SPSR32_DIT | NZCV;

	(void)state;
	assert_int_equal(pstate_el1_entry(old, SPAN, PSTATE_FEAT_PAN),
			 EL1H_DAIF | NZCV | DIT);
	assert_int_equal(pstate_el1_entry(old | PAN, SPAN, PSTATE_FEAT_PAN),
			 EL1H_DAIF | NZCV | DIT | PAN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base_architecture),
		cmocka_unit_test(pan_follows_span),
		cmocka_unit_test(ssbs_is_dssbs),
		cmocka_unit_test(the_other_bits),
		cmocka_unit_test(from_aarch32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
