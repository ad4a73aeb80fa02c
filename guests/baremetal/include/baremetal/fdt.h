/* SPDX-License-Identifier: MIT */
/*
 * Reading a flattened device tree (Devicetree Specification v0.4, ch. 5):
 * just enough to find nodes by path and read their properties.
 */
#ifndef BAREMETAL_FDT_H
#define BAREMETAL_FDT_H

#include "baremetal/types.h"

/** fdt_check() - Whether @fdt starts with a usable DTB header (v17). */
bool fdt_check(const void *fdt);

/** fdt_size() - The DTB's total size from its header. */
uint32_t fdt_size(const void *fdt);

/**
 * fdt_path() - Find a node by path, e.g. "/chosen" or "/memory".
 *
 * A path component without '@' also matches a node name with a unit
 * address ("memory" matches "memory@40000000"); the first match wins.
 *
 * Return: the node's offset in the structure block, or -1.
 */
int fdt_path(const void *fdt, const char *path);

/** fdt_child_count() - How many children of @node have names starting @prefix. */
unsigned fdt_child_count(const void *fdt, int node, const char *prefix);

/**
 * fdt_prop() - Property @name of the node at @node.
 * @len: set to the property's length when found.
 *
 * Return: the property's value, or NULL.
 */
const void *fdt_prop(const void *fdt, int node, const char *name,
		     uint32_t *len);

/** fdt_cells() - @count big-endian cells at @p as one number (1 or 2 cells). */
uint64_t fdt_cells(const void *p, unsigned count);

#endif /* BAREMETAL_FDT_H */
