/* SPDX-License-Identifier: MIT */
/*
 * The guest's view of a GICv3 (IHI0069): an emulated distributor and one
 * emulated redistributor per vCPU.  The guest sees only its own interrupts:
 * SPIs it was not given read as zero and ignore writes; its writes to its
 * own hardware-backed lines are applied to the physical GIC, routed to its
 * own CPUs only.  Interrupts reach the guest through list registers
 * (vgic_lr.c), never by the guest touching the physical GIC.  Pending and
 * active state, spread over latch, queue, list registers and the physical
 * GIC, is read and written in vgic_state.c.
 *
 * Locking: vgic_dist.lock protects every vgic_irq of the VM (SPIs and each
 * vCPU's private ones); it is taken before any vgic_cpu.lock.
 */
#include "arch/gic.h"
#include "arch/pmu.h"
#include "arch/vgic.h"
#include "hv/arch/cpu.h"
#include "hv/errno.h"
#include "hv/vm.h"

#define PIDR2_GICV3 0x3bu
#define IROUTER_IRM BIT(31)

/* Private interrupts that are the CPU's own hardware: the EL1 timers. */
static const uint8_t hw_ppis[] = { 27, 30 };

enum field {
	F_GROUP,
	F_SET_ENABLE,
	F_CLEAR_ENABLE,
	F_SET_PEND,
	F_CLEAR_PEND,
	F_SET_ACTIVE,
	F_CLEAR_ACTIVE,
	F_PRIORITY,
	F_CONFIG,
	F_ROUTE,
};

/** A bank of per-interrupt fields, @bits wide, from @offset for @len bytes. */
struct reg_bank {
	uint32_t offset;
	uint32_t len;
	uint8_t bits;
	enum field field;
};

static const struct reg_bank gicd_banks[] = {
	{ 0x0080, 0x80, 1, F_GROUP },	     { 0x0100, 0x80, 1, F_SET_ENABLE },
	{ 0x0180, 0x80, 1, F_CLEAR_ENABLE }, { 0x0200, 0x80, 1, F_SET_PEND },
	{ 0x0280, 0x80, 1, F_CLEAR_PEND },   { 0x0300, 0x80, 1, F_SET_ACTIVE },
	{ 0x0380, 0x80, 1, F_CLEAR_ACTIVE }, { 0x0400, 0x400, 8, F_PRIORITY },
	{ 0x0c00, 0x100, 2, F_CONFIG },	     { 0x6000, 0x2000, 64, F_ROUTE },
};

static const struct reg_bank gicr_sgi_banks[] = {
	{ 0x0080, 4, 1, F_GROUP },	  { 0x0100, 4, 1, F_SET_ENABLE },
	{ 0x0180, 4, 1, F_CLEAR_ENABLE }, { 0x0200, 4, 1, F_SET_PEND },
	{ 0x0280, 4, 1, F_CLEAR_PEND },	  { 0x0300, 4, 1, F_SET_ACTIVE },
	{ 0x0380, 4, 1, F_CLEAR_ACTIVE }, { 0x0400, 0x20, 8, F_PRIORITY },
	{ 0x0c00, 8, 2, F_CONFIG },
};

/* @frame: the vCPU whose redistributor is addressed, NULL for the GICD. */
static struct vgic_irq *irq_of(struct vm *vm, struct vcpu *frame,
			       uint32_t intid)
{
	if (intid < VGIC_PRIVATE_IRQS)
		return frame ? &frame->arch.vgic.priv[intid] : NULL;
	if (intid - VGIC_PRIVATE_IRQS >= vm->arch.vgic.spi_count)
		return NULL;
	if (!vm->arch.vgic.spi[intid - VGIC_PRIVATE_IRQS].present)
		return NULL;
	return &vm->arch.vgic.spi[intid - VGIC_PRIVATE_IRQS];
}

static struct vcpu *target_of(struct vm *vm, struct vcpu *frame,
			      uint32_t intid, const struct vgic_irq *irq)
{
	if (intid < VGIC_PRIVATE_IRQS)
		return frame;
	return &vm->vcpu[irq->target < vm->vcpu_count ? irq->target : 0];
}

