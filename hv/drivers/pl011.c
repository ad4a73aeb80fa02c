/* SPDX-License-Identifier: MIT */
/* The hypervisor's own PL011: polled transmit, interrupt-driven receive. */
#include "hv/console.h"
#include "hv/drivers/pl011.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define UARTIMSC 0x038
#define UARTICR 0x044
#define FR_TXFF (1u << 5)
#define FR_RXFE (1u << 4)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)

static uint64_t base;

static volatile uint32_t *reg(unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(base + off);
}

static void pl011_putc(char c)
{
	while (*reg(UARTFR) & FR_TXFF)
		;
	*reg(UARTDR) = (unsigned char)c;
}

static int pl011_getc(void)
{
	if (*reg(UARTFR) & FR_RXFE) {
		/*
		 * Clear the receive interrupt, then look again: a character
		 * that arrived between the two would otherwise sit unread
		 * with its interrupt already cleared, and input would stop.
		 */
		*reg(UARTICR) = INT_RX | INT_RT;
		if (*reg(UARTFR) & FR_RXFE)
			return -1;
	}
	return (int)(*reg(UARTDR) & 0xff);
}

static void pl011_rx_irq(bool on)
{
	*reg(UARTIMSC) = on ? INT_RX | INT_RT : 0;
}

static const struct console_uart pl011_uart = {
	.putc = pl011_putc,
	.getc = pl011_getc,
	.rx_irq = pl011_rx_irq,
};

const struct console_uart *pl011_init(uint64_t addr)
{
	base = addr;
	*reg(UARTLCR_H) = LCR_H_FEN | LCR_H_WLEN8; /* FIFOs on: 16 deep */
	*reg(UARTCR) = 0x301; /* UARTEN | TXE | RXE */
	*reg(UARTIMSC) = INT_RX | INT_RT;
	return &pl011_uart;
}
