/* SPDX-License-Identifier: MIT */
#ifndef HV_ARCH_RNG_H
#define HV_ARCH_RNG_H

#include <stdbool.h>
#include <stdint.h>

/**
 * arch_random() - 64 bits from the CPU's random number generator.
 * @out: where they go; 0 on failure.
 *
 * Return: false when the CPU has none, or it gave nothing after a few
 * tries.
 */
bool arch_random(uint64_t *out);

#endif /* HV_ARCH_RNG_H */
