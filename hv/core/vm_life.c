/* SPDX-License-Identifier: MIT */
#include "hv/errno.h"
#include "hv/vm_life.h"

int vm_life_request(struct vm_life *l, enum vm_request req,
		    enum vm_cause cause, enum vm_action *action)
{
	bool start = req != VM_REQ_STOP;

	*action = VM_ACT_NONE;
	switch (l->state) {
	case VM_STOPPED:
		if (!start)
			return -HV_EBUSY;
		l->state = VM_STARTING;
		l->then_stop = false;
		*action = VM_ACT_LOAD;
		break;
	case VM_RUNNING:
		if (req == VM_REQ_START)
			return -HV_EBUSY;
		l->state = VM_STOPPING;
		l->then_start = start;
		*action = VM_ACT_PARK;
		break;
	case VM_STOPPING:
		/* The latest wish wins; parking is under way either way. */
		l->then_start = start;
		break;
	case VM_STARTING:
		/* Loading is under way: a stop takes effect once it is done. */
		l->then_stop = !start;
		break;
	}
	l->cause = cause;
	return 0;
}

enum vm_action vm_life_parked(struct vm_life *l)
{
	if (l->state != VM_STOPPING)
		return VM_ACT_NONE;
	if (!l->then_start) {
		l->state = VM_STOPPED;
		return VM_ACT_NONE;
	}
	l->state = VM_STARTING;
	l->then_stop = false;
	l->restarts++;
	return VM_ACT_LOAD;
}

enum vm_action vm_life_loaded(struct vm_life *l)
{
	if (l->state != VM_STARTING)
		return VM_ACT_NONE;
	if (l->then_stop) {
		/* Nothing entered the guest yet: stopped at once. */
		l->state = VM_STOPPED;
		return VM_ACT_NONE;
	}
	l->state = VM_RUNNING;
	return VM_ACT_ENTER;
}

const char *vm_state_name(enum vm_state s)
{
	static const char *const names[] = {
		[VM_STOPPED] = "stopped",
		[VM_STARTING] = "starting",
		[VM_RUNNING] = "running",
		[VM_STOPPING] = "stopping",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *vm_cause_name(enum vm_cause c)
{
	static const char *const names[] = {
		[VM_CAUSE_BOOT] = "boot",
		[VM_CAUSE_SHELL] = "console shell",
		[VM_CAUSE_MANAGER] = "managing VM",
		[VM_CAUSE_GUEST_RESET] = "guest reset",
		[VM_CAUSE_GUEST_POWEROFF] = "guest power-off",
		[VM_CAUSE_CRASH] = "guest crash",
		[VM_CAUSE_FAULT] = "guest fault",
		[VM_CAUSE_WATCHDOG] = "watchdog",
	};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}
