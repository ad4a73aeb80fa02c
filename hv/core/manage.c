/* SPDX-License-Identifier: MIT */
/*
 * The management page (include/shikiri/manage.h): a VM's window onto the
 * other VMs' lives.  Rights are the caller's `manage` mask from the plan;
 * anything malformed gets an error code in STATUS, never more.
 */
#include <string.h>

#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/manage.h"
#include "hv/vm.h"
#include "shikiri/manage.h"

static bool may_see(const struct vm *caller, unsigned target)
{
	return target == caller->id || (caller->plan->manage_mask & BIT(target));
}

static uint32_t state_code(enum vm_state s)
{
	switch (s) {
	case VM_STARTING:
		return SHIKIRI_MANAGE_STATE_STARTING;
	case VM_RUNNING:
		return SHIKIRI_MANAGE_STATE_RUNNING;
	case VM_STOPPING:
		return SHIKIRI_MANAGE_STATE_STOPPING;
	default:
		return SHIKIRI_MANAGE_STATE_STOPPED;
	}
}

static uint64_t info(struct vm *caller, uint64_t off, unsigned size)
{
	unsigned sel = caller->manage.select;
	const struct vm *t;
	uint64_t mem = 0, hz = console_clock_hz();

	if (sel >= vm_count) {
		caller->manage.status = SHIKIRI_MANAGE_ENOENT;
		return 0;
	}
	if (!may_see(caller, sel)) {
		caller->manage.status = SHIKIRI_MANAGE_EPERM;
		return 0;
	}
	t = &vms[sel];
	caller->manage.status = SHIKIRI_MANAGE_OK;
	if (off >= SHIKIRI_MANAGE_REG_NAME &&
	    off < SHIKIRI_MANAGE_REG_NAME + SHIKIRI_NAME_LEN) {
		uint64_t v = 0;

		memcpy(&v, t->name + (off - SHIKIRI_MANAGE_REG_NAME),
		       MIN(size, SHIKIRI_MANAGE_REG_NAME + SHIKIRI_NAME_LEN -
				       (unsigned)off));
		return v;
	}
	for (unsigned i = 0; i < t->plan->ram_count; i++)
		mem += t->plan->ram[i].size;
	switch (off) {
	case SHIKIRI_MANAGE_REG_STATE:
		return state_code(t->life.state);
	case SHIKIRI_MANAGE_REG_RESTARTS:
		return t->life.restarts;
	case SHIKIRI_MANAGE_REG_CPUS:
		return (uint32_t)t->plan->cpu_mask;
	case SHIKIRI_MANAGE_REG_CPUS_HI:
		return (uint32_t)(t->plan->cpu_mask >> 32);
	case SHIKIRI_MANAGE_REG_MEM_MB:
		return mem >> 20;
	case SHIKIRI_MANAGE_REG_UPTIME_MS:
		return vm_running(t) && hz ?
			       (uint32_t)((arch_counter() - t->started_at) /
					  (hz / 1000)) :
			       0;
	default:
		return 0;
	}
}

static int manage_read(struct vcpu *vcpu, void *priv, uint64_t off,
		       unsigned size, uint64_t *val)
{
	struct vm *caller = priv;

	(void)vcpu;
	if (size > 4 || !IS_ALIGNED(off, size) ||
	    (size != 4 && (off < SHIKIRI_MANAGE_REG_NAME ||
			   off >= SHIKIRI_MANAGE_REG_NAME + SHIKIRI_NAME_LEN)))
		return -HV_EFAULT;
	switch (off) {
	case SHIKIRI_MANAGE_REG_MAGIC:
		*val = SHIKIRI_MANAGE_MAGIC;
		break;
	case SHIKIRI_MANAGE_REG_VERSION:
		*val = SHIKIRI_MANAGE_VERSION;
		break;
	case SHIKIRI_MANAGE_REG_SELF:
		*val = caller->id;
		break;
	case SHIKIRI_MANAGE_REG_COUNT:
		*val = vm_count;
		break;
	case SHIKIRI_MANAGE_REG_SELECT:
		*val = caller->manage.select;
		break;
	case SHIKIRI_MANAGE_REG_STATUS:
		*val = (uint32_t)caller->manage.status;
		break;
	default:
		*val = off >= SHIKIRI_MANAGE_REG_STATE ? info(caller, off, size) : 0;
		break;
	}
	return 0;
}

static int32_t command(struct vm *caller, uint32_t cmd)
{
	unsigned sel = caller->manage.select;
	enum vm_request req;

	switch (cmd) {
	case SHIKIRI_MANAGE_CMD_START:
		req = VM_REQ_START;
		break;
	case SHIKIRI_MANAGE_CMD_STOP:
		req = VM_REQ_STOP;
		break;
	case SHIKIRI_MANAGE_CMD_RESTART:
		req = VM_REQ_RESTART;
		break;
	default:
		return SHIKIRI_MANAGE_EINVAL;
	}
	if (sel >= vm_count)
		return SHIKIRI_MANAGE_ENOENT;
	if (!(caller->plan->manage_mask & BIT(sel)))
		return SHIKIRI_MANAGE_EPERM;
	return vm_request(&vms[sel], req, VM_CAUSE_MANAGER) ?
		       SHIKIRI_MANAGE_EBUSY :
		       SHIKIRI_MANAGE_OK;
}

static int manage_write(struct vcpu *vcpu, void *priv, uint64_t off,
			unsigned size, uint64_t val)
{
	struct vm *caller = priv;

	(void)vcpu;
	if (size != 4 || !IS_ALIGNED(off, 4))
		return -HV_EFAULT;
	switch (off) {
	case SHIKIRI_MANAGE_REG_SELECT:
		caller->manage.select = (uint32_t)val;
		caller->manage.status = (uint32_t)val < vm_count ?
						SHIKIRI_MANAGE_OK :
						SHIKIRI_MANAGE_ENOENT;
		break;
	case SHIKIRI_MANAGE_REG_COMMAND:
		caller->manage.status = command(caller, (uint32_t)val);
		break;
	default:
		/* Read-only or unused: ignored, as on a real device. */
		caller->manage.status = SHIKIRI_MANAGE_EINVAL;
		break;
	}
	return 0;
}

static const struct mmio_ops manage_ops = {
	.read = manage_read,
	.write = manage_write,
};

int manage_init(struct vm *vm)
{
	if (!vm->plan->manage_ipa)
		return 0;
	return mmio_register(&vm->mmio, vm->plan->manage_ipa,
			     SHIKIRI_MANAGE_SIZE, &manage_ops, vm);
}
