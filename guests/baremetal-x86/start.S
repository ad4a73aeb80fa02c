/* SPDX-License-Identifier: MIT */
/*
 * Entry of the x86 bare-metal test guest, as the hypervisor enters a
 * kernel (X86_PLAN.md): 32-bit protected mode, paging off, ESI = the boot
 * information.  Its own GDT and IDT, then main().  APs come through the
 * real-mode trampoline below, which main() copies to TRAMPOLINE.
 */
#define TRAMPOLINE 0x9000

	.code32
	.section .text.start, "ax"
	.global _start
_start:
	cli
	lgdt	gdt_ptr
	ljmp	$0x08, $1f
1:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$stack_top, %esp
	push	%esi
	call	main
2:	cli
	hlt
	jmp	2b

/* Interrupt entry: push the vector, call isr(vector, frame). */
	.global isr_stubs
	.align	16
isr_stubs:
	vector = 0
	.rept	256
	.align	16
	.if (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17)
	.else
	push	$0
	.endif
	push	$vector
	jmp	isr_common
	vector = vector + 1
	.endr

isr_common:
	pusha
	mov	%esp, %eax
	push	%eax
	call	isr
	add	$4, %esp
	popa
	add	$8, %esp
	iret

/* The AP trampoline: real mode at TRAMPOLINE, CS = TRAMPOLINE >> 4. */
	.code16
	.global ap_tramp, ap_tramp_end
ap_tramp:
	cli
	lgdtl	%cs:(tramp_gdt_ptr - ap_tramp)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $ap_entry32
	.align	4
tramp_gdt_ptr:
	.short	gdt_end - gdt - 1
	.long	gdt
ap_tramp_end:

	.code32
ap_entry32:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$ap_stack_top, %esp
	call	ap_main
3:	cli
	hlt
	jmp	3b

	.section .rodata
	.align	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
gdt_end:
gdt_ptr:
	.short	gdt_end - gdt - 1
	.long	gdt

	.bss
	.align	16
	.skip	16384
stack_top:
	.skip	16384
ap_stack_top:
