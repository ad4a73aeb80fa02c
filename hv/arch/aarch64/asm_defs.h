/* SPDX-License-Identifier: MIT */
#ifndef HV_AARCH64_ASM_DEFS_H
#define HV_AARCH64_ASM_DEFS_H

/* Shared by assembly and C: sizes the two must agree on. */
#define HV_STACK_SIZE 0x4000
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
