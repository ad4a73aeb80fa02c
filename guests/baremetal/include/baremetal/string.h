/* SPDX-License-Identifier: MIT */
/*
 * The string functions: the hypervisor's own (hv/lib/string.c), which only
 * make aligned accesses, as Device memory (the MMU is off) requires.
 */
#ifndef BAREMETAL_STRING_H
#define BAREMETAL_STRING_H

#include <string.h>

#endif /* BAREMETAL_STRING_H */
