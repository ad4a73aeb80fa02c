/* SPDX-License-Identifier: MIT */
#ifndef HV_DRIVERS_PL011_H
#define HV_DRIVERS_PL011_H

#include <stdint.h>

struct console_uart;

/** pl011_init() - Drive the PL011 at @addr; its console_uart callbacks. */
const struct console_uart *pl011_init(uint64_t addr);

#endif /* HV_DRIVERS_PL011_H */
