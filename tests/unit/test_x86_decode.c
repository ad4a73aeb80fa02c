/* SPDX-License-Identifier: MIT */
/*
 * The x86 MMIO instruction decoder and emulator.  The byte sequences come
 * from GNU as 2.40 (as --64 / --32, .code16), checked against objdump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_decode.h"
#include "arch/x86_emulate.h"
#include "hv/errno.h"
#include "xorshift.h"

#define M64 X86_MODE_64
#define M32 X86_MODE_32
#define M16 X86_MODE_16
#define DEF X86_SEG_DEFAULT

struct dcase {
	const char *text;
	enum x86_mode mode;
	uint8_t bytes[X86_INSN_MAX];
	struct x86_insn want; /* len, op, size, reg, reg_size, ... */
	uint8_t seg;	      /* SEG(override), or 0: none */
};

#define SEG(s) ((s) + 1)

#define B(...)              \
	{                   \
		__VA_ARGS__ \
	}
/* Expected: length, op, size, register (or -1), register bytes, extras. */
#define W(l, o, s, r, rs, ...)                         \
	.want = { .len = (l),                          \
		  .op = X86_OP_##o,                    \
		  .size = (s),                         \
		  .reg = (uint8_t)((r) < 0 ? 0 : (r)), \
		  .has_reg = (r) >= 0,                 \
		  .reg_size = (rs),                    \
		  __VA_ARGS__ }

