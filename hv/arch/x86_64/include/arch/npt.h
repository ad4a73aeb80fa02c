/* SPDX-License-Identifier: MIT */
#ifndef ARCH_NPT_H
#define ARCH_NPT_H

#include "hv/page_pool.h"
#include "hv/types.h"

/*
 * Nested page tables (AMD APM vol. 2 15.25): the long-mode 4-level format
 * with guest-physical input, user bit set on every entry (nested walks
 * are user accesses), 1 GiB and 2 MiB leaves wherever both addresses and
 * the size allow, 4 KiB elsewhere.  Anything not mapped faults (#NPF) and
 * is emulated or refused.
 */

enum npt_mem {
	NPT_RAM,    /**< write-back (PAT entry 0 with the guest's PAT) */
	NPT_DEVICE, /**< uncacheable (PCD | PWT) */
};

/** npt_create() - An empty top-level table.  Return: it, or NULL. */
uint64_t *npt_create(struct page_pool *pool);

/**
 * npt_map() - Map [@gpa, @gpa + @size) to @hpa (all 4 KiB aligned) into an
 * area not mapped before.  Return: 0, -HV_EINVAL (misaligned, or beyond
 * 48 bits), -HV_ENOMEM (the pool ran out), -HV_EBUSY (already mapped).
 */
int npt_map(uint64_t *pml4, struct page_pool *pool, uint64_t gpa, uint64_t hpa,
	    uint64_t size, enum npt_mem mem);

/**
 * npt_lookup() - The host address @gpa maps to, and the size of its leaf
 * through @leaf (NULL: not wanted).  Return: 0, or -HV_ENOENT.
 */
int npt_lookup(const uint64_t *pml4, uint64_t gpa, uint64_t *hpa,
	       uint64_t *leaf);

#endif /* ARCH_NPT_H */
