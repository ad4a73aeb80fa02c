/* SPDX-License-Identifier: MIT */
/*
 * Emulated PL011 (Arm PrimeCell UART r1p5, DDI0183).  Linux's amba-pl011
 * driver probes it by its PrimeCell IDs, polls FR in earlycon, and otherwise
 * works from the RX/RT interrupts, and TX for its tty.  Transmitted bytes go
 * to the VM's buffer in the console multiplexer; FR.TXFF shows when that
 * buffer is nearly full, so a guest that polls it never loses output, and
 * the TX interrupt waits for room, so one that writes a burst of
 * VPL011_TX_BURST bytes per interrupt (Linux's driver does, unchecked)
 * loses nothing either.  Received bytes wait in a
 * buffer of VPL011_RX_BUF, whose first VPL011_RX_FIFO are the FIFO the
 * guest sees; when the VM does not read, the buffer fills and further input
 * is dropped and counted (only this VM's).
 */
#include "arch/vgic.h"
#include "arch/vpl011.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/vm.h"

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0

#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define FR_TXFE BIT(7)
#define FR_RXFF BIT(6)

#define INT_RX BIT(4)
#define INT_TX BIT(5)
#define INT_RT BIT(6)
#define INT_ALL 0x7ff

_Static_assert(VPL011_TX_BURST <= CONSOLE_TX_WAKE,
	       "a VM woken for room has room for a burst");

/* PrimeCell peripheral and cell IDs, 0xfe0..0xffc: a PL011 r1p5. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

static bool line_locked(const struct vpl011 *u)
{
	return (u->ris & u->imsc) != 0;
}

bool vpl011_line(struct vm *vm)
{
	struct vpl011 *u = &vm->arch.uart;
	bool level;

	spin_lock(&u->lock);
	level = line_locked(u);
	spin_unlock(&u->lock);
	return level;
}

static uint16_t fr_locked(const struct vpl011 *u, bool tx_full)
{
	uint16_t fr = tx_full ? FR_TXFF : FR_TXFE;

	if (!u->rx_count)
		fr |= FR_RXFE;
	if (u->rx_count >= VPL011_RX_FIFO)
		fr |= FR_RXFF;
	return fr;
}

static int vpl011_read(struct vcpu *vcpu, void *priv, uint64_t off,
		       unsigned size, uint64_t *val)
{
	struct vpl011 *u = priv;
	bool level, tx_full = false;

	(void)vcpu;
	if (size > 4 || (off & 3))
		return -HV_EFAULT;
	if (off == UARTFR)
		tx_full = !console_vm_tx_room(u->vm);
	spin_lock(&u->lock);
	switch (off) {
	case UARTDR:
		*val = 0;
		if (u->rx_count) {
			*val = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % VPL011_RX_BUF;
			u->rx_count--;
		}
		if (!u->rx_count)
			u->ris &= (uint16_t)~(INT_RX | INT_RT);
		break;
	case UARTFR:
		*val = fr_locked(u, tx_full);
		break;
	case UARTIBRD:
		*val = u->ibrd;
		break;
	case UARTFBRD:
		*val = u->fbrd;
		break;
	case UARTLCR_H:
		*val = u->lcr_h;
		break;
	case UARTCR:
		*val = u->cr;
		break;
	case UARTIFLS:
		*val = u->ifls;
		break;
	case UARTIMSC:
		*val = u->imsc;
		break;
	case UARTRIS:
		*val = u->ris;
		break;
	case UARTMIS:
		*val = u->ris & u->imsc;
		break;
	case UARTDMACR:
		*val = u->dmacr;
		break;
	default:
		*val = off >= UARTPERIPHID0 ? pl011_id[(off - UARTPERIPHID0) / 4] : 0;
		break;
	}
	level = line_locked(u);
	spin_unlock(&u->lock);
	if (off == UARTDR)
		vgic_set_level(u->vm, u->intid, level);
	return 0;
}

static int vpl011_write(struct vcpu *vcpu, void *priv, uint64_t off,
			unsigned size, uint64_t val)
{
	struct vpl011 *u = priv;
	bool level, was, tx_room = false;

	(void)vcpu;
	if (size > 4 || (off & 3))
		return -HV_EFAULT;
	if (off == UARTDR) {
		console_vm_putc(u->vm, (char)val);
		tx_room = console_vm_tx_room(u->vm) >= VPL011_TX_BURST;
	}
	spin_lock(&u->lock);
	was = line_locked(u);
	switch (off) {
	case UARTDR:
		/*
		 * As if the FIFO drained through its trigger level at once;
		 * short of room, as if it stayed above it (DDI0183 3.4.3:
		 * writing above the level clears TXRIS), and
		 * vpl011_tx_room() raises it when there is room again.
		 */
		if (tx_room)
			u->ris |= INT_TX;
		else
			u->ris &= (uint16_t)~INT_TX;
		break;
	case UARTIBRD:
		u->ibrd = (uint16_t)val;
		break;
	case UARTFBRD:
		u->fbrd = val & 0x3f;
		break;
	case UARTLCR_H:
		u->lcr_h = val & 0xff;
		break;
	case UARTCR:
		u->cr = (uint16_t)val;
		break;
	case UARTIFLS:
		u->ifls = val & 0x3f;
		break;
	case UARTIMSC:
		u->imsc = val & INT_ALL;
		break;
	case UARTICR:
		/* RX and RT follow the FIFO level; only TX is a latch. */
		u->ris &= (uint16_t)~(val & INT_TX);
		break;
	case UARTDMACR:
		u->dmacr = val & 7;
		break;
	default:
		break; /* RSR/ECR, ILPR and read-only registers: ignored */
	}
	level = line_locked(u);
	spin_unlock(&u->lock);
	if (level || level != was || off != UARTDR)
		vgic_set_level(u->vm, u->intid, level);
	return 0;
}

const struct mmio_ops vpl011_ops = {
	.read = vpl011_read,
	.write = vpl011_write,
};

bool vpl011_rx(struct vpl011 *u, char c)
{
	bool ok, level;

	spin_lock(&u->lock);
	ok = u->rx_count < VPL011_RX_BUF;
	if (ok) {
		u->rx[(u->rx_head + u->rx_count) % VPL011_RX_BUF] = (uint8_t)c;
		u->rx_count++;
		u->ris |= INT_RX | INT_RT;
	} else {
		u->rx_dropped++;
	}
	level = line_locked(u);
	spin_unlock(&u->lock);
	vgic_set_level(u->vm, u->intid, level);
	return ok;
}

void vpl011_reset(struct vpl011 *u)
{
	spin_lock(&u->lock);
	u->cr = 0x300; /* TXE | RXE */
	u->ifls = 0x12;
	u->lcr_h = u->ibrd = u->fbrd = u->imsc = u->dmacr = u->ris = 0;
	u->rx_head = u->rx_count = 0;
	spin_unlock(&u->lock);
	console_vm_reset(u->vm);
}

void vpl011_tx_room(struct vpl011 *u)
{
	bool level;

	spin_lock(&u->lock);
	u->ris |= INT_TX;
	level = line_locked(u);
	spin_unlock(&u->lock);
	vgic_set_level(u->vm, u->intid, level);
}

uint64_t vpl011_rx_dropped(struct vpl011 *u)
{
	return __atomic_load_n(&u->rx_dropped, __ATOMIC_RELAXED);
}

int vpl011_init(struct vpl011 *u, struct vm *vm, uint64_t ipa, uint32_t intid)
{
	*u = (struct vpl011){ .vm = vm, .intid = intid };
	vpl011_reset(u);
	return mmio_register(&vm->mmio, ipa, VPL011_SIZE, &vpl011_ops, u);
}
