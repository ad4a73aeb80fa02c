/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors.  With one vCPU pinned to each physical CPU, the
 * guest's general registers are saved in a frame at the top of this CPU's
 * stack on every exit and restored from it on entry; nothing else is
 * switched.
 */
#include "asm_defs.h"

	.macro save_guest
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x30, x0, [sp, #240]
	str	x1, [sp, #256]
	mov	x0, sp
	.endm

	.macro vector_entry, label
	.balign	0x80
	b	\label
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	el2_vectors
el2_vectors:
	vector_entry	hv_fault	/* current EL, SP0 */
	vector_entry	hv_fault
	vector_entry	hv_fault
	vector_entry	hv_fault
	vector_entry	hv_fault	/* current EL, SPx */
	vector_entry	hv_fault
	vector_entry	hv_fault
	vector_entry	hv_fault
	vector_entry	guest_sync	/* lower EL, AArch64 */
	vector_entry	guest_irq
	vector_entry	guest_fiq
	vector_entry	guest_serror
	vector_entry	guest_aarch32	/* lower EL, AArch32 */
	vector_entry	guest_aarch32
	vector_entry	guest_aarch32
	vector_entry	guest_aarch32

	.text
guest_sync:
	save_guest
	bl	trap_sync
	b	guest_resume

guest_irq:
guest_fiq:
	save_guest
	bl	trap_irq
	b	guest_resume

guest_serror:
	save_guest
	bl	trap_serror
	b	guest_resume

guest_aarch32:
	save_guest
	bl	trap_aarch32
	b	guest_resume

/*
 * A fault in the hypervisor itself: build a frame and panic with it, on a
 * stack of its own, since the fault may be an overflow into a guard page.
 * SP_EL0 (the guest's, lost anyway: the machine powers off) holds x0 while
 * SP is computed from MPIDR_EL1.Aff0, without touching memory.
 */
hv_fault:
	msr	sp_el0, x0
	mrs	x0, mpidr_el1
	and	x0, x0, #(HV_MAX_CPUS - 1)
	add	x0, x0, #1
	lsl	x0, x0, #HV_PANIC_STACK_SHIFT
	mov	sp, x0
	adr_l	x0, panic_stacks
	add	sp, sp, x0
	mrs	x0, sp_el0
	sub	sp, sp, #VCPU_REGS_SIZE
	save_guest
	bl	trap_hv_fault
	b	.


/*
 * void arch_guest_enter(struct vcpu_regs *frame): frame is the slot at the
 * top of this CPU's stack; restore it and return to the guest.  Also the
 * tail of every trap.
 */
	.global arch_guest_enter
arch_guest_enter:
	mov	sp, x0
guest_resume:
	ldp	x30, x0, [sp, #240]
	ldr	x1, [sp, #256]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	eret

	/* The stacks hv_fault reports on, one per MPIDR_EL1.Aff0 modulo 8. */
	.bss
	.balign	4096
panic_stacks:
	.skip	HV_MAX_CPUS << HV_PANIC_STACK_SHIFT
