/* SPDX-License-Identifier: MIT */
/*
 * Decoder for the x86 instructions a guest uses on emulated memory (the
 * local APIC, the I/O APIC).  TCG's SVM has no decode assists, so a nested
 * page fault on such a page only gives the address: the instruction is
 * read from guest memory and decoded here (Intel SDM vol. 2 chapter 2, AMD
 * APM vol. 3 chapter 1).  Linux's readl()/writel() and its xAPIC accessors
 * compile to MOV (or XCHG with X86_BUG_11AP); the ALU forms cover other
 * kernels and compilers.  Every byte is the guest's: the walk is bounded
 * by the 15-byte limit and the bytes given.
 */
#include "arch/x86_decode.h"
#include "hv/errno.h"

#define REX_W 8u
#define REX_R 4u

/* How an opcode's operands are encoded. */
enum form {
	F_BAD = 0,  /* not decoded here */
	F_MEM_REG,  /* ModRM: r/m is the destination, reg the source */
	F_REG_MEM,  /* ModRM: reg is the destination, r/m the source */
	F_MEM_IMM,  /* ModRM r/m, then an immediate; reg selects @op */
	F_MOFFS_LD, /* A0/A1: the accumulator from an absolute offset */
	F_MOFFS_ST, /* A2/A3: the accumulator to an absolute offset */
};

enum imm {
	IMM_NONE,
	IMM_8, /* one byte, sign-extended to the operand size */
	IMM_Z, /* two bytes with a 16-bit operand, else four, sign-extended */
};

/* Group-1 ops in ModRM.reg order (SDM vol. 2 table A-6). */
static const uint8_t grp1_op[8] = {
	X86_OP_ADD, X86_OP_OR,	X86_OP_ADC, X86_OP_SBB,
	X86_OP_AND, X86_OP_SUB, X86_OP_XOR, X86_OP_CMP,
};

#define OPC_BYTE 1u /* 8-bit operands */
#define OPC_GRP1 2u /* ModRM.reg picks the op from grp1_op */
#define OPC_REG0 4u /* ModRM.reg must be 0 */

struct opcode {
	uint8_t form, op, imm, flags;
};

#define ALU(base, o)                                                     \
	[(base) + 0] = { F_MEM_REG, (o), IMM_NONE, OPC_BYTE },           \
		  [(base) + 1] = { F_MEM_REG, (o), IMM_NONE, 0 },        \
		  [(base) + 2] = { F_REG_MEM, (o), IMM_NONE, OPC_BYTE }, \
		  [(base) + 3] = { F_REG_MEM, (o), IMM_NONE, 0 }

/* One-byte opcodes; what is absent is F_BAD. */
static const struct opcode one_byte[256] = {
	ALU(0x00, X86_OP_ADD),
	ALU(0x08, X86_OP_OR),
	ALU(0x10, X86_OP_ADC),
	ALU(0x18, X86_OP_SBB),
	ALU(0x20, X86_OP_AND),
	ALU(0x28, X86_OP_SUB),
	ALU(0x30, X86_OP_XOR),
	ALU(0x38, X86_OP_CMP),
	[0x80] = { F_MEM_IMM, 0, IMM_8, OPC_BYTE | OPC_GRP1 },
	[0x81] = { F_MEM_IMM, 0, IMM_Z, OPC_GRP1 },
	[0x83] = { F_MEM_IMM, 0, IMM_8, OPC_GRP1 },
	[0x84] = { F_MEM_REG, X86_OP_TEST, IMM_NONE, OPC_BYTE },
	[0x85] = { F_MEM_REG, X86_OP_TEST, IMM_NONE, 0 },
	[0x86] = { F_MEM_REG, X86_OP_XCHG, IMM_NONE, OPC_BYTE },
	[0x87] = { F_MEM_REG, X86_OP_XCHG, IMM_NONE, 0 },
	[0x88] = { F_MEM_REG, X86_OP_STORE, IMM_NONE, OPC_BYTE },
	[0x89] = { F_MEM_REG, X86_OP_STORE, IMM_NONE, 0 },
	[0x8a] = { F_REG_MEM, X86_OP_LOAD, IMM_NONE, OPC_BYTE },
	[0x8b] = { F_REG_MEM, X86_OP_LOAD, IMM_NONE, 0 },
	[0xa0] = { F_MOFFS_LD, X86_OP_LOAD, IMM_NONE, OPC_BYTE },
	[0xa1] = { F_MOFFS_LD, X86_OP_LOAD, IMM_NONE, 0 },
	[0xa2] = { F_MOFFS_ST, X86_OP_STORE, IMM_NONE, OPC_BYTE },
	[0xa3] = { F_MOFFS_ST, X86_OP_STORE, IMM_NONE, 0 },
	[0xc6] = { F_MEM_IMM, X86_OP_STORE, IMM_8, OPC_BYTE | OPC_REG0 },
	[0xc7] = { F_MEM_IMM, X86_OP_STORE, IMM_Z, OPC_REG0 },
	[0xf6] = { F_MEM_IMM, X86_OP_TEST, IMM_8, OPC_BYTE | OPC_REG0 },
	[0xf7] = { F_MEM_IMM, X86_OP_TEST, IMM_Z, OPC_REG0 },
};

