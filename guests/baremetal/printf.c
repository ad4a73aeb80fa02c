/* SPDX-License-Identifier: MIT */
/* A minimal printf to the console UART. */
#include "baremetal/printf.h"
#include "baremetal/uart.h"

struct spec {
	bool zero, left;
	unsigned width;
};

static int put(char c)
{
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
	return 1;
}

static int pad(unsigned n, char c)
{
	for (unsigned i = 0; i < n; i++)
		put(c);
	return (int)n;
}

static int put_str(const char *s, const struct spec *sp)
{
	unsigned len = 0;
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[len])
		len++;
	if (!sp->left && sp->width > len)
		n += pad(sp->width - len, ' ');
	for (unsigned i = 0; i < len; i++)
		n += put(s[i]);
	if (sp->left && sp->width > len)
		n += pad(sp->width - len, ' ');
	return n;
}

static int put_num(uint64_t v, unsigned base, bool neg, bool upper,
		   const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	unsigned len = 0, total;
	int n = 0;

	do {
		buf[len++] = digits[v % base];
		v /= base;
	} while (v);
	total = len + (neg ? 1 : 0);
	if (!sp->left && sp->width > total && !sp->zero)
		n += pad(sp->width - total, ' ');
	if (neg)
		n += put('-');
	if (!sp->left && sp->width > total && sp->zero)
		n += pad(sp->width - total, '0');
	while (len)
		n += put(buf[--len]);
	if (sp->left && sp->width > total)
		n += pad(sp->width - total, ' ');
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	int n = 0;

	for (; *fmt; fmt++) {
		struct spec sp = { 0 };
		unsigned longs = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			n += put(*fmt);
			continue;
		}
		for (fmt++; *fmt == '0' || *fmt == '-'; fmt++) {
			if (*fmt == '0')
				sp.zero = true;
			else
				sp.left = true;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			n += put((char)va_arg(ap, int));
			break;
		case 's':
			n += put_str(va_arg(ap, const char *), &sp);
			break;
		case 'd':
		case 'i':
			s = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			n += put_num(s < 0 ? 0 - (uint64_t)s : (uint64_t)s, 10,
				     s < 0, false, &sp);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			n += put_num(u, *fmt == 'u' ? 10 : 16, false,
				     *fmt == 'X', &sp);
			break;
		case 'p':
			n += put('0') + put('x');
			n += put_num((uintptr_t)va_arg(ap, void *), 16, false,
				     false, &sp);
			break;
		case '%':
			n += put('%');
			break;
		case '\0':
			return n;
		default:
			n += put('%') + put(*fmt);
			break;
		}
	}
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
