/* SPDX-License-Identifier: MIT */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "hv/spinlock.h"
#include "hv/types.h"

struct vm;

/* The longest line kept whole; a longer one is cut into lines this long. */
#define CONSOLE_LINE 256u
/*
 * Bytes one drain puts into the UART at most: a PL011 r1p5 FIFO's worth,
 * so no CPU holds the drain for long (a fast UART, e.g. an emulator's,
 * just takes more drains).
 */
#define CONSOLE_DRAIN_BUDGET 32u
/* A source's output buffer: a ring of filtered bytes (a power of two). */
#define CONSOLE_OUT 4096u
/* Longest SGR (colour) sequence passed on; a longer one is dropped. */
#define CONSOLE_SGR_MAX 32u
/* Ctrl-]: the escape key (QEMU's -nographic already takes Ctrl-A). */
#define CONSOLE_ESCAPE 0x1d

/**
 * Output of one source (a VM, or the hypervisor) that is not on the serial
 * line yet, and the state of its control-sequence filter.  Bytes go in at
 * @tail (console_vm_putc()), out at @head (the drain); those before @ready
 * may go out: whole lines, and a partial line once it is released.
 */
struct console_vm {
	struct spinlock lock; /* protects everything below */
	char buf[CONSOLE_OUT];
	uint32_t head, ready, tail; /**< free-running indices into @buf */
	unsigned col;		    /**< bytes in @buf's last line so far */
	bool released;	     /**< its partial line goes out as it comes */
	uint64_t last;	     /**< counter value at the last character */
	uint64_t tx_dropped; /**< bytes lost because @buf was full */
	bool tx_wake;	     /**< tell the VM's UART when there is room again */
	uint8_t state;	     /**< filter: where in a control sequence */
	uint8_t need;	     /**< filter: UTF-8 continuation bytes still due */
	uint8_t seq_len;
	char seq[CONSOLE_SGR_MAX]; /**< filter: a sequence being checked */
};

/** The physical UART driver the console multiplexes (hv/drivers). */
struct console_uart {
	/** Write @c, waiting for room: only for console_flush(). */
	void (*putc)(char c);
	/** Write @c if the transmit FIFO has room; never wait. */
	bool (*try_putc)(char c);
	/** Return the next received character, or -1 when none is waiting. */
	int (*getc)(void);
	/** Raise (true) or not (false) the interrupt when the FIFO drains. */
	void (*tx_irq)(bool on);
};

/** The time source the console uses to flush idle partial lines. */
struct console_clock {
	uint64_t (*now)(void); /**< a monotonic counter */
	/** Call console_tick() on this CPU then (now or earlier: at once). */
	void (*arm)(uint64_t deadline);
	uint64_t hz; /**< counter frequency */
};

/**
 * console_init() - Start the multiplexer on @uart with @clock (NULL: partial
 * lines wait for their newline).  No VM has input focus yet.
 */
void console_init(const struct console_uart *uart,
		  const struct console_clock *clock);

/** console_init_clock() - Give the console its clock once there is one. */
void console_init_clock(const struct console_clock *clock);

/**
 * console_vm_putc() - @vm wrote @c to its virtual UART.  Never waits.
 *
 * Every line on the serial line starts with "[name] ", and lines of
 * different sources never mix: a VM's output is held until its line is
 * whole, then goes out in turn with the other sources' lines.  A partial
 * line (a shell prompt, typed characters echoed) goes out once the VM has
 * been quiet for a moment: 30 ms for the VM with input focus, a second for
 * the others.  Control characters and sequences are filtered as
 * docs/isolation.md ("Console") says.  When @vm's buffer is full, @c is
 * dropped and counted in tx_dropped.  Called on a CPU of @vm.
 */
void console_vm_putc(struct vm *vm, char c);

/*
 * A VM whose room was found below this is told (vuart_tx_room()) once a
 * drain has made at least this much room again.
 */
#define CONSOLE_TX_WAKE 128u

/**
 * console_vm_tx_room() - How many more bytes @vm may write now without
 * losing any, whatever they expand to; 0: its emulated UART shows a full
 * transmit FIFO.  Below CONSOLE_TX_WAKE, @vm's UART is told when there is
 * that much room again.
 */
unsigned console_vm_tx_room(struct vm *vm);

/**
 * console_vm_reset() - @vm restarts: a control sequence it left unfinished
 * does not swallow its new life's output.  Its buffered lines still go out.
 */
void console_vm_reset(struct vm *vm);

/** console_tx_dropped() - Output bytes of @vm lost to a full buffer. */
uint64_t console_tx_dropped(struct vm *vm);

/**
 * console_hv_dropped() - The hypervisor's own messages lost, whole, because
 * its output buffer had no room for them.
 */
uint64_t console_hv_dropped(void);

/** console_hv_line() - One whole hypervisor line (prefix included). */
void console_hv_line(const char *text, size_t len);

/**
 * console_hv_partial() - Hypervisor text without a newline (the shell's
 * prompt and echo), shown at once; a line of a VM that comes meanwhile
 * starts a new line.
 */
void console_hv_partial(const char *text, size_t len);

/**
 * console_flush() - Put everything buffered out, waiting on the UART: the
 * last words before the machine stops.
 */
void console_flush(void);

/** console_clock_hz() - The console clock's frequency, 0 without one. */
uint64_t console_clock_hz(void);

/**
 * console_tick() - The console's timer fired on this CPU, which runs @vm
 * (NULL: none): show @vm's partial line if it has gone quiet, else re-arm;
 * carry on a drain of the output that this CPU left unfinished.
 */
void console_tick(struct vm *vm);

/**
 * console_rx_poll() - The UART's interrupt: drain its input, to the focused
 * VM, except the escape key, which switches focus (Ctrl-] then a VM number,
 * n for the next VM, : for the hypervisor shell, h for help, Ctrl-] again
 * for a literal Ctrl-]); then put out more of the buffered output.  Input is
 * always taken: a VM that does not read loses its own input, nobody else's.
 */
void console_rx_poll(void);

/** console_focus() - The VM input goes to, or NULL. */
struct vm *console_focus(void);

/**
 * console_set_focus() - Send input to @vm from now on; shows its prompt.
 * Return: 0, or -HV_EINVAL when @vm has no virtual console (focus stays).
 */
int console_set_focus(struct vm *vm);

#endif /* HV_CONSOLE_H */
