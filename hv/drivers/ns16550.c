/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own 16550A UART on PC I/O ports (COM1): 115200 8N1,
 * FIFOs on.  Transmit never waits except in console_flush(): the 16550
 * only says when its 16-byte transmit FIFO is empty (LSR.THRE), so after
 * seeing it empty this driver writes up to 16 bytes before it looks again.
 * Receive and "transmitter empty" interrupts go out through OUT2, which
 * gates the UART's interrupt line on PCs.
 */
#include "arch/x86.h"
#include "hv/console.h"
#include "hv/drivers/ns16550.h"

#define RBR 0 /* receive buffer (read), THR (write); DLL with DLAB */
#define IER 1 /* interrupt enable; DLM with DLAB */
#define FCR 2 /* FIFO control (write); IIR when read */
#define LCR 3
#define MCR 4
#define LSR 5
#define IER_RDA 0x01
#define IER_THRE 0x02
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define FIFO_DEPTH 16u

static uint16_t base;
static unsigned room; /* bytes the transmit FIFO surely still takes */
static uint8_t ier;

static bool ns16550_try_putc(char c)
{
	if (!room) {
		if (!(inb(base + LSR) & LSR_THRE))
			return false;
		room = FIFO_DEPTH;
	}
	outb(base + RBR, (uint8_t)c);
	room--;
	return true;
}

static void ns16550_putc(char c)
{
	while (!ns16550_try_putc(c))
		cpu_relax();
}

static int ns16550_getc(void)
{
	if (!(inb(base + LSR) & LSR_DR))
		return -1;
	return inb(base + RBR);
}

/*
 * THRE interrupts while the console has output left: enabling it when the
 * FIFO is already empty raises one at once; writing THR, or turning it
 * off, clears it (PC16550D datasheet, table II).
 */
static void ns16550_tx_irq(bool on)
{
	ier = on ? ier | IER_THRE : ier & ~IER_THRE;
	outb(base + IER, ier);
}

static const struct console_uart ns16550_uart = {
	.putc = ns16550_putc,
	.try_putc = ns16550_try_putc,
	.getc = ns16550_getc,
	.tx_irq = ns16550_tx_irq,
};

const struct console_uart *ns16550_init(uint16_t port)
{
	base = port;
	outb(base + IER, 0);
	outb(base + LCR, LCR_DLAB);
	outb(base + RBR, 1); /* divisor 1: 115200 baud */
	outb(base + IER, 0);
	outb(base + LCR, LCR_8N1);
	outb(base + FCR, FCR_ENABLE_CLEAR);
	outb(base + MCR, MCR_DTR_RTS_OUT2);
	ier = IER_RDA;
	outb(base + IER, ier);
	room = 0;
	/* The firmware (SeaBIOS: "Booting from ROM..") leaves a partial line. */
	ns16550_putc('\r');
	ns16550_putc('\n');
	return &ns16550_uart;
}