static void queue(struct vcpu *vcpu, struct vgic_pending p)
{
	struct vgic_cpu *vc = &vcpu->arch.vgic;
	bool queued;

	spin_lock(&vc->lock);
	/*
	 * One pending state per interrupt, as in the GIC: an interrupt raised
	 * again while it waits is the same pending interrupt.  So the queue
	 * holds at most one entry per interrupt and never fills (see
	 * VGIC_QUEUE_LEN); a full queue would lose a hardware interrupt that
	 * stays active in the GIC for good.
	 */
	queued = vc->queue_len < VGIC_QUEUE_LEN;
	for (unsigned i = 0; i < vc->queue_len; i++)
		if (vc->queue[i].vintid == p.vintid)
			queued = false;
	if (queued)
		vc->queue[vc->queue_len++] = p;
	else if (p.pintid)
		gic_deactivate(p.pintid);
	spin_unlock(&vc->lock);
	if (queued) {
		vcpu->stats.injected++;
		if (vcpu->pcpu != arch_pcpu_id())
			arch_kick(vcpu->pcpu);
	}
}

/* Hand a software interrupt to its vCPU. Dist lock held. */
static void deliver(struct vm *vm, struct vcpu *frame, uint32_t intid,
		    struct vgic_irq *irq)
{
	struct vcpu *to = target_of(vm, frame, intid, irq);

	irq->pending = false;
	if (!irq->edge) {
		irq->in_flight = true;
		irq->flight = (uint8_t)to->id;
	}
	queue(to,
	      (struct vgic_pending){ .vintid = intid,
				     .priority = irq->priority,
				     .notify_eoi = !irq->edge });
}

/* Raise a software interrupt: deliver it, or latch it until enabled. */
static void raise(struct vm *vm, struct vcpu *frame, uint32_t intid,
		  struct vgic_irq *irq)
{
	if (irq->phys) {
		vgic_state_set_pending(frame, intid, irq);
		return;
	}
	if (irq->in_flight)
		return;
	if (irq->enabled)
		deliver(vm, frame, intid, irq);
	else
		irq->pending = true;
}

static void set_enable(struct vm *vm, struct vcpu *frame, uint32_t intid,
		       struct vgic_irq *irq, bool on)
{
	irq->enabled = on;
	/*
	 * A held line gets another chance: if its vCPU is still off, it is
	 * taken once more on that vCPU's CPU and held again.
	 */
	irq->held = false;
	if (irq->phys) {
		if (intid < VGIC_PRIVATE_IRQS)
			gic_ppi_enable(frame->pcpu, irq->phys, on);
		else
			gic_spi_enable(irq->phys, on);
	} else if (on && irq->pending) {
		deliver(vm, frame, intid, irq);
	}
}

static void set_route(struct vm *vm, uint32_t intid, struct vgic_irq *irq,
		      uint64_t val)
{
	uint64_t aff = val & 0xff00ffffffull;

	irq->irouter = val & (0xff00ffffffull | IROUTER_IRM);
	/* vCPU n has affinity 0.0.0.n; anything else goes to vCPU 0. */
	irq->target = (!(val & IROUTER_IRM) && aff < vm->vcpu_count) ?
			      (uint8_t)aff :
			      0;
	if (irq->phys) {
		gic_spi_route(irq->phys,
			      pcpus[vm->vcpu[irq->target].pcpu].hw_id);
		/* Held for its old target: the new one may take it (as above). */
		if (irq->held && irq->enabled)
			gic_spi_enable(irq->phys, true);
		irq->held = false;
	} else if (irq->pending && irq->enabled) {
		/* An edge latched when its old target parked (vgic_edge_lost). */
		deliver(vm, NULL, intid, irq);
	}
}

static uint64_t field_get(const struct vgic_irq *irq, enum field f)
{
	switch (f) {
	case F_GROUP:
		return irq->group1;
	case F_SET_ENABLE:
	case F_CLEAR_ENABLE:
		return irq->enabled;
	case F_PRIORITY:
		return irq->priority;
	case F_CONFIG:
		return irq->edge ? 2 : 0;
	case F_ROUTE:
		return irq->irouter;
	default:
		return 0; /* pending and active: vgic_state_read() */
	}
}

static bool is_state(enum field f)
{
	return f >= F_SET_PEND && f <= F_CLEAR_ACTIVE;
}

