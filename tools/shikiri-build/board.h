/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_BOARD_H
#define SHIKIRI_BUILD_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "fileio.h"
#include "shikiri/plan.h"

/**
 * struct board_model - A board the tool knows how to obtain a DTB for.
 * @name: what --board and the config's "board" property say.
 * @qemu_args: QEMU arguments that start this board (no dumpdtb),
 *             NULL-terminated; the run script replays them.
 * @dts: the board file in configs/boards/ for boards without a DTB of
 *       their own (PCs), or NULL when QEMU dumps the board's DTB.
 */
struct board_model {
	const char *name;
	const char *const *qemu_args;
	const char *dts;
};

/**
 * struct board - The facts of the board the image is built for.
 * @name: used in messages ("board qemu-virt" or the DTB's path).
 * @model: the known board, or NULL for one given by --board-dtb.
 * @dtb: the board's device tree.
 * @facts: what goes into the plan.
 * @gicd_size: size of the distributor frame from the GIC's reg.
 * @cpu_node: offset of each physical CPU's node in @dtb.
 * @gic_node: offset of the GICv3 node (x86_64: the I/O APIC's).
 * @uart_node: offset of the console PL011 (the hypervisor's UART).
 * @timer_node: offset of the architected timer node.
 * @gic_phandle: the GIC's (x86_64: the I/O APIC's) phandle in @dtb.
 * @uart_path: full path of @uart_node.
 * @cpu_range: the physical CPU numbers as text, "0-3", for messages.
 */
struct board {
	char *name;
	const struct board_model *model;
	struct blob dtb;
	struct shikiri_plan_board facts;
	uint64_t gicd_size;
	int cpu_node[SHIKIRI_MAX_CPUS];
	int gic_node;
	int uart_node;
	int timer_node;
	uint32_t gic_phandle;
	char uart_path[256];
	char cpu_range[16];
};

/** board_model_find() - The known board called @name, or NULL. */
const struct board_model *board_model_find(const char *name);

/** board_model_names() - Known board names, comma-separated (static). */
const char *board_model_names(void);

/**
 * board_load() - Obtain and parse a board's device tree.
 * @b: filled in; release with board_free() even on failure.
 * @model: a known board (its DTB is dumped by QEMU), or NULL.
 * @dtb_path: the board's DTB file, used when @model is NULL.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting every problem found.
 */
int board_load(struct board *b, const struct board_model *model,
	       const char *dtb_path, struct diag *d);

/**
 * board_x86_is() - Whether @fdt is an x86 PC's board file (root compatible
 * "shikiri,x86-pc-v1").
 */
bool board_x86_is(const void *fdt);

/**
 * board_x86_parse() - Read an x86 PC's board file, already in @b->dtb,
 * into @b->facts.
 * Return: 0, or -1 after reporting every problem found.
 */
int board_x86_parse(struct board *b, struct diag *d);

/** board_free() - Release what board_load() allocated. */
void board_free(struct board *b);

/**
 * board_reg() - Read entry @index of a node's "reg", with its parent's cells.
 * @fdt: the tree.
 * @node: the node.
 * @index: which (address, size) pair.
 * @base: receives the address.
 * @size: receives the size.
 *
 * Return: 0, or -1 when the entry is missing or the cells are unusable.
 */
int board_reg(const void *fdt, int node, int index, uint64_t *base,
	      uint64_t *size);

/**
 * board_irq() - Decode entry @index of a GIC "interrupts" property.
 * @fdt: the tree.
 * @node: the node.
 * @index: which 3-cell specifier.
 * @intid: receives the INTID (SPI n → 32 + n, PPI n → 16 + n).
 * @is_spi: receives whether it is an SPI.
 *
 * Return: 0, or -1 when the entry is missing or not a GIC SPI/PPI.
 */
int board_irq(const void *fdt, int node, int index, uint32_t *intid,
	      bool *is_spi);

/**
 * board_interrupt_parent() - The phandle of the interrupt controller
 * @node's "interrupts" go to: its own or its nearest ancestor's
 * interrupt-parent; 0 when none says.
 */
uint32_t board_interrupt_parent(const void *fdt, int node);

#endif /* SHIKIRI_BUILD_BOARD_H */
