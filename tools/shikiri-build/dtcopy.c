// SPDX-License-Identifier: MIT
/*
 * Copying board DT nodes (the console PL011, passed-through devices) into
 * guest DTs.  Phandle references are the hard part: a copied node may only
 * point at the GIC or at fixed clocks, which are copied along under new
 * phandles so they cannot clash with the guest's own.
 */
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dtcopy.h"

/* Properties that hold phandles of nodes a guest does not get. */
static const char *const foreign_refs[] = {
	"interrupts-extended",
	"interrupt-map",
	"gpios",
	"dmas",
	"resets",
	"power-domains",
	"iommus",
	"iommu-map",
	"msi-parent",
	"msi-map",
	"phys",
	"memory-region",
	"assigned-clocks",
	"assigned-clock-parents",
	"mboxes",
	"nvmem-cells",
	"thermal-sensors",
	"operating-points-v2",
};

static const char *const foreign_suffixes[] = { "-gpios", "-gpio", "-supply" };

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_foreign_ref(const char *name)
{
	for (size_t i = 0; i < sizeof(foreign_refs) / sizeof(foreign_refs[0]);
	     i++)
		if (strcmp(name, foreign_refs[i]) == 0)
			return true;
	for (size_t i = 0;
	     i < sizeof(foreign_suffixes) / sizeof(foreign_suffixes[0]); i++)
		if (ends_with(name, foreign_suffixes[i]))
			return true;
	return strncmp(name, "pinctrl-", 8) == 0 &&
	       strcmp(name, "pinctrl-names") != 0;
}

static uint32_t cell(const void *val, int i)
{
	return fdt32_to_cpu(((const fdt32_t *)val)[i]);
}

/* A clock provider we can copy: a fixed clock with no specifier cells. */
static int fixed_clock(const void *fdt, uint32_t phandle)
{
	int node = fdt_node_offset_by_phandle(fdt, phandle);
	const void *cells;
	int len;

	if (node < 0 || fdt_node_check_compatible(fdt, node, "fixed-clock"))
		return -1;
	cells = fdt_getprop(fdt, node, "#clock-cells", &len);
	if (!cells || len != 4 || cell(cells, 0) != 0)
		return -1;
	return node;
}

/**
 * dtcopy_check() - Whether a board node (and its subnodes) can be copied.
 * @fdt: the board DT.
 * @node: the node.
 * @gic_phandle: the board GIC's phandle.
 * @why: receives the reason when it cannot.
 * @len: size of @why.
 *
 * Return: 0, or -1 with @why filled.
 */
int dtcopy_check(const void *fdt, int node, uint32_t gic_phandle, char *why,
		 size_t len)
{
	int prop, sub;

	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *name;
		int vlen;
		const void *val =
			fdt_getprop_by_offset(fdt, prop, &name, &vlen);

		if (is_foreign_ref(name)) {
			snprintf(why, len,
				 "property '%s' refers to other "
				 "board nodes, which shikiri cannot copy yet",
				 name);
			return -1;
		}
		if (strcmp(name, "interrupt-parent") == 0 &&
		    (vlen != 4 || cell(val, 0) != gic_phandle)) {
			snprintf(why, len,
				 "its interrupt-parent is not the "
				 "GIC");
			return -1;
		}
		if (strcmp(name, "clocks") != 0)
			continue;
		for (int i = 0; i * 4 < vlen; i++) {
			if (vlen % 4 || fixed_clock(fdt, cell(val, i)) < 0) {
				snprintf(why, len,
					 "its clocks are not all "
					 "fixed clocks");
				return -1;
			}
		}
	}
	fdt_for_each_subnode(sub, fdt,
			     node) if (dtcopy_check(fdt, sub, gic_phandle, why,
						    len)) return -1;
	return 0;
}

/**
 * dtcopy_add_clocks() - Give guest phandles to the clocks a node uses.
 * @c: the copier.
 * @node: a node that passed dtcopy_check().
 *
 * Return: 0, or -1 when there are too many clocks.
 */
