/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/console.h"
#include "hv/print.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void emit(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void emit_num(struct out *o, uint64_t v, unsigned base, bool upper,
		     bool neg, unsigned width, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width > n) {
		emit(o, pad);
		width--;
	}
	while (n)
		emit(o, tmp[--n]);
}

size_t print_format(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		unsigned width = 0, lng = 0;
		bool left = false;
		char pad = ' ';
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			left = true;
			fmt++;
		}
		if (*fmt == '0' && !left)
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			emit_num(&o, u, 10, false, s < 0, width, pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			emit_num(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X',
				 false, width, pad);
			break;
		case 'p':
			emit(&o, '0');
			emit(&o, 'x');
			emit_num(&o, (uintptr_t)va_arg(ap, void *), 16, false,
				 false, 0, '0');
			break;
		case 'c':
			emit(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			unsigned n = 0;

			if (!str)
				str = "(null)";
			while (str[n])
				n++;
			for (; !left && width > n; width--)
				emit(&o, ' ');
			while (*str)
				emit(&o, *str++);
			for (; left && width > n; width--)
				emit(&o, ' ');
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		default:
			if (!*fmt)
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len < size ? o.len : (size ? size - 1 : 0);
}

size_t print_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = print_format(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void hv_log(const char *fmt, ...)
{
	static const char prefix[] = "shikiri: ";
	char line[200];
	size_t n = sizeof(prefix) - 1;
	va_list ap;

	for (size_t i = 0; i < n; i++)
		line[i] = prefix[i];
	va_start(ap, fmt);
	n += print_format(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	console_hv_line(line, n);
}
