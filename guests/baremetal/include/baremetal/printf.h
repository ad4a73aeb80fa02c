/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_PRINTF_H
#define BAREMETAL_PRINTF_H

#include "baremetal/types.h"

/**
 * printf() - Formatted output to the console UART.
 *
 * Conversions: %c %s %d %i %u %x %X %p %%, with the flags '0' and '-', a
 * field width, and the length modifiers l, ll, z.  "\n" goes out as CR LF.
 *
 * Return: the number of characters written.
 */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** vprintf() - printf() with a va_list. */
int vprintf(const char *fmt, va_list ap);

#endif /* BAREMETAL_PRINTF_H */
