/* SPDX-License-Identifier: MIT */
/*
 * Virtual xAPIC (Intel SDM vol. 3 chapter 11; AMD APM vol. 2 chapter 16).
 * Each vCPU's local APIC is a register model; interrupts move between the
 * VM's vlapics only through vlapic_deliver(), which resolves destinations
 * among the VM's own vlapics, so a guest cannot name another VM's CPU.
 * Effects outside the model (kicking a vCPU, NMI, INIT, SIPI, EOI of a
 * level-triggered interrupt) go through the VM's vlapic_ops.
 *
 * The timer counts at 1 GHz divided by TDCR (as QEMU's APIC does), so
 * counts and nanoseconds convert by shifts.
 */
#include "arch/vlapic.h"
#include "hv/errno.h"

#define APIC_ID 0x020
#define APIC_VER 0x030
#define APIC_TPR 0x080
#define APIC_APR 0x090
#define APIC_PPR 0x0a0
#define APIC_EOI 0x0b0
#define APIC_LDR 0x0d0
#define APIC_DFR 0x0e0
#define APIC_SVR 0x0f0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT 0x320 /* six at 0x10 apart: timer .. error */
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

/* Version 0x14 (integrated APIC), six LVT entries (max LVT index 5). */
#define APIC_VERSION 0x00050014u

#define SVR_ENABLE BIT(8)
#define LVT_MASKED BIT(16)
#define LVT_PERIODIC BIT(17)
#define ICR_LOGICAL BIT(11)
#define ICR_LEVEL_ASSERT BIT(14)
#define ICR_LEVEL_TRIG BIT(15)

#define ESR_SEND_ILLEGAL BIT(5)
#define ESR_RECV_ILLEGAL BIT(6)
#define ESR_ILLEGAL_REG BIT(7)

enum lvt_index {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PERF,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_COUNT
};

/* Writable bits of each LVT entry (SDM figure 11-8); no TSC-deadline. */
static const uint32_t lvt_writable[LVT_COUNT] = {
	[LVT_TIMER] = 0x300ff, [LVT_THERMAL] = 0x107ff, [LVT_PERF] = 0x107ff,
	[LVT_LINT0] = 0x1a7ff, [LVT_LINT1] = 0x1a7ff,	[LVT_ERROR] = 0x100ff,
};

static bool test_vec(const uint32_t *bits, unsigned vec)
{
	return (bits[vec / 32] >> (vec % 32)) & 1;
}

static void set_vec(uint32_t *bits, unsigned vec)
{
	bits[vec / 32] |= 1u << (vec % 32);
}

static void clear_vec(uint32_t *bits, unsigned vec)
{
	bits[vec / 32] &= ~(1u << (vec % 32));
}

/* The highest vector set in @bits, or -1. */
static int highest(const uint32_t *bits)
{
	for (int i = 7; i >= 0; i--) {
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	}
	return -1;
}

static bool sw_enabled(const struct vlapic *v)
{
	return (v->svr & SVR_ENABLE) != 0;
}

