/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own 16550A UART on PC I/O ports (COM1): 115200 8N1,
 * FIFOs on.  Transmit never waits except in console_flush(): the 16550
 * only says when its 16-byte transmit FIFO is empty (LSR.THRE), so after
 * seeing it empty this driver writes up to 16 bytes before it looks again.
 * Receive and "transmitter empty" interrupts go out through OUT2, which
 * gates the UART's interrupt line on PCs.
 *
 * That one line serves every source of the UART, and the I/O APIC takes it
 * edge-triggered: a character that arrives while "transmitter empty" holds
 * the line high makes no edge, and when that source is cleared (THR
 * written, or its enable turned off) the line stays high for the
 * character, so no interrupt would ever come for it and input would stop
 * for good (seen in the system tests: a VM's typed command stopped after
 * its first character).  The same holds for characters left when
 * console_rx_poll()'s budget ends.  So after each of those moments a
 * pending character gets an edge of its own: the receive interrupt enable
 * off and on again lowers and raises the line (rx_reedge()).
 */
#include "arch/x86.h"
#include "hv/console.h"
#include "hv/drivers/ns16550.h"
#include "hv/spinlock.h"

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
/* IER's writers: tx_irq() and rx_reedge() run on different CPUs. */
static struct spinlock ier_lock;

/* A character pending: lower and raise the line (see above). */
static void rx_reedge_locked(void)
{
	if (inb(base + LSR) & LSR_DR) {
		outb(base + IER, ier & (uint8_t)~IER_RDA);
		outb(base + IER, ier);
	}
}

void ns16550_rx_reedge(void)
{
	if (!base)
		return;
	spin_lock(&ier_lock);
	rx_reedge_locked();
	spin_unlock(&ier_lock);
}

static bool ns16550_try_putc(char c)
{
	if (!room) {
		if (!(inb(base + LSR) & LSR_THRE))
			return false;
		/* This write clears "transmitter empty": see above. */
		room = FIFO_DEPTH - 1;
		outb(base + RBR, (uint8_t)c);
		ns16550_rx_reedge();
		return true;
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
	spin_lock(&ier_lock);
	ier = on ? ier | IER_THRE : ier & ~IER_THRE;
	outb(base + IER, ier);
	rx_reedge_locked();
	spin_unlock(&ier_lock);
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
