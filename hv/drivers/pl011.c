/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own PL011: transmit without waiting (the console fills the
 * FIFO while it has room and continues from the transmit interrupt), receive
 * from the interrupt.  Only console_flush() waits for room.
 */
#include "arch/mmio_reg.h"
#include "hv/console.h"
#include "hv/drivers/pl011.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define UARTIMSC 0x038
#define FR_TXFF (1u << 5)
#define FR_RXFE (1u << 4)
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)

static uint64_t base;
static uint32_t imsc; /* only the console's draining CPU changes TX */

static uint32_t rd(unsigned off)
{
	return mmio_reg_read(base + off);
}

static void wr(unsigned off, uint32_t val)
{
	mmio_reg_write(base + off, val);
}

static void pl011_putc(char c)
{
	while (rd(UARTFR) & FR_TXFF)
		;
	wr(UARTDR, (unsigned char)c);
}

static bool pl011_try_putc(char c)
{
	if (rd(UARTFR) & FR_TXFF)
		return false;
	wr(UARTDR, (unsigned char)c);
	return true;
}

/*
 * Reading is what clears the receive interrupts (DDI0183, Interrupts): RX once
 * the FIFO is below its trigger level, RT once it is empty.  Never UARTICR: a
 * character that arrived after the FIFO was seen empty would have its
 * interrupt cleared while it sits unread.  QEMU's PL011 raises RX only when
 * its count reaches the trigger level, so that interrupt would not come
 * again before the FIFO is emptied, and console_rx_poll() takes a bounded
 * number of characters at a time: input would stop for good.
 */
static int pl011_getc(void)
{
	if (rd(UARTFR) & FR_RXFE)
		return -1;
	return (int)(rd(UARTDR) & 0xff);
}

/*
 * The transmit interrupt is raised while the FIFO is at or below its
 * trigger level (DDI0183 3.4.3, half full by default); the console turns it
 * on only while it has output left.
 */
static void pl011_tx_irq(bool on)
{
	imsc = on ? imsc | INT_TX : imsc & ~INT_TX;
	wr(UARTIMSC, imsc);
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
	wr(UARTLCR_H, LCR_H_FEN | LCR_H_WLEN8); /* FIFOs on: 16 deep */
	wr(UARTCR, 0x301);			/* UARTEN | TXE | RXE */
	imsc = INT_RX | INT_RT;			/* receive is never masked */
	wr(UARTIMSC, imsc);
	return &pl011_uart;
}
