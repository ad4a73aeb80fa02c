/* SPDX-License-Identifier: MIT */
/*
 * The pending and active state of the guest's interrupts, as its
 * ISPENDR/ICPENDR/ISACTIVER/ICACTIVER (distributor and redistributor SGI
 * frame) show and change it.  A line's state is spread over up to four
 * places:
 *
 *  - the software latch (vgic_irq.pending): raised, not yet enabled;
 *  - its vCPU's queue: delivered, waiting for a free list register;
 *  - a list register: pending, active, or both, as the guest's CPU
 *    interface moves it on without the hypervisor;
 *  - for a hardware line (vgic_irq.phys), the physical GIC: the line
 *    pending while the device asserts it, active from the hypervisor's
 *    acknowledgement until the guest's EOI deactivates it through the
 *    list register's HW link, or set active or pending by the guest.
 *
 * A read combines them; a write changes the state where it lives, so that
 * the line behaves as on the hardware (a level line still asserted stays
 * pending after ICPENDR; an active line is not taken again until it is
 * deactivated).  Only the VM's own lines reach here: the caller found
 * them in its own tables, and a physical INTID is only ever the one the
 * line was given (vgic_irq.phys).
 *
 * List registers can only be read on their own CPU, and the vCPU a frame
 * or an SPI belongs to may be running guest code elsewhere.  So an access
 * sees exactly the state of the lines in its own vCPU's list registers
 * (the redistributor frame of its own vCPU, and SPIs delivered to it); for
 * another vCPU's list registers it sees what the rest of the machine
 * knows: a hardware line there is active in the physical GIC until that
 * guest's EOI, so it reads active (even before that vCPU has acknowledged
 * it), and a software level line in flight reads active the same way; an
 * SGI or edge line there reads neither.  Writes for a line in another
 * vCPU's list register act on the physical GIC only.  Linux reads and
 * writes the private lines of its own CPU's frame only, where all is exact
 * (docs/architecture.md, "Interrupt state").
 *
 * Bounded work: a 32-bit access covers 32 lines; each costs at most one
 * look at each vCPU's queue (SPIs: a delivery may wait on a vCPU the line
 * is no longer routed to), one at this CPU's list registers and two
 * physical GIC registers.
 *
 * Locking: the caller holds vgic_dist.lock; vgic_cpu.lock is taken inside
 * it, as everywhere (vgic_v3.c).
 */
#include "arch/gic.h"
#include "arch/vgic.h"
#include "hv/arch/cpu.h"
#include "hv/vm.h"

/* The physical CPU whose redistributor holds @frame's private lines. */
static unsigned pcpu_of(const struct vcpu *frame)
{
	return frame ? frame->pcpu : 0;
}

/*
 * Whether this CPU's list registers are where @intid of @frame (NULL:
 * an SPI) is delivered when it is @self's: @self is running here, and a
 * private line is of its own frame.
 */
static bool own_lrs(const struct vcpu *self, const struct vcpu *frame,
		    uint32_t intid)
{
	if (!self || self->pcpu != arch_pcpu_id())
		return false;
	return intid >= VGIC_PRIVATE_IRQS || frame == self;
}

/*
 * Find @intid in the queues it may wait in: @frame's for a private line,
 * every vCPU's for an SPI.  With @take, remove it.  Return whether found.
 */
static bool queue_find(struct vm *vm, struct vcpu *frame, uint32_t intid,
		       bool take)
{
	bool found = false;

	for (unsigned i = 0; i < vm->vcpu_count && !found; i++) {
		struct vcpu *v = frame ? frame : &vm->vcpu[i];
		struct vgic_cpu *vc = &v->arch.vgic;

		spin_lock(&vc->lock);
		for (unsigned k = 0; k < vc->queue_len && !found; k++) {
			if (vc->queue[k].vintid != intid)
				continue;
			found = true;
			if (!take)
				break;
			for (unsigned j = k + 1; j < vc->queue_len; j++)
				vc->queue[j - 1] = vc->queue[j];
			vc->queue_len--;
		}
		spin_unlock(&vc->lock);
		if (frame)
			break;
	}
	return found;
}

/* Which of INTIDs @base..@base+31 wait in the queues (as queue_find()). */
static uint32_t queued_mask(struct vm *vm, struct vcpu *frame, uint32_t base)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vgic_cpu *vc = frame ? &frame->arch.vgic :
					      &vm->vcpu[i].arch.vgic;

		spin_lock(&vc->lock);
		for (unsigned k = 0; k < vc->queue_len; k++) {
			uint32_t vintid = vc->queue[k].vintid;

			if (vintid >= base && vintid - base < 32)
				mask |= 1u << (vintid - base);
		}
		spin_unlock(&vc->lock);
		if (frame)
			break;
	}
	return mask;
}

static void phys_set_pending(struct vcpu *frame, uint32_t intid,
			     const struct vgic_irq *irq, bool on)
{
	if (intid < VGIC_PRIVATE_IRQS)
		gic_ppi_set_pending(frame->pcpu, irq->phys, on);
	else
		gic_set_pending(irq->phys, on);
}

