/* SPDX-License-Identifier: MIT */
/* MMIO: syndrome decode, region registry and access dispatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/mmio_decode.h"
#include "hv/errno.h"
#include "hv/mmio.h"

/* ISS for a data abort: ISV, SAS, SSE, SRT, SF, WnR (Arm ARM D13.2.39). */
static uint32_t iss(unsigned sas, bool sse, unsigned srt, bool sf, bool wnr)
{
	return 1u << 24 | sas << 22 | (uint32_t)sse << 21 | srt << 16 |
	       (uint32_t)sf << 15 | (uint32_t)wnr << 6;
}

static void decode_word_store(void **state)
{
	struct mmio_access a;

	(void)state;
	/* str w3, [x1] to IPA 0x0900_0000 + 0x18. */
	assert_int_equal(mmio_decode(iss(2, false, 3, false, true),
				     0x09000000ull >> 12 << 4, 0xffff000012345018,
				     &a),
			 0);
	assert_int_equal(a.ipa, 0x09000018);
	assert_int_equal(a.size, 4);
	assert_int_equal(a.reg, 3);
	assert_true(a.write);
	assert_false(a.reg64);
}

static void decode_signed_byte_load(void **state)
{
	struct mmio_access a;

	(void)state;
	/* ldrsb x30, [x0]: 1 byte, sign-extended into a 64-bit register. */
	assert_int_equal(mmio_decode(iss(0, true, 30, true, false),
				     0x80a0ull << 4, 0x7, &a),
			 0);
	assert_int_equal(a.ipa, 0x080a0007);
	assert_int_equal(a.size, 1);
	assert_true(a.sign_extend);
	assert_true(a.reg64);
	assert_false(a.write);
	assert_int_equal(a.reg, 30);
}

static void decode_high_ipa_and_doubleword(void **state)
{
	struct mmio_access a;

	(void)state;
	/* HPFAR.FIPA carries IPA bits [47:12] in bits [43:4]. */
	assert_int_equal(mmio_decode(iss(3, false, 31, true, true),
				     (0x4010000000ull >> 12) << 4, 0xabc, &a),
			 0);
	assert_int_equal(a.ipa, 0x4010000abcull);
	assert_int_equal(a.size, 8);
	assert_int_equal(a.reg, 31);
}

static void decode_refuses_invalid_syndrome(void **state)
{
	struct mmio_access a;

	(void)state;
	assert_int_equal(mmio_decode(iss(2, false, 1, false, true) & ~(1u << 24),
				     0, 0, &a),
			 -HV_EINVAL);
	/* A fault on the guest's own stage-1 walk (S1PTW) is no MMIO access. */
	assert_int_equal(mmio_decode(iss(2, false, 1, false, false) | 1u << 7, 0,
				     0, &a),
			 -HV_EINVAL);
}

struct dev {
	uint64_t last_off;
	unsigned last_size;
	uint64_t last_val;
	uint64_t read_val;
	int writes;
};

static int dev_read(struct vcpu *v, void *priv, uint64_t off, unsigned size,
		    uint64_t *val)
{
	struct dev *d = priv;

	(void)v;
	d->last_off = off;
	d->last_size = size;
	*val = d->read_val;
	return 0;
}

static int dev_write(struct vcpu *v, void *priv, uint64_t off, unsigned size,
		     uint64_t val)
{
	struct dev *d = priv;

	(void)v;
	d->last_off = off;
	d->last_size = size;
	d->last_val = val;
	d->writes++;
	return 0;
}

static const struct mmio_ops dev_ops = { dev_read, dev_write };

static void registry_sorted_and_disjoint(void **state)
{
	struct mmio_map map;
	struct dev a, b, c;

	(void)state;
	memset(&map, 0, sizeof(map));
	assert_int_equal(mmio_register(&map, 0x9000000, 0x1000, &dev_ops, &a), 0);
	assert_int_equal(mmio_register(&map, 0x8000000, 0x10000, &dev_ops, &b), 0);
	assert_int_equal(mmio_register(&map, 0x80a0000, 0x40000, &dev_ops, &c), 0);
	assert_int_equal(mmio_register(&map, 0x9000800, 0x1000, &dev_ops, &a),
			 -HV_EINVAL);
	assert_int_equal(mmio_register(&map, 0x1000, 0, &dev_ops, &a),
			 -HV_EINVAL);
	assert_int_equal(map.count, 3);
	assert_ptr_equal(mmio_find(&map, 0x8000004, 4)->priv, &b);
	assert_ptr_equal(mmio_find(&map, 0x80dfffc, 4)->priv, &c);
	assert_ptr_equal(mmio_find(&map, 0x9000ffc, 4)->priv, &a);
	assert_null(mmio_find(&map, 0x9000ffe, 4)); /* straddles the end */
	assert_null(mmio_find(&map, 0x9001000, 4));
	assert_null(mmio_find(&map, 0x7fffffc, 4));
}

static void dispatch_moves_data(void **state)
{
	struct mmio_map map;
	struct dev d = { .read_val = 0x80 };
	uint64_t regs[31] = { 0 };
	struct mmio_access ld = { .ipa = 0x9000004, .size = 1, .reg = 5,
				  .sign_extend = true, .reg64 = false };
	struct mmio_access st = { .ipa = 0x9000000, .size = 2, .reg = 7,
				  .write = true };
	struct mmio_access zr = { .ipa = 0x9000000, .size = 4, .reg = 31,
				  .write = true };

	(void)state;
	memset(&map, 0, sizeof(map));
	assert_int_equal(mmio_register(&map, 0x9000000, 0x1000, &dev_ops, &d), 0);
	regs[5] = 0xdeadbeefdeadbeefull;
	assert_int_equal(mmio_dispatch(&map, NULL, &ld, regs), 0);
	/* ldrsb w5: sign-extended to 32 bits, upper half cleared. */
	assert_int_equal(regs[5], 0xffffff80ull);
	assert_int_equal(d.last_off, 4);
	ld.reg64 = true;
	assert_int_equal(mmio_dispatch(&map, NULL, &ld, regs), 0);
	assert_int_equal(regs[5], 0xffffffffffffff80ull);

	regs[7] = 0x1234567;
	assert_int_equal(mmio_dispatch(&map, NULL, &st, regs), 0);
	assert_int_equal(d.last_val, 0x4567);
	assert_int_equal(d.last_size, 2);

	/* xzr as the source stores zero. */
	assert_int_equal(mmio_dispatch(&map, NULL, &zr, regs), 0);
	assert_int_equal(d.last_val, 0);

	st.ipa = 0x9001000;
	assert_int_equal(mmio_dispatch(&map, NULL, &st, regs), -HV_ENOENT);
	assert_int_equal(d.writes, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_word_store),
		cmocka_unit_test(decode_signed_byte_load),
		cmocka_unit_test(decode_high_ipa_and_doubleword),
		cmocka_unit_test(decode_refuses_invalid_syndrome),
		cmocka_unit_test(registry_sorted_and_disjoint),
		cmocka_unit_test(dispatch_moves_data),
	};

	return cmocka_run_group_tests_name("mmio", tests, NULL, NULL);
}
