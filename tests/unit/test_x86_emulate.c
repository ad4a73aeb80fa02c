/* SPDX-License-Identifier: MIT */
/*
 * Performing decoded MMIO instructions: register moves with the SDM's
 * partial-register rules, and ALU results and flags, checked against the
 * host CPU's own ADD/SUB/... where the host is x86-64.
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

/* A 64-bit device register, with every access recorded. */
struct dev {
	uint64_t val;
	unsigned reads, writes, last_size;
	int fail_read, fail_write;
};

static int dev_read(void *ctx, unsigned size, uint64_t *val)
{
	struct dev *d = ctx;

	d->reads++;
	d->last_size = size;
	if (d->fail_read)
		return d->fail_read;
	*val = d->val;
	return 0;
}

static int dev_write(void *ctx, unsigned size, uint64_t val)
{
	struct dev *d = ctx;

	d->writes++;
	d->last_size = size;
	if (d->fail_write)
		return d->fail_write;
	d->val = size == 8 ? val : val & ((1ull << (8 * size)) - 1);
	return 0;
}

static const struct x86_mem_ops ops = { dev_read, dev_write };

/* Decode @bytes in 64-bit mode and perform them. */
static int run(const uint8_t *bytes, unsigned n, uint64_t *gpr,
	       uint64_t *rflags, struct dev *d)
{
	struct x86_insn in;

	assert_int_equal(x86_decode(bytes, n, X86_MODE_64, &in), 0);
	assert_int_equal(in.len, n);
	return x86_emulate(&in, gpr, rflags, &ops, d);
}

#define RUN(gpr, fl, d, ...)                  \
	run((const uint8_t[]){ __VA_ARGS__ }, \
	    sizeof((const uint8_t[]){ __VA_ARGS__ }), gpr, fl, d)

static void loads_follow_partial_register_rules(void **state)
{
	uint64_t gpr[16], fl = 0;
	struct dev d = { .val = 0x8899aabbccddeeffull };

	(void)state;
	for (unsigned i = 0; i < 16; i++)
		gpr[i] = 0x1111111111111111ull * i;
	/* mov 0x20(%rdi),%eax: a 32-bit load clears bits 63:32. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x8b, 0x47, 0x20), 0);
	assert_int_equal(gpr[X86_RAX], 0xccddeeff);
	assert_int_equal(d.last_size, 4);
	/* mov (%rdx),%bh: bits 15:8 of RBX only. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x8a, 0x3a), 0);
	assert_int_equal(gpr[X86_RBX], 0x333333333333ff33ull);
	/* 66 8b 0a mov (%rdx),%cx: 16 bits, the rest kept. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x66, 0x8b, 0x0a), 0);
	assert_int_equal(gpr[X86_RCX], 0x111111111111eeffull);
	/* movsbq (%rdx),%rax: 0xff sign-extended. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x48, 0x0f, 0xbe, 0x02), 0);
	assert_int_equal(gpr[X86_RAX], ~0ull);
	assert_int_equal(d.last_size, 1);
	/* movswl (%rdx),%ebx: 0xeeff sign-extended to 32 bits only. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x0f, 0xbf, 0x1a), 0);
	assert_int_equal(gpr[X86_RBX], 0xffffeeffull);
	/* movzwq 2(%rax),%r11. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x4c, 0x0f, 0xb7, 0x58, 0x02), 0);
	assert_int_equal(gpr[X86_R11], 0xeeff);
	/* movsbw (%rdx),%bx: 16-bit destination, upper bits kept. */
	gpr[X86_RBX] = 0x123456789abcdef0ull;
	assert_int_equal(RUN(gpr, &fl, &d, 0x66, 0x0f, 0xbe, 0x1a), 0);
	assert_int_equal(gpr[X86_RBX], 0x123456789abcffffull);
	/* movabs 0xfee00020,%al. */
	gpr[X86_RAX] = 0;
	assert_int_equal(
		RUN(gpr, &fl, &d, 0xa0, 0x20, 0, 0xe0, 0xfe, 0, 0, 0, 0), 0);
	assert_int_equal(gpr[X86_RAX], 0xff);
	assert_int_equal(d.writes, 0);
	assert_int_equal(fl, 0);
}

static void stores_and_xchg(void **state)
{
	uint64_t gpr[16] = { 0 }, fl = 0;
	struct dev d = { 0 };

	(void)state;
	gpr[X86_RAX] = 0xaabbccddeeff1122ull;
	gpr[X86_R9] = 0x55;
	/* mov %ah,(%rcx) stores bits 15:8. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x88, 0x21), 0);
	assert_int_equal(d.val, 0x11);
	assert_int_equal(d.last_size, 1);
	/* mov %r9d,(%r10). */
	assert_int_equal(RUN(gpr, &fl, &d, 0x45, 0x89, 0x0a), 0);
	assert_int_equal(d.val, 0x55);
	/* movq $-2,(%rax). */
	assert_int_equal(
		RUN(gpr, &fl, &d, 0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff), 0);
	assert_int_equal(d.val, 0xfffffffffffffffeull);
	assert_int_equal(d.last_size, 8);
	/* xchg %eax,0x300(%rbx): memory gets EAX, RAX gets memory (zero-extended). */
	d.val = 0x12345678;
	assert_int_equal(RUN(gpr, &fl, &d, 0x87, 0x83, 0x00, 0x03, 0, 0), 0);
	assert_int_equal(d.val, 0xeeff1122);
	assert_int_equal(gpr[X86_RAX], 0x12345678);
	assert_int_equal(d.reads, 1);
	/* A device refusing the write: the register stays as it was. */
	d.fail_write = -HV_EFAULT;
	assert_int_equal(RUN(gpr, &fl, &d, 0x87, 0x83, 0x00, 0x03, 0, 0),
			 -HV_EFAULT);
	assert_int_equal(gpr[X86_RAX], 0x12345678);
	d.fail_write = 0;
	d.fail_read = -HV_EFAULT;
	gpr[X86_RBX] = 7;
	assert_int_equal(RUN(gpr, &fl, &d, 0x2b, 0x1a), -HV_EFAULT);
	assert_int_equal(gpr[X86_RBX], 7);
	assert_int_equal(fl, 0);
}

static void rmw_reads_once_writes_once(void **state)
{
	uint64_t gpr[16] = { 0 }, fl = 0;
	struct dev d = { .val = 0x00010000 };

	(void)state;
	/* lock orl $0x100,0xf0(%rax): SVR software-enable as Linux sets it. */
	assert_int_equal(RUN(gpr, &fl, &d, 0xf0, 0x81, 0x88, 0xf0, 0, 0, 0,
			     0x00, 0x01, 0, 0),
			 0);
	assert_int_equal(d.val, 0x00010100);
	assert_int_equal(d.reads, 1);
	assert_int_equal(d.writes, 1);
	/* cmpl $5,(%rdx) and testl: read only, flags set. */
	d.val = 5;
	assert_int_equal(RUN(gpr, &fl, &d, 0x83, 0x3a, 0x05), 0);
	assert_int_equal(d.writes, 1);
	assert_true(fl & X86_FLAGS_ZF);
	assert_int_equal(
		RUN(gpr, &fl, &d, 0xf7, 0x81, 0, 3, 0, 0, 0x00, 0x10, 0, 0), 0);
	assert_true(fl & X86_FLAGS_ZF);
	assert_int_equal(d.writes, 1);
	/* sub (%rdx),%ebx: the register is the destination. */
	gpr[X86_RBX] = 0xffffffff00000003ull;
	assert_int_equal(RUN(gpr, &fl, &d, 0x2b, 0x1a), 0);
	assert_int_equal(gpr[X86_RBX], 0xfffffffeull);
	assert_true(fl & X86_FLAGS_CF);
	assert_true(fl & X86_FLAGS_SF);
	assert_int_equal(d.val, 5);
	assert_int_equal(d.writes, 1);
}

#if defined(__x86_64__)
/* The host's flags after @op on @a, @b at 32 bits; CF in is @cin. */
#define HOST_ALU(insn)                                                 \
	static uint64_t host_##insn(uint32_t *a, uint32_t b, bool cin) \
	{                                                              \
		uint16_t ax;                                           \
		uint8_t of;                                            \
		uint32_t x = *a;                                       \
		__asm__("bt $0, %k[c]\n\t" #insn "l %[b], %[x]\n\t"    \
			"lahf\n\tseto %[of]"                           \
			: [x] "+r"(x), "=a"(ax), [of] "=q"(of)         \
			: [b] "r"(b), [c] "r"((uint32_t)cin)           \
			: "cc");                                       \
		*a = x;                                                \
		return (uint64_t)(ax >> 8) | (uint64_t)of << 11;       \
	}
HOST_ALU(add)
HOST_ALU(adc)
HOST_ALU(sub)
HOST_ALU(sbb)
HOST_ALU(and)
HOST_ALU(or)
HOST_ALU(xor)
#endif

