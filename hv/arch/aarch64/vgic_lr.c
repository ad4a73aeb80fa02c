/* SPDX-License-Identifier: MIT */
/*
 * GICv3 list registers (IHI0069 §11.2): the only way virtual interrupts
 * reach a guest.  Interrupts for a vCPU are queued (from any CPU) in its
 * vgic_cpu; its own CPU moves them into free list registers before it
 * returns to the guest, and asks for a maintenance interrupt when some must
 * wait for a free register (underflow) or when a software level-triggered
 * line needs a look after the guest's EOI.
 */
#include "arch/gic.h"
#include "arch/vgic.h"
#include "hv/vm.h"
#include "sysreg.h"

#define LR_STATE_PENDING (1ull << 62)
#define LR_STATE_ACTIVE (1ull << 63)
#define LR_STATE_MASK (3ull << 62)
#define LR_HW (1ull << 61)
#define LR_GROUP1 (1ull << 60)
#define LR_EOI (1ull << 41)
#define LR_PRIORITY_SHIFT 48
#define LR_PINTID_SHIFT 32

#define ICH_HCR_EN (1ull << 0)
#define ICH_HCR_UIE (1ull << 1)
#define ICH_MISR_EOI (1ull << 0)

#define LR_CASE(n, op) \
	case n:         \
		op;      \
		break

static uint64_t lr_read(unsigned n)
{
	uint64_t v = 0;

	switch (n) {
		LR_CASE(0, v = read_sysreg(S3_4_C12_C12_0));
		LR_CASE(1, v = read_sysreg(S3_4_C12_C12_1));
		LR_CASE(2, v = read_sysreg(S3_4_C12_C12_2));
		LR_CASE(3, v = read_sysreg(S3_4_C12_C12_3));
		LR_CASE(4, v = read_sysreg(S3_4_C12_C12_4));
		LR_CASE(5, v = read_sysreg(S3_4_C12_C12_5));
		LR_CASE(6, v = read_sysreg(S3_4_C12_C12_6));
		LR_CASE(7, v = read_sysreg(S3_4_C12_C12_7));
		LR_CASE(8, v = read_sysreg(S3_4_C12_C13_0));
		LR_CASE(9, v = read_sysreg(S3_4_C12_C13_1));
		LR_CASE(10, v = read_sysreg(S3_4_C12_C13_2));
		LR_CASE(11, v = read_sysreg(S3_4_C12_C13_3));
		LR_CASE(12, v = read_sysreg(S3_4_C12_C13_4));
		LR_CASE(13, v = read_sysreg(S3_4_C12_C13_5));
		LR_CASE(14, v = read_sysreg(S3_4_C12_C13_6));
		LR_CASE(15, v = read_sysreg(S3_4_C12_C13_7));
	}
	return v;
}

static void lr_write(unsigned n, uint64_t v)
{
	switch (n) {
		LR_CASE(0, write_sysreg(S3_4_C12_C12_0, v));
		LR_CASE(1, write_sysreg(S3_4_C12_C12_1, v));
		LR_CASE(2, write_sysreg(S3_4_C12_C12_2, v));
		LR_CASE(3, write_sysreg(S3_4_C12_C12_3, v));
		LR_CASE(4, write_sysreg(S3_4_C12_C12_4, v));
		LR_CASE(5, write_sysreg(S3_4_C12_C12_5, v));
		LR_CASE(6, write_sysreg(S3_4_C12_C12_6, v));
		LR_CASE(7, write_sysreg(S3_4_C12_C12_7, v));
		LR_CASE(8, write_sysreg(S3_4_C12_C13_0, v));
		LR_CASE(9, write_sysreg(S3_4_C12_C13_1, v));
		LR_CASE(10, write_sysreg(S3_4_C12_C13_2, v));
		LR_CASE(11, write_sysreg(S3_4_C12_C13_3, v));
		LR_CASE(12, write_sysreg(S3_4_C12_C13_4, v));
		LR_CASE(13, write_sysreg(S3_4_C12_C13_5, v));
		LR_CASE(14, write_sysreg(S3_4_C12_C13_6, v));
		LR_CASE(15, write_sysreg(S3_4_C12_C13_7, v));
	}
}

