/* SPDX-License-Identifier: MIT */
/*
 * Entry of a bare-metal test guest, as the arm64 Linux boot protocol enters
 * a kernel: EL1h, MMU and caches off, x0 = the device tree's address.  Set
 * the vector table and a stack, zero .bss, and run main_entry().  The rest
 * of the Image header is written by baremetal.ld.
 */

/* struct exception_frame (exceptions.h): x0..x30, ELR, SPSR, padding. */
#define FRAME_SIZE 272
#define FRAME_X30 240
#define FRAME_SPSR 256

	.section .text.head, "ax"
	.global _start
_start:
	b	entry			/* code0 */
	.long	0			/* code1 */

	.section .text.entry, "ax"
entry:
	mov	x19, x0
	adrp	x1, el1_vectors
	add	x1, x1, :lo12:el1_vectors
	msr	vbar_el1, x1
	isb

	/* Zero .bss, the stack with it (16-byte aligned by the linker script). */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1
	mov	x0, x19
	bl	main_entry
3:	wfi
	b	3b

/*
 * The EL1 vector table (Arm ARM D1.10.2): 16 entries of 0x80 bytes.  Each
 * saves x0/x1, then the common code saves the rest into a struct
 * exception_frame on the stack and calls exceptions_entry(frame, vector),
 * which may change the frame's ELR (and registers) before the return.
 */
.macro	ventry	vector
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x1, #\vector
	b	exception_common
.endm

	.section .text.vectors, "ax"
	.balign	2048
	.global	el1_vectors
el1_vectors:
	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	ventry	\v
	.endr

exception_common:
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
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x30, x2, [sp, #FRAME_X30]
	str	x3, [sp, #FRAME_SPSR]
	mov	x0, sp
	bl	exceptions_entry
	ldr	x3, [sp, #FRAME_SPSR]
	ldp	x30, x2, [sp, #FRAME_X30]
	msr	elr_el1, x2
	msr	spsr_el1, x3
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
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret
