/* SPDX-License-Identifier: MIT */
#ifndef HV_AARCH64_ASM_DEFS_H
#define HV_AARCH64_ASM_DEFS_H

/* Shared by assembly and C: sizes the two must agree on. */
#define HV_STACK_SIZE 0x4000
/*
 * Each CPU's stack sits on top of an unmapped guard page, so an overflow
 * faults instead of running into the next CPU's stack: slot i is
 * [guard][stack] at __stacks + i * HV_STACK_SLOT.
 */
#define HV_STACK_GUARD 0x1000
#define HV_STACK_SLOT (HV_STACK_SIZE + HV_STACK_GUARD)
/* Stacks for reporting a fault at EL2, one per Aff0 (a guard may be hit). */
#define HV_PANIC_STACK_SHIFT 12
#define HV_MAX_CPUS 8
#define VCPU_REGS_SIZE 272 /* struct vcpu_regs: x0-x30, elr, spsr, pad */
#define R_AARCH64_RELATIVE 1027

#ifdef __ASSEMBLER__
	.macro adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm
#endif

#endif /* HV_AARCH64_ASM_DEFS_H */
