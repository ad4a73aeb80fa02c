// SPDX-License-Identifier: MIT
/*
 * Reading property values the way every node of a config needs them
 * (strings, names, 64-bit numbers, lists of VM indices), and the "did
 * you mean" hint for a misspelt property name.
 */
#include <libfdt.h>
#include <string.h>

#include "config_vm.h"

/**
 * config_as_string() - A property's value as one NUL-terminated string.
 * @val: the value.
 * @len: its length in bytes.
 *
 * Return: the string, or NULL when the value is not exactly one.
 */
const char *config_as_string(const void *val, int len)
{
	const char *s = val;

	if (len < 1 || s[len - 1] != '\0' || strlen(s) != (size_t)len - 1)
		return NULL;
	return s;
}

/**
 * config_valid_name() - Whether @s is a usable name for a VM, a region or
 * a LAN: 1 to SHIKIRI_NAME_LEN - 1 characters from a-z, 0-9, '_' and '-'.
 */
bool config_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SHIKIRI_NAME_LEN)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/**
 * config_name_prop() - Read a property holding a name (a VM's or a
 * region's label, a LAN), reporting a value that is not one.
 * @d: the sink.
 * @file: the config.
 * @node: the node's path.
 * @name: the property.
 * @val: its value.
 * @len: its length in bytes.
 * @what: what it names, for messages ("VM").
 * @example: a good value, for the fix ("label = \"linux0\"").
 * @out: receives the name (SHIKIRI_NAME_LEN bytes) when it is valid.
 */
void config_name_prop(struct diag *d, const char *file, const char *node,
		      const char *name, const void *val, int len,
		      const char *what, const char *example, char *out)
{
	const char *s = config_as_string(val, len);

	if (!s)
		diag_prop(d, file, node, name, "must be a string; fix: e.g. %s",
			  example);
	else if (!config_valid_name(s))
		diag_prop(d, file, node, name,
			  "'%s' is not a valid %s name; fix: use 1-%u "
			  "characters from a-z, 0-9, '_' and '-'",
			  s, what, SHIKIRI_NAME_LEN - 1);
	else
		strcpy(out, s);
}

/**
 * config_as_u64() - A 64-bit value written as two cells (or one).
 * @val: the value.
 * @len: its length in bytes.
 * @v: receives the number.
 *
 * Return: false when the value is neither one nor two cells.
 */
bool config_as_u64(const void *val, int len, uint64_t *v)
{
	if (len == 8) {
		fdt64_t raw;

		memcpy(&raw, val, sizeof(raw));
		*v = fdt64_to_cpu(raw);
	} else if (len == 4) {
		*v = fdt32_to_cpu(*(const fdt32_t *)val);
	} else {
		return false;
	}
	return true;
}

/* Edit distance between two short names (bounded: 32 characters). */
static unsigned int distance(const char *a, const char *b)
{
	unsigned int row[33], n = (unsigned int)strlen(b);

	if (strlen(a) > 32 || n > 32)
		return ~0u;
	for (unsigned int j = 0; j <= n; j++)
		row[j] = j;
	for (unsigned int i = 1; a[i - 1]; i++) {
		unsigned int diag = row[0];

		row[0] = i;
		for (unsigned int j = 1; j <= n; j++) {
			unsigned int up = row[j];
			unsigned int best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[n];
}

/**
 * config_nearest() - The known name a typo most likely meant.
 * @name: what the user wrote.
 * @known: the names that node takes.
 * @count: entries in @known.
 *
 * Return: the nearest of @known within two edits, or NULL.
 */
const char *config_nearest(const char *name, const char *const *known,
			   size_t count)
{
	const char *best = NULL;
	unsigned int best_d = 3; /* farther than 2 edits is no typo */

	for (size_t i = 0; i < count; i++) {
		unsigned int d = distance(name, known[i]);

		if (d < best_d) {
			best_d = d;
			best = known[i];
		}
	}
	return best;
}

/**
 * config_unknown_prop() - Report a property a node does not take, with a
 * "did you mean" when it looks like a misspelt known one (and the way to
 * share memory for "shared-memory").
 * @d: the sink.
 * @file: the config.
 * @node: the node's path.
 * @name: the property.
 * @known: the properties the node takes.
 * @count: entries in @known.
 */
void config_unknown_prop(struct diag *d, const char *file, const char *node,
			 const char *name, const char *const *known,
			 size_t count)
{
	const char *near = config_nearest(name, known, count);

	/* The word docs/config.md reserved before shm@N nodes existed. */
	if (strcmp(name, "shared-memory") == 0)
		diag_prop(d, file, node, name,
			  "unknown property; fix: describe the region in a "
			  "root node shm@N whose vms = <...> lists the VMs "
			  "that map it (see docs/config.md, \"Shared "
			  "memory\")");
	else if (near)
		diag_prop(d, file, node, name,
			  "unknown property; fix: did you mean '%s'? (see "
			  "docs/config.md)",
			  near);
	else
		diag_prop(d, file, node, name,
			  "unknown property; fix: remove it (see "
			  "docs/config.md)");
}

/**
 * config_vm_list() - Read a list of VM indices (cells) into a mask.
 * @d: the sink.
 * @file: the config.
 * @node: the node's path.
 * @name: the property.
 * @val: its value.
 * @len: its length in bytes.
 * @vm_count: VMs in the config; an index at or above it is reported.
 * @example: what a good value looks like, for the fix.
 *
 * Return: the mask of the valid indices; each problem is reported.
 */
uint32_t config_vm_list(struct diag *d, const char *file, const char *node,
			const char *name, const void *val, int len,
			unsigned int vm_count, const char *example)
{
	const fdt32_t *cells = val;
	uint32_t mask = 0;

	if (len <= 0 || len % 4) {
		diag_prop(d, file, node, name,
			  "must list VM numbers; fix: e.g. %s", example);
		return 0;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t vm = fdt32_to_cpu(cells[i]);

		if (vm >= vm_count)
			diag_prop(d, file, node, name,
				  "VM %u does not exist (there are %u); fix: "
				  "use the N of an existing vm@N node",
				  vm, vm_count);
		else if (mask & (1u << vm))
			diag_prop(d, file, node, name,
				  "VM %u is listed twice; fix: list each VM "
				  "once",
				  vm);
		else
			mask |= 1u << vm;
	}
	return mask;
}
