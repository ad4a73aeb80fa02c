/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VGIC_H
#define ARCH_VGIC_H

#include "arch/its_cmd.h"
#include "hv/mmio.h"
#include "hv/spinlock.h"
#include "hv/types.h"
#include "shikiri/plan.h"

struct vm;
struct vcpu;

#define VGIC_PRIVATE_IRQS 32u
#define VGIC_MAX_SPIS 256u /* virtual INTIDs 32..287 */
/*
 * A queue entry per interrupt that can be pending for one vCPU (its private
 * ones, the VM's passthrough lines, its console line, the edge lines of
 * the core's devices: a doorbell per shared-memory region and virtio-net,
 * and its MSIs): with one entry per interrupt (queue() merges), the queue
 * can never overflow.
 */
#define VGIC_QUEUE_LEN                                                      \
	(VGIC_PRIVATE_IRQS + SHIKIRI_MAX_IRQS + 1u + SHIKIRI_MAX_SHM + 1u + \
	 ITS_MAX_MSIS)
#define VGIC_GICD_SIZE 0x10000u

/** The state the guest sees of one virtual interrupt. */
struct vgic_irq {
	uint64_t irouter; /**< SPIs: as the guest wrote it */
	uint16_t phys;    /**< physical INTID when hardware-backed, else 0 */
	uint8_t priority;
	uint8_t target;   /**< SPIs: vCPU index the route resolves to */
	bool present;     /**< SPIs: this VM owns the line */
	bool enabled;
	bool group1;
	bool edge;        /**< ICFGR: edge-triggered */
	bool soft_edge;   /**< SPIs: a core device's edge line (virq.h),
			       always edge-triggered */
	bool pending;     /**< software latch, not yet in a list register */
	bool in_flight;   /**< in a list register, awaiting the guest's EOI */
	uint8_t flight;   /**< vCPU index the in-flight delivery went to */
	bool held;        /**< hardware line masked by the hypervisor: its
			       vCPU is off or its VM stopped */
};

/** A virtual interrupt waiting for a free list register. */
struct vgic_pending {
	uint32_t vintid;
	uint16_t pintid; /**< 0: software interrupt */
	uint8_t priority;
	bool notify_eoi; /**< ask for a maintenance interrupt on EOI */
};

/** Per-vCPU interrupt state: its private interrupts and its LR queue. */
struct vgic_cpu {
	struct vgic_irq priv[VGIC_PRIVATE_IRQS];
	bool asleep; /**< GICR_WAKER.ProcessorSleep */
	struct spinlock lock; /* protects queue, queue_len */
	struct vgic_pending queue[VGIC_QUEUE_LEN];
	unsigned queue_len;
};

/**
 * A software-emulated device that drives a level-triggered virtual line:
 * asked again after the guest's EOI whether the line is still high.
 */
typedef bool (*vgic_resample_fn)(struct vm *vm);

/** Per-VM distributor state. Lock order: vgic_dist.lock, then vgic_cpu.lock. */
struct vgic_dist {
	struct spinlock lock;
	uint32_t ctlr;
	unsigned spi_count; /**< virtual SPIs implemented (multiple of 32) */
	struct vgic_irq spi[VGIC_MAX_SPIS];
	uint32_t resample_intid; /**< the one level-triggered software line */
	vgic_resample_fn resample;
	uint64_t gicd_ipa;
	uint64_t gicr_ipa;
};

/**
 * vgic_init() - Set up @vm's distributor and vCPU interfaces: GICD at
 * @gicd_ipa, redistributors from @gicr_ipa; registers both MMIO regions.
 */
int vgic_init(struct vm *vm, uint64_t gicd_ipa, uint64_t gicr_ipa);

/**
 * vgic_add_hw_spi() - Give @vm the physical SPI @pintid as virtual @vintid.
 * Boot time only.
 */
int vgic_add_hw_spi(struct vm *vm, uint32_t vintid, uint32_t pintid);

/** vgic_add_sw_spi() - A virtual-only, level-triggered SPI at @vintid. */
int vgic_add_sw_spi(struct vm *vm, uint32_t vintid, vgic_resample_fn fn);

/** vgic_set_level() - A software device's line @vintid went to @level. */
void vgic_set_level(struct vm *vm, uint32_t vintid, bool level);

/**
 * vgic_add_edge_spi() - A virtual-only, edge-triggered SPI at @vintid for
 * a device the core emulates; the VM's SPI count grows to cover it.
 * Boot time only.
 */
int vgic_add_edge_spi(struct vm *vm, uint32_t vintid);

/**
 * vgic_pulse() - An edge on @vm's software edge line @vintid: delivered
 * (once) when enabled, latched until then; while the previous one is
 * still active in a list register it becomes active and pending there, so
 * the guest takes it again after its EOI.  From any CPU.
 */
void vgic_pulse(struct vm *vm, uint32_t vintid);

/**
 * vgic_send_sgi() - The guest on @vcpu wrote ICC_SGI1R_EL1 = @val: raise the
 * SGI on the addressed vCPUs of its own VM only.
 */
void vgic_send_sgi(struct vcpu *vcpu, uint64_t val);

/**
 * vgic_forward_hw() - A physical interrupt @pintid of @vcpu's VM fired on
 * this CPU (already priority-dropped): inject it HW-linked, so the guest's
 * EOI deactivates it.  Return: false when it was not the VM's to take.
 */