/* @self: the vCPU making the access (NULL: none). */
static void field_set(struct vm *vm, struct vcpu *self, struct vcpu *frame,
		      uint32_t intid, struct vgic_irq *irq, enum field f,
		      uint64_t v)
{
	switch (f) {
	case F_GROUP:
		irq->group1 = v & 1;
		break;
	case F_SET_ENABLE:
		if (v)
			set_enable(vm, frame, intid, irq, true);
		break;
	case F_CLEAR_ENABLE:
		if (v)
			set_enable(vm, frame, intid, irq, false);
		break;
	case F_SET_PEND:
		if (v)
			raise(vm, frame, intid, irq);
		break;
	case F_CLEAR_PEND:
		if (v)
			vgic_state_clear_pending(vm, self, frame, intid, irq);
		break;
	case F_SET_ACTIVE:
	case F_CLEAR_ACTIVE:
		if (v)
			vgic_state_set_active(vm, self, frame, intid, irq,
					      f == F_SET_ACTIVE);
		break;
	case F_PRIORITY:
		irq->priority = (uint8_t)v;
		break;
	case F_CONFIG:
		if (intid < 16 || irq->soft_edge)
			break; /* SGIs and the core's edge lines stay edge */
		irq->edge = (v & 2) != 0;
		if (irq->phys && intid >= VGIC_PRIVATE_IRQS)
			gic_spi_set_edge(irq->phys, irq->edge);
		break;
	case F_ROUTE:
		set_route(vm, intid, irq, v);
		break;
	}
}

/*
 * Access @size bytes at @off inside @bank: one field per interrupt, packed
 * @bank->bits wide; a 64-bit field (IROUTER) may be accessed by halves.
 */
static void bank_access(struct vm *vm, struct vcpu *self, struct vcpu *frame,
			const struct reg_bank *bank, uint32_t off,
			unsigned size, uint64_t *val, bool write)
{
	struct vgic_irq *irqs[32] = { 0 };

	unsigned bits = bank->bits;
	uint32_t rel = off - bank->offset;
	uint64_t fmask = bits == 64 ? ~0ull : (1ull << bits) - 1;

	if (bits == 64) {
		uint32_t intid = rel / 8;
		unsigned shift = (rel % 8) * 8;
		uint64_t mask = size == 8 ? ~0ull : ((1ull << (size * 8)) - 1);
		struct vgic_irq *irq = irq_of(vm, frame, intid);

		if (!irq) {
			*val = write ? *val : 0;
			return;
		}
		if (!write) {
			*val = (field_get(irq, F_ROUTE) >> shift) & mask;
			return;
		}
		field_set(vm, self, frame, intid, irq, F_ROUTE,
			  (irq->irouter & ~(mask << shift)) |
				  ((*val & mask) << shift));
		return;
	}
	if (!write)
		*val = 0;
	for (unsigned k = 0; k < size * 8 / bits; k++) {
		uint32_t intid = rel * 8 / bits + k;
		struct vgic_irq *irq = irq_of(vm, frame, intid);

		if (!irq)
			continue;
		if (write)
			field_set(vm, self, frame, intid, irq, bank->field,
				  (*val >> (k * bits)) & fmask);
		else if (is_state(bank->field))
			irqs[k] = irq;
		else
			*val |= (field_get(irq, bank->field) & fmask)
				<< (k * bits);
	}
	/* Pending and active: where the state lives (vgic_state.c). */
	if (!write && is_state(bank->field))
		*val = vgic_state_read(vm, self, frame, rel * 8, irqs,
				       bank->field >= F_SET_ACTIVE);
}

static const struct reg_bank *find_bank(const struct reg_bank *banks,
					unsigned count, uint32_t off)
{
	for (unsigned i = 0; i < count; i++)
		if (off >= banks[i].offset &&
		    off < banks[i].offset + banks[i].len)
			return &banks[i];
	return NULL;
}

static bool size_ok(const struct reg_bank *bank, uint32_t off, unsigned size)
{
	if (!IS_ALIGNED(off, size))
		return false;
	if (bank && bank->bits == 8)
		return size == 1 || size == 4;
	if (bank && bank->bits == 64)
		return size == 4 || size == 8;
	return size == 4 || (size == 8 && !bank);
}