static void phys_set_active(struct vcpu *frame, uint32_t intid,
			    const struct vgic_irq *irq, bool on)
{
	if (intid < VGIC_PRIVATE_IRQS)
		gic_ppi_set_active(frame->pcpu, irq->phys, on);
	else
		gic_set_active(irq->phys, on);
}

uint32_t vgic_state_read(struct vm *vm, struct vcpu *self, struct vcpu *frame,
			 uint32_t base, struct vgic_irq *const irqs[32],
			 bool active)
{
	uint32_t queued = queued_mask(vm, frame, base);
	uint32_t lr_pend = 0, lr_act = 0, out = 0;
	bool own = own_lrs(self, frame, base);

	if (own)
		vgic_lr_states(base, &lr_pend, &lr_act);
	for (unsigned i = 0; i < 32; i++) {
		const struct vgic_irq *irq = irqs[i];
		bool in_lr = ((lr_pend | lr_act) >> i) & 1;
		bool lp = (lr_pend >> i) & 1, la = (lr_act >> i) & 1;
		bool q = (queued >> i) & 1;
		bool pend, act;

		if (!irq)
			continue;
		if (irq->phys) {
			bool pp = gic_is_pending(pcpu_of(frame), irq->phys);
			bool pa = gic_is_active(pcpu_of(frame), irq->phys);

			/*
			 * In a list register or the queue, the physical active
			 * state is the hypervisor's acknowledgement, not the
			 * guest's; a HW list register is never pending and
			 * active at once, the line's pending state is then
			 * the physical one (IHI0069, ICH_LR<n>_EL2.HW).
			 */
			if (in_lr) {
				pend = lp || (la && pp);
				act = la;
			} else if (q) {
				pend = true;
				act = false;
			} else {
				pend = pp;
				act = pa;
			}
		} else {
			pend = irq->pending || q || lp;
			act = la;
			/*
			 * A level line delivered and not yet EOIed: in another
			 * vCPU's list register when not in this one's.
			 */
			if (irq->in_flight && !q && !in_lr)
				act = !(own && irq->flight == self->id);
		}
		if (active ? act : pend)
			out |= 1u << i;
	}
	return out;
}

void vgic_state_set_pending(struct vcpu *frame, uint32_t intid,
			    const struct vgic_irq *irq)
{
	phys_set_pending(frame, intid, irq, true);
}

/*
 * Take @intid's delivery back from the queue or this CPU's list register
 * while the guest has not yet acknowledged it.  Return whether there was
 * one: for a hardware line, the physical GIC still has it active from the
 * hypervisor's acknowledgement.
 */
static bool withdraw(struct vm *vm, struct vcpu *self, struct vcpu *frame,
		     uint32_t intid)
{
	if (queue_find(vm, frame, intid, true))
		return true;
	if (own_lrs(self, frame, intid) &&
	    vgic_lr_state(intid) == VGIC_STATE_PENDING) {
		vgic_lr_set_state(intid, 0);
		return true;
	}
	return false;
}

void vgic_state_clear_pending(struct vm *vm, struct vcpu *self,
			      struct vcpu *frame, uint32_t intid,
			      struct vgic_irq *irq)
{
	unsigned st;

	if (irq->phys) {
		phys_set_pending(frame, intid, irq, false);
		/*
		 * Ending the hypervisor's acknowledgement lets a level line
		 * that is still asserted be taken again: it stays pending,
		 * as it would on the hardware.
		 */
		if (withdraw(vm, self, frame, intid))
			phys_set_active(frame, intid, irq, false);
		return;
	}
	irq->pending = false;
	/*
	 * A software level line in flight is left alone: its device says
	 * whether it is still high when the guest's EOI asks again.
	 */
	if (irq->in_flight)
		return;
	queue_find(vm, frame, intid, true);
	if (!own_lrs(self, frame, intid))
		return;
	st = vgic_lr_state(intid);
	if (st & VGIC_STATE_PENDING)
		vgic_lr_set_state(intid, st & ~VGIC_STATE_PENDING);
}

void vgic_state_set_active(struct vm *vm, struct vcpu *self, struct vcpu *frame,
			   uint32_t intid, struct vgic_irq *irq, bool on)
{
	bool own = own_lrs(self, frame, intid);
	unsigned st = own ? vgic_lr_state(intid) : 0;

	if (!irq->phys) {
		/*
		 * A software line has an active state in a list register
		 * only: one queued or in another vCPU's is left as it is.
		 */
		if (st)
			vgic_lr_set_state(intid, on ? st | VGIC_STATE_ACTIVE :
						      st & ~VGIC_STATE_ACTIVE);
		return;
	}
	if (on) {
		/*
		 * Pending becomes active and pending: a delivery the guest
		 * has not taken goes back to the physical GIC as its pending
		 * state, where the line's deactivation lets it be taken.
		 */
		if (withdraw(vm, self, frame, intid))
			phys_set_pending(frame, intid, irq, true);
		phys_set_active(frame, intid, irq, true);
		return;
	}
	/* Pending only (not yet taken by the guest): nothing to end. */
	if (st == VGIC_STATE_PENDING || queue_find(vm, frame, intid, false))
		return;
	if (st & VGIC_STATE_ACTIVE)
		vgic_lr_set_state(intid, 0);
	phys_set_active(frame, intid, irq, false);
}
