/* SPDX-License-Identifier: MIT */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "hv/types.h"

struct vm;

#define CONSOLE_LINE 256u

/** Output a VM has written that is not on the serial line yet. */
struct console_vm {
	char line[CONSOLE_LINE];
	unsigned len;
};

/** The physical UART driver the console multiplexes (hv/drivers). */
struct console_uart {
	void (*putc)(char c);
	/** Return the next received character, or -1 when none is waiting. */
	int (*getc)(void);
};

/** console_init() - Start the multiplexer on @uart; no VM has focus yet. */
void console_init(const struct console_uart *uart);

/**
 * console_vm_putc() - @vm wrote @c to its virtual UART.  Every line on the
 * serial line starts with "[name] ".  The focused VM's characters go out as
 * they come (a prompt shows before its newline); the others' are kept until
 * a whole line is there, so lines of different VMs never mix.
 */
void console_vm_putc(struct vm *vm, char c);

/** console_hv_line() - One whole hypervisor line (prefix included). */
void console_hv_line(const char *text, size_t len);

/** console_rx_poll() - Drain the UART's input to the focused VM. */
void console_rx_poll(void);

/** console_focus() - The VM input goes to, or NULL. */
struct vm *console_focus(void);

/** console_set_focus() - Send input to @vm from now on. */
void console_set_focus(struct vm *vm);

#endif /* HV_CONSOLE_H */