int dtcopy_add_clocks(struct dtcopy *c, int node)
{
	const void *val;
	int len, sub;

	val = fdt_getprop(c->src, node, "clocks", &len);
	for (int i = 0; val && i < len / 4; i++) {
		uint32_t ph = cell(val, i);
		unsigned int k;

		for (k = 0; k < c->clk_count; k++)
			if (c->clk[k].src == ph)
				break;
		if (k < c->clk_count)
			continue;
		if (c->clk_count == DTCOPY_MAX_CLOCKS)
			return -1;
		c->clk[k].src = ph;
		c->clk[k].dst = c->next_phandle++;
		c->clk[k].node = fixed_clock(c->src, ph);
		c->clk_count++;
	}
	fdt_for_each_subnode(sub, c->src,
			     node) if (dtcopy_add_clocks(c, sub)) return -1;
	return 0;
}

static uint32_t clock_phandle(const struct dtcopy *c, uint32_t src)
{
	for (unsigned int k = 0; k < c->clk_count; k++)
		if (c->clk[k].src == src)
			return c->clk[k].dst;
	return 0;
}

/* Copy one property, translating the phandles it may hold. */
static int copy_prop(const struct dtcopy *c, void *fdt, const char *name,
		     const void *val, int len)
{
	if (strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0)
		return 0;
	if (strcmp(name, "interrupt-parent") == 0)
		return fdt_property_u32(fdt, name, c->gic_dst);
	if (strcmp(name, "clocks") == 0) {
		fdt32_t out[DTCOPY_MAX_CLOCKS * 4];
		int n = len / 4;

		if (n > (int)(sizeof(out) / sizeof(out[0])))
			return -FDT_ERR_BADVALUE;
		for (int i = 0; i < n; i++)
			out[i] = cpu_to_fdt32(clock_phandle(c, cell(val, i)));
		return fdt_property(fdt, name, out, n * 4);
	}
	return fdt_property(fdt, name, val, len);
}

/**
 * dtcopy_write_node() - Write a copy of a board node and its subnodes.
 * @c: the copier.
 * @fdt: the guest DT.
 * @node: the board node.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtcopy_write_node(const struct dtcopy *c, void *fdt, int node)
{
	int prop, sub, err;

	err = fdt_begin_node(fdt, fdt_get_name(c->src, node, NULL));
	fdt_for_each_property_offset(prop, c->src, node)
	{
		const char *name;
		int len;
		const void *val =
			fdt_getprop_by_offset(c->src, prop, &name, &len);

		if (!err)
			err = copy_prop(c, fdt, name, val, len);
	}
	fdt_for_each_subnode(sub, c->src, node) if (!err)
		err = dtcopy_write_node(c, fdt, sub);
	return err ? err : fdt_end_node(fdt);
}

/**
 * dtcopy_write_clocks() - Write the clock nodes collected so far.
 * @c: the copier.
 * @fdt: the guest DT.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtcopy_write_clocks(const struct dtcopy *c, void *fdt)
{
	int err = 0;

	for (unsigned int k = 0; !err && k < c->clk_count; k++) {
		err = fdt_begin_node(fdt, fdt_get_name(c->src, c->clk[k].node,
						       NULL));
		for (int prop =
			     fdt_first_property_offset(c->src, c->clk[k].node);
		     !err && prop >= 0;
		     prop = fdt_next_property_offset(c->src, prop)) {
			const char *name;
			int len;
			const void *val = fdt_getprop_by_offset(c->src, prop,
								&name, &len);

			if (strcmp(name, "phandle") &&
			    strcmp(name, "linux,phandle"))
				err = fdt_property(fdt, name, val, len);
		}
		if (!err)
			err = fdt_property_u32(fdt, "phandle", c->clk[k].dst);
		if (!err)
			err = fdt_end_node(fdt);
	}
	return err;
}