static const struct dcase cases[] = {
	{ "mov %eax,0x300(%rbx)", M64, B(0x89, 0x83, 0x00, 0x03, 0x00, 0x00),
	  W(6, STORE, 4, X86_RAX, 4, .addr_size = 8) },
	{ "mov 0x20(%rdi),%eax", M64, B(0x8b, 0x47, 0x20),
	  W(3, LOAD, 4, X86_RAX, 4, .addr_size = 8, .reg_dest = true) },
	{ "mov %r9d,(%r10)", M64, B(0x45, 0x89, 0x0a),
	  W(3, STORE, 4, X86_R9, 4, .addr_size = 8) },
	{ "mov (%r12,%r13,4),%r14", M64, B(0x4f, 0x8b, 0x34, 0xac),
	  W(4, LOAD, 8, X86_R14, 8, .addr_size = 8, .reg_dest = true) },
	{ "mov %ah,(%rcx)", M64, B(0x88, 0x21),
	  W(2, STORE, 1, X86_RAX, 1, .addr_size = 8, .high8 = true) },
	{ "mov %sil,(%rcx)", M64, B(0x40, 0x88, 0x31),
	  W(3, STORE, 1, X86_RSI, 1, .addr_size = 8) },
	{ "mov (%rdx),%bh", M64, B(0x8a, 0x3a),
	  W(2, LOAD, 1, X86_RBX, 1, .addr_size = 8, .high8 = true,
	    .reg_dest = true) },
	{ "mov %r8b,0x10(%rip)", M64, B(0x44, 0x88, 0x05, 0x10, 0, 0, 0),
	  W(7, STORE, 1, X86_R8, 1, .addr_size = 8) },
	{ "movl $0x12345678,0xb0(%rdx)", M64,
	  B(0xc7, 0x82, 0xb0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12),
	  W(10, STORE, 4, -1, 4, .addr_size = 8, .imm = 0x12345678) },
	{ "movq $-2,(%rax)", M64, B(0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff),
	  W(7, STORE, 8, -1, 8, .addr_size = 8, .imm = 0xfffffffffffffffe) },
	{ "movb $0x80,(%rsi)", M64, B(0xc6, 0x06, 0x80),
	  W(3, STORE, 1, -1, 1, .addr_size = 8, .imm = 0x80) },
	{ "movw $0xbeef,4(%rdi)", M64, B(0x66, 0xc7, 0x47, 0x04, 0xef, 0xbe),
	  W(6, STORE, 2, -1, 2, .addr_size = 8, .imm = 0xbeef) },
	{ "movzbl (%rax),%ecx", M64, B(0x0f, 0xb6, 0x08),
	  W(3, LOAD, 1, X86_RCX, 4, .addr_size = 8, .reg_dest = true) },
	{ "movzwq 2(%rax),%r11", M64, B(0x4c, 0x0f, 0xb7, 0x58, 0x02),
	  W(5, LOAD, 2, X86_R11, 8, .addr_size = 8, .reg_dest = true) },
	{ "movsbq (%rdx),%rax", M64, B(0x48, 0x0f, 0xbe, 0x02),
	  W(4, LOAD, 1, X86_RAX, 8, .addr_size = 8, .reg_dest = true,
	    .sign_extend = true) },
	{ "movswl (%rdx),%ebx", M64, B(0x0f, 0xbf, 0x1a),
	  W(3, LOAD, 2, X86_RBX, 4, .addr_size = 8, .reg_dest = true,
	    .sign_extend = true) },
	{ "movsbw (%rdx),%bx", M64, B(0x66, 0x0f, 0xbe, 0x1a),
	  W(4, LOAD, 1, X86_RBX, 2, .addr_size = 8, .reg_dest = true,
	    .sign_extend = true) },
	{ "movabs 0xfee00020,%eax", M64,
	  B(0xa1, 0x20, 0x00, 0xe0, 0xfe, 0, 0, 0, 0),
	  W(9, LOAD, 4, X86_RAX, 4, .addr_size = 8, .reg_dest = true) },
	{ "movabs %rax,0xfee00300", M64,
	  B(0x48, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0, 0, 0, 0),
	  W(10, STORE, 8, X86_RAX, 8, .addr_size = 8) },
	{ "movabs 0xfee00020,%al", M64,
	  B(0xa0, 0x20, 0x00, 0xe0, 0xfe, 0, 0, 0, 0),
	  W(9, LOAD, 1, X86_RAX, 1, .addr_size = 8, .reg_dest = true) },
	{ "addr32 mov 0xfee00020,%eax", M64,
	  B(0x67, 0xa1, 0x20, 0x00, 0xe0, 0xfe),
	  W(6, LOAD, 4, X86_RAX, 4, .addr_size = 4, .reg_dest = true) },
	{ "xchg %eax,0x300(%rbx)", M64, B(0x87, 0x83, 0x00, 0x03, 0, 0),
	  W(6, XCHG, 4, X86_RAX, 4, .addr_size = 8) },
	{ "xchg %r15,(%rbx)", M64, B(0x4c, 0x87, 0x3b),
	  W(3, XCHG, 8, X86_R15, 8, .addr_size = 8) },
	{ "lock orl $0x100,0xf0(%rax)", M64,
	  B(0xf0, 0x81, 0x88, 0xf0, 0, 0, 0, 0x00, 0x01, 0, 0),
	  W(11, OR, 4, -1, 4, .addr_size = 8, .imm = 0x100, .lock = true) },
	{ "andl $0xffffff00,(%rcx)", M64, B(0x81, 0x21, 0x00, 0xff, 0xff, 0xff),
	  W(6, AND, 4, -1, 4, .addr_size = 8, .imm = 0xffffff00) },
	{ "orb $0x1,(%rdx)", M64, B(0x80, 0x0a, 0x01),
	  W(3, OR, 1, -1, 1, .addr_size = 8, .imm = 1) },
	{ "add %rcx,(%rdx)", M64, B(0x48, 0x01, 0x0a),
	  W(3, ADD, 8, X86_RCX, 8, .addr_size = 8) },
	{ "sub (%rdx),%ebx", M64, B(0x2b, 0x1a),
	  W(2, SUB, 4, X86_RBX, 4, .addr_size = 8, .reg_dest = true) },
	{ "cmpl $0x5,(%rdx)", M64, B(0x83, 0x3a, 0x05),
	  W(3, CMP, 4, -1, 4, .addr_size = 8, .imm = 5) },
	{ "cmpq $-1,(%rdx)", M64, B(0x48, 0x83, 0x3a, 0xff),
	  W(4, CMP, 8, -1, 8, .addr_size = 8, .imm = ~0ull) },
	{ "testl $0x1000,0x300(%rcx)", M64,
	  B(0xf7, 0x81, 0x00, 0x03, 0, 0, 0x00, 0x10, 0, 0),
	  W(10, TEST, 4, -1, 4, .addr_size = 8, .imm = 0x1000) },
	{ "testb $0x1,(%rcx)", M64, B(0xf6, 0x01, 0x01),
	  W(3, TEST, 1, -1, 1, .addr_size = 8, .imm = 1) },
	{ "test %eax,(%rcx)", M64, B(0x85, 0x01),
	  W(2, TEST, 4, X86_RAX, 4, .addr_size = 8) },
	{ "xor %ax,(%rcx)", M64, B(0x66, 0x31, 0x01),
	  W(3, XOR, 2, X86_RAX, 2, .addr_size = 8) },
	{ "adc %r10,(%rcx)", M64, B(0x4c, 0x11, 0x11),
	  W(3, ADC, 8, X86_R10, 8, .addr_size = 8) },
	{ "sbb (%rcx),%r11b", M64, B(0x44, 0x1a, 0x19),
	  W(3, SBB, 1, X86_R11, 1, .addr_size = 8, .reg_dest = true) },
	{ "mov %eax,%fs:(%rbx)", M64, B(0x64, 0x89, 0x03),
	  W(3, STORE, 4, X86_RAX, 4, .addr_size = 8), .seg = SEG(X86_SEG_FS) },
	{ "mov %eax,%gs:0x300(,%rax,8)", M64,
	  B(0x65, 0x89, 0x04, 0xc5, 0x00, 0x03, 0, 0),
	  W(8, STORE, 4, X86_RAX, 4, .addr_size = 8), .seg = SEG(X86_SEG_GS) },
	{ "mov %eax,0x300(%rbp,%rbx,1)", M64,
	  B(0x89, 0x84, 0x1d, 0x00, 0x03, 0, 0),
	  W(7, STORE, 4, X86_RAX, 4, .addr_size = 8) },
	{ "mov 0x0(%r13),%eax", M64, B(0x41, 0x8b, 0x45, 0x00),
	  W(4, LOAD, 4, X86_RAX, 4, .addr_size = 8, .reg_dest = true) },
	{ "mov 0x12345678(,%rbx,2),%eax", M64,
	  B(0x8b, 0x04, 0x5d, 0x78, 0x56, 0x34, 0x12),
	  W(7, LOAD, 4, X86_RAX, 4, .addr_size = 8, .reg_dest = true) },
	{ "rex.w ignored before 66: data16 rex.W mov", M64,
	  B(0x66, 0x48, 0x89, 0x03),
	  W(4, STORE, 8, X86_RAX, 8, .addr_size = 8) },
	{ "REX then a prefix: REX ignored (48 66 89 03)", M64,
	  B(0x48, 0x66, 0x89, 0x03),
	  W(4, STORE, 2, X86_RAX, 2, .addr_size = 8) },
	{ "xrelease mov %eax,(%rbx)", M64, B(0xf3, 0x89, 0x03),
	  W(3, STORE, 4, X86_RAX, 4, .addr_size = 8, .rep = true) },
	/* 32-bit protected mode. */
	{ "mov %eax,0xfee000b0", M32, B(0xa3, 0xb0, 0x00, 0xe0, 0xfe),
	  W(5, STORE, 4, X86_RAX, 4, .addr_size = 4) },
	{ "mov 0xfec00010,%ecx", M32, B(0x8b, 0x0d, 0x10, 0x00, 0xc0, 0xfe),
	  W(6, LOAD, 4, X86_RCX, 4, .addr_size = 4, .reg_dest = true) },
	{ "mov %dx,(%ebx)", M32, B(0x66, 0x89, 0x13),
	  W(3, STORE, 2, X86_RDX, 2, .addr_size = 4) },
	{ "mov (%si),%eax", M32, B(0x67, 0x8b, 0x04),
	  W(3, LOAD, 4, X86_RAX, 4, .addr_size = 2, .reg_dest = true) },
	{ "mov %dh,0x4(%esp)", M32, B(0x88, 0x74, 0x24, 0x04),
	  W(4, STORE, 1, X86_RDX, 1, .addr_size = 4, .high8 = true) },
	{ "movl $0x1,0x380(%ebx)", M32,
	  B(0xc7, 0x83, 0x80, 0x03, 0, 0, 0x01, 0, 0, 0),
	  W(10, STORE, 4, -1, 4, .addr_size = 4, .imm = 1) },
	{ "movw $0x1234,(%eax)", M32, B(0x66, 0xc7, 0x00, 0x34, 0x12),
	  W(5, STORE, 2, -1, 2, .addr_size = 4, .imm = 0x1234) },
	{ "mov %ax,0xfee00300", M32, B(0x66, 0xa3, 0x00, 0x03, 0xe0, 0xfe),
	  W(6, STORE, 2, X86_RAX, 2, .addr_size = 4) },
	{ "movzbl %ss:0x0(%ebp),%eax", M32, B(0x0f, 0xb6, 0x45, 0x00),
	  W(4, LOAD, 1, X86_RAX, 4, .addr_size = 4, .reg_dest = true) },
	{ "movsbw (%ecx),%ax", M32, B(0x66, 0x0f, 0xbe, 0x01),
	  W(4, LOAD, 1, X86_RAX, 2, .addr_size = 4, .reg_dest = true,
	    .sign_extend = true) },
	{ "andl $0xfffffeff,0xf0(%eax)", M32,
	  B(0x81, 0xa0, 0xf0, 0, 0, 0, 0xff, 0xfe, 0xff, 0xff),
	  W(10, AND, 4, -1, 4, .addr_size = 4, .imm = 0xfffffeff) },
	{ "cs mov %eax,(%ebx)", M32, B(0x2e, 0x89, 0x03),
	  W(3, STORE, 4, X86_RAX, 4, .addr_size = 4), .seg = SEG(X86_SEG_CS) },
	{ "es mov %eax,(%ebx)", M32, B(0x26, 0x89, 0x03),
	  W(3, STORE, 4, X86_RAX, 4, .addr_size = 4), .seg = SEG(X86_SEG_ES) },
	/* 16-bit code. */
	{ "mov %ax,(%bx)", M16, B(0x89, 0x07),
	  W(2, STORE, 2, X86_RAX, 2, .addr_size = 2) },
	{ "mov %eax,(%bx,%si)", M16, B(0x66, 0x89, 0x00),
	  W(3, STORE, 4, X86_RAX, 4, .addr_size = 2) },
	{ "mov 0x1234,%al", M16, B(0xa0, 0x34, 0x12),
	  W(3, LOAD, 1, X86_RAX, 1, .addr_size = 2, .reg_dest = true) },
	{ "mov 0x0(%bp),%dx", M16, B(0x8b, 0x56, 0x00),
	  W(3, LOAD, 2, X86_RDX, 2, .addr_size = 2, .reg_dest = true) },
	{ "mov 0x1234,%ax (disp16)", M16, B(0x8b, 0x06, 0x34, 0x12),
	  W(4, LOAD, 2, X86_RAX, 2, .addr_size = 2, .reg_dest = true) },
	{ "mov %ecx,0x10(%eax)", M16, B(0x67, 0x66, 0x89, 0x48, 0x10),
	  W(5, STORE, 4, X86_RCX, 4, .addr_size = 4) },
	{ "movw $0x55aa,0x20(%di)", M16, B(0xc7, 0x45, 0x20, 0xaa, 0x55),
	  W(5, STORE, 2, -1, 2, .addr_size = 2, .imm = 0x55aa) },
	{ "movl $0xdeadbeef,(%di)", M16,
	  B(0x66, 0xc7, 0x05, 0xef, 0xbe, 0xad, 0xde),
	  W(7, STORE, 4, -1, 4, .addr_size = 2, .imm = 0xdeadbeef) },
	{ "movzbw (%bx),%cx", M16, B(0x0f, 0xb6, 0x0f),
	  W(3, LOAD, 1, X86_RCX, 2, .addr_size = 2, .reg_dest = true) },
};

