/* SPDX-License-Identifier: MIT */
/* Stage-2 / EL2 page-table builder: block choice, alignment, splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "arch/pgtable.h"
#include "hv/errno.h"

#define POOL_PAGES 64

struct fixture {
	void *mem;
	struct page_pool pool;
	struct pgtable pt;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
	page_pool_init(&f->pool, f->mem, POOL_PAGES);
	assert_int_equal(pgtable_init(&f->pt, PGTABLE_STAGE2, &f->pool), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->mem);
	free(f);
	return 0;
}

static void expect_map(struct pgtable *pt, uint64_t va, uint64_t pa,
		       unsigned level, enum pgtable_mem mem)
{
	uint64_t out;
	unsigned lvl;
	enum pgtable_mem m;

	assert_int_equal(pgtable_lookup(pt, va, &out, &lvl, &m), 0);
	assert_int_equal(out, pa);
	assert_int_equal(lvl, level);
	assert_int_equal(m, mem);
}

static void gigabyte_block_when_aligned(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pgtable_map(&f->pt, 0x40000000, 0x80000000,
				     0x40000000, PGTABLE_MEM_NORMAL),
			 0);
	expect_map(&f->pt, 0x40000000, 0x80000000, 1, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x7ffff123, 0xbffff123, 1, PGTABLE_MEM_NORMAL);
	/* Only the root table was needed. */
	assert_int_equal(f->pool.used, 1);
	assert_int_equal(pgtable_lookup(&f->pt, 0x80000000, NULL, NULL, NULL),
			 -HV_ENOENT);
}

static void two_megabyte_blocks_when_pa_is_not_gib_aligned(void **state)
{
	struct fixture *f = *state;

	/* 512 MiB at IPA 0x40000000 backed at PA 0xa0000000 (2 MiB aligned). */
	assert_int_equal(pgtable_map(&f->pt, 0x40000000, 0xa0000000,
				     0x20000000, PGTABLE_MEM_NORMAL),
			 0);
	expect_map(&f->pt, 0x40000000, 0xa0000000, 2, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x5fffffff, 0xbfffffff, 2, PGTABLE_MEM_NORMAL);
	assert_int_equal(pgtable_lookup(&f->pt, 0x60000000, NULL, NULL, NULL),
			 -HV_ENOENT);
	assert_int_equal(f->pool.used, 2);
}

static void pages_at_unaligned_edges(void **state)
{
	struct fixture *f = *state;

	/* 2 MiB + 8 KiB starting 4 KiB below a 2 MiB boundary. */
	assert_int_equal(pgtable_map(&f->pt, 0x401ff000, 0x901ff000,
				     0x202000, PGTABLE_MEM_NORMAL),
			 0);
	expect_map(&f->pt, 0x401ff000, 0x901ff000, 3, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x40200000, 0x90200000, 2, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x40400000, 0x90400000, 3, PGTABLE_MEM_NORMAL);
	assert_int_equal(pgtable_lookup(&f->pt, 0x40401000, NULL, NULL, NULL),
			 -HV_ENOENT);
	assert_int_equal(pgtable_lookup(&f->pt, 0x401fe000, NULL, NULL, NULL),
			 -HV_ENOENT);
}

static void splitting_a_block_keeps_the_rest(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pgtable_map(&f->pt, 0x40000000, 0x40000000,
				     0x40000000, PGTABLE_MEM_NORMAL),
			 0);
	/* A device page in the middle of the 1 GiB block. */
	assert_int_equal(pgtable_map(&f->pt, 0x40345000, 0x09000000, 0x1000,
				     PGTABLE_MEM_DEVICE),
			 0);
	expect_map(&f->pt, 0x40345000, 0x09000000, 3, PGTABLE_MEM_DEVICE);
	expect_map(&f->pt, 0x40344000, 0x40344000, 3, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x40346000, 0x40346000, 3, PGTABLE_MEM_NORMAL);
	/* The rest of that 2 MiB is pages, the rest of the 1 GiB 2 MiB blocks. */
	expect_map(&f->pt, 0x40200000, 0x40200000, 3, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x40400000, 0x40400000, 2, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x7fe00000, 0x7fe00000, 2, PGTABLE_MEM_NORMAL);
}