/*
 * GICD_SETSPI_NSR / CLRSPI_NSR (IHI0069 12.9.29, 12.9.6): the MBI doorbell
 * (its.c sends devices' MSIs to the VM as these lines; a CPU may write
 * here too).  Only the VM's own SPIs; others are ignored.  Dist lock held.
 */
static void spi_doorbell(struct vm *vm, struct vcpu *self, uint32_t intid,
			 bool set)
{
	struct vgic_irq *irq;

	if (intid < VGIC_PRIVATE_IRQS)
		return;
	irq = irq_of(vm, NULL, intid);
	if (irq)
		field_set(vm, self, NULL, intid, irq,
			  set ? F_SET_PEND : F_CLEAR_PEND, 1);
}

static int gicd_access(struct vcpu *vcpu, void *priv, uint64_t off,
		       unsigned size, uint64_t *val, bool write)
{
	struct vm *vm = priv;
	const struct reg_bank *bank =
		find_bank(gicd_banks, ARRAY_SIZE(gicd_banks), (uint32_t)off);

	if (!size_ok(bank, (uint32_t)off, size))
		return -HV_EFAULT;
	spin_lock(&vm->arch.vgic.lock);
	if (bank) {
		bank_access(vm, vcpu, NULL, bank, (uint32_t)off, size, val,
			    write);
	} else if (write) {
		if (off == 0)
			vm->arch.vgic.ctlr = *val & 3;
		else if (off == GICD_SETSPI_NSR || off == GICD_CLRSPI_NSR)
			spi_doorbell(vm, vcpu, *val & 0x1fffu,
				     off == GICD_SETSPI_NSR);
	} else if (off == 0) {
		*val = vm->arch.vgic.ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
	} else if (off == GICD_TYPER) {
		*val = (gic_dist_read(GICD_TYPER) & (0x1fu << 19)) |
		       (vm->plan->arch.aarch64.msi_count ? GICD_TYPER_MBIS :
							   0) |
		       vm->arch.vgic.spi_count / 32;
	} else if (off == GICD_IIDR) {
		*val = gic_dist_read(GICD_IIDR);
	} else if (off == 0xffe8) {
		*val = PIDR2_GICV3;
	} else {
		*val = 0;
	}
	spin_unlock(&vm->arch.vgic.lock);
	return 0;
}

static int gicd_read(struct vcpu *vcpu, void *priv, uint64_t off,
		     unsigned size, uint64_t *val)
{
	return gicd_access(vcpu, priv, off, size, val, false);
}

static int gicd_write(struct vcpu *vcpu, void *priv, uint64_t off,
		      unsigned size, uint64_t val)
{
	return gicd_access(vcpu, priv, off, size, &val, true);
}

static uint64_t gicr_rd_read(struct vcpu *frame, uint32_t off)
{
	uint64_t typer = (uint64_t)frame->id << 32 | (uint64_t)frame->id << 8;

	if (frame->id == frame->vm->vcpu_count - 1)
		typer |= BIT(4); /* Last */
	switch (off) {
	case 0x0004:
		return gic_dist_read(GICD_IIDR);
	case 0x0008:
		return typer;
	case 0x000c:
		return typer >> 32;
	case 0x0014:
		return frame->arch.vgic.asleep ? 6 : 0;
	case 0xffe8:
		return PIDR2_GICV3;
	default:
		return 0;
	}
}

static int gicr_access(struct vcpu *vcpu, void *priv, uint64_t off,
		       unsigned size, uint64_t *val, bool write)
{
	struct vm *vm = priv;
	struct vcpu *frame = &vm->vcpu[off / SHIKIRI_GICR_STRIDE];
	uint32_t in = (uint32_t)(off % SHIKIRI_GICR_STRIDE);
	const struct reg_bank *bank = NULL;

	if (in >= GICR_SGI)
		bank = find_bank(gicr_sgi_banks, ARRAY_SIZE(gicr_sgi_banks),
				 in - GICR_SGI);
	if (!size_ok(bank, in, size))
		return -HV_EFAULT;
	spin_lock(&vm->arch.vgic.lock);
	if (bank)
		bank_access(vm, vcpu, frame, bank, in - GICR_SGI, size, val,
			    write);
	else if (write && in == 0x0014)
		frame->arch.vgic.asleep = (*val & 2) != 0;
	else if (!write)
		*val = in < GICR_SGI ? gicr_rd_read(frame, in) : 0;
	spin_unlock(&vm->arch.vgic.lock);
	return 0;
}