static void check_insn(const char *text, const struct x86_insn *got,
		       const struct x86_insn *want, unsigned seg)
{
	bool same =
		got->len == want->len && got->op == want->op &&
		got->size == want->size && got->has_reg == want->has_reg &&
		(!want->has_reg || got->reg == want->reg) &&
		got->reg_size == want->reg_size && got->high8 == want->high8 &&
		got->reg_dest == want->reg_dest &&
		got->sign_extend == want->sign_extend &&
		got->seg == (seg ? seg - 1 : DEF) &&
		got->addr_size == want->addr_size && got->lock == want->lock &&
		got->rep == want->rep && got->imm == want->imm;

	if (!same)
		print_message("mismatch: %s\n", text);
	assert_int_equal(got->len, want->len);
	assert_int_equal(got->op, want->op);
	assert_int_equal(got->size, want->size);
	assert_int_equal(got->has_reg, want->has_reg);
	if (want->has_reg)
		assert_int_equal(got->reg, want->reg);
	assert_int_equal(got->reg_size, want->reg_size);
	assert_int_equal(got->high8, want->high8);
	assert_int_equal(got->reg_dest, want->reg_dest);
	assert_int_equal(got->sign_extend, want->sign_extend);
	assert_int_equal(got->seg, seg ? seg - 1 : DEF);
	assert_int_equal(got->addr_size, want->addr_size);
	assert_int_equal(got->lock, want->lock);
	assert_int_equal(got->rep, want->rep);
	assert_int_equal(got->imm, want->imm);
}

