/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal guests dressed as a bzImage, so that shikiri-build takes
 * them as it takes a Linux kernel: one 512-byte sector of real-mode setup
 * after the boot sector, holding the setup header of boot protocol 2.15
 * (Linux Documentation/arch/x86/boot.rst, "The real-mode kernel header"),
 * then the protected-mode part, which is the guest itself, entered at its
 * start in 32-bit protected mode.  guest.ld places this section 1 KiB
 * below the guest's link address, so the flat binary is the bzImage.
 */
/* Where the guest is linked (guest.ld): X86_LAYOUT_KERNEL, or GUEST_LOAD. */
#define LOAD _start

	.section .bzimage.setup, "a"
	.org	0x1f1
	.byte	1			/* setup_sects: 1 after the boot sector */
	.word	0			/* root_flags */
	.long	0			/* syssize (unused by shikiri) */
	.word	0			/* ram_size */
	.word	0			/* vid_mode */
	.word	0			/* root_dev */
	.word	0xaa55			/* boot_flag */
	.byte	0xeb, hdr_end - 1f	/* jump: its length gives the header's end */
1:	.ascii	"HdrS"			/* 0x202 header */
	.word	0x020f			/* version 2.15 */
	.long	0			/* realmode_swtch */
	.word	0			/* start_sys_seg */
	.word	0			/* kernel_version */
	.byte	0			/* type_of_loader */
	.byte	0x01			/* loadflags: LOADED_HIGH */
	.word	0			/* setup_move_size */
	.long	LOAD			/* code32_start */
	.long	0			/* ramdisk_image */
	.long	0			/* ramdisk_size */
	.long	0			/* bootsect_kludge */
	.word	0			/* heap_end_ptr */
	.byte	0			/* ext_loader_ver */
	.byte	0			/* ext_loader_type */
	.long	0			/* cmd_line_ptr */
	.long	0x7fffffff		/* initrd_addr_max */
	.long	0x200000		/* kernel_alignment */
	.byte	guest_relocatable	/* relocatable_kernel (guest.ld) */
	.byte	21			/* min_alignment: 2 MiB */
	.word	0			/* xloadflags */
	.long	4095			/* cmdline_size */
	.long	0			/* hardware_subarch */
	.quad	0			/* hardware_subarch_data */
	.long	0			/* payload_offset */
	.long	0			/* payload_length */
	.quad	0			/* setup_data */
	.long	LOAD, 0			/* pref_address */
	.long	guest_init_size		/* init_size: image and bss (guest.ld) */
	.long	0			/* handover_offset */
	.long	0			/* kernel_info_offset */
hdr_end:
	.org	0x400
