/* SPDX-License-Identifier: MIT */
#ifndef ARCH_STAGE2_H
#define ARCH_STAGE2_H

#include "hv/page_pool.h"

struct vm;

/**
 * stage2_init() - Build @vm's stage-2 tables (vm->arch.stage2) from its
 * plan: RAM normal, passthrough MMIO device memory, nothing else.
 * Return: 0, or -HV_ENOMEM when @pool ran out.
 */
int stage2_init(struct vm *vm, struct page_pool *pool);

#endif /* ARCH_STAGE2_H */
