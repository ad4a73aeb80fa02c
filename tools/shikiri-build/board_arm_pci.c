// SPDX-License-Identifier: MIT
/*
 * What an Arm board's PCIe host (pci-host-ecam-generic) adds to the common
 * PCI segment of board_pci.c: the SMMUv3 its "iommu-map" names (StreamID =
 * RID + base), the GICv3 ITS its "msi-map" names (DeviceID = RID + base),
 * whether firmware assigned the BARs, and each function's INTx, an
 * "interrupts = <pin>" translated through the host's "interrupt-map" to a
 * GIC SPI (the bindings pci/host-generic-pci.yaml, pci/pci-iommu.txt,
 * pci/pci-msi.txt and the PCI bus binding's interrupt mapping).  Every
 * problem names the board, the node and the fix.
 */
#include <libfdt.h>
#include <string.h>

#include "board.h"

#define SMMU_REGS_SIZE 0x20000ull /* pages 0 and 1 (SMMUv3 6.1) */
#define ITS_REGS_SIZE 0x20000ull  /* control and translater frames */
#define RID_SPACE 0x10000ull
#define PCI_PINS 4u
/* interrupt-map: child unit address (phys.hi, mid, lo) and pin. */
#define CHILD_CELLS 4
#define MAX_PARENT_CELLS 8
/* GIC interrupt specifier: type, number, flags (arm,gic-v3.yaml). */
#define GIC_TYPE_SPI 0u
#define GIC_SPEC_CELLS 3u
#define IRQ_EDGE_RISING 1u
#define IRQ_EDGE_FALLING 2u
#define IRQ_LEVEL_HIGH 4u
#define IRQ_LEVEL_LOW 8u

static uint32_t cell(const fdt32_t *p, int i)
{
	return fdt32_to_cpu(p[i]);
}

/*
 * A host's map @prop = <rid-base &node out-base length>: one entry
 * covering every RID from 0 (what QEMU virt and most single-segment hosts
 * give).  Returns the node's offset and @base, or -1 after reporting; -2
 * when the property is absent.
 */
static int read_map(struct board *b, struct diag *d, const char *prop,
		    const char *compat, const char *what, uint32_t *base)
{
	const void *fdt = b->dtb.data;
	int len, node;
	const fdt32_t *m = fdt_getprop(fdt, b->pci_node, prop, &len);

	if (!m)
		return -2;
	node = len == 16 ? fdt_node_offset_by_phandle(fdt, cell(m, 1)) : -1;
	if (len != 16 || cell(m, 0) != 0 || cell(m, 3) < RID_SPACE ||
	    (uint64_t)cell(m, 2) + RID_SPACE > 1ull << 32 || node < 0 ||
	    fdt_node_check_compatible(fdt, node, compat) != 0) {
		board_node_error(
			b, d, b->pci_node,
			"%s must be one entry <0 &%s BASE 0x10000> mapping "
			"every RID to the %s (compatible \"%s\"); fix: write "
			"it so, or leave it out (then shikiri gives the "
			"host's functions no %s)",
			prop, what, what, compat,
			strcmp(what, "ITS") == 0 ? "MSIs" : "DMA translation");
		return -1;
	}
	*base = cell(m, 2);
	return node;
}

/* The SPI of the SMMU's interrupt called @name (interrupt-names). */
static int smmu_irq(struct board *b, struct diag *d, const char *name,
		    uint32_t *intid)
{
	const void *fdt = b->dtb.data;
	int index = fdt_stringlist_search(fdt, b->smmu_node, "interrupt-names",
					  name);
	bool spi = false;

	if (index < 0 ||
	    board_interrupt_parent(fdt, b->smmu_node) != b->gic_phandle ||
	    board_irq(fdt, b->smmu_node, index, intid, &spi) || !spi) {
		board_node_error(b, d, b->smmu_node,
				 "needs its \"%s\" interrupt, a GIC SPI named "
				 "in interrupt-names (arm,smmu-v3.yaml); fix: "
				 "add it as the board's firmware describes it",
				 name);
		return -1;
	}
	return 0;
}

