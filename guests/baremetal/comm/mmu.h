/* SPDX-License-Identifier: MIT */
/* The guest's own stage-1 translation, for the probes that need it (mmu.c). */
#ifndef COMM_MMU_H
#define COMM_MMU_H

#include "baremetal/types.h"

/**
 * mmu_on() - Turn the MMU on with an identity map: the 1 GiB blocks
 * holding [@normal, @normal + @size) and RAM Normal memory (misaligned
 * accesses allowed), the rest Device memory.
 */
void mmu_on(uint64_t normal, uint64_t size);

/**
 * mmu_on_tagged() - Turn the MMU and data cache on with an identity map:
 * the 1 GiB blocks holding RAM Tagged Normal Write-Back (MTE allocation
 * tags reachable from EL1, never checked), the rest Device memory.
 */
void mmu_on_tagged(void);

/** mmu_off() - Back to the MMU off: every data access Device memory. */
void mmu_off(void);

#endif /* COMM_MMU_H */