static int gicr_read(struct vcpu *vcpu, void *priv, uint64_t off,
		     unsigned size, uint64_t *val)
{
	return gicr_access(vcpu, priv, off, size, val, false);
}

static int gicr_write(struct vcpu *vcpu, void *priv, uint64_t off,
		      unsigned size, uint64_t val)
{
	return gicr_access(vcpu, priv, off, size, &val, true);
}

static const struct mmio_ops gicd_ops = { gicd_read, gicd_write };
static const struct mmio_ops gicr_ops = { gicr_read, gicr_write };

void vgic_reset_cpu(struct vcpu *vcpu)
{
	struct vgic_cpu *vc = &vcpu->arch.vgic;
	uint32_t pmu = pmu_guest_intid(vcpu->pcpu);

	for (unsigned i = 0; i < VGIC_PRIVATE_IRQS; i++)
		vc->priv[i] = (struct vgic_irq){ .edge = i < 16 };
	for (unsigned i = 0; i < ARRAY_SIZE(hw_ppis); i++)
		vc->priv[hw_ppis[i]].phys = hw_ppis[i];
	/* The PMU's overflow PPI, where the PMU is the guest's (pmu.c). */
	if (pmu)
		vc->priv[pmu].phys = (uint16_t)pmu;
	vc->asleep = true;
	spin_lock(&vc->lock);
	vc->queue_len = 0;
	spin_unlock(&vc->lock);
}

