/* SPDX-License-Identifier: MIT */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "hv/types.h"

struct vm;

#define CONSOLE_LINE 256u
/* Ctrl-]: the escape key (QEMU's -nographic already takes Ctrl-A). */
#define CONSOLE_ESCAPE 0x1d

/** Output a VM has written that is not on the serial line yet. */
struct console_vm {
	char line[CONSOLE_LINE];
	unsigned len;
	uint64_t last; /**< counter value at the last character */
};

/** The physical UART driver the console multiplexes (hv/drivers). */
struct console_uart {
	void (*putc)(char c);
	/** Return the next received character, or -1 when none is waiting. */
	int (*getc)(void);
	/** Stop (false) or resume (true) receive interrupts: flow control. */
	void (*rx_irq)(bool on);
};

/** The time source the console uses to flush idle partial lines. */
struct console_clock {
	uint64_t (*now)(void);           /**< a monotonic counter */
	void (*arm)(uint64_t deadline);  /**< call console_tick() then */
	uint64_t hz;                     /**< counter frequency */
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
 * console_vm_putc() - @vm wrote @c to its virtual UART.
 *
 * Every line on the serial line starts with "[name] ", and lines of
 * different VMs never mix: a VM's output is held until its line is whole.
 * A partial line (a shell prompt, typed characters echoed) goes out once
 * the VM has been quiet for a moment: 30 ms for the VM with input focus,
 * a second for the others.
 */
void console_vm_putc(struct vm *vm, char c);

/** console_hv_line() - One whole hypervisor line (prefix included). */
void console_hv_line(const char *text, size_t len);

/**
 * console_hv_partial() - Hypervisor text without a newline (the shell's
 * prompt and echo); a VM line that comes meanwhile starts a new line.
 */
void console_hv_partial(const char *text, size_t len);

/** console_clock_hz() - The console clock's frequency, 0 without one. */
uint64_t console_clock_hz(void);

/** console_tick() - Flush partial lines that have gone quiet; re-arm. */
void console_tick(void);

/**
 * console_rx_poll() - Drain the UART's input: to the focused VM, except
 * the escape key, which switches focus (Ctrl-] then a VM number, n for the
 * next VM, : for the hypervisor shell, h for help, Ctrl-] again for a
 * literal Ctrl-]).
 */
void console_rx_poll(void);

/**
 * console_rx_room() - The focused VM's UART has room again: take more input
 * (input waits in the physical UART while the VM's FIFO is full).
 */
void console_rx_room(struct vm *vm);

/** console_focus() - The VM input goes to, or NULL. */
struct vm *console_focus(void);

/** console_set_focus() - Send input to @vm from now on; shows its prompt. */
void console_set_focus(struct vm *vm);

#endif /* HV_CONSOLE_H */