bool vgic_forward_hw(struct vcpu *vcpu, uint32_t pintid);

/**
 * vgic_hold_hw() - A physical interrupt @pintid of @vcpu's VM fired on this
 * CPU while @vcpu is off or its VM is not running: mask it in the GIC until
 * vgic_release_hw() (or the guest's next write of its enable or route).
 * Return: false when it is no hardware line of the VM.
 */
bool vgic_hold_hw(struct vcpu *vcpu, uint32_t pintid);

/**
 * vgic_release_hw() - @vcpu is about to be on again: unmask the hardware
 * lines held for it that the guest has enabled.  On @vcpu's CPU.
 */
void vgic_release_hw(struct vcpu *vcpu);

/**
 * vgic_hold_vm() - @vm stopped (all its vCPUs parked): mask every physical
 * SPI it owns, until its next life's guest enables them.
 */
void vgic_hold_vm(struct vm *vm);

/**
 * vgic_reset_vm() - Back to power-on: every line of @vm disabled, not
 * pending, default priority and route; its physical SPIs disabled,
 * deactivated and cleared.  While all its vCPUs are parked.
 */
void vgic_reset_vm(struct vm *vm);

/** vgic_reset_cpu() - Clear @vcpu's private interrupts and queue. */
void vgic_reset_cpu(struct vcpu *vcpu);

/*
 * Pending and active state (vgic_state.c), for the guest's accesses by
 * @self to its distributor (@frame NULL) or @frame's redistributor.  The
 * lines are the VM's own; vgic_dist.lock held.
 */

/**
 * vgic_state_read() - The pending (@active false) or active bits of
 * INTIDs @base..@base+31, @irqs[i] the line of @base + i (NULL: not the
 * VM's, reads as zero): its latch, queue and list register, and for a
 * hardware line the physical GIC.
 */
uint32_t vgic_state_read(struct vm *vm, struct vcpu *self, struct vcpu *frame,
			 uint32_t base, struct vgic_irq *const irqs[32],
			 bool active);

/** vgic_state_set_pending() - ISPENDR for hardware line @irq (@intid). */
void vgic_state_set_pending(struct vcpu *frame, uint32_t intid,
			    const struct vgic_irq *irq);

/** vgic_state_clear_pending() - ICPENDR for line @irq (@intid). */
void vgic_state_clear_pending(struct vm *vm, struct vcpu *self,
			      struct vcpu *frame, uint32_t intid,
			      struct vgic_irq *irq);

/**
 * vgic_state_set_active() - ISACTIVER (@on) or ICACTIVER for line @irq
 * (@intid).
 */
void vgic_state_set_active(struct vm *vm, struct vcpu *self, struct vcpu *frame,
			   uint32_t intid, struct vgic_irq *irq, bool on);

/* List registers (vgic_lr.c): only ever touched by the vCPU's own CPU. */

/** vgic_lr_flush() - Move queued interrupts into free list registers. */
void vgic_lr_flush(struct vcpu *vcpu);

/** vgic_lr_maintenance() - Handle the maintenance interrupt on this CPU. */
void vgic_lr_maintenance(struct vcpu *vcpu);

/* A line's state in a list register, as vgic_lr_state() gives it. */
#define VGIC_STATE_PENDING 1u
#define VGIC_STATE_ACTIVE 2u

/**
 * vgic_lr_states() - Which of INTIDs @base..@base+31 this CPU's list
 * registers hold pending (@pending) and active (@active), one bit each.
 */
void vgic_lr_states(uint32_t base, uint32_t *pending, uint32_t *active);

/**
 * vgic_lr_state() - @vintid's state in this CPU's list registers:
 * VGIC_STATE_PENDING and/or VGIC_STATE_ACTIVE, 0 when none holds it.
 */
unsigned vgic_lr_state(uint32_t vintid);

/**
 * vgic_lr_set_state() - Give @vintid's list register on this CPU the state
 * @state (VGIC_STATE_* bits; 0 frees it, after the EOI maintenance
 * interrupt for a software level line).  Nothing when none holds it.
 */
void vgic_lr_set_state(uint32_t vintid, unsigned state);

/** vgic_lr_clear() - Empty every list register of this CPU. */
void vgic_lr_clear(void);

/**
 * vgic_vcpu_park() - @vcpu stopped running on this CPU: its list registers
 * and queue are emptied, every hardware interrupt it had taken but not
 * finished is deactivated, and a software level line it had in flight is
 * looked at again (it would otherwise wait for an EOI that never comes).
 */
void vgic_vcpu_park(struct vcpu *vcpu);

/**
 * vgic_flight_lost() - @vcpu's list registers and queue were dropped:
 * software lines in flight to it count as EOIed (and are raised again if
 * still high).  Called by vgic_vcpu_park().
 */
void vgic_flight_lost(struct vcpu *vcpu);

/**
 * vgic_edge_lost() - A pending edge of software line @vintid was dropped
 * with @vcpu's list registers or queue: latch it again and hand it to the
 * line's target now, unless that is @vcpu itself (then it waits, latched,
 * for the guest's next enable or route of the line).  Called by
 * vgic_vcpu_park().
 */
void vgic_edge_lost(struct vcpu *vcpu, uint32_t vintid);

/** vgic_eoi() - The guest EOIed software interrupt @vintid on @vcpu. */
void vgic_eoi(struct vcpu *vcpu, uint32_t vintid);

#endif /* ARCH_VGIC_H */
