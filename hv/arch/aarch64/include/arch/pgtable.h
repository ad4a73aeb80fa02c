/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include <stdint.h>

#include "hv/page_pool.h"

/*
 * Translation tables for a 39-bit input address space with a 4 KiB granule,
 * starting at level 1 (512 GiB; 1 GiB blocks at level 1, 2 MiB at level 2,
 * 4 KiB pages at level 3).  The same builder serves the hypervisor's own EL2
 * stage-1 identity map and every VM's stage-2; only the attribute bits
 * differ.  Tables hold physical addresses, which the hypervisor's identity
 * map makes equal to pointers.
 */
#define PGTABLE_VA_BITS 39u

enum pgtable_kind {
	PGTABLE_STAGE1_EL2,
	PGTABLE_STAGE2,
	/*
	 * A device's DMA view through the SMMU's stage 1 (EL1 regime, one
	 * Context Descriptor per VM): every page non-global (tagged with the
	 * VM's ASID), readable and writable at EL0 and EL1 (a device's access
	 * may be unprivileged), never executable.
	 */
	PGTABLE_STAGE1_DMA,
};

/*
 * The MAIR value stage-1 tables of this builder assume: attribute 0
 * Device-nGnRE, attribute 1 Normal write-back read/write-allocate.
 */
#define PGTABLE_STAGE1_MAIR 0xff04ull

enum pgtable_mem {
	PGTABLE_MEM_NORMAL, /* write-back cacheable, inner shareable; at EL2
			     * stage 1 never executable (write xor execute) */
	PGTABLE_MEM_DEVICE, /* Device-nGnRE, never executable */
	PGTABLE_MEM_CODE,   /* normal, read-only, executable */
	PGTABLE_MEM_RODATA, /* normal, read-only, never executable */
};

/** One translation regime: its root (level 1) table and its page source. */
struct pgtable {
	uint64_t *root;
	enum pgtable_kind kind;
	struct page_pool *pool;
};

/** pgtable_init() - Allocate an empty root table. Return 0 or -HV_ENOMEM. */
int pgtable_init(struct pgtable *pt, enum pgtable_kind kind,
		 struct page_pool *pool);

/**
 * pgtable_map() - Map [@va, @va + @size) to @pa with the largest blocks that
 * the alignment of both addresses allows (1 GiB, 2 MiB, then 4 KiB), replacing
 * whatever was there and splitting a larger block that only partly overlaps.
 * All three values must be 4 KiB aligned and the range inside the input
 * space.
 *
 * Return: 0, -HV_EINVAL on a misaligned or out-of-range request, -HV_ENOMEM
 * when the pool runs out (the part already mapped stays mapped).
 */
int pgtable_map(struct pgtable *pt, uint64_t va, uint64_t pa, uint64_t size,
		enum pgtable_mem mem);

/** pgtable_unmap() - Remove [@va, @va + @size), splitting blocks as needed. */
int pgtable_unmap(struct pgtable *pt, uint64_t va, uint64_t size);

/**
 * pgtable_lookup() - Translate @va.
 * @pa: set to the output address; @level: set to the level of the leaf
 * (1, 2 or 3); @mem: set to the memory type.  Any may be NULL.
 * Return: 0, or -HV_ENOENT when @va is not mapped.
 */
int pgtable_lookup(const struct pgtable *pt, uint64_t va, uint64_t *pa,
		   unsigned *level, enum pgtable_mem *mem);

#endif /* ARCH_PGTABLE_H */
