/* SPDX-License-Identifier: MIT */
/*
 * Performing an instruction decoded by x86_decode() on an emulated device
 * register: moving data between the device and the guest's registers, and
 * for the ALU forms computing the result and the arithmetic flags as the
 * SDM's descriptions of ADD, ADC, SUB, SBB, CMP, AND, OR, XOR and TEST say.
 */
#include "arch/x86_emulate.h"
#include "hv/errno.h"

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t reg_get(const uint64_t *gpr, const struct x86_insn *in,
			unsigned size)
{
	uint64_t v = gpr[in->reg & 15];

	if (in->high8)
		v >>= 8;
	return v & mask_of(size);
}

static void reg_set(uint64_t *gpr, const struct x86_insn *in, unsigned size,
		    uint64_t v)
{
	uint64_t *r = &gpr[in->reg & 15];

	if (in->high8)
		*r = (*r & ~0xff00ull) | (v & 0xff) << 8;
	else if (size >= 4)
		*r = v & mask_of(size);
	else
		*r = (*r & ~mask_of(size)) | (v & mask_of(size));
}

/* PF: set when the low byte of the result has an even number of ones. */
static uint64_t parity_flag(uint64_t r)
{
	uint8_t b = (uint8_t)r;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return (b & 1) ? 0 : X86_FLAGS_PF;
}

/* SF, ZF, PF of result @r of @size bytes. */
static uint64_t szp_flags(uint64_t r, unsigned size)
{
	uint64_t f = parity_flag(r);

	if (!(r & mask_of(size)))
		f |= X86_FLAGS_ZF;
	if ((r >> (8 * size - 1)) & 1)
		f |= X86_FLAGS_SF;
	return f;
}

/*
 * @a op @b at @size bytes into *@res, with the flags it sets.  @cin is the
 * carry in for ADC and SBB.
 */
static uint64_t alu(enum x86_op op, uint64_t a, uint64_t b, unsigned size,
		    bool cin, uint64_t *res)
{
	uint64_t m = mask_of(size), r, f = 0, top = 1ull << (8 * size - 1);
	uint64_t c = cin ? 1 : 0;
	bool carry;

	a &= m;
	b &= m;
	switch (op) {
	case X86_OP_ADD:
	case X86_OP_ADC:
		if (op == X86_OP_ADD)
			c = 0;
		r = (a + b + c) & m;
		carry = r < a || (c && r == a);
		if (((a ^ r) & (b ^ r)) & top)
			f |= X86_FLAGS_OF;
		break;
	case X86_OP_SUB:
	case X86_OP_SBB:
	case X86_OP_CMP:
		if (op != X86_OP_SBB)
			c = 0;
		r = (a - b - c) & m;
		carry = a < b || (c && a == b);
		if (((a ^ b) & (a ^ r)) & top)
			f |= X86_FLAGS_OF;
		break;
	case X86_OP_AND:
	case X86_OP_TEST:
		r = a & b;
		carry = false;
		break;
	case X86_OP_OR:
		r = a | b;
		carry = false;
		break;
	default: /* X86_OP_XOR: x86_emulate() passes only ALU ops */
		r = a ^ b;
		carry = false;
		break;
	}
	if (carry)
		f |= X86_FLAGS_CF;
	/* AF: the carry out of bit 3, for the arithmetic ops only. */
	if (op != X86_OP_AND && op != X86_OP_TEST && op != X86_OP_OR &&
	    op != X86_OP_XOR && ((a ^ b ^ r) & 0x10))
		f |= X86_FLAGS_AF;
	*res = r;
	return f | szp_flags(r, size);
}

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

int x86_emulate(const struct x86_insn *in, uint64_t gpr[X86_GPR_COUNT],
		uint64_t *rflags, const struct x86_mem_ops *ops, void *ctx)
{
	unsigned size = in->size;
	uint64_t mem, src, res, flags;
	int err;

	if (!valid_size(size) || !valid_size(in->reg_size) ||
	    in->op > X86_OP_TEST)
		return -HV_EINVAL;
	src = in->has_reg ? reg_get(gpr, in, size) : in->imm & mask_of(size);
	switch (in->op) {
	case X86_OP_STORE:
		return ops->write(ctx, size, src);
	case X86_OP_LOAD:
		err = ops->read(ctx, size, &mem);
		if (err)
			return err;
		mem &= mask_of(size);
		if (in->sign_extend && size < 8) {
			unsigned shift = 64 - 8 * size;

			mem = (uint64_t)((int64_t)(mem << shift) >> shift);
		}
		reg_set(gpr, in, in->reg_size, mem);
		return 0;
	case X86_OP_XCHG:
		err = ops->read(ctx, size, &mem);
		if (!err)
			err = ops->write(ctx, size, src);
		if (!err)
			reg_set(gpr, in, size, mem);
		return err;
	default:
		break;
	}
	err = ops->read(ctx, size, &mem);
	if (err)
		return err;
	if (in->reg_dest)
		flags = alu((enum x86_op)in->op, src, mem, size,
			    *rflags & X86_FLAGS_CF, &res);
	else
		flags = alu((enum x86_op)in->op, mem, src, size,
			    *rflags & X86_FLAGS_CF, &res);
	if (in->op != X86_OP_CMP && in->op != X86_OP_TEST) {
		if (in->reg_dest)
			reg_set(gpr, in, size, res);
		else if ((err = ops->write(ctx, size, res)) != 0)
			return err;
	}
	*rflags = (*rflags & ~X86_FLAGS_ARITH) | flags;
	return 0;
}
