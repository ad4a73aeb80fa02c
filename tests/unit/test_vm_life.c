/* SPDX-License-Identifier: MIT */
/* The VM life state machine: every transition, and requests that race one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/errno.h"
#include "hv/vm_life.h"

static struct vm_life running(void)
{
	return (struct vm_life){ .state = VM_RUNNING };
}

static void req(struct vm_life *l, enum vm_request r, int ret,
		enum vm_action want)
{
	enum vm_action a;

	assert_int_equal(vm_life_request(l, r, VM_CAUSE_SHELL, &a), ret);
	assert_int_equal(a, want);
}

static void boot_start(void **state)
{
	struct vm_life l = { .state = VM_STOPPED };

	(void)state;
	req(&l, VM_REQ_START, 0, VM_ACT_LOAD);
	assert_int_equal(l.state, VM_STARTING);
	assert_int_equal(vm_life_loaded(&l), VM_ACT_ENTER);
	assert_int_equal(l.state, VM_RUNNING);
	assert_int_equal(l.restarts, 0);
}

static void stop_then_start(void **state)
{
	struct vm_life l = running();

	(void)state;
	req(&l, VM_REQ_STOP, 0, VM_ACT_PARK);
	assert_int_equal(l.state, VM_STOPPING);
	assert_int_equal(vm_life_parked(&l), VM_ACT_NONE);
	assert_int_equal(l.state, VM_STOPPED);
	req(&l, VM_REQ_STOP, -HV_EBUSY, VM_ACT_NONE);
	req(&l, VM_REQ_START, 0, VM_ACT_LOAD);
	assert_int_equal(vm_life_loaded(&l), VM_ACT_ENTER);
	assert_int_equal(l.state, VM_RUNNING);
}

static void restart_counts(void **state)
{
	struct vm_life l = running();

	(void)state;
	for (unsigned i = 1; i <= 3; i++) {
		req(&l, VM_REQ_RESTART, 0, VM_ACT_PARK);
		assert_int_equal(vm_life_parked(&l), VM_ACT_LOAD);
		assert_int_equal(l.state, VM_STARTING);
		assert_int_equal(vm_life_loaded(&l), VM_ACT_ENTER);
		assert_int_equal(l.restarts, i);
	}
	assert_int_equal(l.cause, VM_CAUSE_SHELL);
}

static void start_while_running_is_refused(void **state)
{
	struct vm_life l = running();

	(void)state;
	req(&l, VM_REQ_START, -HV_EBUSY, VM_ACT_NONE);
	assert_int_equal(l.state, VM_RUNNING);
}

static void stop_during_restart_wins(void **state)
{
	struct vm_life l = running();

	(void)state;
	req(&l, VM_REQ_RESTART, 0, VM_ACT_PARK);
	/* The operator stops it while the vCPUs are still parking. */
	req(&l, VM_REQ_STOP, 0, VM_ACT_NONE);
	assert_int_equal(vm_life_parked(&l), VM_ACT_NONE);
	assert_int_equal(l.state, VM_STOPPED);
}

static void restart_during_stop_wins(void **state)
{
	struct vm_life l = running();

	(void)state;
	req(&l, VM_REQ_STOP, 0, VM_ACT_PARK);
	/* A second request while parking: no second park is asked for. */
	req(&l, VM_REQ_RESTART, 0, VM_ACT_NONE);
	assert_int_equal(vm_life_parked(&l), VM_ACT_LOAD);
	assert_int_equal(vm_life_loaded(&l), VM_ACT_ENTER);
}

static void stop_during_load_takes_effect_after(void **state)
{
	struct vm_life l = { .state = VM_STOPPED };

	(void)state;
	req(&l, VM_REQ_START, 0, VM_ACT_LOAD);
	req(&l, VM_REQ_STOP, 0, VM_ACT_NONE);
	assert_int_equal(vm_life_loaded(&l), VM_ACT_NONE);
	assert_int_equal(l.state, VM_STOPPED);
	/* And a restart during a load does not load twice. */
	req(&l, VM_REQ_START, 0, VM_ACT_LOAD);
	req(&l, VM_REQ_RESTART, 0, VM_ACT_NONE);
	assert_int_equal(vm_life_loaded(&l), VM_ACT_ENTER);
}

static void stale_events_are_ignored(void **state)
{
	struct vm_life l = running();

	(void)state;
	/* A late "parked" or "loaded" from another CPU changes nothing. */
	assert_int_equal(vm_life_parked(&l), VM_ACT_NONE);
	assert_int_equal(vm_life_loaded(&l), VM_ACT_NONE);
	assert_int_equal(l.state, VM_RUNNING);
	req(&l, VM_REQ_STOP, 0, VM_ACT_PARK);
	assert_int_equal(vm_life_parked(&l), VM_ACT_NONE);
	assert_int_equal(vm_life_parked(&l), VM_ACT_NONE);
	assert_int_equal(l.state, VM_STOPPED);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(vm_state_name(VM_STOPPING), "stopping");
	assert_string_equal(vm_cause_name(VM_CAUSE_CRASH), "guest crash");
	assert_string_equal(vm_state_name((enum vm_state)42), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_start),
		cmocka_unit_test(stop_then_start),
		cmocka_unit_test(restart_counts),
		cmocka_unit_test(start_while_running_is_refused),
		cmocka_unit_test(stop_during_restart_wins),
		cmocka_unit_test(restart_during_stop_wins),
		cmocka_unit_test(stop_during_load_takes_effect_after),
		cmocka_unit_test(stale_events_are_ignored),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests_name("vm_life", tests, NULL, NULL);
}
