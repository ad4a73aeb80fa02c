/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_EMULATE_H
#define ARCH_X86_EMULATE_H

#include "arch/x86_decode.h"
#include "hv/types.h"

/* RFLAGS bits an emulated ALU instruction sets (SDM vol. 1 3.4.3.1). */
#define X86_FLAGS_CF BIT(0)
#define X86_FLAGS_PF BIT(2)
#define X86_FLAGS_AF BIT(4)
#define X86_FLAGS_ZF BIT(6)
#define X86_FLAGS_SF BIT(7)
#define X86_FLAGS_OF BIT(11)
#define X86_FLAGS_ARITH                                              \
	(X86_FLAGS_CF | X86_FLAGS_PF | X86_FLAGS_AF | X86_FLAGS_ZF | \
	 X86_FLAGS_SF | X86_FLAGS_OF)

/**
 * The emulated memory operand, at the address that faulted: a device's
 * register.  Each returns 0, or a negative error that aborts the
 * instruction with no register changed.
 */
struct x86_mem_ops {
	int (*read)(void *ctx, unsigned size, uint64_t *val);
	int (*write)(void *ctx, unsigned size, uint64_t val);
};

/**
 * x86_emulate() - Perform decoded @in: its memory operand through @ops
 * with @ctx, its register operand in @gpr (RAX..R15, enum x86_gpr), its
 * flags in *@rflags.  Register writes follow the SDM: 32-bit results clear
 * bits 63:32, 8- and 16-bit ones keep the rest.  A read-modify-write reads
 * once and writes once; CMP and TEST only read.
 *
 * Return: 0, or the error of @ops (nothing in @gpr or *@rflags changed;
 * a write error after an XCHG's read leaves the register unchanged too).
 */
int x86_emulate(const struct x86_insn *in, uint64_t gpr[X86_GPR_COUNT],
		uint64_t *rflags, const struct x86_mem_ops *ops, void *ctx);

#endif /* ARCH_X86_EMULATE_H */
