/* SPDX-License-Identifier: MIT */
#ifndef HV_PAGE_POOL_H
#define HV_PAGE_POOL_H

#include <stddef.h>

#define PAGE_SIZE 4096u

/** A bump allocator of zeroed 4 KiB pages over one fixed region. */
struct page_pool {
	unsigned char *base; /**< PAGE_SIZE aligned */
	size_t count;        /**< pages in the region */
	size_t used;         /**< pages handed out */
};

/** page_pool_init() - Serve @count pages from @base (PAGE_SIZE aligned). */
void page_pool_init(struct page_pool *pool, void *base, size_t count);

/**
 * page_pool_alloc() - One zeroed page, or NULL when the pool is exhausted.
 * Pages are never freed: tables live as long as the VM's partition, which is
 * fixed at boot.  Not locked: only the boot CPU allocates.
 */
void *page_pool_alloc(struct page_pool *pool);

#endif /* HV_PAGE_POOL_H */
