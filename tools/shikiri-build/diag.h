/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_DIAG_H
#define SHIKIRI_BUILD_DIAG_H

#include <stdio.h>

/**
 * struct diag - Where error messages go, and how many there were.
 * @out: stream that receives one message per line (stderr in the tool).
 * @errors: messages reported so far.
 *
 * Every input problem is reported, not just the first, so one run shows the
 * user everything to fix.  Messages read "FILE: NODE: what; fix: how".
 */
struct diag {
	FILE *out;
	int errors;
};

/** diag_error() - Report one error: printf-style text, newline added. */
void diag_error(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * diag_prop() - Report an error about a property of a node.
 * @d: the sink.
 * @file: the file the node comes from.
 * @node: the node's path, e.g. "/vm@0".
 * @prop: the property's name.
 * @fmt: printf-style description, "; fix: ..." included.
 *
 * Prints "FILE: NODE: property 'PROP': TEXT".
 */
void diag_prop(struct diag *d, const char *file, const char *node,
	       const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif /* SHIKIRI_BUILD_DIAG_H */
