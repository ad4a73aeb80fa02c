/* SPDX-License-Identifier: MIT */
/*
 * Entry from a Multiboot (1 or 2) loader: 32-bit protected mode, paging
 * off, EAX = the loader's magic, EBX = its information block (Multiboot
 * Specification 0.6.96 section 3.2; Multiboot2 1.0 section 3.3).  The
 * hypervisor is linked at a fixed physical address; both headers carry
 * that address (the "a.out kludge" of Multiboot 1, the address tag of
 * Multiboot2), so loaders that do not read ELF64 (QEMU's -kernel) load it
 * as one flat piece.  shikiri-build rewrites load_end_addr and
 * bss_end_addr to cover the plan and payloads appended to the image.
 *
 * From here: bss zeroed, an identity map of the low 4 GiB in 2 MiB pages,
 * long mode, then C (x86_boot_primary) on CPU 0's stack.  The other CPUs
 * come through the real-mode trampoline below, copied under 1 MiB.
 */
#include "asm_defs.h"

#define MB1_FLAGS 0x00010003 /* page-aligned modules, memory map, address fields */

	.section .text.head, "ax"
	.code32
	.global _start
_start:
	jmp	mb_entry

	.align	4
mb1_header:
	.long	MB1_MAGIC
	.long	MB1_FLAGS
	.long	-(MB1_MAGIC + MB1_FLAGS)
	.long	mb1_header		/* header_addr */
	.long	_start			/* load_addr */
	.long	_load_end		/* load_end_addr */
	.long	_hv_end			/* bss_end_addr */
	.long	mb_entry		/* entry_addr */

	.align	8
mb2_header:
	.long	MB2_MAGIC
	.long	0			/* architecture: i386 protected mode */
	.long	mb2_header_end - mb2_header
	.long	-(MB2_MAGIC + (mb2_header_end - mb2_header))
	/* Address tag (type 2). */
	.short	2, 0
	.long	24
	.long	mb2_header, _start, _load_end, _hv_end
	/* Entry address tag (type 3), padded to 8 bytes. */
	.short	3, 0
	.long	12
	.long	mb_entry
	.long	0
	/* End tag. */
	.short	0, 0
	.long	8
mb2_header_end:

	.global mb_entry
mb_entry:
	cli
	cld
	/* The loader's magic and block survive the bss clear in EDX/EBP. */
	mov	%eax, %edx
	mov	%ebx, %ebp
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb
	mov	%edx, boot_magic
	mov	%ebp, boot_info

	/* PD i maps [i GiB, i+1 GiB); the top GiB (APICs, MMIO) uncached. */
	mov	$boot_pd, %edi
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$(PTE_P | PTE_W | PTE_PS), %eax
	cmp	$1536, %ecx
	jb	2f
	or	$(PTE_PCD | PTE_PWT), %eax
2:	mov	%eax, (%edi, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	1b
	mov	$boot_pdpt, %edi
	mov	$boot_pd + (PTE_P | PTE_W), %eax
	mov	%eax, 0(%edi)
	add	$0x1000, %eax
	mov	%eax, 8(%edi)
	add	$0x1000, %eax
	mov	%eax, 16(%edi)
	add	$0x1000, %eax
	mov	%eax, 24(%edi)
	movl	$boot_pdpt + (PTE_P | PTE_W), boot_pml4

	lgdt	boot_gdt_ptr
	mov	$__stacks + HV_STACK_SIZE, %esp
	jmp	long_mode_on

/*
 * Paging and long mode on, from 32-bit protected mode with the boot GDT
 * loaded; then 64-bit code at long_entry.  The boot CPU and every AP go
 * through here; EBX keeps saying which (0: boot CPU).
 */
long_mode_on:
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_PE | CR0_WP), %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE64, $long_entry

	.code64
long_entry:
	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	ap_starting(%rip), %eax
	test	%eax, %eax
	jnz	1f
	lea	__stacks + HV_STACK_SIZE(%rip), %rsp
	mov	boot_info(%rip), %edi
	mov	$_start, %esi
	call	x86_boot_primary
	jmp	halt_forever
1:	mov	ap_stack(%rip), %rsp
	mov	ap_index(%rip), %edi
	call	x86_boot_secondary
halt_forever:
	cli
	hlt
	jmp	halt_forever

/*
 * An AP, after INIT-SIPI-SIPI: real mode at CS = trampoline >> 4, IP = 0
 * (Intel SDM vol. 3 8.4.4; AMD APM vol. 2 15.27.8 for the SIPI).  This
 * code is copied to the board's trampoline page; everything it touches
 * there is addressed relative to CS, the rest (the GDT, the 32-bit code)
 * is in the image at its fixed address.
 */
	.code16
	.global ap_trampoline, ap_trampoline_end
ap_trampoline:
	cli
	cld
	lgdtl	%cs:(ap_gdt_ptr - ap_trampoline)
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $ap_entry32
	.align	4
ap_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
ap_trampoline_end:

	.code32
ap_entry32:
	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	jmp	long_mode_on

	.section .rodata
	.align	16
	.global boot_gdt
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* SEL_CODE64: long mode code */
	.quad	0x00cf92000000ffff	/* SEL_DATA: flat data */
	.quad	0x00cf9a000000ffff	/* SEL_CODE32: flat 32-bit code */
boot_gdt_end:
	.align	8
	.global boot_gdt_ptr
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.data
	.align	8
	.global boot_magic, boot_info, ap_starting, ap_stack, ap_index
boot_magic:	.long	0
boot_info:	.long	0
ap_starting:	.long	0
ap_index:	.long	0
ap_stack:	.quad	0

	.section .bss.pagetables, "aw", @nobits
	.align	4096
	.global boot_pml4, boot_pd
boot_pml4:	.skip	4096
boot_pdpt:	.skip	4096
boot_pd:	.skip	4 * 4096