static unsigned lr_count(void)
{
	return (unsigned)(read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
}

/* Put @p into a list register; false when none is free. */
static bool lr_place(const struct vgic_pending *p, unsigned count)
{
	uint64_t elrsr = read_sysreg(ICH_ELRSR_EL2);
	uint64_t v;

	/* Already there: merge (pending stays pending; active gains pending). */
	for (unsigned n = 0; n < count; n++) {
		if (elrsr & (1u << n))
			continue;
		v = lr_read(n);
		if ((uint32_t)v != p->vintid || !(v & LR_STATE_MASK))
			continue;
		if (!(v & LR_STATE_PENDING) && !(v & LR_HW))
			lr_write(n, v | LR_STATE_PENDING);
		return true;
	}
	for (unsigned n = 0; n < count; n++) {
		if (!(elrsr & (1u << n)))
			continue;
		v = p->vintid | LR_GROUP1 | LR_STATE_PENDING |
		    (uint64_t)p->priority << LR_PRIORITY_SHIFT;
		if (p->pintid)
			v |= LR_HW | (uint64_t)p->pintid << LR_PINTID_SHIFT;
		else if (p->notify_eoi)
			v |= LR_EOI;
		lr_write(n, v);
		return true;
	}
	return false;
}

void vgic_lr_flush(struct vcpu *vcpu)
{
	struct vgic_cpu *vc = &vcpu->arch.vgic;
	unsigned count, done = 0;
	uint64_t hcr;

	if (!__atomic_load_n(&vc->queue_len, __ATOMIC_ACQUIRE) &&
	    !(read_sysreg(ICH_HCR_EL2) & ICH_HCR_UIE))
		return;
	count = lr_count();
	spin_lock(&vc->lock);
	while (done < vc->queue_len && lr_place(&vc->queue[done], count))
		done++;
	for (unsigned i = done; i < vc->queue_len; i++)
		vc->queue[i - done] = vc->queue[i];
	vc->queue_len -= done;
	hcr = ICH_HCR_EN | (vc->queue_len ? ICH_HCR_UIE : 0);
	spin_unlock(&vc->lock);
	write_sysreg(ICH_HCR_EL2, hcr);
	isb();
}

/* The list register holding @vintid (pending or active), or -1. */
static int lr_find(uint32_t vintid)
{
	uint64_t elrsr = read_sysreg(ICH_ELRSR_EL2);
	unsigned count = lr_count();

	for (unsigned n = 0; n < count; n++) {
		uint64_t v;

		if (elrsr & (1u << n))
			continue;
		v = lr_read(n);
		if ((uint32_t)v == vintid && (v & LR_STATE_MASK))
			return (int)n;
	}
	return -1;
}

void vgic_lr_states(uint32_t base, uint32_t *pending, uint32_t *active)
{
	uint64_t elrsr = read_sysreg(ICH_ELRSR_EL2);
	unsigned count = lr_count();

	*pending = 0;
	*active = 0;
	for (unsigned n = 0; n < count; n++) {
		uint64_t v;
		uint32_t vintid;

		if (elrsr & (1u << n))
			continue;
		v = lr_read(n);
		vintid = (uint32_t)v;
		if (vintid < base || vintid - base >= 32)
			continue;
		if (v & LR_STATE_PENDING)
			*pending |= 1u << (vintid - base);
		if (v & LR_STATE_ACTIVE)
			*active |= 1u << (vintid - base);
	}
}

unsigned vgic_lr_state(uint32_t vintid)
{
	int n = lr_find(vintid);

	return n < 0 ? 0 : (unsigned)(lr_read((unsigned)n) >> 62) & 3u;
}

void vgic_lr_set_state(uint32_t vintid, unsigned state)
{
	int n = lr_find(vintid);
	uint64_t v;

	if (n < 0)
		return;
	/*
	 * The HW and EOI bits stay: a software level line's register left
	 * with no state and EOI set raises the maintenance interrupt, which
	 * ends its flight as the guest's own EOI would (IHI0069, ICH_EISR_EL2).
	 */
	v = lr_read((unsigned)n) & ~LR_STATE_MASK;
	lr_write((unsigned)n, v | (uint64_t)(state & 3u) << 62);
	isb();
}

void vgic_lr_maintenance(struct vcpu *vcpu)
{
	uint64_t misr = read_sysreg(ICH_MISR_EL2);

	if (misr & ICH_MISR_EOI) {
		uint64_t eisr = read_sysreg(ICH_EISR_EL2);

		for (unsigned n = 0; eisr; n++, eisr >>= 1) {
			uint32_t vintid;

			if (!(eisr & 1))
				continue;
			vintid = (uint32_t)lr_read(n);
			lr_write(n, 0);
			vgic_eoi(vcpu, vintid);
		}
	}
	/* Underflow (or nothing): refill; UIE is recomputed there. */
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN | ICH_HCR_UIE);
	vgic_lr_flush(vcpu);
}

