/* SPDX-License-Identifier: MIT */
/*
 * nullhv: the least a hypervisor can do under this emulator, as the floor
 * the benchmark measures shikiri and Xen against (bench/run.py, config
 * "nullhv").  It enables stage-2 translation with a 1:1 map of the whole
 * 40-bit IPA space in 1 GiB blocks and traps nothing: HCR_EL2 = VM | RW, so
 * interrupts go straight to EL1 and the guest drives the GIC CPU interface
 * itself; CNTHCTL_EL2 gives EL1 the physical timer and counter.
 *
 * Boot: QEMU's -kernel loads this Image at RAM + 2 MiB and enters it at
 * EL2 with x0 = the DTB.  The Linux Image sits 2 MiB after this one (loaded
 * there with -device loader); we enter it at EL1h with x0 = the same DTB.
 *
 * The one thing forwarded is PSCI.  QEMU's built-in PSCI firmware starts a
 * secondary CPU at EL2 whoever asks, so we patch the DT's /psci method from
 * "smc" to "hvc" (in place: QEMU rewrites that node whatever -dtb says) and
 * pass every HVC on with SMC, except CPU_ON: that one starts the CPU here,
 * which sets up its EL2 registers and enters the guest's entry point at EL1
 * with the guest's context id.
 *
 * The DT given to the guest must /memreserve/ this Image (2 MiB): the
 * vectors, stacks and stage-2 table stay live.  bench/run.py makes that DT
 * (QEMU -dtb) from QEMU's own.
 * Everything runs with the EL2 MMU off, which is fine under TCG (no caches
 * to maintain), and not meant for hardware.
 */

#define NCPU		8		/* MPIDR Aff0 0..7, one cluster */
#define STACK_SIZE	1024
#define LINUX_OFFSET	0x200		/* << 12: Linux at this Image + 2 MiB */

#define HCR_VM		(1 << 0)
#define HCR_RW_HI	0x8000		/* HCR_EL2.RW, bit 31, as movk << 16 */

/*
 * VTCR_EL2: T0SZ = 24 (40-bit IPA), SL0 = 1 (start at level 1, two
 * concatenated tables), inner/outer write-back, inner shareable, 4 KiB
 * granule, PS = 40 bits, bit 31 RES1.
 */
#define VTCR_LO		0x3558
#define VTCR_HI		0x8002

/*
 * Level-1 block descriptors (DDI0487 D8.3): valid block, S2AP = RW, AF;
 * MemAttr 0b1111 (Normal write-back, inner shareable) for RAM, 0b0001
 * (Device-nGnRE) elsewhere.  Stage 1 can still make memory stricter.
 */
#define S2_NORMAL	0x7fd
#define S2_DEVICE	0x4c5
#define RAM_FIRST_GIB	1		/* QEMU virt RAM: 1 GiB .. 256 GiB */
#define RAM_END_GIB	256

#define PSCI_CPU_ON_LO	0x0003
#define PSCI_CPU_ON32	0x8400
#define PSCI_CPU_ON64	0xc400
#define PSCI_INVALID	-2

#define EC_HVC64	0x16
#define SPSR_EL1H_DAIF	0x3c5
#define SCTLR_EL1_LO	0x0800		/* RES1 bits, MMU and caches off */
#define SCTLR_EL1_HI	0x30d0

#define UART_BASE	0x09000000	/* QEMU virt PL011, for the panic line */

#define ICC_SRE_EL2	S3_4_C12_C9_5
#define ICH_HCR_EL2	S3_4_C12_C11_0

	.section .head, "ax"
	.global _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	0x200000		/* image_size: Linux follows at +2 MiB */
	.quad	0xa			/* flags: LE, 4 KiB pages, anywhere */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

	.text
primary_entry:
	mov	x20, x0
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_el2

	/* The stage-2 map: 1024 one-GiB blocks, identity. */
	adr	x1, s2_table
	mov	x2, #0
	mov	x5, #S2_NORMAL
	mov	x6, #S2_DEVICE
	mov	x7, #RAM_END_GIB
