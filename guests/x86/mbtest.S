/* SPDX-License-Identifier: MIT */
/*
 * mbtest: the smallest kernel both QEMU's Multiboot1 loader (-kernel) and
 * GRUB's multiboot2 command load, for testing the x86 boot routes
 * (scripts/run, scripts/mkgrub-iso) without the hypervisor.  It says on
 * COM1 which protocol started it and the loader's name from the boot
 * information, then halts:
 *
 *   mbtest: multiboot2 from GRUB 2.06-13+deb12u2
 *
 * Headers: Multiboot Specification 0.6.96 section 3.1 (the a.out kludge
 * address fields, flags bit 16) and Multiboot2 1.0 section 3.1 (address and
 * entry tags), both within the first 8 KiB as each requires.
 */
#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00010000
#define MB1_BOOTED 0x2badb002
#define MB1_INFO_LOADER_NAME (1 << 9)
#define MB2_MAGIC 0xe85250d6
#define MB2_BOOTED 0x36d76289
#define MB2_TAG_LOADER_NAME 2
#define COM1 0x3f8

	.code32
	.section .text.head, "ax"
	.globl _start
_start:
	jmp entry

	.balign 4
mb1_header:
	.long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header, _start, load_end, bss_end, entry

	.balign 8
mb2_header:
	.long MB2_MAGIC, 0, mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	/* Address tag: load the file from its start up to load_end. */
	.short 2, 0
	.long 24, mb2_header, _start, load_end, bss_end
	/* Entry tag, padded to 8 bytes. */
	.short 3, 0
	.long 12, entry, 0
	/* End tag. */
	.short 0, 0
	.long 8
mb2_end:

	.text
entry:
	cli
	mov $stack_top, %esp
	/* Both loaders pass their magic in EAX and the boot information's
	 * physical address in EBX. */
	mov %ebx, %edi
	cmp $MB2_BOOTED, %eax
	je 2f
	cmp $MB1_BOOTED, %eax
	je 1f
	mov $msg_unknown, %esi
	call puts
	jmp halt

1:	mov $msg_mb1, %esi
	call puts
	testl $MB1_INFO_LOADER_NAME, (%edi)
	jz done
	mov 64(%edi), %esi
	call puts
	jmp done

2:	mov $msg_mb2, %esi
	call puts
	/* Walk the tags after the 8-byte fixed part; each is 8-aligned. */
	lea 8(%edi), %ebx
	mov (%edi), %ecx
	add %edi, %ecx
3:	cmp %ecx, %ebx
	jae done
	mov (%ebx), %eax
	test %eax, %eax
	jz done
	cmp $MB2_TAG_LOADER_NAME, %eax
	jne 4f
	lea 8(%ebx), %esi
	call puts
	jmp done
4:	mov 4(%ebx), %eax
	add $7, %eax
	and $~7, %eax
	jz done
	add %eax, %ebx
	jmp 3b

done:
	mov $msg_nl, %esi
	call puts
halt:
	hlt
	jmp halt

/* Write the NUL-terminated string at ESI to COM1, polling LSR.THRE. */
puts:
	push %eax
	push %edx
5:	movb (%esi), %al
	testb %al, %al
	jz 7f
	mov %al, %ah
	mov $COM1 + 5, %dx
6:	inb %dx, %al
	testb $0x20, %al
	jz 6b
	mov %ah, %al
	mov $COM1, %dx
	outb %al, %dx
	inc %esi
	jmp 5b
7:	pop %edx
	pop %eax
	ret

	.section .rodata
msg_mb1:	.asciz "mbtest: multiboot1 from "
msg_mb2:	.asciz "mbtest: multiboot2 from "
msg_unknown:	.asciz "mbtest: unknown loader\r\n"
msg_nl:		.asciz "\r\n"

	.bss
	.balign 16
	.skip 4096
stack_top:
