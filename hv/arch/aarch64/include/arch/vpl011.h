/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VPL011_H
#define ARCH_VPL011_H

#include "hv/mmio.h"
#include "hv/spinlock.h"
#include "hv/types.h"

struct vm;

#define VPL011_RX_FIFO 32u
/* Input kept for a VM that does not read, its FIFO included. */
#define VPL011_RX_BUF 1024u
/* The TX interrupt means room for this many bytes written unchecked. */
#define VPL011_TX_BURST 64u
#define VPL011_SIZE 0x1000u

/**
 * An emulated Arm PL011 (r1p5) as a guest's console: transmit goes to the
 * VM's buffer in the console multiplexer (TXFF while it is nearly full),
 * receive is fed by the multiplexer when the VM has input focus.
 */
struct vpl011 {
	struct vm *vm;
	uint32_t intid;
	struct spinlock lock; /* protects everything below */
	uint16_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr;
	uint16_t ris; /**< raw interrupt status */
	uint8_t rx[VPL011_RX_BUF]; /**< the FIFO, then what waits behind it */
	unsigned rx_head, rx_count;
	uint64_t rx_dropped; /**< input lost: the buffer was full */
};

/** vpl011_init() - Emulate a PL011 for @vm at @ipa raising @intid. */
int vpl011_init(struct vpl011 *u, struct vm *vm, uint64_t ipa,
		uint32_t intid);

/**
 * vpl011_reset() - Registers back to their reset values, received input
 * gone, the console's filter state for the VM too.
 */
void vpl011_reset(struct vpl011 *u);

/**
 * vpl011_rx() - Queue received @c.
 * Return: false when the buffer was full and @c was dropped (counted).
 */
bool vpl011_rx(struct vpl011 *u, char c);

/**
 * vpl011_tx_room() - The console has made room in the VM's output buffer
 * after @u found it short: raise the TX interrupt.  Called with no console
 * lock held.
 */
void vpl011_tx_room(struct vpl011 *u);

/** vpl011_rx_dropped() - Input bytes dropped because @u's buffer was full. */
uint64_t vpl011_rx_dropped(struct vpl011 *u);

/** vpl011_line() - Whether the interrupt line is high (for resampling). */
bool vpl011_line(struct vm *vm);

/** MMIO callbacks, exposed for the unit tests. */
extern const struct mmio_ops vpl011_ops;

#endif /* ARCH_VPL011_H */