/* The instruction bytes, read with both limits checked. */
struct cursor {
	const uint8_t *bytes;
	unsigned avail, pos;
};

/* Take @n bytes little-endian into *@val. */
static int take(struct cursor *c, unsigned n, uint64_t *val)
{
	uint64_t v = 0;

	if (c->pos + n > X86_INSN_MAX)
		return -HV_EFAULT;
	if (c->pos + n > c->avail)
		return -HV_ERANGE;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*val = v;
	return 0;
}

static uint64_t sign_extend(uint64_t v, unsigned from, unsigned to)
{
	unsigned shift = 64 - 8 * from;
	uint64_t s = (uint64_t)((int64_t)(v << shift) >> shift);

	return to == 8 ? s : s & ((1ull << (8 * to)) - 1);
}

/*
 * Skip the memory operand's ModRM tail (SIB, displacement) after ModRM
 * byte @m, with addresses of @asz bytes (SDM vol. 2 tables 2-1 to 2-3).
 * A register operand (mod 3) has no memory access to emulate.
 */
static int skip_mem(struct cursor *c, uint8_t m, unsigned asz)
{
	unsigned mod = m >> 6, rm = m & 7, disp;
	uint64_t sib;

	if (mod == 3)
		return -HV_EINVAL;
	if (asz == 2) {
		disp = mod == 1 ? 1 : mod == 2 ? 2 : rm == 6 ? 2 : 0;
	} else {
		disp = mod == 1 ? 1 : mod == 2 ? 4 : rm == 5 ? 4 : 0;
		if (rm == 4) {
			int err = take(c, 1, &sib);

			if (err)
				return err;
			if (mod == 0 && (sib & 7) == 5)
				disp = 4;
		}
	}
	return take(c, disp, &sib);
}

/* Lockable: a read-modify-write of memory (SDM vol. 2 LOCK). */
static bool lockable(const struct x86_insn *in, enum form form)
{
	if (in->op == X86_OP_XCHG)
		return true;
	if (in->op < X86_OP_ADD || in->op == X86_OP_CMP ||
	    in->op == X86_OP_TEST)
		return false;
	return form == F_MEM_REG || form == F_MEM_IMM;
}

/* The register operand: encoding @r of @size bytes, @rex as prefixed. */
static void set_reg(struct x86_insn *in, unsigned r, unsigned size, int rex)
{
	in->has_reg = true;
	in->reg_size = (uint8_t)size;
	/* Without REX, byte registers 4-7 are AH, CH, DH, BH (SDM 3.4.1.1). */
	if (size == 1 && rex < 0 && r >= 4 && r < 8) {
		in->high8 = true;
		r -= 4;
	}
	in->reg = (uint8_t)r;
}

/* Legacy prefixes and REX: state between them and the opcode. */
struct prefixes {
	bool opsize, adsize, lock, rep;
	int rex; /* the REX byte right before the opcode, or -1 */
	uint8_t seg;
};

static int read_prefixes(struct cursor *c, enum x86_mode mode,
			 struct prefixes *p, uint8_t *opcode)
{
	static const uint8_t seg_of[8] = { X86_SEG_ES, X86_SEG_CS, X86_SEG_SS,
					   X86_SEG_DS };
	uint64_t b;

	*p = (struct prefixes){ .rex = -1, .seg = X86_SEG_DEFAULT };
	/* At most 15 turns: take() fails at the limit. */
	for (;;) {
		int err = take(c, 1, &b);

		if (err)
			return err;
		if (mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			p->rex = (int)b;
			continue;
		}
		switch (b) {
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			p->seg = seg_of[(b >> 3) & 3];
			break;
		case 0x64:
		case 0x65:
			p->seg = (uint8_t)(X86_SEG_FS + (b & 1));
			break;
		case 0x66:
			p->opsize = true;
			break;
		case 0x67:
			p->adsize = true;
			break;
		case 0xf0:
			p->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			p->rep = true;
			break;
		default:
			*opcode = (uint8_t)b;
			return 0;
		}
		/* A REX prefix followed by another prefix is ignored. */
		p->rex = -1;
	}
}