static void unmap_punches_a_hole(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pgtable_map(&f->pt, 0x40000000, 0x40000000,
				     0x400000, PGTABLE_MEM_NORMAL),
			 0);
	assert_int_equal(pgtable_unmap(&f->pt, 0x40101000, 0x1000), 0);
	assert_int_equal(pgtable_lookup(&f->pt, 0x40101000, NULL, NULL, NULL),
			 -HV_ENOENT);
	expect_map(&f->pt, 0x40100000, 0x40100000, 3, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x40102000, 0x40102000, 3, PGTABLE_MEM_NORMAL);
	expect_map(&f->pt, 0x40200000, 0x40200000, 2, PGTABLE_MEM_NORMAL);
}

static void rejects_bad_requests(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pgtable_map(&f->pt, 0x40000800, 0, 0x1000,
				     PGTABLE_MEM_NORMAL),
			 -HV_EINVAL);
	assert_int_equal(pgtable_map(&f->pt, 0x40000000, 0x800, 0x1000,
				     PGTABLE_MEM_NORMAL),
			 -HV_EINVAL);
	assert_int_equal(pgtable_map(&f->pt, 0x40000000, 0, 0,
				     PGTABLE_MEM_NORMAL),
			 -HV_EINVAL);
	/* Beyond the 39-bit input space. */
	assert_int_equal(pgtable_map(&f->pt, 1ull << 39, 0, 0x1000,
				     PGTABLE_MEM_NORMAL),
			 -HV_EINVAL);
	assert_int_equal(pgtable_map(&f->pt, (1ull << 39) - 0x1000, 0, 0x2000,
				     PGTABLE_MEM_NORMAL),
			 -HV_EINVAL);
	assert_int_equal(f->pool.used, 1);
}

static void pool_exhaustion_is_an_error(void **state)
{
	struct fixture *f = *state;
	int ret = 0;

	/* Scattered 4 KiB pages, each in its own 2 MiB: one table apiece. */
	for (uint64_t i = 0; i < POOL_PAGES && !ret; i++)
		ret = pgtable_map(&f->pt, 0x40000000 + i * 0x200000 + 0x1000,
				  0x1000, 0x1000, PGTABLE_MEM_NORMAL);
	assert_int_equal(ret, -HV_ENOMEM);
}

static void stage1_attributes(void **state)
{
	struct fixture *f = *state;
	struct pgtable s1;

	assert_int_equal(pgtable_init(&s1, PGTABLE_STAGE1_EL2, &f->pool), 0);
	assert_int_equal(pgtable_map(&s1, 0x08000000, 0x08000000, 0x10000,
				     PGTABLE_MEM_DEVICE),
			 0);
	assert_int_equal(pgtable_map(&s1, 0x40000000, 0x40000000, 0x80000000,
				     PGTABLE_MEM_NORMAL),
			 0);
	expect_map(&s1, 0x08000000, 0x08000000, 3, PGTABLE_MEM_DEVICE);
	expect_map(&s1, 0x90000000, 0x90000000, 1, PGTABLE_MEM_NORMAL);
}

/*
 * EL2 stage 1 is write xor execute: no kind of mapping is both writable
 * (AP[2] clear) and executable (XN clear); code is read-only and
 * executable, read-only data and RAM never executable.
 */
