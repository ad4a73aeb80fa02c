/* SPDX-License-Identifier: MIT */
#ifndef TESTS_UNIT_XORSHIFT_H
#define TESTS_UNIT_XORSHIFT_H

#include <stdint.h>

/* Marsaglia's xorshift64: reproducible hostile input for the unit tests. */
static inline uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#endif /* TESTS_UNIT_XORSHIFT_H */
