/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_UART_H
#define BAREMETAL_UART_H

#include "baremetal/types.h"

/** uart_init() - Use the PL011 at @base (MMIO) from now on. */
void uart_init(uint64_t base);

/** uart_putc() - Write @c, waiting while the transmit FIFO is full. */
void uart_putc(char c);

/** uart_getc() - The next received character, or -1 if none is waiting. */
int uart_getc(void);

/** uart_rx_irq() - Raise the UART's interrupt when a character arrives (@on). */
void uart_rx_irq(bool on);

#endif /* BAREMETAL_UART_H */
