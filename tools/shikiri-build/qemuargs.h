/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_QEMUARGS_H
#define SHIKIRI_BUILD_QEMUARGS_H

#include "diag.h"

/**
 * struct qemuargs - The QEMU arguments a config adds to its board's (the
 * root's "qemu-args"), e.g. the disk behind a passed-through virtio-mmio
 * transport.
 * @arg: the arguments, relative file= paths already resolved (malloc'd).
 * @count: entries in @arg.
 */
struct qemuargs {
	char **arg;
	unsigned int count;
};

/**
 * qemuargs_parse() - Validate a "qemu-args" property and keep its strings.
 * @q: zeroed; receives the arguments.
 * @file: the config, for messages.
 * @dir: the config's directory; relative file= paths are taken from it.
 * @val: the property's value.
 * @len: its length.
 * @d: where problems are reported; all of them are.
 *
 * Refused: anything but a list of non-empty strings, a line break (the
 * .qemu file holds one argument per line), a first argument that is not an
 * option, and the options shikiri-build or scripts/run choose themselves
 * (machine, CPUs, memory, what is booted, the console).
 *
 * Return: 0, or -1 when anything was reported (@q is then left empty).
 */
int qemuargs_parse(struct qemuargs *q, const char *file, const char *dir,
		   const void *val, int len, struct diag *d);

/**
 * qemuargs_resolve() - Make the relative file= paths in one argument
 * absolute.
 * @arg: one QEMU argument, e.g. "file=disk.img,if=none,id=hd0".
 * @dir: an absolute directory.
 *
 * In QEMU's "key=value,key=value" syntax (",," is a literal comma), each
 * option file=PATH whose PATH is not empty, not absolute and names no
 * protocol ("nbd:...": a ':' before any '/') becomes file=DIR/PATH, commas
 * in DIR doubled.  Nothing else changes.
 *
 * Return: the new argument, malloc'd.
 */
char *qemuargs_resolve(const char *arg, const char *dir);

/** qemuargs_free() - Release what qemuargs_parse() kept; @q is emptied. */
void qemuargs_free(struct qemuargs *q);

#endif /* SHIKIRI_BUILD_QEMUARGS_H */
