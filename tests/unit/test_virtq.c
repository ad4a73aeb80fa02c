/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues as a hostile guest writes them (hv/core/virtq.c): rings
 * that are unaligned or leave RAM are refused when the queue is enabled;
 * chains that loop, name descriptors past the queue, go indirect or the
 * wrong way, or point outside RAM (below it, past it, wrapping, absurd
 * lengths) are refused after at most queue-size steps; an avail idx that
 * runs ahead by more than the queue size is refused; what was read is
 * what is used, whatever the guest writes afterwards; used entries and idx
 * are published as the driver expects, across the 16-bit wrap; buffers
 * that cross from one RAM region into the next are copied piece by piece.
 * The VM is the fixture's: its RAM is a host buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/errno.h"
#include "hv/virtq.h"
#include "vnet_fixture.h"

#define QN 8u
#define RAM_END (FX_RAM_IPA + FX_RAM_SIZE)
#define F_NEXT 1u
#define F_WRITE 2u
#define F_INDIRECT 4u

static struct virtq q;

void hv_log(const char *fmt, ...)
{
	(void)fmt;
}

static int setup(void **state)
{
	(void)state;
	fx_reset(0);
	fx_add_vm(-1, FX_RAM_SIZE);
	memset(&q, 0, sizeof(q));
	virtq_reset(&q);
	q.num = QN;
	q.desc_ipa = FX_RAM_IPA + FX_DESC(0);
	q.avail_ipa = FX_RAM_IPA + FX_AVAIL(0);
	q.used_ipa = FX_RAM_IPA + FX_USED(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_reset(0);
	return 0;
}

static void enable(void)
{
	assert_int_equal(virtq_enable(&q, &vms[0], VIRTQ_MAX_SIZE), 0);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	fx_desc(0, 0, i, addr, len, flags, next);
}

/* Make @n more chains available, the first at @head, then read idx. */
static int avail(uint16_t head)
{
	fx_put16(0, FX_AVAIL(0) + 4 + 2u * (fx_q[0][0].avail_idx % QN), head);
	fx_put16(0, FX_AVAIL(0) + 2, ++fx_q[0][0].avail_idx);
	return virtq_avail(&q);
}

static void test_enable_checks_rings(void **state)
{
	(void)state;
	/* Sizes: a power of two, 1 .. the device's maximum. */
	static const unsigned bad_num[] = { 0, 3, 12, 512 };

	for (unsigned k = 0; k < ARRAY_SIZE(bad_num); k++) {
		q.num = (uint16_t)bad_num[k];
		assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
		assert_false(q.ready);
	}
	q.num = QN;
	q.desc_ipa += 8; /* descriptors are 16-byte aligned */
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	q.desc_ipa -= 8;
	q.used_ipa += 2; /* the used ring is 4-byte aligned */
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	q.used_ipa -= 2;
	q.avail_ipa += 1;
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	q.avail_ipa -= 1;
	/* Outside RAM: below it, across its end, far away, wrapping. */
	q.desc_ipa = FX_RAM_IPA - 0x1000;
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	q.desc_ipa = RAM_END - 16 * QN + 16;
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	q.desc_ipa = FX_NET_IPA;
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	q.desc_ipa = 0xfffffffffffffff0ull;
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	assert_false(q.ready);
	/* The last bytes of RAM are fine. */
	q.desc_ipa = RAM_END - 16 * QN;
	enable();
	assert_true(q.ready);
}

static void test_good_chain(void **state)
{
	(void)state;
	enable();
	assert_int_equal(virtq_peek(&q, &vms[0], false), 0);
	desc(3, FX_RAM_IPA + 0x20000, 12, F_NEXT, 5);
	desc(5, FX_RAM_IPA + 0x21000, 100, 0, 0);
	assert_int_equal(avail(3), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), 1);
	assert_int_equal(q.head, 3);
	assert_int_equal(q.seg_count, 2);
	assert_int_equal(q.chain_len, 112);
	/* Peeking again gives the same chain until it is consumed. */
	assert_int_equal(virtq_peek(&q, &vms[0], false), 1);
	virtq_consume(&q);
	assert_int_equal(virtq_peek(&q, &vms[0], false), 0);
	virtq_push(&q, 7);
	assert_int_equal(fx_get16(0, FX_USED(0) + 2), 1);
	assert_int_equal(fx_get32(0, FX_USED(0) + 4), 3);
	assert_int_equal(fx_get32(0, FX_USED(0) + 8), 7);
}

