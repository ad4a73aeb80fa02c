/* SPDX-License-Identifier: MIT */
/*
 * Save and resume an execution context (setjmp/longjmp for this runtime):
 * the callee-saved registers x19..x30 and the stack pointer, per AAPCS64.
 * The runtime is built -mgeneral-regs-only, so no FP register needs saving.
 * Layout: struct context in context.h.
 */

	.text
	.global	context_save
	.type	context_save, %function
context_save:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x1, sp
	str	x1, [x0, #96]
	mov	w0, #0
	ret
	.size	context_save, . - context_save

	.global	context_resume
	.type	context_resume, %function
context_resume:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x1, [x0, #96]
	mov	sp, x1
	mov	w0, #1
	ret
	.size	context_resume, . - context_resume
