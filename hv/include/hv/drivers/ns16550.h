/* SPDX-License-Identifier: MIT */
#ifndef HV_DRIVERS_NS16550_H
#define HV_DRIVERS_NS16550_H

#include <stdint.h>

struct console_uart;

/** ns16550_init() - Drive the 16550 at I/O port @port; its callbacks. */
const struct console_uart *ns16550_init(uint16_t port);

/**
 * ns16550_rx_reedge() - A character still waiting (the receive budget
 * ended): give it an interrupt edge of its own (see ns16550.c).
 */
void ns16550_rx_reedge(void);

#endif /* HV_DRIVERS_NS16550_H */
