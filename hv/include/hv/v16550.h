/* SPDX-License-Identifier: MIT */
#ifndef HV_V16550_H
#define HV_V16550_H

#include "hv/spinlock.h"
#include "hv/types.h"

struct vm;

#define V16550_PORTS 8u
#define V16550_RX_FIFO 16u
/* Input kept for a VM that does not read, its FIFO included (as vpl011). */
#define V16550_RX_BUF 1024u
/*
 * THRE means room for this many bytes: Linux's 8250 driver writes a FIFO's
 * worth (16) per THRE interrupt, unchecked.
 */
#define V16550_TX_BURST 16u

/**
 * An emulated 16550A UART at an I/O port base as a guest's console:
 * transmit goes to the VM's buffer in the console multiplexer (THRE clear
 * while it is nearly full), receive is fed by the multiplexer when the VM
 * has input focus.  Its interrupt line goes to @irq (the VM's I/O APIC pin
 * @gsi).  No loopback data path; MSR follows MCR in loopback mode so that
 * probes find the chip.
 */
struct v16550 {
	struct vm *vm;
	uint16_t base; /**< first I/O port (0x3f8 for COM1) */
	unsigned gsi;
	void (*irq)(void *ctx, unsigned gsi, bool level);
	void *ctx;
	struct spinlock lock; /* protects everything below */
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thre;    /**< THRE interrupt latched (16550 datasheet) */
	bool overrun; /**< LSR.OE: input was dropped since LSR was read */
	bool line;    /**< the interrupt line as last told to @irq */
	uint8_t rx[V16550_RX_BUF]; /**< the FIFO, then what waits behind it */
	unsigned rx_head, rx_count;
	uint64_t rx_dropped; /**< input lost: the buffer was full */
};

/**
 * v16550_init() - Emulate a 16550A for @vm at ports @base..@base+7, its
 * interrupt through @irq(@ctx, @gsi, level).  Return: 0.
 */
int v16550_init(struct v16550 *u, struct vm *vm, uint16_t base, unsigned gsi,
		void (*irq)(void *ctx, unsigned gsi, bool level), void *ctx);

/**
 * v16550_reset() - Registers back to their reset values, received input
 * gone, the console's filter state for the VM too.
 */
void v16550_reset(struct v16550 *u);

/**
 * v16550_rx() - Queue received @c.
 * Return: false when the buffer was full and @c was dropped (counted).
 */
bool v16550_rx(struct v16550 *u, char c);

/**
 * v16550_tx_room() - The console has made room in the VM's output buffer
 * after @u found it short: THRE again, and its interrupt.  Called with no
 * console lock held.
 */
void v16550_tx_room(struct v16550 *u);

/** v16550_rx_dropped() - Input bytes dropped because @u's buffer was full. */
uint64_t v16550_rx_dropped(struct v16550 *u);

/**
 * v16550_io() - A guest byte access to port @base + @off (@off < 8):
 * *@val written, or set to what is read.
 */
void v16550_io(struct v16550 *u, unsigned off, bool write, uint8_t *val);

#endif /* HV_V16550_H */