/* The registers of @node: entry 0 of its reg, at least @size bytes. */
static int regs(struct board *b, struct diag *d, int node, uint64_t size,
		const char *what, uint64_t *base)
{
	uint64_t got;

	if (board_reg(b->dtb.data, node, 0, base, &got) || got < size ||
	    *base % 0x10000 || *base + size < *base) {
		board_node_error(b, d, node,
				 "the %s needs reg = its 64 KiB aligned "
				 "registers, 0x%llx bytes at least; fix: "
				 "correct its reg",
				 what, (unsigned long long)size);
		return -1;
	}
	return 0;
}

static int read_smmu(struct board *b, struct diag *d)
{
	struct shikiri_plan_board *f = &b->facts;
	int node = read_map(b, d, "iommu-map", "arm,smmu-v3", "SMMUv3",
			    &f->pci.sid_base);

	if (node == -2)
		return 0;
	if (node < 0)
		return -1;
	b->smmu_node = node;
	if (regs(b, d, node, SMMU_REGS_SIZE, "SMMUv3",
		 &f->hw.aarch64.smmu_base) ||
	    smmu_irq(b, d, "eventq", &f->hw.aarch64.smmu_evtq_intid) ||
	    smmu_irq(b, d, "gerror", &f->hw.aarch64.smmu_gerror_intid)) {
		f->hw.aarch64.smmu_base = 0;
		return -1;
	}
	return 0;
}

static int read_its(struct board *b, struct diag *d)
{
	struct shikiri_plan_board *f = &b->facts;
	int node = read_map(b, d, "msi-map", "arm,gic-v3-its", "ITS",
			    &f->pci.devid_base);

	if (node == -2)
		return 0;
	if (node < 0)
		return -1;
	b->its_node = node;
	if (regs(b, d, node, ITS_REGS_SIZE, "ITS", &f->hw.aarch64.its_base)) {
		f->hw.aarch64.its_base = 0;
		return -1;
	}
	return 0;
}

/**
 * board_arm_pci_parse() - Read an Arm board's PCI host's SMMU and ITS.
 * @b: the board, board_pci_parse() done.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int board_arm_pci_parse(struct board *b, struct diag *d)
{
	int ret;

	if (b->pci_node < 0)
		return 0;
	if (b->model && b->model->assign_bars)
		b->facts.pci.flags |= SHIKIRI_PCI_BOARD_ASSIGN_BARS;
	ret = read_smmu(b, d);
	return read_its(b, d) | ret;
}

/* A GIC interrupt's flags cell as SHIKIRI_PCI_INTX_* flags. */
static int intx_flags(uint32_t type, uint32_t *flags)
{
	if (type == IRQ_LEVEL_HIGH)
		*flags = 0;
	else if (type == IRQ_LEVEL_LOW)
		*flags = SHIKIRI_PCI_INTX_ACTIVE_LOW;
	else if (type == IRQ_EDGE_RISING)
		*flags = SHIKIRI_PCI_INTX_EDGE;
	else if (type == IRQ_EDGE_FALLING)
		*flags = SHIKIRI_PCI_INTX_EDGE | SHIKIRI_PCI_INTX_ACTIVE_LOW;
	else
		return -1;
	return 0;
}

/**
 * board_arm_intx() - The GIC SPI a root-bus function's pin raises.
 * @b: the board.
 * @bdf: the function.
 * @pin: 1-4.
 * @intid: receives the INTID.
 * @flags: receives SHIKIRI_PCI_INTX_* flags.
 *
 * Return: 0, or -1 when the interrupt-map sends it nowhere on the GIC.
 */