1:	lsl	x3, x2, #30
	cmp	x2, #RAM_FIRST_GIB
	ccmp	x2, x7, #2, hs		/* lo: RAM_FIRST <= i < RAM_END */
	csel	x4, x5, x6, lo
	orr	x3, x3, x4
	str	x3, [x1, x2, lsl #3]
	add	x2, x2, #1
	cmp	x2, #1024
	b.lo	1b
	dsb	ish

	bl	patch_psci
	mrs	x19, mpidr_el1
	and	x19, x19, #0xff
	bl	el2_setup
	adr	x4, _head
	add	x4, x4, #LINUX_OFFSET, lsl #12
	mov	x0, x20
	b	enter_el1

/* A CPU started by our forwarded CPU_ON: EL2, MMU off, x0 = CPU index. */
secondary_entry:
	mov	x19, x0
	bl	el2_setup
	adr	x5, boot_args
	add	x5, x5, x19, lsl #4
	ldp	x4, x0, [x5]		/* the guest's entry and context id */
	b	enter_el1

/* EL2 state for CPU x19: stack, vectors, stage 2, nothing trapped. */
el2_setup:
	adr	x1, stacks
	add	x2, x19, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1

	adr	x1, vectors
	msr	vbar_el2, x1
	mrs	x1, midr_el1
	msr	vpidr_el2, x1
	mrs	x1, mpidr_el1
	msr	vmpidr_el2, x1
	mov	x1, #0x33ff		/* CPTR_EL2: RES1 only, no FP/SIMD trap */
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	mrs	x1, pmcr_el0		/* MDCR_EL2.HPMN = every counter to EL1 */
	ubfx	x1, x1, #11, #5
	msr	mdcr_el2, x1
	mov	x1, #3			/* CNTHCTL_EL2: EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mrs	x1, ICC_SRE_EL2		/* SRE | DFB | DIB | Enable: EL1 uses */
	orr	x1, x1, #0xf		/* the system register interface */
	msr	ICC_SRE_EL2, x1
	isb
	msr	ICH_HCR_EL2, xzr

	movz	x1, #VTCR_LO
	movk	x1, #VTCR_HI, lsl #16
	msr	vtcr_el2, x1
	adr	x1, s2_table
	msr	vttbr_el2, x1		/* VMID 0 */
	isb
	tlbi	alle1
	dsb	ish
	movz	x1, #HCR_VM
	movk	x1, #HCR_RW_HI, lsl #16
	msr	hcr_el2, x1
	movz	x1, #SCTLR_EL1_LO
	movk	x1, #SCTLR_EL1_HI, lsl #16
	msr	sctlr_el1, x1
	isb
	ret

/*
 * In the DTB at x20, turn every property `method = "smc"` into "hvc".  The
 * structure block is a sequence of big-endian 32-bit words; a property is
 * FDT_PROP, length, name offset, value.  Byte loads for the name: the EL2
 * MMU is off, so memory is Device and must be accessed aligned.
 */
#define FDT_PROP_LE	0x0300		/* << 16: be32 3 loaded little-endian */
#define LEN4_LE		0x0400		/* << 16: be32 4 */
#define SMC_LO		0x6d73		/* "smc\0" */
#define SMC_HI		0x0063
#define HVC_LO		0x7668		/* "hvc\0" */
#define HVC_HI		0x0063
patch_psci:
	ldr	w1, [x20, #8]		/* off_dt_struct */
	rev	w1, w1
	ldr	w2, [x20, #36]		/* size_dt_struct */
	rev	w2, w2
	ldr	w3, [x20, #12]		/* off_dt_strings */
	rev	w3, w3
	add	x1, x20, x1
	add	x2, x1, x2
	add	x3, x20, x3
	movz	w10, #HVC_LO
	movk	w10, #HVC_HI, lsl #16
1:	add	x4, x1, #16
	cmp	x4, x2
	b.hi	4f
	ldr	w4, [x1]
	movz	w5, #FDT_PROP_LE, lsl #16
	cmp	w4, w5
	b.ne	3f
	ldr	w4, [x1, #4]
	movz	w5, #LEN4_LE, lsl #16
	cmp	w4, w5
	b.ne	3f
	ldr	w4, [x1, #12]
	movz	w5, #SMC_LO
	movk	w5, #SMC_HI, lsl #16
	cmp	w4, w5
	b.ne	3f
	ldr	w6, [x1, #8]
	rev	w6, w6
	add	x6, x3, x6
	adr	x7, str_method
2:	ldrb	w8, [x6], #1
	ldrb	w9, [x7], #1
	cmp	w8, w9
	b.ne	3f
	cbnz	w9, 2b
	str	w10, [x1, #12]
3:	add	x1, x1, #4
	b	1b
4:	ret

/* Enter EL1h at x4 with x0 as it is, x1-x3 zero, DAIF masked. */
enter_el1:
	msr	elr_el2, x4
	mov	x4, #SPSR_EL1H_DAIF
	msr	spsr_el2, x4
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	eret

/* HVC from the guest: forward to the firmware, CPU_ON rewritten. */
lower_sync:
	stp	x4, x5, [sp, #-16]!
	mrs	x4, esr_el2
	lsr	x4, x4, #26
	cmp	x4, #EC_HVC64
	b.ne	unexpected
	movz	w4, #PSCI_CPU_ON_LO
	movk	w4, #PSCI_CPU_ON32, lsl #16
	cmp	w0, w4
	b.eq	cpu_on
	movk	w4, #PSCI_CPU_ON64, lsl #16
	cmp	w0, w4
	b.eq	cpu_on
	smc	#0
	b	hvc_out
cpu_on:
	/* x1 = target MPIDR, x2 = entry, x3 = context id. */
	and	x4, x1, #0xff
	cmp	x4, #NCPU
	b.hs	cpu_on_invalid
	adr	x5, boot_args
	add	x5, x5, x4, lsl #4
	stp	x2, x3, [x5]
	dsb	sy
	adr	x2, secondary_entry
	mov	x3, x4
	smc	#0
	b	hvc_out
cpu_on_invalid:
	mov	x0, #PSCI_INVALID
hvc_out:
	ldp	x4, x5, [sp], #16
	eret

/* Anything else is a bug here: say so on the UART and stop this CPU. */
unexpected:
	mov	x1, #UART_BASE
	adr	x2, msg_unexpected
1:	ldrb	w3, [x2], #1
	cbz	w3, 2f
	strb	w3, [x1]
	b	1b
2:	mrs	x4, esr_el2
	mov	x5, #60
3:	lsr	x3, x4, x5
	and	x3, x3, #0xf
	cmp	x3, #10
	add	x6, x3, #'0'
	add	x7, x3, #('a' - 10)
	csel	x3, x6, x7, lo
	strb	w3, [x1]
	subs	x5, x5, #4
	b.pl	3b
	mov	w3, #'\n'
	strb	w3, [x1]
	b	park

not_el2:
	mov	x1, #UART_BASE
	adr	x2, msg_not_el2
1:	ldrb	w3, [x2], #1
	cbz	w3, park
	strb	w3, [x1]
	b	1b
park:
	wfe
	b	park

	.macro	ventry target
	.balign	0x80
	b	\target
	.endm

	.balign	0x800
vectors:
	ventry	unexpected		/* current EL, SP_EL0 */
	ventry	unexpected
	ventry	unexpected
	ventry	unexpected
	ventry	unexpected		/* current EL, SP_ELx */
	ventry	unexpected
	ventry	unexpected
	ventry	unexpected
	ventry	lower_sync		/* lower EL, AArch64 */
	ventry	unexpected
	ventry	unexpected
	ventry	unexpected
	ventry	unexpected		/* lower EL, AArch32 */
	ventry	unexpected
	ventry	unexpected
	ventry	unexpected

	.section .rodata
msg_unexpected:
	.asciz	"nullhv: unexpected exception, ESR_EL2 0x"
str_method:
	.asciz	"method"
msg_not_el2:
	.asciz	"nullhv: not entered at EL2\n"

	.bss
	.balign	8192
s2_table:
	.skip	8192			/* two concatenated level-1 tables */
boot_args:
	.skip	16 * NCPU		/* per CPU: guest entry, context id */
	.balign	16
stacks:
	.skip	STACK_SIZE * (NCPU + 1)