void vgic_reset_vm(struct vm *vm)
{
	struct vgic_dist *d = &vm->arch.vgic;

	spin_lock(&d->lock);
	d->ctlr = 0;
	for (unsigned i = 0; i < d->spi_count; i++) {
		struct vgic_irq *irq = &d->spi[i];

		if (!irq->present)
			continue;
		if (irq->phys) {
			gic_spi_enable(irq->phys, false);
			gic_set_active(irq->phys, false);
			gic_set_pending(irq->phys, false);
			gic_spi_route(irq->phys, pcpus[vm->vcpu[0].pcpu].hw_id);
		}
		*irq = (struct vgic_irq){ .present = true,
					  .phys = irq->phys,
					  .edge = irq->soft_edge,
					  .soft_edge = irq->soft_edge };
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vgic_reset_cpu(&vm->vcpu[i]);
	spin_unlock(&d->lock);
}

int vgic_init(struct vm *vm, uint64_t gicd_ipa, uint64_t gicr_ipa)
{
	struct vgic_dist *d = &vm->arch.vgic;
	uint32_t lines = ((gic_dist_read(GICD_TYPER) & 0x1f) + 1) * 32;
	int ret;

	d->spi_count = MIN(lines - VGIC_PRIVATE_IRQS, VGIC_MAX_SPIS);
	d->gicd_ipa = gicd_ipa;
	d->gicr_ipa = gicr_ipa;
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vgic_reset_cpu(&vm->vcpu[i]);
	ret = mmio_register(&vm->mmio, gicd_ipa, VGIC_GICD_SIZE, &gicd_ops, vm);
	if (ret)
		return ret;
	return mmio_register(&vm->mmio, gicr_ipa,
			     (uint64_t)vm->vcpu_count * SHIKIRI_GICR_STRIDE,
			     &gicr_ops, vm);
}

static struct vgic_irq *new_spi(struct vm *vm, uint32_t vintid)
{
	struct vgic_irq *irq;

	if (vintid < VGIC_PRIVATE_IRQS ||
	    vintid - VGIC_PRIVATE_IRQS >= vm->arch.vgic.spi_count)
		return NULL;
	irq = &vm->arch.vgic.spi[vintid - VGIC_PRIVATE_IRQS];
	if (irq->present)
		return NULL;
	*irq = (struct vgic_irq){ .present = true };
	return irq;
}

int vgic_add_hw_spi(struct vm *vm, uint32_t vintid, uint32_t pintid)
{
	struct vgic_irq *irq = new_spi(vm, vintid);

	if (!irq || pintid < VGIC_PRIVATE_IRQS || pintid >= GIC_SPURIOUS)
		return -HV_EINVAL;
	irq->phys = (uint16_t)pintid;
	gic_spi_enable(pintid, false);
	gic_spi_route(pintid, pcpus[vm->vcpu[0].pcpu].hw_id);
	return 0;
}

int vgic_add_sw_spi(struct vm *vm, uint32_t vintid, vgic_resample_fn fn)
{
	if (!new_spi(vm, vintid))
		return -HV_EINVAL;
	vm->arch.vgic.resample_intid = vintid;
	vm->arch.vgic.resample = fn;
	return 0;
}

int vgic_add_edge_spi(struct vm *vm, uint32_t vintid)
{
	struct vgic_dist *d = &vm->arch.vgic;
	struct vgic_irq *irq;

	if (vintid < VGIC_PRIVATE_IRQS ||
	    vintid - VGIC_PRIVATE_IRQS >= VGIC_MAX_SPIS)
		return -HV_EINVAL;
	/*
	 * A line with no physical interrupt behind it needs no physical SPI
	 * of that number: the guest's distributor just reports more lines.
	 */
	d->spi_count =
		MAX(d->spi_count,
		    (unsigned)ALIGN_UP(vintid - VGIC_PRIVATE_IRQS + 1, 32u));
	irq = new_spi(vm, vintid);
	if (!irq)
		return -HV_EINVAL;
	irq->edge = true;
	irq->soft_edge = true;
	return 0;
}

void vgic_pulse(struct vm *vm, uint32_t vintid)
{
	struct vgic_irq *irq;

	spin_lock(&vm->arch.vgic.lock);
	irq = irq_of(vm, NULL, vintid);
	if (irq && irq->soft_edge)
		raise(vm, NULL, vintid, irq);
	spin_unlock(&vm->arch.vgic.lock);
}

void vgic_edge_lost(struct vcpu *vcpu, uint32_t vintid)
{
	struct vm *vm = vcpu->vm;
	struct vgic_irq *irq;

	spin_lock(&vm->arch.vgic.lock);
	irq = irq_of(vm, NULL, vintid);
	if (irq && irq->soft_edge) {
		if (irq->enabled && target_of(vm, NULL, vintid, irq) != vcpu)
			deliver(vm, NULL, vintid, irq);
		else
			irq->pending = true;
	}
	spin_unlock(&vm->arch.vgic.lock);
}

void vgic_set_level(struct vm *vm, uint32_t vintid, bool level)
{
	struct vgic_irq *irq;

	spin_lock(&vm->arch.vgic.lock);
	irq = irq_of(vm, NULL, vintid);
	if (irq && !irq->phys) {
		if (level)
			raise(vm, NULL, vintid, irq);
		else
			irq->pending = false;
	}
	spin_unlock(&vm->arch.vgic.lock);
}

void vgic_eoi(struct vcpu *vcpu, uint32_t vintid)
{
	struct vm *vm = vcpu->vm;
	struct vgic_irq *irq;
	bool resample = false;

	spin_lock(&vm->arch.vgic.lock);
	irq = irq_of(vm, vcpu, vintid);
	if (irq) {
		irq->in_flight = false;
		resample = vintid == vm->arch.vgic.resample_intid;
	}
	spin_unlock(&vm->arch.vgic.lock);
	/* A level-triggered line still high is taken again at once. */
	if (resample && vm->arch.vgic.resample(vm))
		vgic_set_level(vm, vintid, true);
}

void vgic_send_sgi(struct vcpu *vcpu, uint64_t val)
{
	struct vm *vm = vcpu->vm;
	uint32_t intid = (val >> 24) & 0xf;
	bool all = (val >> 40) & 1;
	/* Aff3.Aff2.Aff1 of the targets; a VM's vCPUs all have 0.0.0.n. */
	bool aff_zero = !((val >> 16) & 0xff) && !((val >> 32) & 0xff) &&
			!((val >> 48) & 0xff);

	spin_lock(&vm->arch.vgic.lock);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpu[i];

		if (all ? t == vcpu : !(aff_zero && i < 16 && (val >> i) & 1))
			continue;
		raise(vm, t, intid, &t->arch.vgic.priv[intid]);
	}
	spin_unlock(&vm->arch.vgic.lock);
}

