/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VLAPIC_H
#define ARCH_VLAPIC_H

#include "hv/types.h"

/* The xAPIC page every VM sees (X86_PLAN.md "Fixed x86 guest layout"). */
#define VLAPIC_BASE 0xfee00000ull
#define VLAPIC_SIZE 0x1000u
/* vCPUs of one VM the interrupt routing can address (a 64-bit mask). */
#define VLAPIC_MAX_CPUS 64u
/* vlapic_timer_deadline() when the timer is not running. */
#define VLAPIC_NO_DEADLINE UINT64_MAX
/*
 * The shortest period of a periodic timer: a guest asking for less gets
 * this, so it cannot keep its CPU in timer exits (KVM's floor is 200 us).
 */
#define VLAPIC_MIN_PERIOD_NS 200000ull

/* Delivery modes (ICR, LVT and I/O APIC redirection entries bits 10:8). */
enum vlapic_mode {
	VLAPIC_FIXED = 0,
	VLAPIC_LOWEST = 1,
	VLAPIC_SMI = 2,
	VLAPIC_NMI = 4,
	VLAPIC_INIT = 5,
	VLAPIC_SIPI = 6,
	VLAPIC_EXTINT = 7,
};

/* ICR destination shorthands (bits 19:18). */
enum vlapic_shorthand {
	VLAPIC_DEST = 0,
	VLAPIC_SELF = 1,
	VLAPIC_ALL = 2,
	VLAPIC_OTHERS = 3,
};

/** An interrupt message on the VM's virtual APIC bus. */
struct vlapic_msg {
	uint8_t vector;
	uint8_t mode;	   /**< enum vlapic_mode */
	uint8_t dest;	   /**< xAPIC destination: an APIC ID or logical mask */
	uint8_t shorthand; /**< enum vlapic_shorthand (ICR only, else 0) */
	bool logical;	   /**< logical destination mode (else physical) */
	bool level;	   /**< level-triggered: EOI is reported */
	bool assert;	   /**< INIT: false is the level de-assert (no-op) */
	uint8_t src;	   /**< sending vCPU for SELF and OTHERS */
};

/**
 * What the vlapics of a VM ask of the hypervisor.  @vcpu is the index of
 * a vCPU of this VM: a vlapic never names anything outside its VM.
 */
struct vlapic_ops {
	/** An interrupt became pending for @vcpu: wake or kick it. */
	void (*kick)(void *ctx, unsigned vcpu);
	/** NMI for @vcpu. */
	void (*nmi)(void *ctx, unsigned vcpu);
	/** INIT for @vcpu (its vlapic is already reset): park it. */
	void (*init)(void *ctx, unsigned vcpu);
	/** Start-up IPI for @vcpu: start at @vector << 12 if waiting. */
	void (*sipi)(void *ctx, unsigned vcpu, uint8_t vector);
	/** EOI of level-triggered @vector: the I/O APIC's remote IRR. */
	void (*eoi)(void *ctx, uint8_t vector);
};

struct vlapic;

/** The virtual local APICs of one VM: the only targets of its interrupts. */
struct vlapic_vm {
	struct vlapic *cpu[VLAPIC_MAX_CPUS]; /**< by vCPU index = APIC ID */
	unsigned count;			     /**< cpu[0..count) may be set */
	const struct vlapic_ops *ops;
	void *ctx;
	unsigned lowest_next; /**< round robin among lowest-priority ties */
	uint64_t dropped;     /**< messages that reached no vCPU */
};

/** One vCPU's virtual xAPIC (Intel SDM vol. 3 chapter 11). */
struct vlapic {
	struct vlapic_vm *vm;
	uint8_t index; /**< vCPU index, also its APIC ID */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t esr, esr_pending; /**< ESR as read; errors since its write */
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[6]; /**< timer, thermal, perf, LINT0, LINT1, error */
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t tmict, tdcr;
	uint64_t timer_start;	 /**< ns when the count (re)started */
	uint64_t timer_deadline; /**< ns of the next expiry, or none */
};

/**
 * vlapic_vm_init() - An empty set of vlapics for a VM; @ops with @ctx is
 * called for every effect outside the register model.
 */
void vlapic_vm_init(struct vlapic_vm *vm, const struct vlapic_ops *ops,
		    void *ctx);

/**
 * vlapic_init() - Add @v as vCPU @index (its APIC ID) of @vm, in its reset
 * state.  Return: 0, or -HV_EINVAL for an index taken or too large.
 */
int vlapic_init(struct vlapic *v, struct vlapic_vm *vm, unsigned index);

/** vlapic_reset() - Power-on/INIT state (SDM 11.4.7.1); the ID stays. */
void vlapic_reset(struct vlapic *v);

/**
 * vlapic_read() - Guest read of @size bytes at @off in the xAPIC page at
 * time @now_ns.  Return: 0 with *@val, or -HV_ERANGE outside the page.
 *
 * All vlapic and vioapic calls of one VM must be serialized by the caller
 * (one lock per VM): they read and write each other's state.
 */
int vlapic_read(struct vlapic *v, uint32_t off, unsigned size, uint64_t now_ns,
		uint64_t *val);

/**
 * vlapic_write() - Guest write of @size bytes at @off at time @now_ns.
 * Only aligned 32-bit writes change registers (SDM 11.4.1); others are
 * ignored.  Return: 0, or -HV_ERANGE outside the page.
 */
int vlapic_write(struct vlapic *v, uint32_t off, unsigned size, uint64_t now_ns,
		 uint64_t val);

/**
 * vlapic_deliver() - Deliver @msg to the vCPUs of @vm it names; never to
 * any other.  Lowest priority goes to one of them.
 * Return: how many vCPUs it reached.
 */
unsigned vlapic_deliver(struct vlapic_vm *vm, const struct vlapic_msg *msg);

/**
 * vlapic_targets() - The vCPUs of @vm that @msg names (its destination
 * and shorthand, not its delivery mode), as a mask of indices.
 */
uint64_t vlapic_targets(const struct vlapic_vm *vm,
			const struct vlapic_msg *msg);

/**
 * vlapic_pending() - The vector to inject now: the highest in IRR above
 * the processor priority, or -1 (none, or the APIC software-disabled).
 */
int vlapic_pending(const struct vlapic *v);

/**
 * vlapic_accept() - @vector, returned by vlapic_pending(), is being
 * injected: it moves from IRR to ISR.
 */
void vlapic_accept(struct vlapic *v, uint8_t vector);

/**
 * vlapic_timer_update() - The time is @now_ns: raise the timer interrupt
 * if it expired (once, however many periods passed), re-arm a periodic
 * one.  Call when the deadline passes and before vlapic_pending().
 */
void vlapic_timer_update(struct vlapic *v, uint64_t now_ns);

/** vlapic_timer_deadline() - Next expiry in ns, or VLAPIC_NO_DEADLINE. */
uint64_t vlapic_timer_deadline(const struct vlapic *v);

#endif /* ARCH_VLAPIC_H */
