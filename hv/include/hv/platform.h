/* SPDX-License-Identifier: MIT */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include <stdint.h>

/*
 * Board facts the hypervisor needs before it can trust a boot plan: where
 * to print why a plan is refused.  One hv/platform/<board>/ is linked in.
 */
extern const char plat_name[];
extern const uint64_t plat_uart_base;

#endif /* HV_PLATFORM_H */
