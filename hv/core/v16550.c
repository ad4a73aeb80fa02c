/* SPDX-License-Identifier: MIT */
/*
 * Emulated 16550A UART (TI/National PC16550D datasheet), the x86 VMs'
 * console, with the same console policy as the emulated PL011 (vpl011.c):
 * transmitted bytes go to the VM's buffer in the console multiplexer;
 * LSR.THRE shows room for a FIFO's worth (V16550_TX_BURST), so neither a
 * guest that polls THRE before each byte nor one that writes a burst per
 * THRE interrupt (Linux's 8250 driver) loses output, and when the buffer
 * runs short THRE waits for v16550_tx_room().  Received bytes wait in a
 * buffer of V16550_RX_BUF whose first V16550_RX_FIFO are the FIFO; beyond
 * that, input is dropped and counted (only this VM's), and LSR.OE says so.
 */
#include "hv/console.h"
#include "hv/v16550.h"

#define RBR 0 /* THR on write; DLL with DLAB */
#define IER 1 /* DLM with DLAB */
#define IIR 2 /* FCR on write */
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define IER_RDA BIT(0)
#define IER_THRE BIT(1)
#define IER_RLS BIT(2)
#define IER_MS BIT(3)

#define IIR_NONE 0x01
#define IIR_RLS 0x06
#define IIR_RDA 0x04
#define IIR_TIMEOUT 0x0c
#define IIR_THRE 0x02
#define IIR_FIFO 0xc0

#define FCR_ENABLE BIT(0)
#define FCR_CLEAR_RX BIT(1)

#define LCR_DLAB BIT(7)
#define MCR_LOOP BIT(4)

#define LSR_DR BIT(0)
#define LSR_OE BIT(1)
#define LSR_THRE BIT(5)
#define LSR_TEMT BIT(6)

/* MSR with the modem lines up: DCD, DSR, CTS. */
#define MSR_UP 0xb0

_Static_assert(V16550_TX_BURST <= CONSOLE_TX_WAKE,
	       "a VM woken for room has room for a burst");

/* FCR bits 7:6: bytes in the FIFO for the RDA interrupt. */
static const uint8_t rx_trigger[4] = { 1, 4, 8, 14 };

/* The interrupt to report (IIR bits 3:0), by priority. */
static uint8_t iir_locked(const struct v16550 *u)
{
	if ((u->ier & IER_RLS) && u->overrun)
		return IIR_RLS;
	if ((u->ier & IER_RDA) && u->rx_count) {
		/* Below the trigger level: the character timeout. */
		if ((u->fcr & FCR_ENABLE) &&
		    u->rx_count < rx_trigger[u->fcr >> 6])
			return IIR_TIMEOUT;
		return IIR_RDA;
	}
	if ((u->ier & IER_THRE) && u->thre)
		return IIR_THRE;
	return IIR_NONE;
}

/* Call with @u->lock held; returns whether @irq must be told @*level. */
static bool line_changed(struct v16550 *u, bool *level)
{
	*level = iir_locked(u) != IIR_NONE;
	if (*level == u->line)
		return false;
	u->line = *level;
	return true;
}

static void unlock_and_signal(struct v16550 *u)
{
	bool level, tell = line_changed(u, &level);

	spin_unlock(&u->lock);
	if (tell && u->irq)
		u->irq(u->ctx, u->gsi, level);
}

static uint8_t msr_locked(const struct v16550 *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_UP;
	/* Loopback: CTS = RTS, DSR = DTR, RI = OUT1, DCD = OUT2. */
	return (uint8_t)((m & 2) << 3 | (m & 1) << 5 | (m & 4) << 4 |
			 (m & 8) << 4);
}

static uint8_t read_rbr_locked(struct v16550 *u)
{
	uint8_t c = 0;

	if (u->rx_count) {
		c = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % V16550_RX_BUF;
		u->rx_count--;
	}
	return c;
}

static void write_fcr_locked(struct v16550 *u, uint8_t val)
{
	u->fcr = val & 0xc9;
	if (val & FCR_CLEAR_RX) {
		/* Only the FIFO empties; input behind it moves up. */
		unsigned n = MIN(u->rx_count, V16550_RX_FIFO);
		u->rx_head = (u->rx_head + n) % V16550_RX_BUF;
		u->rx_count -= n;
	}
}