static void test_loops_refused(void **state)
{
	(void)state;
	enable();
	/* Two descriptors pointing at each other. */
	desc(0, FX_RAM_IPA + 0x20000, 1, F_NEXT, 1);
	desc(1, FX_RAM_IPA + 0x20000, 1, F_NEXT, 0);
	assert_int_equal(avail(0), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
	/* It gave up within the queue's size. */
	assert_true(q.seg_count <= QN);
	/* One pointing at itself. */
	desc(2, FX_RAM_IPA + 0x20000, 1, F_NEXT, 2);
	virtq_consume(&q);
	assert_int_equal(avail(2), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
}

static void test_longest_chain(void **state)
{
	(void)state;
	enable();
	/* Every descriptor once: as long as a chain can be, and fine. */
	for (unsigned i = 0; i < QN; i++)
		desc(i, FX_RAM_IPA + 0x20000 + i, 1, i + 1 < QN ? F_NEXT : 0,
		     (uint16_t)(i + 1));
	assert_int_equal(avail(0), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), 1);
	assert_int_equal(q.seg_count, QN);
}

static void test_indices_out_of_range(void **state)
{
	(void)state;
	enable();
	assert_int_equal(avail(QN), 1); /* head past the table */
	assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
	virtq_consume(&q);
	desc(1, FX_RAM_IPA + 0x20000, 4, F_NEXT, 0xffff); /* next past it */
	assert_int_equal(avail(1), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
}

static void test_flags_refused(void **state)
{
	(void)state;
	enable();
	desc(0, FX_RAM_IPA + 0x20000, 16, F_INDIRECT, 0);
	desc(1, FX_RAM_IPA + 0x20000, 16, F_WRITE, 0);
	desc(2, FX_RAM_IPA + 0x20000, 16, 0, 0);
	assert_int_equal(avail(0), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
	assert_int_equal(virtq_peek(&q, &vms[0], true), -HV_EINVAL);
	virtq_consume(&q);
	assert_int_equal(avail(1), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
	assert_int_equal(virtq_peek(&q, &vms[0], true), 1);
	virtq_consume(&q);
	assert_int_equal(avail(2), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], true), -HV_EINVAL);
	assert_int_equal(virtq_peek(&q, &vms[0], false), 1);
}

static void test_buffers_outside_ram(void **state)
{
	static const struct {
		uint64_t addr;
		uint32_t len;
	} bad[] = {
		{ FX_RAM_IPA - 1, 2 },		  /* starts below */
		{ RAM_END - 4, 5 },		  /* ends past */
		{ RAM_END, 1 },			  /* just past */
		{ FX_NET_IPA, 4 },		  /* the device itself */
		{ FX_RAM_IPA, 0xffffffffu },	  /* absurd length */
		{ 0xffffffffffffff00ull, 0x200 }, /* wraps */
		{ 0, 16 },
		{ FX_NET_IPA, 0 }, /* empty, but not in RAM */
		{ RAM_END, 0 },
	};

	(void)state;
	enable();
	for (unsigned k = 0; k < ARRAY_SIZE(bad); k++) {
		desc(k, bad[k].addr, bad[k].len, 0, 0);
		assert_int_equal(avail((uint16_t)k), 1);
		assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
		virtq_consume(&q);
	}
	/* A chain whose second buffer is bad is bad as a whole. */
	desc(0, FX_RAM_IPA + 0x20000, 16, F_NEXT, 1);
	desc(1, RAM_END - 8, 16, 0, 0);
	assert_int_equal(avail(0), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), -HV_EINVAL);
	/* The whole of RAM is one fine buffer. */
	desc(2, FX_RAM_IPA, (uint32_t)FX_RAM_SIZE, 0, 0);
	virtq_consume(&q);
	assert_int_equal(avail(2), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], false), 1);
}

static void test_avail_idx_jump(void **state)
{
	(void)state;
	enable();
	/* Exactly the queue size ahead is a full queue: fine. */
	fx_put16(0, FX_AVAIL(0) + 2, QN);
	assert_int_equal(virtq_avail(&q), QN);
	fx_put16(0, FX_AVAIL(0) + 2, QN + 1);
	assert_int_equal(virtq_avail(&q), -HV_EINVAL);
	fx_put16(0, FX_AVAIL(0) + 2, 0xffff); /* behind: as far ahead */
	assert_int_equal(virtq_avail(&q), -HV_EINVAL);
}