int board_arm_intx(const struct board *b, uint32_t bdf, uint32_t pin,
		   uint32_t *intid, uint32_t *flags)
{
	const void *fdt = b->dtb.data;
	const fdt32_t *mask, *map;
	uint32_t key[CHILD_CELLS] = { (bdf & 0xffff) << 8, 0, 0, pin };
	int len, mlen, at = 0;

	mask = fdt_getprop(fdt, b->pci_node, "interrupt-map-mask", &mlen);
	map = fdt_getprop(fdt, b->pci_node, "interrupt-map", &len);
	if (!mask || mlen != CHILD_CELLS * 4 || !map ||
	    fdt_address_cells(fdt, b->pci_node) != 3)
		return -1;
	len /= 4;
	for (int i = 0; i < CHILD_CELLS; i++)
		key[i] &= cell(mask, i);
	/* Bounded by the property's length: every step moves on. */
	while (at + CHILD_CELLS + 1 <= len) {
		uint32_t phandle = cell(map, at + CHILD_CELLS);
		int parent = fdt_node_offset_by_phandle(fdt, phandle);
		const fdt32_t *ic;
		int pac, pic;
		bool match = true;

		if (parent < 0)
			return -1;
		ic = fdt_getprop(fdt, parent, "#interrupt-cells", NULL);
		pac = fdt_address_cells(fdt, parent);
		/* A parent without #address-cells has none here. */
		if (!fdt_getprop(fdt, parent, "#address-cells", NULL))
			pac = 0;
		pic = ic ? (int)fdt32_to_cpu(*ic) : -1;
		if (pac < 0 || pac > MAX_PARENT_CELLS || pic < 1 ||
		    pic > MAX_PARENT_CELLS ||
		    at + CHILD_CELLS + 1 + pac + pic > len)
			return -1;
		for (int i = 0; i < CHILD_CELLS; i++)
			match &= (cell(map, at + i) & cell(mask, i)) == key[i];
		at += CHILD_CELLS + 1 + pac;
		if (match) {
			if (phandle != b->gic_phandle ||
			    pic != (int)GIC_SPEC_CELLS ||
			    cell(map, at) != GIC_TYPE_SPI ||
			    cell(map, at + 1) > SHIKIRI_GIC_MAX_INTID -
							SHIKIRI_GIC_SPI_BASE ||
			    intx_flags(cell(map, at + 2), flags))
				return -1;
			*intid = SHIKIRI_GIC_SPI_BASE + cell(map, at + 1);
			return 0;
		}
		at += pic;
	}
	return -1;
}

/**
 * board_arm_fn_intx() - Read an Arm board's function node's INTx.
 * @b: the board.
 * @d: where problems are reported.
 * @node: the function's node.
 * @root: it is on the host's root bus (else behind a bridge, whose
 *        swizzle shikiri does not follow: such functions are refused).
 * @fn: its bdf set; its INTx fields are filled.
 *
 * Return: 0, or -1 after reporting.
 */
int board_arm_fn_intx(const struct board *b, struct diag *d, int node,
		      bool root, struct shikiri_pci_fn *fn)
{
	int len;
	const fdt32_t *irq = fdt_getprop(b->dtb.data, node, "interrupts", &len);
	uint32_t pin = irq && len == 4 ? fdt32_to_cpu(*irq) : 0;

	fn->intx = SHIKIRI_PCI_NO_INTX;
	fn->intx_pin = 0;
	if (!irq)
		return 0;
	if (pin < 1 || pin > PCI_PINS) {
		board_node_error(
			b, d, node,
			"interrupts must be <pin>, 1-4 for INTA-INTD (the "
			"PCI bus binding), which the host's interrupt-map "
			"routes; fix: copy it from lspci -vv (\"Interrupt: "
			"pin A\" is 1), or leave it out when the function "
			"has none");
		return -1;
	}
	if (!root)
		return 0;
	if (board_arm_intx(b, fn->bdf, pin, &fn->intx, &fn->flags)) {
		board_node_error(
			b, d, node,
			"the host's interrupt-map sends INT%c of this "
			"function to no GIC SPI (level or edge); fix: "
			"correct interrupt-map and interrupt-map-mask of %s",
			'A' + (int)pin - 1, b->pci_path);
		fn->intx = SHIKIRI_PCI_NO_INTX;
		fn->flags = 0;
		return -1;
	}
	fn->intx_pin = pin;
	return 0;
}