static void write_ier_locked(struct v16550 *u, uint8_t val, bool tx_ready)
{
	/* Enabling THRE with the holding register empty interrupts at once. */
	if ((val & IER_THRE) && !(u->ier & IER_THRE) && tx_ready)
		u->thre = true;
	u->ier = val & 0x0f;
}

void v16550_io(struct v16550 *u, unsigned off, bool write, uint8_t *val)
{
	bool tx_ready = false, dlab;
	uint8_t iir;

	off &= 7;
	/* Ask the console outside our lock: its lock comes before ours. */
	if ((!write && off == LSR) || (write && off == IER))
		tx_ready = console_vm_tx_room(u->vm) >= V16550_TX_BURST;
	spin_lock(&u->lock);
	dlab = u->lcr & LCR_DLAB;
	if (write && off == RBR && !dlab) {
		spin_unlock(&u->lock);
		console_vm_putc(u->vm, (char)*val);
		tx_ready = console_vm_tx_room(u->vm) >= V16550_TX_BURST;
		spin_lock(&u->lock);
		/*
		 * As if the byte left at once; short of room, THRE stays
		 * clear until v16550_tx_room().
		 */
		u->thre = tx_ready;
		unlock_and_signal(u);
		return;
	}
	if (write) {
		switch (off) {
		case RBR:
			u->dll = *val;
			break;
		case IER:
			if (dlab)
				u->dlm = *val;
			else
				write_ier_locked(u, *val, tx_ready);
			break;
		case IIR:
			write_fcr_locked(u, *val);
			break;
		case LCR:
			u->lcr = *val;
			break;
		case MCR:
			u->mcr = *val & 0x1f;
			break;
		case SCR:
			u->scr = *val;
			break;
		default:
			break; /* LSR and MSR are read-only */
		}
		unlock_and_signal(u);
		return;
	}
	switch (off) {
	case RBR:
		*val = dlab ? u->dll : read_rbr_locked(u);
		break;
	case IER:
		*val = dlab ? u->dlm : u->ier;
		break;
	case IIR:
		iir = iir_locked(u);
		/* Reading IIR that reports THRE clears it (datasheet 8.6.3). */
		if (iir == IIR_THRE)
			u->thre = false;
		*val = (uint8_t)(iir | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0));
		break;
	case LCR:
		*val = u->lcr;
		break;
	case MCR:
		*val = u->mcr;
		break;
	case LSR:
		*val = (uint8_t)((u->rx_count ? LSR_DR : 0) |
				 (u->overrun ? LSR_OE : 0) |
				 (tx_ready ? LSR_THRE | LSR_TEMT : 0));
		u->overrun = false;
		break;
	case MSR:
		*val = msr_locked(u);
		break;
	default:
		*val = u->scr;
		break;
	}
	unlock_and_signal(u);
}

bool v16550_rx(struct v16550 *u, char c)
{
	bool ok;

	spin_lock(&u->lock);
	ok = u->rx_count < V16550_RX_BUF;
	if (ok) {
		u->rx[(u->rx_head + u->rx_count) % V16550_RX_BUF] = (uint8_t)c;
		u->rx_count++;
	} else {
		u->rx_dropped++;
		u->overrun = true;
	}
	unlock_and_signal(u);
	return ok;
}

void v16550_tx_room(struct v16550 *u)
{
	spin_lock(&u->lock);
	u->thre = true;
	unlock_and_signal(u);
}

uint64_t v16550_rx_dropped(struct v16550 *u)
{
	return __atomic_load_n(&u->rx_dropped, __ATOMIC_RELAXED);
}

void v16550_reset(struct v16550 *u)
{
	spin_lock(&u->lock);
	u->ier = u->lcr = u->mcr = u->scr = u->fcr = u->dlm = 0;
	u->dll = 12; /* 9600 baud from the 1.8432 MHz clock */
	u->thre = u->overrun = false;
	u->rx_head = u->rx_count = 0;
	unlock_and_signal(u);
	console_vm_reset(u->vm);
}

int v16550_init(struct v16550 *u, struct vm *vm, uint16_t base, unsigned gsi,
		void (*irq)(void *ctx, unsigned gsi, bool level), void *ctx)
{
	*u = (struct v16550){
		.vm = vm, .base = base, .gsi = gsi, .irq = irq, .ctx = ctx
	};
	v16550_reset(u);
	return 0;
}
