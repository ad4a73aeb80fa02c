/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own PL011: transmit without waiting (the console fills the
 * FIFO while it has room and continues from the transmit interrupt), receive
 * from the interrupt.  Only console_flush() waits for room.
 */
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
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)

static uint64_t base;
static uint32_t imsc; /* only the console's draining CPU changes TX */

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

static bool pl011_try_putc(char c)
{
	if (*reg(UARTFR) & FR_TXFF)
		return false;
	*reg(UARTDR) = (unsigned char)c;
	return true;
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

/*
 * The transmit interrupt is raised while the FIFO is at or below its
 * trigger level (DDI0183 3.4.3, half full by default); the console turns it
 * on only while it has output left.
 */
static void pl011_tx_irq(bool on)
{
	imsc = on ? imsc | INT_TX : imsc & ~INT_TX;
	*reg(UARTIMSC) = imsc;
}

static const struct console_uart pl011_uart = {
	.putc = pl011_putc,
	.try_putc = pl011_try_putc,
	.getc = pl011_getc,
	.tx_irq = pl011_tx_irq,
};

const struct console_uart *pl011_init(uint64_t addr)
{
	base = addr;
	*reg(UARTLCR_H) = LCR_H_FEN | LCR_H_WLEN8; /* FIFOs on: 16 deep */
	*reg(UARTCR) = 0x301; /* UARTEN | TXE | RXE */
	imsc = INT_RX | INT_RT; /* receive is never masked */
	*reg(UARTIMSC) = imsc;
	return &pl011_uart;
}