static void alu_flags_match_the_cpu(void **state)
{
#if defined(__x86_64__)
	/* op %eax,(%rcx) for each op; ADD/ADC/SUB/SBB set AF too. */
	static const struct {
		uint8_t opcode;
		uint64_t (*host)(uint32_t *, uint32_t, bool);
		uint64_t defined;
	} ops_tab[] = {
		{ 0x01, host_add, X86_FLAGS_ARITH },
		{ 0x11, host_adc, X86_FLAGS_ARITH },
		{ 0x29, host_sub, X86_FLAGS_ARITH },
		{ 0x19, host_sbb, X86_FLAGS_ARITH },
		/* AF is undefined after the logical ops. */
		{ 0x21, host_and, X86_FLAGS_ARITH & ~X86_FLAGS_AF },
		{ 0x09, host_or, X86_FLAGS_ARITH & ~X86_FLAGS_AF },
		{ 0x31, host_xor, X86_FLAGS_ARITH & ~X86_FLAGS_AF },
	};
	static const uint32_t vals[] = { 0,	     1,		 2,
					 0xf,	     0x10,	 0x7f,
					 0x80,	     0xff,	 0x7fffffff,
					 0x80000000, 0x80000001, 0xfffffffe,
					 0xffffffff, 0x12345678, 0xedcba987 };
	unsigned checked = 0;

	(void)state;
	for (size_t o = 0; o < sizeof(ops_tab) / sizeof(ops_tab[0]); o++) {
		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			for (size_t j = 0; j < sizeof(vals) / sizeof(vals[0]);
			     j++) {
				for (unsigned cin = 0; cin < 2; cin++) {
					uint64_t gpr[16] = { 0 };
					uint64_t fl = cin ? X86_FLAGS_CF : 0;
					struct dev d = { .val = vals[i] };
					uint32_t want = vals[i];
					uint64_t wf;

					wf = ops_tab[o].host(&want, vals[j],
							     cin);
					gpr[X86_RAX] = vals[j];
					assert_int_equal(RUN(gpr, &fl, &d,
							     ops_tab[o].opcode,
							     0x01),
							 0);
					assert_int_equal(d.val, want);
					assert_int_equal(
						fl & ops_tab[o].defined,
						wf & ops_tab[o].defined);
					checked++;
				}
			}
		}
	}
	assert_int_equal(checked, 7 * 15 * 15 * 2);
#else
	(void)state;
	skip();
#endif
}

/* Byte and 64-bit widths: flags of the right bit for SF, OF and CF. */
static void alu_widths(void **state)
{
	uint64_t gpr[16] = { 0 }, fl = 0;
	struct dev d = { .val = 0x7f };

	(void)state;
	/* addb $1,(%rdx) → 0x80: SF, OF, AF; no CF. */
	assert_int_equal(RUN(gpr, &fl, &d, 0x80, 0x02, 0x01), 0);
	assert_int_equal(d.val, 0x80);
	assert_int_equal(fl, X86_FLAGS_SF | X86_FLAGS_OF | X86_FLAGS_AF);
	/* addq %rcx,(%rdx) with a carry out of bit 63. */
	d.val = 0x8000000000000000ull;
	gpr[X86_RCX] = 0x8000000000000000ull;
	assert_int_equal(RUN(gpr, &fl, &d, 0x48, 0x01, 0x0a), 0);
	assert_int_equal(d.val, 0);
	assert_int_equal(fl, X86_FLAGS_CF | X86_FLAGS_OF | X86_FLAGS_ZF |
				     X86_FLAGS_PF);
	/* Flags other than the six are kept (IF, bit 9). */
	fl = BIT(9) | X86_FLAGS_ARITH;
	d.val = 1;
	assert_int_equal(RUN(gpr, &fl, &d, 0xf6, 0x02, 0x01), 0);
	assert_int_equal(fl, BIT(9));
}

static void malformed_insn_refused(void **state)
{
	uint64_t gpr[16] = { 0 }, fl = 0;
	struct dev d = { 0 };
	struct x86_insn in = { .op = X86_OP_STORE, .size = 3, .reg_size = 4 };

	(void)state;
	assert_int_equal(x86_emulate(&in, gpr, &fl, &ops, &d), -HV_EINVAL);
	in.size = 4;
	in.op = 99;
	assert_int_equal(x86_emulate(&in, gpr, &fl, &ops, &d), -HV_EINVAL);
	assert_int_equal(d.reads + d.writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_follow_partial_register_rules),
		cmocka_unit_test(stores_and_xchg),
		cmocka_unit_test(rmw_reads_once_writes_once),
		cmocka_unit_test(alu_flags_match_the_cpu),
		cmocka_unit_test(alu_widths),
		cmocka_unit_test(malformed_insn_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
