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
 * @overlay: a board overlay in configs/boards/ (.dtso) applied to the DTB
 *           QEMU dumps: what QEMU leaves out of it, the PCI functions its
 *           -device arguments add; or NULL.
 * @disk_size: bytes of the sparse disk OUT.disk the tool writes beside
 *             the image for its BOARD_DISK argument; 0: none.
 * @assign_bars: no firmware runs before the hypervisor, so nothing
 *               assigns PCI BARs (SHIKIRI_PCI_BOARD_ASSIGN_BARS).
 */
struct board_model {
	const char *name;
	const char *const *qemu_args;
	const char *dts;
	const char *overlay;
	uint64_t disk_size;
	bool assign_bars;
};

/*
 * In a board model's QEMU arguments, "file=" BOARD_DISK names its disk:
 * the absolute path of OUT.disk in OUT.qemu, /dev/null while the DTB is
 * dumped.
 */
#define BOARD_DISK "@DISK@"

/* The most PCI functions a board file may list. */
#define BOARD_MAX_PCI_FNS 256u
/* struct board_pci_fn.class_code when the board file gives none. */
#define BOARD_PCI_NO_CLASS 0xffffffffu

/**
 * struct board_pci_fn - One PCI function of a PC's board file (a node
 * under the pci-host-ecam-generic node, or under a bridge's node).
 * @fn: its address and INTx as a VM that owns it gets them in its plan.
 * @class_code: "class-code" (0xCCSSPP), or BOARD_PCI_NO_CLASS.
 * @node: its node in the board's tree, for messages.
 * @bridge: the index of the bridge it is behind, -1 on the root bus.
 * @hv_why: why the hypervisor keeps it (a host bridge, the ISA bridge of
 *          its console, "shikiri,hypervisor"), or NULL: a VM may own it.
 */
struct board_pci_fn {
	struct shikiri_pci_fn fn;
	uint32_t class_code;
	int node;
	int bridge;
	const char *hv_why;
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
 * @pmu_node: aarch64: the PMU node whose one PPI guests get, or -1.
 * @gic_phandle: the GIC's (x86_64: the I/O APIC's) phandle in @dtb.
 * @uart_path: full path of @uart_node.
 * @cpu_range: the physical CPU numbers as text, "0-3", for messages.
 * @pci_node: the pci-host-ecam-generic node of a PC, -1 when none.
 * @pci_path: its path, for messages.
 * @pci_fn: the PCI functions it lists, in tree order (malloc'd).
 * @pci_fn_count: entries in @pci_fn.
 * @smmu_node: aarch64: the SMMUv3 the PCI host's iommu-map names, or -1.
 * @its_node: aarch64: the ITS its msi-map names, or -1.
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
	int pmu_node;
	uint32_t gic_phandle;
	char uart_path[256];
	char cpu_range[16];
	int pci_node;
	char pci_path[256];
	struct board_pci_fn *pci_fn;
	unsigned int pci_fn_count;
	int smmu_node;
	int its_node;
};

/** board_model_find() - The known board called @name, or NULL. */
const struct board_model *board_model_find(const char *name);

/** board_model_names() - Known board names, comma-separated (static). */
const char *board_model_names(void);

/**
 * board_qemu_arg() - One of a board model's QEMU arguments with
 * BOARD_DISK replaced by @disk (commas doubled, as QEMU's option syntax
 * wants), malloc'd.
 */
char *board_qemu_arg(const char *arg, const char *disk);

/**
 * board_write_disk() - Make @path the sparse disk of @model's size, unless
 * a regular file of that size is there already (what a VM wrote on it
 * survives a rebuild).
 * Return: 0, or a negative errno.
 */
int board_write_disk(const struct board_model *model, const char *path);

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

/**
 * board_node_error() - Report a problem with @node of a board file as
 * "BOARD: NODE: text" (@fmt: printf-style, "; fix: ..." included).
 */
void board_node_error(const struct board *b, struct diag *d, int node,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * board_pci_parse() - Read a PC board file's PCI segment (the node
 * compatible "pci-host-ecam-generic", if any) into @b->facts.pci and
 * @b->pci_fn: ECAM, bus range, the windows of its "ranges", and every
 * function node, bridges' children included.
 * Return: 0, or -1 after reporting every problem found.
 */
int board_pci_parse(struct board *b, struct diag *d);

/**
 * board_arm_pci_parse() - Read an Arm board's PCI host (the node compatible
 * "pci-host-ecam-generic", if any) after board_pci_parse()'s common part:
 * the SMMUv3 of its iommu-map, the ITS of its msi-map, and each function's
 * INTx INTID through its interrupt-map (board_arm_pci.c).
 * Return: 0, or -1 after reporting every problem found.
 */
int board_arm_pci_parse(struct board *b, struct diag *d);

/**
 * board_arm_pci_load() - Read an Arm board's PCI segment and host
 * (board_pci_parse(), board_arm_pci_parse()); only for a config that
 * names PCI functions, so that other configs do not depend on how a board
 * describes its PCI hosts.
 * Return: 0, or -1 after reporting every problem found.
 */
int board_arm_pci_load(struct board *b, struct diag *d);

/**
 * board_arm_intx() - The GIC SPI that pin @pin (1-4) of the root-bus
 * function @bdf raises, through the PCI host's interrupt-map: its INTID
 * and SHIKIRI_PCI_INTX_* flags.
 * Return: 0, or -1 when the map sends it nowhere on the GIC.
 */
int board_arm_intx(const struct board *b, uint32_t bdf, uint32_t pin,
		   uint32_t *intid, uint32_t *flags);

/**
 * board_arm_fn_intx() - Read an Arm board's function node's INTx:
 * interrupts = <pin> (1-4, the PCI bus binding's), its INTID and flags
 * through the host's interrupt-map when it is on the root bus (@root),
 * into @fn (SHIKIRI_PCI_NO_INTX without one).
 * Return: 0, or -1 after reporting.
 */
int board_arm_fn_intx(const struct board *b, struct diag *d, int node,
		      bool root, struct shikiri_pci_fn *fn);

/**
 * board_apply_overlay() - Apply the board model's overlay file to @b->dtb.
 * Return: 0, or -1 after reporting.
 */
int board_apply_overlay(struct board *b, struct diag *d);

/**
 * board_pci_find() - The board's function at @bdf, or NULL.
 * @b: the board.
 * @bdf: bus << 8 | device << 3 | function.
 */
const struct board_pci_fn *board_pci_find(const struct board *b, uint32_t bdf);

/**
 * board_pci_behind() - Whether function @fn lies behind bridge @bridge
 * (both indices into @b->pci_fn), at any depth.
 */
bool board_pci_behind(const struct board *b, unsigned int fn,
		      unsigned int bridge);

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