static void decode_assembler_output(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dcase *c = &cases[i];
		struct x86_insn got;

		assert_int_equal(
			x86_decode(c->bytes, X86_INSN_MAX, c->mode, &got), 0);
		check_insn(c->text, &got, &c->want, c->seg);
	}
}

/* Every instruction cut short asks for more bytes, and writes nothing. */
static void truncated_input_needs_more(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dcase *c = &cases[i];
		struct x86_insn got;

		for (unsigned n = 0; n < c->want.len; n++) {
			memset(&got, 0xa5, sizeof(got));
			assert_int_equal(x86_decode(c->bytes, n, c->mode, &got),
					 -HV_ERANGE);
			assert_int_equal(got.len, 0xa5);
		}
		assert_int_equal(
			x86_decode(c->bytes, c->want.len, c->mode, &got), 0);
	}
}

/* Prefixes padded up to 15 bytes are fine; one more byte is #GP. */
static void fifteen_byte_limit(void **state)
{
	uint8_t buf[32];
	/* mov %eax,%gs:0x300(,%rax,8) with an imm: c7 /0 with SIB+disp32. */
	static const uint8_t tail[] = { 0xc7, 0x04, 0xc5, 0x00, 0x03, 0x00,
					0x00, 0x78, 0x56, 0x34, 0x12 };
	struct x86_insn got;

	(void)state;
	for (unsigned pre = 0; pre <= 8; pre++) {
		unsigned len = pre + sizeof(tail);

		memset(buf, 0x3e, pre); /* ds: prefixes */
		memcpy(buf + pre, tail, sizeof(tail));
		if (len <= X86_INSN_MAX) {
			assert_int_equal(x86_decode(buf, len, M64, &got), 0);
			assert_int_equal(got.len, len);
			assert_int_equal(got.imm, 0x12345678);
		} else {
			assert_int_equal(x86_decode(buf, sizeof(buf), M64,
						    &got),
					 -HV_EFAULT);
		}
	}
	/* 15 prefixes and no opcode at all. */
	memset(buf, 0x66, sizeof(buf));
	assert_int_equal(x86_decode(buf, sizeof(buf), M64, &got), -HV_EFAULT);
	/* 14 prefixes and no 15th byte given: more is needed. */
	assert_int_equal(x86_decode(buf, 14, M64, &got), -HV_ERANGE);
	/* 64-bit moffs after 6 prefixes: 6 + 1 + 8 = 15 exactly. */
	memset(buf, 0x2e, 6);
	buf[6] = 0xa1;
	memset(buf + 7, 0x11, 8);
	assert_int_equal(x86_decode(buf, 15, M64, &got), 0);
	assert_int_equal(got.len, 15);
	buf[6] = 0x2e;
	buf[7] = 0xa1;
	assert_int_equal(x86_decode(buf, 16, M64, &got), -HV_EFAULT);
}

