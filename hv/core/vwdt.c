/* SPDX-License-Identifier: MIT */
/*
 * The emulated SBSA Generic Watchdog (see hv/vwdt.h).  Refreshes trap, so a
 * guest that pets it every few seconds costs a trap every few seconds;
 * expiry is checked by the timer of the CPU that last wrote it, which
 * keeps running when the guest itself is wedged with interrupts off, and
 * while that CPU's vCPU is off (the idle loop serves its timer).  That
 * CPU is always one of the VM's own: a write traps on the writer's CPU,
 * and vwdt_tick() is only ever called for the VM of the CPU it runs on.
 */
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "hv/vwdt.h"

#define CTRL_WCS 0x000
#define CTRL_WOR 0x008
#define CTRL_WCV 0x010
#define CTRL_WCV_HI 0x014
#define REG_W_IIDR 0xfcc
#define REFRESH_WRR 0x1000
#define WCS_EN BIT(0)
#define WCS_WS0 BIT(1)
#define WCS_WS1 BIT(2)
/* W_IIDR: architecture version 0 (32-bit WOR), implementer Arm. */
#define W_IIDR_VALUE 0x0000043bu

/* Start a new period: the explicit refresh of DEN0029 §A.2. Lock held. */
static void refresh_locked(struct vwdt *w)
{
	w->wcs &= ~(uint32_t)(WCS_WS0 | WCS_WS1);
	w->wcv = arch_counter() + w->wor;
}

/* Arm the deadline on this CPU if it is the one that holds it. */
static void arm(const struct vwdt *w)
{
	if ((w->wcs & WCS_EN) && w->pcpu == arch_pcpu_id())
		arch_timer_arm(w->wcv);
}

static int vwdt_read(struct vcpu *vcpu, void *priv, uint64_t off,
		     unsigned size, uint64_t *val)
{
	struct vwdt *w = priv;

	(void)vcpu;
	if (size != 4 || !IS_ALIGNED(off, 4))
		return -HV_EFAULT;
	spin_lock(&w->lock);
	switch (off) {
	case CTRL_WCS:
		*val = w->wcs;
		break;
	case CTRL_WOR:
		*val = w->wor;
		break;
	case CTRL_WCV:
		*val = (uint32_t)w->wcv;
		break;
	case CTRL_WCV_HI:
		*val = w->wcv >> 32;
		break;
	case REG_W_IIDR:
	case REFRESH_WRR + REG_W_IIDR:
		*val = W_IIDR_VALUE;
		break;
	default:
		*val = 0;
		break;
	}
	spin_unlock(&w->lock);
	return 0;
}

static int vwdt_write(struct vcpu *vcpu, void *priv, uint64_t off,
		      unsigned size, uint64_t val)
{
	struct vwdt *w = priv;

	(void)vcpu;
	if (size != 4 || !IS_ALIGNED(off, 4))
		return -HV_EFAULT;
	spin_lock(&w->lock);
	/* From now on the deadline lives on the writer's CPU, one of the VM's. */
	w->pcpu = arch_pcpu_id();
	switch (off) {
	case CTRL_WCS:
		w->wcs = (uint32_t)val & WCS_EN;
		refresh_locked(w);
		break;
	case CTRL_WOR:
		w->wor = (uint32_t)MIN(MAX(val & 0xffffffffu, w->min_wor),
				       w->max_wor);
		refresh_locked(w);
		break;
	case REFRESH_WRR:
		refresh_locked(w);
		break;
	default:
		break; /* read-only or reserved */
	}
	spin_unlock(&w->lock);
	arm(w);
	return 0;
}

static const struct mmio_ops vwdt_ops = {
	.read = vwdt_read,
	.write = vwdt_write,
};

void vwdt_reset(struct vwdt *w)
{
	spin_lock(&w->lock);
	w->wcs = 0;
	w->wor = (uint32_t)w->max_wor;
	w->wcv = 0;
	spin_unlock(&w->lock);
}

int vwdt_init(struct vm *vm)
{
	const struct shikiri_plan_vm *p = vm->plan;
	uint64_t hz = console_clock_hz();

	if (!p->watchdog_ipa)
		return 0;
	/* Both stages together last at most watchdog_ms. */
	vm->wdt.max_wor = MIN(hz / 1000 * p->watchdog_ms / 2, 0xffffffffull);
	/*
	 * The plan checker refuses watchdog_ms under 100, so the floor is
	 * below the cap; MIN() keeps it so for any plan all the same.
	 */
	vm->wdt.min_wor = MIN(hz / 1000 * VWDT_MIN_STAGE_MS, vm->wdt.max_wor);
	vm->wdt.pcpu = vm->vcpu[0].pcpu;
	vwdt_reset(&vm->wdt);
	return mmio_register(&vm->mmio, p->watchdog_ipa, VWDT_SIZE, &vwdt_ops,
			     &vm->wdt);
}

void vwdt_tick(struct vm *vm)
{
	struct vwdt *w;
	uint64_t now;
	bool bite = false;

	if (!vm || !vm->plan->watchdog_ipa || !vm_running(vm))
		return;
	w = &vm->wdt;
	now = arch_counter();
	spin_lock(&w->lock);
	if ((w->wcs & WCS_EN) && now >= w->wcv) {
		if (w->wcs & WCS_WS0) {
			w->wcs |= WCS_WS1;
			w->wcs &= ~(uint32_t)WCS_EN;
			bite = true;
		} else {
			w->wcs |= WCS_WS0;
			w->wcv = now + w->wor;
		}
	}
	spin_unlock(&w->lock);
	if (bite) {
		hv_log("vm %s: watchdog expired", vm->name);
		vm_request_policy(vm, VM_CAUSE_WATCHDOG);
	} else {
		arm(w);
	}
}