/* The hardware line @pintid of @vcpu's VM, its virtual INTID in @vintid. */
static struct vgic_irq *hw_irq_of(struct vcpu *vcpu, uint32_t pintid,
				  uint32_t *vintid)
{
	struct vm *vm = vcpu->vm;

	if (pintid < VGIC_PRIVATE_IRQS) {
		*vintid = pintid;
		return vcpu->arch.vgic.priv[pintid].phys == pintid ?
			       &vcpu->arch.vgic.priv[pintid] :
			       NULL;
	}
	for (unsigned i = 0; i < vm->arch.vgic.spi_count; i++) {
		if (vm->arch.vgic.spi[i].present &&
		    vm->arch.vgic.spi[i].phys == pintid) {
			*vintid = i + VGIC_PRIVATE_IRQS;
			return &vm->arch.vgic.spi[i];
		}
	}
	return NULL;
}

bool vgic_forward_hw(struct vcpu *vcpu, uint32_t pintid)
{
	struct vm *vm = vcpu->vm;
	struct vgic_irq *irq;
	uint32_t vintid = 0;

	spin_lock(&vm->arch.vgic.lock);
	irq = hw_irq_of(vcpu, pintid, &vintid);
	if (irq)
		queue(vcpu, (struct vgic_pending){ .vintid = vintid,
						   .pintid = (uint16_t)pintid,
						   .priority = irq->priority });
	spin_unlock(&vm->arch.vgic.lock);
	return irq != NULL;
}

/* Apply @irq's enable to the GIC, @frame's CPU for a PPI. Dist lock held. */
static void hw_enable(struct vcpu *frame, uint32_t pintid, bool on)
{
	if (pintid < VGIC_PRIVATE_IRQS)
		gic_ppi_enable(frame->pcpu, pintid, on);
	else
		gic_spi_enable(pintid, on);
}

bool vgic_hold_hw(struct vcpu *vcpu, uint32_t pintid)
{
	struct vm *vm = vcpu->vm;
	struct vgic_irq *irq;
	uint32_t vintid;

	spin_lock(&vm->arch.vgic.lock);
	irq = hw_irq_of(vcpu, pintid, &vintid);
	if (irq) {
		hw_enable(vcpu, pintid, false);
		irq->held = true;
	}
	spin_unlock(&vm->arch.vgic.lock);
	return irq != NULL;
}

void vgic_release_hw(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	spin_lock(&vm->arch.vgic.lock);
	/*
	 * Its CPU's hardware PPIs were disabled when it parked
	 * (vcpu_quiesce()): all of them go back to what the guest set.
	 */
	for (unsigned i = 0; i < VGIC_PRIVATE_IRQS; i++) {
		struct vgic_irq *irq = &vcpu->arch.vgic.priv[i];

		if (irq->phys)
			hw_enable(vcpu, irq->phys, irq->enabled);
		irq->held = false;
	}
	for (unsigned i = 0; i < vm->arch.vgic.spi_count; i++) {
		struct vgic_irq *irq = &vm->arch.vgic.spi[i];

		if (!irq->held || target_of(vm, NULL, i + VGIC_PRIVATE_IRQS,
					    irq) != vcpu)
			continue;
		irq->held = false;
		if (irq->phys && irq->enabled)
			gic_spi_enable(irq->phys, true);
	}
	spin_unlock(&vm->arch.vgic.lock);
}

void vgic_hold_vm(struct vm *vm)
{
	spin_lock(&vm->arch.vgic.lock);
	for (unsigned i = 0; i < vm->arch.vgic.spi_count; i++) {
		struct vgic_irq *irq = &vm->arch.vgic.spi[i];

		if (!irq->present || !irq->phys)
			continue;
		gic_spi_enable(irq->phys, false);
		irq->held = true;
	}
	spin_unlock(&vm->arch.vgic.lock);
}

void vgic_flight_lost(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	uint32_t intid = vm->arch.vgic.resample_intid;
	struct vgic_irq *irq;
	bool lost = false;

	if (!intid)
		return;
	spin_lock(&vm->arch.vgic.lock);
	irq = irq_of(vm, NULL, intid);
	if (irq && irq->in_flight && irq->flight == vcpu->id) {
		irq->in_flight = false;
		lost = true;
	}
	spin_unlock(&vm->arch.vgic.lock);
	if (lost && vm->arch.vgic.resample(vm))
		vgic_set_level(vm, intid, true);
}