static void unsupported_is_refused(void **state)
{
	static const struct {
		const char *text;
		enum x86_mode mode;
		uint8_t bytes[4];
	} bad[] = {
		{ "mov %eax,%ebx (no memory)", M64, { 0x89, 0xc3 } },
		{ "movzbl %al,%eax", M64, { 0x0f, 0xb6, 0xc0 } },
		{ "lock mov %eax,(%rbx)", M64, { 0xf0, 0x89, 0x03 } },
		{ "lock cmp %eax,(%rbx)", M64, { 0xf0, 0x39, 0x03 } },
		{ "lock sub (%rbx),%eax", M64, { 0xf0, 0x2b, 0x03 } },
		{ "lock movzbl (%rbx),%eax", M64, { 0xf0, 0x0f, 0xb6, 0x03 } },
		{ "c7 /1 (invalid)", M64, { 0xc7, 0x08, 0, 0 } },
		{ "f7 /2 not (%rax)", M64, { 0xf7, 0x10 } },
		{ "f6 /3 neg (%rax)", M64, { 0xf6, 0x18 } },
		{ "82 /0", M64, { 0x82, 0x00, 0x01 } },
		{ "inc %eax in 32-bit mode (40)", M32, { 0x40, 0x89, 0x03 } },
		{ "popcnt (f3 0f b8)", M64, { 0xf3, 0x0f, 0xb8, 0x03 } },
		{ "f3 0f b6", M64, { 0xf3, 0x0f, 0xb6, 0x03 } },
		{ "0f 0b ud2", M64, { 0x0f, 0x0b } },
		{ "add $1,%al (04)", M64, { 0x04, 0x01 } },
		{ "stos (aa)", M64, { 0xaa } },
		{ "hlt", M64, { 0xf4 } },
		{ "movsxd (63)", M64, { 0x63, 0x03 } },
	};
	struct x86_insn got;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = x86_decode(bad[i].bytes, 4, bad[i].mode, &got);

		if (err != -HV_EINVAL)
			print_message("accepted: %s\n", bad[i].text);
		assert_int_equal(err, -HV_EINVAL);
	}
	assert_int_equal(x86_decode(bad[0].bytes, 4, (enum x86_mode)7, &got),
			 -HV_EINVAL);
}

