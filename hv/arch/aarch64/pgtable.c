/* SPDX-License-Identifier: MIT */
/*
 * AArch64 VMSAv8-64 translation tables, 4 KiB granule, 39-bit input,
 * starting at level 1.  Pure C with no system register access, so the host
 * unit tests exercise exactly this file.
 */
#include "arch/pgtable.h"
#include "hv/errno.h"
#include "hv/types.h"

#define ENTRIES 512u
#define DESC_VALID 0x1ull
#define DESC_TABLE 0x3ull /* table at levels 1-2, page at level 3 */
#define DESC_TYPE_MASK 0x3ull
#define DESC_ADDR_MASK 0x0000fffffffff000ull
#define DESC_ATTR_MASK 0xfff0000000000ffcull

/* Lower attributes shared by both regimes (Arm ARM D8.3.2). */
#define DESC_AF BIT(10)
#define DESC_SH_INNER (3ull << 8)

/*
 * Stage 1, EL2: AttrIndx selects MAIR_EL2 (see mmu.c); AP[1] is RES1,
 * AP[2] makes the page read-only.
 */
#define S1_ATTRIDX(n) ((uint64_t)(n) << 2)
#define S1_AP1_RES1 BIT(6)
#define S1_AP2_RO BIT(7)
#define S1_XN BIT(54)
#define S1_NG BIT(11)
#define S1_PXN BIT(53) /* EL1 regime: bit 54 is UXN */
#define MAIR_IDX_DEVICE 0u
#define MAIR_IDX_NORMAL 1u

/* Stage 2: MemAttr[5:2] and S2AP[7:6] (Arm ARM D8.5.5). */
#define S2_MEMATTR_NORMAL_WB (0xfull << 2)
#define S2_MEMATTR_DEVICE_NGNRE (0x1ull << 2)
#define S2_AP_RO (1ull << 6)
#define S2_AP_RW (3ull << 6)
#define S2_XN BIT(54)

static unsigned level_shift(unsigned level)
{
	return 12u + 9u * (3u - level);
}

static uint64_t leaf_attrs(enum pgtable_kind kind, enum pgtable_mem mem)
{
	uint64_t a = DESC_AF;

	if (kind == PGTABLE_STAGE1_DMA) {
		/*
		 * Non-global: the SMMU's TLB tags these with the VM's ASID, so
		 * no VM's device ever hits another VM's entry (with stage 2
		 * bypassed every VM shares VMID 0).  AP[1] opens the page to
		 * EL0, i.e. to unprivileged transactions.
		 */
		a |= S1_NG | S1_AP1_RES1 | S1_XN | S1_PXN;
		if (mem == PGTABLE_MEM_DEVICE)
			return a | S1_ATTRIDX(MAIR_IDX_DEVICE);
		a |= S1_ATTRIDX(MAIR_IDX_NORMAL) | DESC_SH_INNER;
		return mem == PGTABLE_MEM_NORMAL ? a : a | S1_AP2_RO;
	}
	if (kind == PGTABLE_STAGE1_EL2) {
		/* Write xor execute: only read-only code is executable. */
		a |= S1_AP1_RES1;
		if (mem == PGTABLE_MEM_DEVICE)
			return a | S1_ATTRIDX(MAIR_IDX_DEVICE) | S1_XN;
		a |= S1_ATTRIDX(MAIR_IDX_NORMAL) | DESC_SH_INNER;
		if (mem != PGTABLE_MEM_NORMAL)
			a |= S1_AP2_RO;
		return mem == PGTABLE_MEM_CODE ? a : a | S1_XN;
	}
	if (mem == PGTABLE_MEM_DEVICE)
		return a | S2_AP_RW | S2_MEMATTR_DEVICE_NGNRE | S2_XN;
	a |= S2_MEMATTR_NORMAL_WB | DESC_SH_INNER;
	if (mem == PGTABLE_MEM_NORMAL)
		return a | S2_AP_RW;
	return a | S2_AP_RO | (mem == PGTABLE_MEM_RODATA ? S2_XN : 0);
}

static enum pgtable_mem attrs_mem(enum pgtable_kind kind, uint64_t desc)
{
	bool normal, read_only;

	if (kind != PGTABLE_STAGE2) {
		normal = ((desc >> 2) & 7) == MAIR_IDX_NORMAL;
		read_only = desc & S1_AP2_RO;
	} else {
		normal = (desc & (0xfull << 2)) == S2_MEMATTR_NORMAL_WB;
		read_only = (desc & S2_AP_RW) == S2_AP_RO;
	}
	if (!normal)
		return PGTABLE_MEM_DEVICE;
	if (!read_only)
		return PGTABLE_MEM_NORMAL;
	return (desc & S1_XN) ? PGTABLE_MEM_RODATA : PGTABLE_MEM_CODE;
}

