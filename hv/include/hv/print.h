/* SPDX-License-Identifier: MIT */
#ifndef HV_PRINT_H
#define HV_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/**
 * print_format() - Format like a small vsnprintf into @buf.
 *
 * Supports %s %c %d %i %u %x %X %p %% with the l/ll/z length modifiers,
 * '0' padding, a field width and '-' (left-justified, for %s).  Always NUL-terminates when @size > 0.
 *
 * Return: the length of the formatted text (truncated to @size - 1).
 */
size_t print_format(char *buf, size_t size, const char *fmt, va_list ap);

/** print_snprintf() - print_format() with variadic arguments. */
size_t print_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * hv_log() - Print one hypervisor line ("shikiri: " prefix, newline added)
 * on the console.  Safe from any CPU; takes the console lock.
 */
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* HV_PRINT_H */
