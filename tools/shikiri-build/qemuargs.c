// SPDX-License-Identifier: MIT
/*
 * The config's own QEMU arguments (root property "qemu-args"): devices the
 * VMs need from the machine, such as the disk behind a passed-through
 * virtio-mmio transport.  They are written to OUT.img.qemu after the
 * board's machine options, so scripts/run starts the machine with them;
 * the board's DTB is dumped without them (QEMU's virt board describes all
 * its virtio-mmio transports whether or not a device sits behind one).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "qemuargs.h"

#define PROP "qemu-args"
#define MACHINE                                                       \
	"is one of the board's machine options, which shikiri-build " \
	"writes itself"
#define BOOT "would change what QEMU boots, which is the image"
#define CONSOLE "is chosen by scripts/run"

/* Options the tool or the run script choose; a config may not. */
static const struct refused {
	const char *opt;
	const char *why;
} refused[] = {
	{ "-M", MACHINE },	   { "-machine", MACHINE },
	{ "-cpu", MACHINE },	   { "-smp", MACHINE },
	{ "-m", MACHINE },	   { "-kernel", BOOT },
	{ "-initrd", BOOT },	   { "-append", BOOT },
	{ "-dtb", BOOT },	   { "-bios", BOOT },
	{ "-nographic", CONSOLE }, { "-serial", CONSOLE },
	{ "-display", CONSOLE },   { "-monitor", CONSOLE },
};

#define REFUSED_COUNT (sizeof(refused) / sizeof(refused[0]))

/* Why option @arg is refused, or NULL; QEMU takes "--opt" for "-opt". */
static const char *refused_why(const char *arg)
{
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	for (size_t i = 0; i < REFUSED_COUNT; i++)
		if (strcmp(refused[i].opt, arg) == 0)
			return refused[i].why;
	return NULL;
}

/* Whether a file= value is left as written (see qemuargs_resolve()). */
static bool keep_path(const char *path, size_t len)
{
	size_t lead = 0;

	if (len == 0 || path[0] == '/')
		return true;
	while (lead < len && path[lead] != ':' && path[lead] != '/')
		lead++;
	return lead < len && path[lead] == ':';
}

/* Append @len bytes of @s to the string being built in @out. */
static void append(char **out, size_t *out_len, const char *s, size_t len)
{
	char *grown = realloc(*out, *out_len + len + 1);

	if (!grown)
		abort();
	memcpy(grown + *out_len, s, len);
	*out_len += len;
	grown[*out_len] = '\0';
	*out = grown;
}

/**
 * qemuargs_resolve() - Make the relative file= paths in one argument
 * absolute.
 * @arg: one QEMU argument.
 * @dir: an absolute directory.
 *
 * Return: the new argument, malloc'd.
 */
char *qemuargs_resolve(const char *arg, const char *dir)
{
	size_t n = strlen(arg), at = 0, out_len = 0;
	char *out = fileio_strdup_printf("%s", "");

	while (at <= n) {
		size_t end = at;

		/* An option ends at a comma that is not doubled. */
		while (end < n) {
			if (arg[end] == ',' && arg[end + 1] == ',')
				end += 2;
			else if (arg[end] == ',')
				break;
			else
				end++;
		}
		if (end - at > 5 && strncmp(arg + at, "file=", 5) == 0 &&
		    !keep_path(arg + at + 5, end - at - 5)) {
			append(&out, &out_len, "file=", 5);
			/* QEMU reads ",," as a comma inside a value. */
			for (const char *c = dir; *c; c++)
				append(&out, &out_len, *c == ',' ? ",," : c,
				       *c == ',' ? 2 : 1);
			if (dir[strlen(dir) - 1] != '/')
				append(&out, &out_len, "/", 1);
			at += 5;
		}
		append(&out, &out_len, arg + at, end - at);
		if (end < n)
			append(&out, &out_len, ",", 1);
		at = end + 1;
	}
	return out;
}

/* @dir made absolute, so the image runs from any working directory. */
static char *absolute_dir(const char *dir)
{
	char *real = realpath(dir, NULL), cwd[PATH_MAX];

	if (real)
		return real;
	if (dir[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return fileio_strdup_printf("%s", dir);
	return fileio_strdup_printf("%s/%s", cwd, dir);
}

/**
 * qemuargs_parse() - Validate a "qemu-args" property and keep its strings.
 * @q: zeroed; receives the arguments.
 * @file: the config, for messages.
 * @dir: the config's directory.
 * @val: the property's value.
 * @len: its length.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 when anything was reported.
 */
int qemuargs_parse(struct qemuargs *q, const char *file, const char *dir,
		   const void *val, int len, struct diag *d)
{
	const char *s = val, *end = s + len;
	int errors = d->errors;
	unsigned int n = 0;
	char *abs;

	if (len <= 0 || s[len - 1] != '\0') {
		diag_prop(d, file, "/", PROP,
			  "must be a list of strings; fix: e.g. " PROP
			  " = \"-device\", \"virtio-rng-device\"");
		return -1;
	}
	if (s[0] && s[0] != '-')
		diag_prop(d, file, "/", PROP,
			  "starts with '%s', not with an option; fix: begin "
			  "with a QEMU option such as \"-drive\"",
			  s);
	for (const char *a = s; a < end; a += strlen(a) + 1, n++) {
		const char *why = a[0] == '-' ? refused_why(a) : NULL;

		if (!*a)
			diag_prop(d, file, "/", PROP,
				  "argument %u is empty; fix: remove it or "
				  "write what QEMU should get",
				  n + 1);
		else if (strchr(a, '\n'))
			diag_prop(d, file, "/", PROP,
				  "an argument contains a line break, which "
				  "OUT.img.qemu (one argument per line) cannot "
				  "hold; fix: remove it");
		else if (why)
			diag_prop(d, file, "/", PROP, "'%s' %s; fix: remove it",
				  a, why);
	}
	if (d->errors != errors)
		return -1;
	abs = absolute_dir(dir);
	q->arg = fileio_xmalloc(n * sizeof(*q->arg));
	for (const char *a = s; a < end; a += strlen(a) + 1)
		q->arg[q->count++] = qemuargs_resolve(a, abs);
	free(abs);
	return 0;
}

/**
 * qemuargs_free() - Release what qemuargs_parse() kept.
 * @q: the arguments; left empty.
 */
void qemuargs_free(struct qemuargs *q)
{
	for (unsigned int i = 0; i < q->count; i++)
		free(q->arg[i]);
	free(q->arg);
	q->arg = NULL;
	q->count = 0;
}