static void stage1_write_xor_execute(void **state)
{
	static const enum pgtable_mem kinds[] = {
		PGTABLE_MEM_NORMAL, PGTABLE_MEM_DEVICE, PGTABLE_MEM_CODE,
		PGTABLE_MEM_RODATA
	};
	struct fixture *f = *state;
	struct pgtable s1;

	assert_int_equal(pgtable_init(&s1, PGTABLE_STAGE1_EL2, &f->pool), 0);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t va = (uint64_t)(i + 1) << 30; /* one 1 GiB block each */
		uint64_t desc;

		assert_int_equal(pgtable_map(&s1, va, va, 1ull << 30, kinds[i]),
				 0);
		expect_map(&s1, va, va, 1, kinds[i]);
		desc = s1.root[i + 1];
		/* AP[2] (bit 7) read-only, XN (bit 54) never executable. */
		assert_true((desc & (1ull << 7)) || (desc & (1ull << 54)));
		assert_int_equal(!(desc & (1ull << 54)),
				 kinds[i] == PGTABLE_MEM_CODE);
		assert_int_equal(!!(desc & (1ull << 7)),
				 kinds[i] == PGTABLE_MEM_CODE ||
					 kinds[i] == PGTABLE_MEM_RODATA);
	}
	/* A page of code inside RAM keeps its own permissions. */
	assert_int_equal(pgtable_map(&s1, 0x40001000, 0x40001000, 0x1000,
				     PGTABLE_MEM_CODE),
			 0);
	expect_map(&s1, 0x40001000, 0x40001000, 3, PGTABLE_MEM_CODE);
	expect_map(&s1, 0x40002000, 0x40002000, 3, PGTABLE_MEM_NORMAL);
}

/* Stage 2 keeps read-only kinds apart too (S2AP read-only, XN for data). */
static void stage2_read_only_kinds(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pgtable_map(&f->pt, 0x40000000, 0x40000000, 0x1000,
				     PGTABLE_MEM_RODATA),
			 0);
	assert_int_equal(pgtable_map(&f->pt, 0x40001000, 0x40001000, 0x1000,
				     PGTABLE_MEM_CODE),
			 0);
	expect_map(&f->pt, 0x40000000, 0x40000000, 3, PGTABLE_MEM_RODATA);
	expect_map(&f->pt, 0x40001000, 0x40001000, 3, PGTABLE_MEM_CODE);
}

/*
 * A shared-memory region a VM maps read-only (plan SHIKIRI_SHM_READ_ONLY):
 * a 2 MiB block of normal memory with S2AP read-only (Arm ARM D8.5.5:
 * S2AP[7:6] = 0b01, so a write is a stage-2 permission fault) and XN;
 * the same region read-write beside it keeps S2AP 0b11.
 */
static void stage2_read_only_region_block(void **state)
{
	struct fixture *f = *state;
	uint64_t *l2, desc;

	assert_int_equal(pgtable_map(&f->pt, 0x7fffe00000, 0xbfe00000, 0x200000,
				     PGTABLE_MEM_RODATA),
			 0);
	assert_int_equal(pgtable_map(&f->pt, 0x7fffc00000, 0xbfe00000, 0x200000,
				     PGTABLE_MEM_NORMAL),
			 0);
	expect_map(&f->pt, 0x7fffe00000, 0xbfe00000, 2, PGTABLE_MEM_RODATA);
	expect_map(&f->pt, 0x7fffc00000, 0xbfe00000, 2, PGTABLE_MEM_NORMAL);
	l2 = (uint64_t *)(uintptr_t)(f->pt.root[0x7fffe00000 >> 30] &
				     0x0000fffffffff000ull);
	desc = l2[(0x7fffe00000 >> 21) & 511];
	assert_int_equal(desc & 3, 1); /* a block */
	assert_int_equal(desc >> 6 & 3, 1);
	assert_true(desc & (1ull << 54));
	assert_int_equal(desc >> 2 & 0xf, 0xf); /* normal, write-back */
	desc = l2[(0x7fffc00000 >> 21) & 511];
	assert_int_equal(desc >> 6 & 3, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(gigabyte_block_when_aligned,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			two_megabyte_blocks_when_pa_is_not_gib_aligned, setup,
			teardown),
		cmocka_unit_test_setup_teardown(pages_at_unaligned_edges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			splitting_a_block_keeps_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_punches_a_hole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(rejects_bad_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(pool_exhaustion_is_an_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(stage1_attributes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stage1_write_xor_execute, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stage2_read_only_region_block,
						setup, teardown),
		cmocka_unit_test_setup_teardown(stage2_read_only_kinds, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