/*
 * The active priorities: one register per 32 preemption levels (IHI0069
 * 12.4.1: ICH_VTR_EL2.PREbits 5, 6 or 7 give 1, 2 or 4 of each group).
 */
static void apr_clear(void)
{
	unsigned prebits = (unsigned)(read_sysreg(ICH_VTR_EL2) >> 26 & 7) + 1;

	write_sysreg(ICH_AP0R0_EL2, 0);
	write_sysreg(ICH_AP1R0_EL2, 0);
	if (prebits < 6)
		return;
	write_sysreg(S3_4_C12_C8_1, 0);
	write_sysreg(S3_4_C12_C9_1, 0);
	if (prebits < 7)
		return;
	write_sysreg(S3_4_C12_C8_2, 0);
	write_sysreg(S3_4_C12_C9_2, 0);
	write_sysreg(S3_4_C12_C8_3, 0);
	write_sysreg(S3_4_C12_C9_3, 0);
}

void vgic_lr_clear(void)
{
	unsigned count = lr_count();

	for (unsigned n = 0; n < count; n++) {
		uint64_t v = lr_read(n);

		/*
		 * A hardware interrupt the guest never EOIed stays active in
		 * the GIC and would never fire again: deactivate it here.
		 */
		if ((v & LR_HW) && (v & LR_STATE_MASK))
			gic_deactivate((uint32_t)(v >> LR_PINTID_SHIFT) & 0x1fff);
		lr_write(n, 0);
	}
	apr_clear();
	write_sysreg(ICH_VMCR_EL2, 0);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
}

void vgic_vcpu_park(struct vcpu *vcpu)
{
	uint32_t lost[16 + VGIC_QUEUE_LEN];
	unsigned count = MIN(lr_count(), 16u), nlost = 0;

	/*
	 * Software interrupts still pending here would be gone: a core
	 * device's edge line then never fires again until the guest looks at
	 * the device (vgic_edge_lost() filters the lines that are not).
	 */
	for (unsigned n = 0; n < count; n++) {
		uint64_t v = lr_read(n);

		if ((v & LR_STATE_PENDING) && !(v & LR_HW) &&
		    (uint32_t)v >= VGIC_PRIVATE_IRQS)
			lost[nlost++] = (uint32_t)v;
	}
	vgic_lr_clear();
	/*
	 * Whatever it was waiting for from the vGIC is gone with it.  A
	 * hardware interrupt taken but still queued is active in the GIC and
	 * would never fire again: deactivate it (this CPU acknowledged it).
	 */
	spin_lock(&vcpu->arch.vgic.lock);
	for (unsigned i = 0; i < vcpu->arch.vgic.queue_len; i++) {
		const struct vgic_pending *p = &vcpu->arch.vgic.queue[i];

		if (p->pintid)
			gic_deactivate(p->pintid);
		else if (p->vintid >= VGIC_PRIVATE_IRQS)
			lost[nlost++] = p->vintid;
	}
	vcpu->arch.vgic.queue_len = 0;
	spin_unlock(&vcpu->arch.vgic.lock);
	/*
	 * Its hardware PPIs go back to idle: one the guest set active or
	 * pending itself (GICR_ISACTIVER0, ISPENDR0) would otherwise block or
	 * fire its line in the vCPU's next life.
	 */
	for (unsigned i = 0; i < VGIC_PRIVATE_IRQS; i++) {
		uint16_t phys = vcpu->arch.vgic.priv[i].phys;

		if (!phys)
			continue;
		gic_ppi_deactivate(vcpu->pcpu, phys);
		gic_ppi_set_pending(vcpu->pcpu, phys, false);
	}
	vgic_flight_lost(vcpu);
	for (unsigned i = 0; i < nlost; i++)
		vgic_edge_lost(vcpu, lost[i]);
}
