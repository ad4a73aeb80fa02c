/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "hv/page_pool.h"

void page_pool_init(struct page_pool *pool, void *base, size_t count)
{
	pool->base = base;
	pool->count = count;
	pool->used = 0;
}

void *page_pool_alloc(struct page_pool *pool)
{
	unsigned char *page;

	if (pool->used >= pool->count)
		return NULL;
	page = pool->base + pool->used * PAGE_SIZE;
	pool->used++;
	memset(page, 0, PAGE_SIZE);
	return page;
}