/* MOVZX/MOVSX, the only two-byte opcodes decoded (0F B6/B7/BE/BF). */
static int decode_0f(struct cursor *c, const struct prefixes *p, unsigned osz,
		     unsigned asz, struct x86_insn *in)
{
	unsigned rex = p->rex < 0 ? 0 : (unsigned)p->rex;
	uint64_t op, m;
	int err;

	err = take(c, 1, &op);
	if (err)
		return err;
	/* With F2/F3 (mandatory prefixes) these are other instructions. */
	if ((op & 0xf6) != 0xb6 || p->rep || p->lock)
		return -HV_EINVAL;
	err = take(c, 1, &m);
	if (!err)
		err = skip_mem(c, (uint8_t)m, asz);
	if (err)
		return err;
	in->op = X86_OP_LOAD;
	in->reg_dest = true;
	in->size = (op & 1) ? 2 : 1;
	in->sign_extend = (op & 8) != 0;
	set_reg(in, ((m >> 3) & 7) | (rex & REX_R ? 8 : 0), osz, p->rex);
	return 0;
}

static unsigned operand_size(enum x86_mode mode, const struct prefixes *p)
{
	if (p->rex >= 0 && (p->rex & REX_W))
		return 8;
	if (mode == X86_MODE_16)
		return p->opsize ? 4 : 2;
	return p->opsize ? 2 : 4;
}

static unsigned address_size(enum x86_mode mode, const struct prefixes *p)
{
	if (mode == X86_MODE_64)
		return p->adsize ? 4 : 8;
	if (mode == X86_MODE_32)
		return p->adsize ? 2 : 4;
	return p->adsize ? 4 : 2;
}

/* The operands of a one-byte opcode described by @d. */
static int decode_operands(struct cursor *c, const struct opcode *d,
			   const struct prefixes *p, unsigned asz,
			   struct x86_insn *in)
{
	unsigned rex = p->rex < 0 ? 0 : (unsigned)p->rex;
	uint64_t m, imm;
	int err;

	if (d->form == F_MOFFS_LD || d->form == F_MOFFS_ST) {
		set_reg(in, X86_RAX, in->size, p->rex);
		return take(c, asz, &imm);
	}
	err = take(c, 1, &m);
	if (err)
		return err;
	err = skip_mem(c, (uint8_t)m, asz);
	if (err)
		return err;
	if (d->form != F_MEM_IMM) {
		set_reg(in, ((m >> 3) & 7) | (rex & REX_R ? 8 : 0), in->size,
			p->rex);
		return 0;
	}
	if ((d->flags & OPC_REG0) && (m & 0x38))
		return -HV_EINVAL;
	if (d->flags & OPC_GRP1)
		in->op = grp1_op[(m >> 3) & 7];
	if (d->imm == IMM_8 || in->size == 1) {
		err = take(c, 1, &imm);
		imm = sign_extend(imm, 1, in->size);
	} else {
		unsigned n = in->size == 2 ? 2 : 4;

		err = take(c, n, &imm);
		imm = sign_extend(imm, n, in->size);
	}
	in->imm = imm;
	return err;
}

int x86_decode(const uint8_t *bytes, unsigned avail, enum x86_mode mode,
	       struct x86_insn *out)
{
	struct cursor c = { .bytes = bytes, .avail = avail };
	struct x86_insn in = { 0 };
	const struct opcode *d;
	struct prefixes p;
	unsigned osz, asz;
	uint8_t opcode;
	int err;

	if (mode > X86_MODE_64)
		return -HV_EINVAL;
	err = read_prefixes(&c, mode, &p, &opcode);
	if (err)
		return err;
	osz = operand_size(mode, &p);
	asz = address_size(mode, &p);
	in.seg = p.seg;
	in.addr_size = (uint8_t)asz;
	in.rep = p.rep;
	in.lock = p.lock;
	if (opcode == 0x0f) {
		err = decode_0f(&c, &p, osz, asz, &in);
	} else {
		d = &one_byte[opcode];
		if (d->form == F_BAD)
			return -HV_EINVAL;
		in.op = d->op;
		in.size = (uint8_t)((d->flags & OPC_BYTE) ? 1 : osz);
		in.reg_dest = d->form == F_REG_MEM || d->form == F_MOFFS_LD;
		err = decode_operands(&c, d, &p, asz, &in);
		if (!err && p.lock && !lockable(&in, (enum form)d->form))
			err = -HV_EINVAL;
	}
	if (err)
		return err;
	if (!in.has_reg)
		in.reg_size = in.size;
	in.len = (uint8_t)c.pos;
	*out = in;
	return 0;
}
