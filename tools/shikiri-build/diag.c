// SPDX-License-Identifier: MIT
/* Error reporting for shikiri-build: count and print, never stop early. */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

/**
 * diag_error() - Report one error: printf-style text, newline added.
 * @d: the sink.
 * @fmt: the message.
 */
void diag_error(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	fflush(d->out);
	d->errors++;
}

/**
 * diag_prop() - Report an error about a property of a node.
 * @d: the sink.
 * @file: the file the node comes from.
 * @node: the node's path.
 * @prop: the property's name.
 * @fmt: printf-style description.
 */
void diag_prop(struct diag *d, const char *file, const char *node,
	       const char *prop, const char *fmt, ...)
{
	va_list ap;

	fprintf(d->out, "%s: %s: property '%s': ", file, node, prop);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	fflush(d->out);
	d->errors++;
}
