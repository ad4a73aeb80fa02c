/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_DECODE_H
#define ARCH_X86_DECODE_H

#include "hv/types.h"

/* The longest x86 instruction (Intel SDM vol. 2 2.3.11, AMD APM vol. 3 1.1). */
#define X86_INSN_MAX 15u

/** The code segment's default sizes: CS.L and CS.D (APM vol. 2 4.8.1). */
enum x86_mode {
	X86_MODE_16 = 0, /**< CS.D = 0, or real mode */
	X86_MODE_32 = 1, /**< CS.D = 1 */
	X86_MODE_64 = 2, /**< CS.L = 1 in long mode */
};

/** General registers in encoding order (ModRM.reg + 8 * REX.R). */
enum x86_gpr {
	X86_RAX,
	X86_RCX,
	X86_RDX,
	X86_RBX,
	X86_RSP,
	X86_RBP,
	X86_RSI,
	X86_RDI,
	X86_R8,
	X86_R9,
	X86_R10,
	X86_R11,
	X86_R12,
	X86_R13,
	X86_R14,
	X86_R15,
	X86_GPR_COUNT
};

/** Segment registers in encoding order; X86_SEG_DEFAULT: no override. */
enum x86_seg {
	X86_SEG_ES,
	X86_SEG_CS,
	X86_SEG_SS,
	X86_SEG_DS,
	X86_SEG_FS,
	X86_SEG_GS,
	X86_SEG_DEFAULT
};

/** What the instruction does with the memory operand. */
enum x86_op {
	X86_OP_LOAD,  /**< register = memory (MOV, MOVZX, MOVSX) */
	X86_OP_STORE, /**< memory = register or immediate (MOV) */
	X86_OP_XCHG,  /**< swap memory and register */
	X86_OP_ADD,   /**< memory op= source; CMP and TEST only read */
	X86_OP_OR,
	X86_OP_ADC,
	X86_OP_SBB,
	X86_OP_AND,
	X86_OP_SUB,
	X86_OP_XOR,
	X86_OP_CMP,
	X86_OP_TEST,
};

/**
 * One decoded instruction with a memory operand.  The memory address itself
 * is not computed: on a nested page fault the exit gives it (EXITINFO2).
 */
struct x86_insn {
	uint8_t len;	   /**< bytes, prefixes included: RIP += len */
	uint8_t op;	   /**< enum x86_op */
	uint8_t size;	   /**< bytes of memory accessed: 1, 2, 4 or 8 */
	uint8_t reg;	   /**< enum x86_gpr of the register operand */
	uint8_t reg_size;  /**< bytes of @reg written or read: 1, 2, 4 or 8 */
	uint8_t seg;	   /**< enum x86_seg: the override, if any */
	uint8_t addr_size; /**< bytes of address: 2, 4 or 8 */
	bool has_reg;	   /**< @reg is an operand (else the immediate is) */
	bool reg_dest;	   /**< the result goes to @reg; memory is read only */
	bool high8;	   /**< @reg is AH, CH, DH or BH: its bits 15:8 */
	bool sign_extend;  /**< loads: MOVSX (else zero-extended) */
	bool lock;	   /**< LOCK prefix (only where it is valid) */
	bool rep;	   /**< an F2 or F3 prefix was present (ignored) */
	uint64_t imm;	   /**< the immediate, sign-extended to @size bytes */
};

/**
 * x86_decode() - Decode the instruction in @bytes[0..@avail) that accessed
 * emulated memory, as the CPU in @mode would.
 *
 * Supported: MOV (88-8B, C6, C7, A0-A3), MOVZX/MOVSX (0F B6/B7/BE/BF), XCHG
 * (86, 87), ADD/OR/ADC/SBB/AND/SUB/XOR/CMP with a memory operand (00-3B,
 * 80, 81, 83), TEST (84, 85, F6 /0, F7 /0); prefixes 66, 67, segment
 * overrides, LOCK where the SDM allows it, F2/F3 (ignored), and REX in
 * 64-bit mode.  Forms without a memory operand are refused: they cannot
 * have faulted on one.
 *
 * Return: 0 with *@out filled; -HV_ERANGE when the instruction runs past
 * @avail bytes (fetch more, if there are more); -HV_EFAULT when it would be
 * longer than 15 bytes (#GP); -HV_EINVAL for anything else (#UD, or not
 * emulated).
 */
int x86_decode(const uint8_t *bytes, unsigned avail, enum x86_mode mode,
	       struct x86_insn *out);

#endif /* ARCH_X86_DECODE_H */
