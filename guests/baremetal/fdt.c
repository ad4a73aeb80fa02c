/* SPDX-License-Identifier: MIT */
/*
 * A read-only walk of a flattened device tree (Devicetree Specification
 * v0.4, chapter 5).  All fields are big-endian and 4-byte aligned; they
 * are read 32 bits at a time, as the MMU is off and unaligned accesses
 * would fault.
 */
#include "baremetal/fdt.h"
#include "baremetal/string.h"
#include "hv/fdt_format.h"

#define HDR_TOTALSIZE 1
#define HDR_OFF_STRUCT 2
#define HDR_OFF_STRINGS 3
#define HDR_VERSION 5
#define HDR_SIZE_STRUCT 9

static uint32_t be32(const void *p)
{
	uint32_t v = *(const uint32_t *)p;

	return __builtin_bswap32(v);
}

static uint32_t hdr(const void *fdt, unsigned field)
{
	return be32((const uint32_t *)fdt + field);
}

bool fdt_check(const void *fdt)
{
	return fdt && !((uintptr_t)fdt & 7) && hdr(fdt, 0) == FDT_MAGIC &&
	       hdr(fdt, HDR_VERSION) >= 17;
}

uint32_t fdt_size(const void *fdt)
{
	return hdr(fdt, HDR_TOTALSIZE);
}

static const char *structs(const void *fdt)
{
	return (const char *)fdt + hdr(fdt, HDR_OFF_STRUCT);
}

/* Offset of the token after the one at @off, or -1 at the end. */
static int next_token(const void *fdt, int off, uint32_t *token)
{
	const char *s = structs(fdt);
	uint32_t size = hdr(fdt, HDR_SIZE_STRUCT);

	if (off < 0 || (uint32_t)off + 4 > size)
		return -1;
	*token = be32(s + off);
	off += 4;
	if (*token == FDT_BEGIN_NODE)
		off += (int)ALIGN_UP(strlen(s + off) + 1, 4);
	else if (*token == FDT_PROP)
		off += 8 + (int)ALIGN_UP(be32(s + off), 4);
	else if (*token == FDT_END)
		return -1;
	return (uint32_t)off <= size ? off : -1;
}

/*
 * Whether node name @name matches path component @c of length @len: the
 * same, or @c without a unit address and @name with one.
 */
static bool name_matches(const char *name, const char *c, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		has_unit |= c[i] == '@';
	if (strncmp(name, c, len) != 0)
		return false;
	return name[len] == '\0' || (name[len] == '@' && !has_unit);
}

int fdt_path(const void *fdt, const char *path)
{
	int node = 0;

	while (*path == '/')
		path++;
	while (*path) {
		size_t len = 0;
		int off, depth = 0, found = -1;
		uint32_t token;

		while (path[len] && path[len] != '/')
			len++;
		/* Children of @node: nodes one level below it. */
		off = next_token(fdt, node, &token);
		for (; off >= 0 && found < 0;
		     off = next_token(fdt, off, &token)) {
			uint32_t t = be32(structs(fdt) + off);

			if (t == FDT_BEGIN_NODE) {
				if (depth == 0 &&
				    name_matches(structs(fdt) + off + 4, path,
						 len))
					found = off;
				depth++;
			} else if (t == FDT_END_NODE) {
				if (--depth < 0)
					break;
			}
		}
		if (found < 0)
			return -1;
		node = found;
		path += len;
		while (*path == '/')
			path++;
	}
	return node;
}

unsigned fdt_child_count(const void *fdt, int node, const char *prefix)
{
	size_t plen = strlen(prefix);
	unsigned count = 0;
	uint32_t token;
	int depth = 0;

	for (int off = next_token(fdt, node, &token); off >= 0;
	     off = next_token(fdt, off, &token)) {
		uint32_t t = be32(structs(fdt) + off);

		if (t == FDT_BEGIN_NODE) {
			if (depth == 0 &&
			    strncmp(structs(fdt) + off + 4, prefix, plen) == 0)
				count++;
			depth++;
		} else if (t == FDT_END_NODE && --depth < 0) {
			break;
		}
	}
	return count;
}

const void *fdt_prop(const void *fdt, int node, const char *name, uint32_t *len)
{
	const char *s = structs(fdt);
	const char *strings = (const char *)fdt + hdr(fdt, HDR_OFF_STRINGS);
	uint32_t token;
	int off = next_token(fdt, node, &token);

	/* Properties come first in a node, before any child. */
	while (off >= 0) {
		uint32_t t = be32(s + off);

		if (t == FDT_PROP) {
			if (strcmp(strings + be32(s + off + 8), name) == 0) {
				*len = be32(s + off + 4);
				return s + off + 12;
			}
		} else if (t != FDT_NOP) {
			break;
		}
		off = next_token(fdt, off, &token);
	}
	return NULL;
}

uint64_t fdt_cells(const void *p, unsigned count)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < count; i++)
		v = v << 32 | be32((const uint32_t *)p + i);
	return v;
}
