/* SPDX-License-Identifier: MIT */
#ifndef HV_CONSOLE_FILTER_H
#define HV_CONSOLE_FILTER_H

#include "hv/types.h"

struct console_vm;

/* The most bytes console_filter() puts out for one byte in. */
#define CONSOLE_FILTER_MAX 40u

/**
 * console_filter() - Pass @b, a byte a VM wrote, through the rule of
 * docs/isolation.md ("Console"): what may reach the operator's terminal.
 * @c: the VM's output state, whose filter fields carry a sequence split
 *     across calls; under @c's lock.
 * @out: the bytes to show, at most CONSOLE_FILTER_MAX; a newline ('\n')
 *       comes last.
 * Return: the number of bytes in @out, 0 while a sequence is incomplete or
 * when @b is dropped.
 */
unsigned console_filter(struct console_vm *c, uint8_t b, char *out);

/** console_filter_reset() - Forget any unfinished sequence of @c. */
void console_filter_reset(struct console_vm *c);

#endif /* HV_CONSOLE_FILTER_H */
