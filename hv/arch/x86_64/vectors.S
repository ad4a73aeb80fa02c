/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's interrupt and exception entries: one stub per vector
 * pushes an error code where the CPU does not (AMD APM vol. 2 8.2, table
 * 8-1) and its vector number, then the common entry saves the general
 * registers as a struct x86_frame (arch/x86.h) and calls x86_trap().
 */
#include "asm_defs.h"

	.text
	.global idt_stubs
	.align	16
idt_stubs:
	vector = 0
	.rept	256
	.align	16
	.if (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	.else
	push	$0
	.endif
	push	$vector
	jmp	trap_common
	vector = vector + 1
	.endr

trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	call	x86_trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rbp
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp
	iretq

/* void x86_idle_on_stack(void (*fn)(void), void *sp): switch stacks, call. */
	.global x86_idle_on_stack
x86_idle_on_stack:
	mov	%rsi, %rsp
	call	*%rdi
1:	cli
	hlt
	jmp	1b