static bool is_table(uint64_t desc, unsigned level)
{
	return level < 3 && (desc & DESC_TYPE_MASK) == DESC_TABLE;
}

static uint64_t *desc_table(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & DESC_ADDR_MASK);
}

int pgtable_init(struct pgtable *pt, enum pgtable_kind kind,
		 struct page_pool *pool)
{
	pt->kind = kind;
	pt->pool = pool;
	pt->root = page_pool_alloc(pool);
	return pt->root ? 0 : -HV_ENOMEM;
}

/*
 * Return the next-level table behind entry @idx of @table, creating it.  A
 * block there is split into a table that maps the same range with the same
 * attributes, so the caller can change part of it.
 */
static uint64_t *next_table(struct pgtable *pt, uint64_t *table, unsigned idx,
			    unsigned level)
{
	uint64_t desc = table[idx];
	uint64_t *sub;

	if (is_table(desc, level))
		return desc_table(desc);
	sub = page_pool_alloc(pt->pool);
	if (!sub)
		return NULL;
	if (desc & DESC_VALID) {
		uint64_t step = 1ull << level_shift(level + 1);
		uint64_t type = level + 1 == 3 ? DESC_TABLE : DESC_VALID;
		uint64_t base = desc & DESC_ADDR_MASK;
		uint64_t attrs = desc & DESC_ATTR_MASK;

		for (unsigned i = 0; i < ENTRIES; i++)
			sub[i] = (base + i * step) | attrs | type;
	}
	/* The sub-table is complete before it becomes visible to a walker. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	table[idx] = (uint64_t)(uintptr_t)sub | DESC_TABLE;
	return sub;
}

/*
 * Map or unmap (when @attrs is 0) [@va, @va + @size) at @level of @table.
 */
static int update(struct pgtable *pt, uint64_t *table, unsigned level,
		  uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
	unsigned shift = level_shift(level);
	uint64_t span = 1ull << shift;

	while (size) {
		unsigned idx = (unsigned)(va >> shift) & (ENTRIES - 1);
		uint64_t chunk = MIN(size, ALIGN_DOWN(va, span) + span - va);
		bool whole = chunk == span && IS_ALIGNED(va, span);

		if (whole && (level == 3 || !attrs || IS_ALIGNED(pa, span))) {
			if (!attrs)
				table[idx] = 0;
			else
				table[idx] = pa | attrs |
					     (level == 3 ? DESC_TABLE :
							   DESC_VALID);
		} else if (attrs || (table[idx] & DESC_VALID)) {
			uint64_t *sub = next_table(pt, table, idx, level);
			int ret;

			if (!sub)
				return -HV_ENOMEM;
			ret = update(pt, sub, level + 1, va, pa, chunk, attrs);
			if (ret)
				return ret;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

static bool range_ok(uint64_t va, uint64_t size)
{
	uint64_t limit = 1ull << PGTABLE_VA_BITS;

	return IS_ALIGNED(va, SZ_4K) && IS_ALIGNED(size, SZ_4K) && size &&
	       va < limit && size <= limit - va;
}

int pgtable_map(struct pgtable *pt, uint64_t va, uint64_t pa, uint64_t size,
		enum pgtable_mem mem)
{
	if (!range_ok(va, size) || !IS_ALIGNED(pa, SZ_4K) ||
	    (pa + size - 1) >> 48 || pa + size - 1 < pa)
		return -HV_EINVAL;
	return update(pt, pt->root, 1, va, pa, size, leaf_attrs(pt->kind, mem));
}

int pgtable_unmap(struct pgtable *pt, uint64_t va, uint64_t size)
{
	if (!range_ok(va, size))
		return -HV_EINVAL;
	return update(pt, pt->root, 1, va, 0, size, 0);
}

int pgtable_lookup(const struct pgtable *pt, uint64_t va, uint64_t *pa,
		   unsigned *level, enum pgtable_mem *mem)
{
	const uint64_t *table = pt->root;

	if (va >> PGTABLE_VA_BITS)
		return -HV_ENOENT;
	for (unsigned l = 1; l <= 3; l++) {
		unsigned shift = level_shift(l);
		uint64_t desc = table[(va >> shift) & (ENTRIES - 1)];

		if (!(desc & DESC_VALID))
			return -HV_ENOENT;
		if (is_table(desc, l)) {
			table = desc_table(desc);
			continue;
		}
		if (pa)
			*pa = (desc & DESC_ADDR_MASK & ~((1ull << shift) - 1)) |
			      (va & ((1ull << shift) - 1));
		if (level)
			*level = l;
		if (mem)
			*mem = attrs_mem(pt->kind, desc);
		return 0;
	}
	return -HV_ENOENT;
}