/* Hostile bytes: never a crash, never a length beyond the bytes or 15. */
static void random_bytes_are_safe(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint8_t buf[X86_INSN_MAX];
	unsigned ok = 0;

	(void)state;
	for (unsigned i = 0; i < 300000; i++) {
		struct x86_insn got;
		unsigned avail;
		int err;

		for (unsigned j = 0; j < sizeof(buf); j++) {
			xorshift64(&x);
			buf[j] = (uint8_t)x;
		}
		/* Bias towards the opcodes decoded, so they are exercised. */
		if (i & 1)
			buf[x % 3] = (uint8_t)(0x80 + (x >> 8) % 0x50);
		avail = (unsigned)(x >> 32) % (X86_INSN_MAX + 1);
		err = x86_decode(buf, avail, (enum x86_mode)(i % 3), &got);
		assert_true(err == 0 || err == -HV_EINVAL ||
			    err == -HV_ERANGE || err == -HV_EFAULT);
		if (!err) {
			assert_true(got.len >= 1 && got.len <= avail);
			assert_true(got.size == 1 || got.size == 2 ||
				    got.size == 4 || got.size == 8);
			assert_true(got.reg < X86_GPR_COUNT);
			ok++;
		}
	}
	assert_true(ok > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_assembler_output),
		cmocka_unit_test(truncated_input_needs_more),
		cmocka_unit_test(fifteen_byte_limit),
		cmocka_unit_test(unsupported_is_refused),
		cmocka_unit_test(random_bytes_are_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
