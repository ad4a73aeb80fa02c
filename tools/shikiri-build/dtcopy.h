/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_DTCOPY_H
#define SHIKIRI_BUILD_DTCOPY_H

#include <stddef.h>
#include <stdint.h>

#define DTCOPY_MAX_CLOCKS 8u

/**
 * struct dtcopy - Copies board DT nodes into a guest DT being written
 * with libfdt's sequential-write functions, renumbering phandles.
 * @src: the board DT.
 * @gic_src: the board GIC's phandle.
 * @gic_dst: the guest GIC's phandle.
 * @next_phandle: the next free guest phandle.
 * @clk_count: entries in @clk.
 * @clk: fixed clocks referenced by copied nodes: board phandle and node,
 *       guest phandle.
 */
struct dtcopy {
	const void *src;
	uint32_t gic_src;
	uint32_t gic_dst;
	uint32_t next_phandle;
	unsigned int clk_count;
	struct {
		uint32_t src;
		uint32_t dst;
		int node;
	} clk[DTCOPY_MAX_CLOCKS];
};

/**
 * dtcopy_check() - Whether a board node (and its subnodes) can be copied.
 * @fdt: the board DT.
 * @node: the node.
 * @gic_phandle: the board GIC's phandle.
 * @why: receives the reason when it cannot.
 * @len: size of @why.
 *
 * Copyable nodes refer to other nodes only through interrupt-parent (the
 * GIC) and clocks (fixed clocks, which are copied along).
 *
 * Return: 0, or -1 with @why filled.
 */
int dtcopy_check(const void *fdt, int node, uint32_t gic_phandle, char *why,
		 size_t len);

/**
 * dtcopy_add_clocks() - Give guest phandles to the clocks a node uses.
 * @c: the copier.
 * @node: a node that passed dtcopy_check().
 *
 * Return: 0, or -1 when there are more than DTCOPY_MAX_CLOCKS clocks.
 */
int dtcopy_add_clocks(struct dtcopy *c, int node);

/**
 * dtcopy_write_clocks() - Write the clock nodes collected so far.
 * @c: the copier.
 * @fdt: the guest DT, inside the root node.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtcopy_write_clocks(const struct dtcopy *c, void *fdt);

/**
 * dtcopy_write_node() - Write a copy of a board node and its subnodes.
 * @c: the copier; the node's clocks must have been added.
 * @fdt: the guest DT, inside the node that becomes the parent.
 * @node: the board node.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtcopy_write_node(const struct dtcopy *c, void *fdt, int node);

#endif /* SHIKIRI_BUILD_DTCOPY_H */
