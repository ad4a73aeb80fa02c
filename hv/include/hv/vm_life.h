/* SPDX-License-Identifier: MIT */
#ifndef HV_VM_LIFE_H
#define HV_VM_LIFE_H

#include <stdbool.h>

/*
 * A VM's life as a pure state machine, so every transition (and every
 * request that races one) is decided in one place and unit-tested:
 *
 *   STOPPED --start/restart--> STARTING --loaded--> RUNNING
 *   RUNNING --stop/restart--> STOPPING --parked--> STOPPED or STARTING
 *
 * STOPPING waits for every vCPU to park on its own CPU; STARTING is the
 * scrub and reload of the VM's memory, done on one of the VM's own CPUs.
 * The caller holds the VM's lock around every call and performs the
 * returned action after dropping it.
 */
enum vm_state {
	VM_STOPPED,
	VM_STARTING,
	VM_RUNNING,
	VM_STOPPING,
};

enum vm_request {
	VM_REQ_START,
	VM_REQ_STOP,
	VM_REQ_RESTART,
};

/** What the caller must do after a transition. */
enum vm_action {
	VM_ACT_NONE,
	VM_ACT_PARK,  /* make every vCPU leave the guest (kick their CPUs) */
	VM_ACT_LOAD,  /* scrub, reload, reset devices; then vm_life_loaded() */
	VM_ACT_ENTER, /* start vCPU 0 */
};

/** Why the VM last changed state, for logs and `list`. */
enum vm_cause {
	VM_CAUSE_BOOT,
	VM_CAUSE_SHELL,
	VM_CAUSE_MANAGER,
	VM_CAUSE_GUEST_RESET,
	VM_CAUSE_GUEST_POWEROFF,
	VM_CAUSE_CRASH,
	VM_CAUSE_FAULT,
	VM_CAUSE_WATCHDOG,
};

struct vm_life {
	enum vm_state state;
	bool then_start; /**< STOPPING: start again once parked */
	bool then_stop;  /**< STARTING: stop again once loaded */
	enum vm_cause cause;
	unsigned restarts; /**< completed restarts since boot */
};

/**
 * vm_life_request() - Ask for @req, because of @cause.
 * @action: set to what the caller must do.
 * Return: 0 when accepted (possibly merged into a transition under way),
 * -HV_EBUSY when it makes no sense now (start a running VM, stop a stopped
 * one).
 */
int vm_life_request(struct vm_life *l, enum vm_request req,
		    enum vm_cause cause, enum vm_action *action);

/** vm_life_parked() - Every vCPU has parked (STOPPING only). */
enum vm_action vm_life_parked(struct vm_life *l);

/** vm_life_loaded() - The reload is done (STARTING only). */
enum vm_action vm_life_loaded(struct vm_life *l);

/** vm_state_name() - "running", "stopped", ... */
const char *vm_state_name(enum vm_state s);

/** vm_cause_name() - "guest reset", "crash", ... */
const char *vm_cause_name(enum vm_cause c);

#endif /* HV_VM_LIFE_H */