static void test_read_once(void **state)
{
	unsigned char *buf = fx_at(0, 0x20000);
	unsigned char out[64];

	(void)state;
	enable();
	memset(buf, 0xab, 64);
	desc(0, FX_RAM_IPA + 0x20000, 64, 0, 0);
	assert_int_equal(avail(0), 1);
	/* The guest moves avail idx on after it was read: not seen yet. */
	fx_put16(0, FX_AVAIL(0) + 2, 5);
	assert_int_equal(virtq_peek(&q, &vms[0], false), 1);
	/* It rewrites the descriptor to point outside RAM, then longer. */
	desc(0, RAM_END + 0x1000, 0x100000, 0, 0);
	fx_put16(0, FX_AVAIL(0) + 4, 7);
	assert_int_equal(virtq_gather(&q, &vms[0], out, sizeof(out)), 64);
	for (unsigned i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xab);
	assert_int_equal(q.head, 0);
	virtq_consume(&q);
	virtq_push(&q, 0);
	assert_int_equal(fx_get32(0, FX_USED(0) + 4), 0);
	/* Nothing more was made available as far as it knows. */
	assert_int_equal(virtq_peek(&q, &vms[0], false), 0);
}

static void test_used_wraps(void **state)
{
	(void)state;
	q.num = 4;
	enable();
	desc(0, FX_RAM_IPA + 0x20000, 4, 0, 0);
	for (unsigned n = 1; n <= 70000; n++) {
		fx_put16(0, FX_AVAIL(0) + 4 + 2u * ((n - 1) % 4), 0);
		fx_put16(0, FX_AVAIL(0) + 2, (uint16_t)n);
		assert_int_equal(virtq_avail(&q), 1);
		assert_int_equal(virtq_peek(&q, &vms[0], false), 1);
		virtq_consume(&q);
		virtq_push(&q, n);
	}
	assert_int_equal(fx_get16(0, FX_USED(0) + 2), (uint16_t)70000);
	/* Entry (70000 - 1) % 4 = 3 holds the last length. */
	assert_int_equal(fx_get32(0, FX_USED(0) + 4 + 8 * 3 + 4), 70000);
}

static void test_scatter_gather(void **state)
{
	unsigned char in[40], out[40];

	(void)state;
	enable();
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)i;
	desc(0, FX_RAM_IPA + 0x20000, 10, F_NEXT | F_WRITE, 1);
	desc(1, FX_RAM_IPA + 0x20100, 0, F_NEXT | F_WRITE, 2);
	desc(2, FX_RAM_IPA + 0x20200, 20, F_WRITE, 0);
	assert_int_equal(avail(0), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], true), 1);
	assert_int_equal(q.chain_len, 30);
	/* Nothing is written past the chain. */
	assert_int_equal(virtq_scatter(&q, &vms[0], 4, in, sizeof(in)), 26);
	assert_memory_equal(fx_at(0, 0x20004), in, 6);
	assert_memory_equal(fx_at(0, 0x20200), in + 6, 20);
	assert_int_equal(fx_at(0, 0x20214)[0], 0);
	assert_int_equal(virtq_gather(&q, &vms[0], out, sizeof(out)), 30);
	assert_memory_equal(out + 4, in, 26);
}

/* A VM whose RAM is two regions, adjacent as the guest sees them. */
static void test_two_regions(void **state)
{
	struct shikiri_plan_vm *p = &fx_plan.plan.vm[0];
	unsigned char *second = calloc(1, 0x1000);
	unsigned char in[32], out[32];

	(void)state;
	p->ram_count = 2;
	p->ram[1] = (struct shikiri_region){ .ipa = RAM_END,
					     .pa = (uintptr_t)second,
					     .size = 0x1000 };
	enable();
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(0x80 + i);
	desc(0, RAM_END - 16, 32, F_WRITE, 0);
	assert_int_equal(avail(0), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], true), 1);
	assert_int_equal(virtq_scatter(&q, &vms[0], 0, in, 32), 32);
	assert_memory_equal(fx_at(0, FX_RAM_SIZE - 16), in, 16);
	assert_memory_equal(second, in + 16, 16);
	assert_int_equal(virtq_gather(&q, &vms[0], out, 32), 32);
	assert_memory_equal(out, in, 32);
	/* Past the second region: refused. */
	desc(1, RAM_END + 0x1000 - 8, 9, F_WRITE, 0);
	virtq_consume(&q);
	assert_int_equal(avail(1), 1);
	assert_int_equal(virtq_peek(&q, &vms[0], true), -HV_EINVAL);
	/* A ring must lie in one region. */
	q.ready = false;
	q.desc_ipa = RAM_END - 64;
	assert_int_equal(virtq_enable(&q, &vms[0], 256), -HV_EINVAL);
	p->ram_count = 1;
	free(second);
}

static void test_wants_irq(void **state)
{
	(void)state;
	enable();
	assert_true(virtq_wants_irq(&q));
	fx_put16(0, FX_AVAIL(0), 1); /* VRING_AVAIL_F_NO_INTERRUPT */
	assert_false(virtq_wants_irq(&q));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enable_checks_rings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_good_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loops_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_longest_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_indices_out_of_range,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_buffers_outside_ram, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_avail_idx_jump, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_used_wraps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scatter_gather, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_regions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wants_irq, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
