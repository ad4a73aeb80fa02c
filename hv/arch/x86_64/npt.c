/* SPDX-License-Identifier: MIT */
/* Nested page tables; see arch/npt.h. */
#include "arch/npt.h"
#include "asm_defs.h"
#include "hv/errno.h"

#define NPT_ADDR_MASK 0x000ffffffffff000ull
#define NPT_TABLE (PTE_P | PTE_W | PTE_U)
#define NPT_MAX_GPA (1ull << 48)

static unsigned index_of(uint64_t gpa, unsigned level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t leaf_size(unsigned level)
{
	return 1ull << (12 + 9 * (level - 1));
}

uint64_t *npt_create(struct page_pool *pool)
{
	return page_pool_alloc(pool);
}

static uint64_t leaf_bits(enum npt_mem mem, unsigned level)
{
	uint64_t e = PTE_P | PTE_W | PTE_U;

	if (level > 1)
		e |= PTE_PS;
	if (mem == NPT_DEVICE)
		e |= PTE_PCD | PTE_PWT;
	return e;
}

/* Map one leaf of @level at @gpa, building the tables above it. */
static int map_one(uint64_t *pml4, struct page_pool *pool, uint64_t gpa,
		   uint64_t hpa, unsigned level, enum npt_mem mem)
{
	uint64_t *table = pml4;

	for (unsigned l = 4; l > level; l--) {
		uint64_t *e = &table[index_of(gpa, l)];

		if (!(*e & PTE_P)) {
			uint64_t *next = page_pool_alloc(pool);

			if (!next)
				return -HV_ENOMEM;
			*e = (uintptr_t)next | NPT_TABLE;
		} else if (*e & PTE_PS) {
			return -HV_EBUSY;
		}
		table = (uint64_t *)(uintptr_t)(*e & NPT_ADDR_MASK);
	}
	if (table[index_of(gpa, level)] & PTE_P)
		return -HV_EBUSY;
	table[index_of(gpa, level)] = hpa | leaf_bits(mem, level);
	return 0;
}

int npt_map(uint64_t *pml4, struct page_pool *pool, uint64_t gpa, uint64_t hpa,
	    uint64_t size, enum npt_mem mem)
{
	if (!IS_ALIGNED(gpa | hpa | size, SZ_4K) || gpa >= NPT_MAX_GPA ||
	    size > NPT_MAX_GPA - gpa)
		return -HV_EINVAL;
	while (size) {
		unsigned level = 3;
		int ret;

		/* The largest leaf both addresses and the rest allow. */
		while (level > 1 && (!IS_ALIGNED(gpa | hpa, leaf_size(level)) ||
				     size < leaf_size(level)))
			level--;
		ret = map_one(pml4, pool, gpa, hpa, level, mem);
		if (ret)
			return ret;
		gpa += leaf_size(level);
		hpa += leaf_size(level);
		size -= leaf_size(level);
	}
	return 0;
}

int npt_lookup(const uint64_t *pml4, uint64_t gpa, uint64_t *hpa,
	       uint64_t *leaf)
{
	const uint64_t *table = pml4;

	if (gpa >= NPT_MAX_GPA)
		return -HV_ENOENT;
	for (unsigned l = 4; l >= 1; l--) {
		uint64_t e = table[index_of(gpa, l)];

		if (!(e & PTE_P))
			return -HV_ENOENT;
		if (l == 1 || (e & PTE_PS)) {
			uint64_t mask = leaf_size(l) - 1;

			*hpa = (e & NPT_ADDR_MASK & ~mask) | (gpa & mask);
			if (leaf)
				*leaf = leaf_size(l);
			return 0;
		}
		table = (const uint64_t *)(uintptr_t)(e & NPT_ADDR_MASK);
	}
	return -HV_ENOENT;
}