/* Processor priority (SDM 11.8.3.1). */
static uint32_t ppr(const struct vlapic *v)
{
	int isrv = highest(v->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (v->tpr & 0xf0) >= isr_class ? v->tpr & 0xff : isr_class;
}

/* Arbitration priority (SDM 11.6.2.4, P6 family and Pentium). */
static uint32_t apr(const struct vlapic *v)
{
	int irrv = highest(v->irr), isrv = highest(v->isr);
	uint32_t top = (uint32_t)(irrv > isrv ? irrv : isrv);

	if (irrv < 0 && isrv < 0)
		top = 0;
	return (v->tpr & 0xf0) >= (top & 0xf0) ? v->tpr & 0xff : top & 0xf0;
}

static unsigned timer_shift(const struct vlapic *v)
{
	unsigned d = (v->tdcr & 3) | ((v->tdcr >> 1) & 4);

	return (d + 1) & 7;
}

static uint64_t timer_period(const struct vlapic *v)
{
	uint64_t p = (uint64_t)v->tmict << timer_shift(v);

	if ((v->lvt[LVT_TIMER] & LVT_PERIODIC) && p < VLAPIC_MIN_PERIOD_NS)
		p = VLAPIC_MIN_PERIOD_NS;
	return p;
}

/* Make @vec pending in @v (SDM 11.5.1): IRR, and TMR for level. */
static void accept_irq(struct vlapic *v, unsigned vec, bool level);

/* An error (SDM 11.5.3): latched, and the error LVT's interrupt raised. */
static void error(struct vlapic *v, uint32_t bits)
{
	uint32_t lvt = v->lvt[LVT_ERROR];
	bool first = !(v->esr_pending & bits);

	v->esr_pending |= bits;
	/* An illegal error vector would raise an error about itself. */
	if (first && !(lvt & LVT_MASKED) && (lvt & 0xff) >= 16)
		accept_irq(v, lvt & 0xff, false);
}

static void accept_irq(struct vlapic *v, unsigned vec, bool level)
{
	if (vec < 16) {
		error(v, ESR_RECV_ILLEGAL);
		return;
	}
	set_vec(v->irr, vec);
	if (level)
		set_vec(v->tmr, vec);
	else
		clear_vec(v->tmr, vec);
}

void vlapic_reset(struct vlapic *v)
{
	struct vlapic_vm *vm = v->vm;
	uint8_t index = v->index;

	*v = (struct vlapic){ .vm = vm, .index = index };
	v->dfr = 0xffffffff;
	v->svr = 0xff;
	for (unsigned i = 0; i < LVT_COUNT; i++)
		v->lvt[i] = LVT_MASKED;
	v->timer_deadline = VLAPIC_NO_DEADLINE;
}

void vlapic_vm_init(struct vlapic_vm *vm, const struct vlapic_ops *ops,
		    void *ctx)
{
	*vm = (struct vlapic_vm){ .ops = ops, .ctx = ctx };
}

int vlapic_init(struct vlapic *v, struct vlapic_vm *vm, unsigned index)
{
	if (index >= VLAPIC_MAX_CPUS || vm->cpu[index])
		return -HV_EINVAL;
	*v = (struct vlapic){ .vm = vm, .index = (uint8_t)index };
	vlapic_reset(v);
	vm->cpu[index] = v;
	if (index >= vm->count)
		vm->count = index + 1;
	return 0;
}

/* Current count (SDM 11.5.4): counts down from TMICT at the divided rate. */
static uint32_t tmcct(const struct vlapic *v, uint64_t now)
{
	uint64_t elapsed, period = timer_period(v);

	if (v->timer_deadline == VLAPIC_NO_DEADLINE || !v->tmict)
		return 0;
	if (now < v->timer_start)
		return v->tmict;
	elapsed = now - v->timer_start;
	if (v->lvt[LVT_TIMER] & LVT_PERIODIC)
		elapsed %= period;
	else if (elapsed >= period)
		return 0;
	elapsed >>= timer_shift(v);
	return elapsed >= v->tmict ? 0 : v->tmict - (uint32_t)elapsed;
}

static void timer_start(struct vlapic *v, uint64_t now)
{
	v->timer_start = now;
	v->timer_deadline = v->tmict ? now + timer_period(v) :
				       VLAPIC_NO_DEADLINE;
}

void vlapic_timer_update(struct vlapic *v, uint64_t now)
{
	uint64_t period = timer_period(v);
	uint32_t lvt = v->lvt[LVT_TIMER];

	if (v->timer_deadline == VLAPIC_NO_DEADLINE || now < v->timer_deadline)
		return;
	if (!(lvt & LVT_MASKED))
		accept_irq(v, lvt & 0xff, false);
	if (!(lvt & LVT_PERIODIC)) {
		v->timer_deadline = VLAPIC_NO_DEADLINE;
		return;
	}
	/* Periods missed are coalesced: one interrupt, next deadline ahead. */
	v->timer_deadline += period * ((now - v->timer_deadline) / period + 1);
	v->timer_start = v->timer_deadline - period;
}

uint64_t vlapic_timer_deadline(const struct vlapic *v)
{
	return v->timer_deadline;
}

int vlapic_pending(const struct vlapic *v)
{
	int vec = highest(v->irr);

	if (vec < 0 || !sw_enabled(v))
		return -1;
	return ((uint32_t)vec & 0xf0) > (ppr(v) & 0xf0) ? vec : -1;
}

void vlapic_accept(struct vlapic *v, uint8_t vector)
{
	if (!test_vec(v->irr, vector))
		return;
	clear_vec(v->irr, vector);
	set_vec(v->isr, vector);
}

/* EOI (SDM 11.8.5): the highest in-service vector is done. */
static void eoi(struct vlapic *v)
{
	int vec = highest(v->isr);

	if (vec < 0)
		return;
	clear_vec(v->isr, (unsigned)vec);
	if (test_vec(v->tmr, (unsigned)vec)) {
		clear_vec(v->tmr, (unsigned)vec);
		if (v->vm->ops && v->vm->ops->eoi)
			v->vm->ops->eoi(v->vm->ctx, (uint8_t)vec);
	}
}

/* Whether @v answers to destination @dest (SDM 11.6.2). */
static bool matches(const struct vlapic *v, uint8_t dest, bool logical)
{
	uint8_t ldr = (uint8_t)(v->ldr >> 24);

	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == v->index;
	if ((v->dfr >> 28) == 0xf)
		return (ldr & dest) != 0;
	/* Cluster model: high nibble the cluster, low nibble a mask. */
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

uint64_t vlapic_targets(const struct vlapic_vm *vm,
			const struct vlapic_msg *msg)
{
	uint64_t mask = 0;

	for (unsigned i = 0; i < vm->count && i < VLAPIC_MAX_CPUS; i++) {
		const struct vlapic *v = vm->cpu[i];
		bool hit;

		if (!v)
			continue;
		switch (msg->shorthand & 3) {
		case VLAPIC_SELF:
			hit = i == msg->src;
			break;
		case VLAPIC_ALL:
			hit = true;
			break;
		case VLAPIC_OTHERS:
			hit = i != msg->src;
			break;
		default:
			hit = matches(v, msg->dest, msg->logical);
			break;
		}
		if (hit)
			mask |= BIT(i);
	}
	return mask;
}

/*
 * Lowest priority: one target of the lowest task priority; ties go round
 * robin, so no vCPU takes them all (SDM 11.6.2.4 leaves the choice open).
 */
static uint64_t lowest(struct vlapic_vm *vm, uint64_t mask)
{
	unsigned best = VLAPIC_MAX_CPUS;
	uint32_t best_tpr = 0x100;

	for (unsigned n = 0; n < VLAPIC_MAX_CPUS; n++) {
		unsigned i = (vm->lowest_next + n) % VLAPIC_MAX_CPUS;
		uint32_t tpr;

		/* A software-disabled APIC would drop it: not a candidate. */
		if (!(mask & BIT(i)) || !sw_enabled(vm->cpu[i]))
			continue;
		tpr = vm->cpu[i]->tpr & 0xf0;
		if (tpr < best_tpr) {
			best = i;
			best_tpr = tpr;
		}
	}
	if (best == VLAPIC_MAX_CPUS)
		return 0;
	vm->lowest_next = (best + 1) % VLAPIC_MAX_CPUS;
	return BIT(best);
}

unsigned vlapic_deliver(struct vlapic_vm *vm, const struct vlapic_msg *msg)
{
	const struct vlapic_ops *ops = vm->ops;
	uint64_t mask = vlapic_targets(vm, msg);
	unsigned n = 0;

	if (msg->mode == VLAPIC_LOWEST)
		mask = lowest(vm, mask);
	for (unsigned i = 0; i < VLAPIC_MAX_CPUS && mask; i++) {
		struct vlapic *v = vm->cpu[i];

		if (!(mask & BIT(i)))
			continue;
		mask &= ~BIT(i);
		switch (msg->mode) {
		case VLAPIC_FIXED:
		case VLAPIC_LOWEST:
			/* A software-disabled APIC takes no fixed interrupts. */
			if (!sw_enabled(v))
				continue;
			accept_irq(v, msg->vector, msg->level);
			if (ops && ops->kick)
				ops->kick(vm->ctx, i);
			break;
		case VLAPIC_NMI:
			if (ops && ops->nmi)
				ops->nmi(vm->ctx, i);
			break;
		case VLAPIC_INIT:
			vlapic_reset(v);
			if (ops && ops->init)
				ops->init(vm->ctx, i);
			break;
		case VLAPIC_SIPI:
			if (ops && ops->sipi)
				ops->sipi(vm->ctx, i, msg->vector);
			break;
		default: /* SMI, ExtINT and reserved modes: not emulated */
			continue;
		}
		n++;
	}
	if (!n)
		vm->dropped++;
	return n;
}

/* A write to ICR low sends the IPI (SDM 11.6.1). */
static void send_ipi(struct vlapic *v)
{
	struct vlapic_msg msg = {
		.vector = (uint8_t)v->icr_lo,
		.mode = (uint8_t)((v->icr_lo >> 8) & 7),
		.dest = (uint8_t)(v->icr_hi >> 24),
		.shorthand = (uint8_t)((v->icr_lo >> 18) & 3),
		.logical = (v->icr_lo & ICR_LOGICAL) != 0,
		.level = false,
		.assert = (v->icr_lo & ICR_LEVEL_ASSERT) != 0,
		.src = v->index,
	};

	/* INIT level de-assert only synchronizes arbitration IDs. */
	if (msg.mode == VLAPIC_INIT && !msg.assert &&
	    (v->icr_lo & ICR_LEVEL_TRIG))
		return;
	if ((msg.mode == VLAPIC_FIXED || msg.mode == VLAPIC_LOWEST) &&
	    msg.vector < 16) {
		error(v, ESR_SEND_ILLEGAL);
		return;
	}
	/* Lowest priority to self is invalid (SDM table 11-4). */
	if (msg.mode == VLAPIC_LOWEST && msg.shorthand == VLAPIC_SELF)
		return;
	vlapic_deliver(v->vm, &msg);
}

static void write_svr(struct vlapic *v, uint32_t val)
{
	v->svr = val & 0x3ff;
	/* Software disable masks every LVT entry (SDM 11.4.7.2). */
	if (!sw_enabled(v)) {
		for (unsigned i = 0; i < LVT_COUNT; i++)
			v->lvt[i] |= LVT_MASKED;
	}
}

static void write_lvt(struct vlapic *v, unsigned i, uint32_t val, uint64_t now)
{
	uint32_t old = v->lvt[i];

	val &= lvt_writable[i];
	if (!sw_enabled(v))
		val |= LVT_MASKED;
	v->lvt[i] = val;
	if (i == LVT_TIMER && ((old ^ val) & LVT_PERIODIC) &&
	    v->timer_deadline != VLAPIC_NO_DEADLINE)
		timer_start(v, now);
}

static bool reg_write(struct vlapic *v, uint32_t reg, uint32_t val,
		      uint64_t now)
{
	switch (reg) {
	case APIC_ID:
	case APIC_VER:
	case APIC_APR:
	case APIC_PPR:
	case APIC_TMCCT:
		return true; /* read-only: IDs are fixed by the layout */
	case APIC_TPR:
		v->tpr = val & 0xff;
		return true;
	case APIC_EOI:
		eoi(v);
		return true;
	case APIC_LDR:
		v->ldr = val & 0xff000000;
		return true;
	case APIC_DFR:
		v->dfr = val | 0x0fffffff;
		return true;
	case APIC_SVR:
		write_svr(v, val);
		return true;
	case APIC_ESR:
		/* A write moves the errors since the last one into ESR. */
		v->esr = v->esr_pending;
		v->esr_pending = 0;
		return true;
	case APIC_ICR_HI:
		v->icr_hi = val & 0xff000000;
		return true;
	case APIC_ICR_LO:
		v->icr_lo = val & 0x000ccfff;
		send_ipi(v);
		return true;
	case APIC_TMICT:
		v->tmict = val;
		timer_start(v, now);
		return true;
	case APIC_TDCR:
		v->tdcr = val & 0xb;
		if (v->timer_deadline != VLAPIC_NO_DEADLINE)
			v->timer_deadline = v->timer_start + timer_period(v);
		return true;
	default:
		break;
	}
	if (reg >= APIC_LVT && reg < APIC_LVT + 0x10 * LVT_COUNT) {
		write_lvt(v, (reg - APIC_LVT) / 0x10, val, now);
		return true;
	}
	/* ISR, TMR, IRR are read-only; anything else is not a register. */
	return reg >= APIC_ISR && reg < APIC_ESR;
}

/* The 32-bit register at @reg, or false when there is none. */
static bool reg_read(struct vlapic *v, uint32_t reg, uint64_t now,
		     uint32_t *val)
{
	switch (reg) {
	case APIC_ID:
		*val = (uint32_t)v->index << 24;
		return true;
	case APIC_VER:
		*val = APIC_VERSION;
		return true;
	case APIC_TPR:
		*val = v->tpr;
		return true;
	case APIC_APR:
		*val = apr(v);
		return true;
	case APIC_PPR:
		*val = ppr(v);
		return true;
	case APIC_EOI:
		*val = 0;
		return true;
	case APIC_LDR:
		*val = v->ldr;
		return true;
	case APIC_DFR:
		*val = v->dfr;
		return true;
	case APIC_SVR:
		*val = v->svr;
		return true;
	case APIC_ESR:
		*val = v->esr;
		return true;
	case APIC_ICR_LO:
		*val = v->icr_lo; /* delivery status: always idle */
		return true;
	case APIC_ICR_HI:
		*val = v->icr_hi;
		return true;
	case APIC_TMICT:
		*val = v->tmict;
		return true;
	case APIC_TMCCT:
		*val = tmcct(v, now);
		return true;
	case APIC_TDCR:
		*val = v->tdcr;
		return true;
	default:
		break;
	}
	if (reg >= APIC_ISR && reg < APIC_ESR) {
		unsigned i = (reg - APIC_ISR) / 0x10;
		const uint32_t *bank = i < 8  ? v->isr :
				       i < 16 ? v->tmr :
						v->irr;

		*val = bank[i % 8];
		return true;
	}
	if (reg >= APIC_LVT && reg < APIC_LVT + 0x10 * LVT_COUNT) {
		*val = v->lvt[(reg - APIC_LVT) / 0x10];
		return true;
	}
	return false;
}

int vlapic_read(struct vlapic *v, uint32_t off, unsigned size, uint64_t now_ns,
		uint64_t *val)
{
	uint32_t reg = off & ~0xfu, r = 0;
	unsigned shift = 8 * (off & 3);

	if (off >= VLAPIC_SIZE || size == 0 || size > 8)
		return -HV_ERANGE;
	vlapic_timer_update(v, now_ns);
	/* Only bytes 0-3 of each 16-byte slot hold the register. */
	if ((off & 0xf) < 4 && !reg_read(v, reg, now_ns, &r))
		r = 0;
	*val = (off & 0xf) < 4 ? (uint64_t)r >> shift : 0;
	if (size < 8)
		*val &= (1ull << (8 * size)) - 1;
	return 0;
}

int vlapic_write(struct vlapic *v, uint32_t off, unsigned size, uint64_t now_ns,
		 uint64_t val)
{
	uint32_t reg = off & ~0xfu;

	if (off >= VLAPIC_SIZE)
		return -HV_ERANGE;
	vlapic_timer_update(v, now_ns);
	if (size != 4 || (off & 0xf))
		return 0;
	if (!reg_write(v, reg, (uint32_t)val, now_ns))
		error(v, ESR_ILLEGAL_REG);
	return 0;
}
