/* SPDX-License-Identifier: MIT */
/*
 * Parameters a system test gives a guest on its kernel command line
 * (config `bootargs` -> /chosen/bootargs): space-separated key=value words.
 */
#ifndef BAREMETAL_BOOTARGS_H
#define BAREMETAL_BOOTARGS_H

#include "baremetal/types.h"

/** An address range [start, end). */
struct range {
	uint64_t start, end;
};

/**
 * bootargs_get() - The value of "@key=value" in the bootargs.
 * @len: set to the value's length.
 *
 * Return: the value (not NUL-terminated), or NULL if @key is not there.
 */
const char *bootargs_get(const char *key, size_t *len);

/** bootargs_is() - Whether the bootargs hold exactly "@key=@value". */
bool bootargs_is(const char *key, const char *value);

/**
 * bootargs_ranges() - Parse "@key=A-B[,A-B...]" (numbers in C syntax,
 * 0x for hex) into at most @max ranges [A, B).
 *
 * Return: how many were parsed, or -1 if the value is malformed; 0 when
 * @key is absent.
 */
int bootargs_ranges(const char *key, struct range *out, unsigned max);

/**
 * bootargs_u64() - Parse "@key=N" into @out.
 *
 * Return: 0, -1 when malformed, 1 when @key is absent.
 */
int bootargs_u64(const char *key, uint64_t *out);

#endif /* BAREMETAL_BOOTARGS_H */
