/* SPDX-License-Identifier: MIT */
/* The few C library string functions the compiler and the runtime use. */
#ifndef BAREMETAL_STRING_H
#define BAREMETAL_STRING_H

#include "baremetal/types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* BAREMETAL_STRING_H */
