/* SPDX-License-Identifier: MIT */
/*
 * Entry at EL2, as a loader enters an arm64 Linux Image: MMU off, x0 = the
 * boot device tree's physical address (Documentation/arch/arm64/booting.rst).
 * The binary is linked at 0 as a static PIE and relocates itself to wherever
 * it was loaded, so any loader address works.
 */
#include "asm_defs.h"

	/*
	 * The first 8 bytes of the arm64 Image header; hv.ld writes the rest
	 * (text_offset, image_size, flags, magic), because image_size is a
	 * link-time constant that a PIE cannot hold without a relocation.
	 */
	.section .text.head.branch, "ax"
	.global _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */

	.section .text.head, "ax"

primary_entry:
	mov	x19, x0			/* boot device tree */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_el2
	adr	x20, _start		/* load address */

	/* Apply R_AARCH64_RELATIVE relocations: *(base + off) = base + add. */
	adr_l	x1, __rela_start
	adr_l	x2, __rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16
	ldr	x5, [x1], #8
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x5, x5, x20
	str	x5, [x20, x3]
	b	1b

	/* Zero .bss (8-byte aligned by the linker script). */
2:	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
3:	cmp	x1, x2
	b.hs	4f
	str	xzr, [x1], #8
	b	3b

4:	mov	x0, #0
	bl	set_stack
	mov	x0, x19
	mov	x1, x20
	adr_l	x2, _hv_end		/* footprint: up to the end of bss */
	sub	x2, x2, x20
	bl	boot_primary
	b	.

/* Secondary CPUs start here from PSCI CPU_ON; x0 = CPU index (context). */
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	boot_secondary
	b	.

/*
 * sp = top of CPU x0's stack, less the guest register frame.  The vectors
 * go in first, so that a fault from here on is reported (hv_fault).
 */
set_stack:
	adr_l	x1, el2_vectors
	msr	vbar_el2, x1
	isb
	adr_l	x1, __stacks
	add	x0, x0, #1
	mov	x2, #HV_STACK_SLOT
	madd	x1, x0, x2, x1
	sub	sp, x1, #VCPU_REGS_SIZE
	ret

not_el2:
	wfe
	b	not_el2

/* uint64_t arch_smc(fid, a1, a2, a3): an SMCCC call to firmware. */
	.global arch_smc
arch_smc:
	smc	#0
	ret

/* void arch_idle_on_stack(void (*fn)(void), void *sp): switch stacks, call. */
	.global arch_idle_on_stack
arch_idle_on_stack:
	mov	sp, x1
	blr	x0
	b	.
