/* SPDX-License-Identifier: MIT */
/* PL011 UART (Arm DDI0183), polled output, input by polling or interrupt. */
#include "baremetal/sysreg.h"
#include "baremetal/uart.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UARTICR 0x044
#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define INT_RX BIT(4)
#define INT_RT BIT(6)

static uint64_t base;

void uart_init(uint64_t addr)
{
	base = addr;
}

void uart_putc(char c)
{
	if (!base)
		return;
	while (mmio_read32(base + UARTFR) & FR_TXFF)
		;
	mmio_write32(base + UARTDR, (uint8_t)c);
}

int uart_getc(void)
{
	if (!base || (mmio_read32(base + UARTFR) & FR_RXFE))
		return -1;
	return (int)(mmio_read32(base + UARTDR) & 0xff);
}

void uart_rx_irq(bool on)
{
	if (base)
		mmio_write32(base + UARTIMSC, on ? INT_RX | INT_RT : 0);
}
