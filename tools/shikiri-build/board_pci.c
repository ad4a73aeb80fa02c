// SPDX-License-Identifier: MIT
/*
 * The PCI segment of a PC's board file: the node compatible
 * "pci-host-ecam-generic" (its ECAM window, bus range and the windows of
 * its "ranges", as the firmware's MCFG table and Linux's "root bus
 * resource" lines say) and one child node per PCI function, as lspci lists
 * them: reg = <bus << 16 | device << 11 | function << 8  0 0 0 0> (the DT
 * PCI bus binding's phys.hi), its INTx as interrupts = <GSI flags>, an
 * optional shikiri,intx-pin, class-code, and shikiri,hypervisor for a
 * function the hypervisor keeps.  A bridge is a function node with the
 * functions behind it as its children.  An Arm board's DTB describes its
 * PCIe host the same way, but a function's INTx is interrupts = <pin>
 * routed by the host's interrupt-map, and its I/O window is translated
 * (board_arm_pci.c).  Every problem names the board file, the node and the
 * fix.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

#define MIB 0x100000ull
#define GIB4 0x100000000ull
#define PORTS 0x10000ull
#define SPACE_IO 1u
#define SPACE_MEM32 2u
#define SPACE_MEM64 3u
#define CLASS_HOST_BRIDGE 0x0600u
#define CLASS_ISA_BRIDGE 0x0601u
/* Deeper than any PC's bridge hierarchy; bounds the recursion. */
#define MAX_BRIDGE_DEPTH 8

/* DT interrupt flags (the binding's IRQ_TYPE_*) a function may give. */
#define DT_EDGE_RISING 1u
#define DT_EDGE_FALLING 2u
#define DT_LEVEL_HIGH 4u
#define DT_LEVEL_LOW 8u

static bool get_u32(const void *fdt, int node, const char *name, uint32_t *v,
		    bool *bad)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return false;
	if (len != 4) {
		*bad = true;
		return false;
	}
	*v = fdt32_to_cpu(*p);
	return true;
}

/* ECAM window and bus range: the MCFG table's entry for segment 0. */
static int read_host(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	struct shikiri_plan_pci *pci = &b->facts.pci;
	const fdt32_t *range;
	uint64_t buses;
	int len;

	if (board_reg(fdt, b->pci_node, 0, &pci->ecam_base, &pci->ecam_size) ||
	    !pci->ecam_size || (pci->ecam_base | pci->ecam_size) % MIB ||
	    pci->ecam_size > 256 * MIB ||
	    pci->ecam_base + pci->ecam_size < pci->ecam_base) {
		board_node_error(
			b, d, b->pci_node,
			"the PCIe host needs reg = its ECAM window (1 MiB "
			"aligned, 1 MiB per bus); fix: copy it from the MCFG "
			"table (Linux: \"PCI: MMCONFIG for domain 0000 [bus "
			"00-ff] at [mem 0xb0000000-0xbfffffff]\")");
		return -1;
	}
	buses = pci->ecam_size / MIB;
	range = fdt_getprop(fdt, b->pci_node, "bus-range", &len);
	if (!range) {
		pci->bus_first = 0;
		pci->bus_last = (uint32_t)buses - 1;
		return 0;
	}
	if (len != 8 || fdt32_to_cpu(range[0]) > fdt32_to_cpu(range[1]) ||
	    fdt32_to_cpu(range[1]) > 0xff ||
	    fdt32_to_cpu(range[1]) - fdt32_to_cpu(range[0]) + 1 != buses) {
		board_node_error(
			b, d, b->pci_node,
			"bus-range must be <first last> (0-255) with one "
			"MiB of ECAM per bus (reg has %llu); fix: copy both "
			"from the MCFG table",
			(unsigned long long)buses);
		return -1;
	}
	pci->bus_first = fdt32_to_cpu(range[0]);
	pci->bus_last = fdt32_to_cpu(range[1]);
	return 0;
}

/* One "ranges" entry: an identity window of I/O or memory space. */
static int read_window(struct board *b, struct diag *d, const fdt32_t *e,
		       int pac, int index)
{
	struct shikiri_plan_pci *pci = &b->facts.pci;
	uint32_t space = fdt32_to_cpu(e[0]) >> 24 & 3;
	uint64_t child = (uint64_t)fdt32_to_cpu(e[1]) << 32 |
			 fdt32_to_cpu(e[2]);
	uint64_t parent = fdt32_to_cpu(e[3]);
	uint64_t size = (uint64_t)fdt32_to_cpu(e[3 + pac]) << 32 |
			fdt32_to_cpu(e[4 + pac]);
	struct shikiri_range *w;
	const char *what;

	if (pac == 2)
		parent = parent << 32 | fdt32_to_cpu(e[4]);
	/*
	 * An Arm host bridge translates its I/O space to a memory window;
	 * shikiri leaves I/O BARs unassigned there (docs/pci.md).
	 */
	if (space == SPACE_IO && b->facts.arch == SHIKIRI_ARCH_AARCH64)
		return 0;
	if (space == SPACE_IO) {
		w = &pci->io;
		what = "I/O";
	} else if (space == SPACE_MEM32) {
		w = &pci->mem[0];
		what = "32-bit memory";
	} else if (space == SPACE_MEM64) {
		w = &pci->mem[1];
		what = "64-bit memory";
	} else {
		board_node_error(
			b, d, b->pci_node,
			"ranges entry %d is of configuration space; fix: "
			"list only I/O (0x01000000), 32-bit (0x02000000) "
			"and 64-bit (0x03000000) memory windows",
			index);
		return -1;
	}
	if (!size || child != parent || child + size < child ||
	    (space == SPACE_IO && child + size > PORTS) ||
	    (space == SPACE_MEM32 && child + size > GIB4)) {
		board_node_error(
			b, d, b->pci_node,
			"ranges entry %d ([0x%llx, +0x%llx) of %s space) "
			"must be a window the host bridge forwards as is "
			"(PCI address = CPU address; I/O below 0x10000, "
			"32-bit memory below 4 GiB); fix: copy it from "
			"Linux's \"root bus resource\" lines",
			index, (unsigned long long)child,
			(unsigned long long)size, what);
		return -1;
	}
	if (w->size) {
		board_node_error(
			b, d, b->pci_node,
			"ranges lists more than one %s window; fix: keep "
			"the one the firmware assigned the BARs in (lspci "
			"-vv, \"Region\" lines)",
			what);
		return -1;
	}
	*w = (struct shikiri_range){ child, size };
	return 0;
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* The windows of "ranges"; none of them may hold RAM or the ECAM. */
static int read_windows(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	struct shikiri_plan_pci *pci = &b->facts.pci;
	int pac = fdt_address_cells(fdt, fdt_parent_offset(fdt, b->pci_node));
	int len, entry;
	const fdt32_t *r = fdt_getprop(fdt, b->pci_node, "ranges", &len);

	if (!r)
		return 0;
	entry = 3 + pac + 2;
	if (fdt_address_cells(fdt, b->pci_node) != 3 ||
	    fdt_size_cells(fdt, b->pci_node) != 2 || pac < 1 || pac > 2 ||
	    len % (entry * 4)) {
		board_node_error(
			b, d, b->pci_node,
			"ranges needs #address-cells = <3>, #size-cells = "
			"<2> and entries of <space 0 pci-address cpu-"
			"address size> (the PCI bus binding); fix: write "
			"them so");
		return -1;
	}
	for (int i = 0; i < len / (entry * 4); i++)
		if (read_window(b, d, r + i * entry, pac, i))
			return -1;
	for (uint32_t r2 = 0; r2 < b->facts.ram_count; r2++)
		if (overlaps(pci->ecam_base, pci->ecam_size,
			     b->facts.ram[r2].base, b->facts.ram[r2].size)) {
			board_node_error(
				b, d, b->pci_node,
				"the ECAM window overlaps RAM; fix: "
				"copy it from the MCFG table, RAM from "
				"the e820 map");
			return -1;
		}
	for (unsigned int w = 0; w < 2; w++) {
		const struct shikiri_range *m = &pci->mem[w];

		if (m->size && overlaps(m->base, m->size, pci->ecam_base,
					pci->ecam_size)) {
			board_node_error(
				b, d, b->pci_node,
				"the memory window [0x%llx, 0x%llx) holds "
				"the ECAM; fix: leave the ECAM out of it",
				(unsigned long long)m->base,
				(unsigned long long)(m->base + m->size));
			return -1;
		}
		for (uint32_t r2 = 0; m->size && r2 < b->facts.ram_count; r2++)
			if (overlaps(m->base, m->size, b->facts.ram[r2].base,
				     b->facts.ram[r2].size)) {
				board_node_error(
					b, d, b->pci_node,
					"the memory window [0x%llx, 0x%llx) "
					"overlaps RAM; fix: copy the window "
					"from Linux's \"root bus resource\" "
					"lines",
					(unsigned long long)m->base,
					(unsigned long long)(m->base +
							     m->size));
				return -1;
			}
	}
	return 0;
}

/* Why the hypervisor keeps the function at @node, or NULL. */
static const char *hv_reason(const struct board *b, int node, uint32_t bdf,
			     uint32_t class_code)
{
	if (fdt_getprop(b->dtb.data, node, "shikiri,hypervisor", NULL))
		return "is marked shikiri,hypervisor in the board file";
	if (class_code >> 8 == CLASS_HOST_BRIDGE)
		return "is a host bridge (class 0x0600), which the hypervisor "
		       "keeps (a VM sees a bare copy of 00:00.0)";
	/* Whatever it is, every VM sees a bare host bridge there. */
	if (bdf == b->facts.pci.bus_first << 8)
		return "is device 0 of the first bus, which every VM sees as "
		       "a bare copy of the host bridge";
	if (class_code == BOARD_PCI_NO_CLASS)
		return NULL;
	if (class_code >> 8 == CLASS_ISA_BRIDGE)
		return "is the ISA bridge (class 0x0601), which decodes the "
		       "hypervisor's console port";
	return NULL;
}

/* Its INTx: interrupts = <GSI flags>, shikiri,intx-pin = <1..4>. */
static int read_intx(struct board *b, struct diag *d, int node,
		     struct shikiri_pci_fn *fn)
{
	const struct shikiri_plan_board *f = &b->facts;
	int len;
	const fdt32_t *irq = fdt_getprop(b->dtb.data, node, "interrupts", &len);
	uint32_t pin = 1, gsi, type;
	bool bad = false, has_pin;

	has_pin = get_u32(b->dtb.data, node, "shikiri,intx-pin", &pin, &bad);
	fn->intx = SHIKIRI_PCI_NO_INTX;
	if (!irq) {
		if (has_pin || bad) {
			board_node_error(
				b, d, node,
				"shikiri,intx-pin without interrupts; fix: "
				"add interrupts = <GSI flags> (its GSI from "
				"/proc/interrupts) or remove the pin");
			return -1;
		}
		return 0;
	}
	gsi = len == 8 ? fdt32_to_cpu(irq[0]) : 0;
	type = len == 8 ? fdt32_to_cpu(irq[1]) : 0;
	if (len != 8 || gsi < f->hw.x86_64.ioapic_gsi_base ||
	    gsi - f->hw.x86_64.ioapic_gsi_base >= f->hw.x86_64.ioapic_pins ||
	    (type != DT_EDGE_RISING && type != DT_EDGE_FALLING &&
	     type != DT_LEVEL_HIGH && type != DT_LEVEL_LOW)) {
		board_node_error(
			b, d, node,
			"interrupts must be <GSI flags>: a GSI of the I/O "
			"APIC (%u-%u) and 4 (level, active high), 8 (level, "
			"active low), 1 or 2 (edge); fix: take the GSI from "
			"/proc/interrupts (\"IO-APIC N-fasteoi\") with the "
			"device's driver loaded",
			f->hw.x86_64.ioapic_gsi_base,
			f->hw.x86_64.ioapic_gsi_base +
				f->hw.x86_64.ioapic_pins - 1);
		return -1;
	}
	if (bad || pin < 1 || pin > 4) {
		board_node_error(
			b, d, node,
			"shikiri,intx-pin must be 1-4 (INTA-INTD); fix: "
			"copy it from lspci -vv (\"Interrupt: pin A\" is 1)");
		return -1;
	}
	fn->intx = gsi;
	fn->intx_pin = pin;
	fn->flags = (type == DT_LEVEL_LOW || type == DT_EDGE_FALLING ?
			     SHIKIRI_PCI_INTX_ACTIVE_LOW :
			     0) |
		    (type == DT_EDGE_RISING || type == DT_EDGE_FALLING ?
			     SHIKIRI_PCI_INTX_EDGE :
			     0);
	return 0;
}

static int read_functions(struct board *b, struct diag *d, int parent,
			  int bridge, uint32_t bus, int depth);

/* One function node, and the functions behind it if it is a bridge. */
static int read_function(struct board *b, struct diag *d, int node, int bridge,
			 uint32_t bus, int depth)
{
	const void *fdt = b->dtb.data;
	const struct shikiri_plan_pci *pci = &b->facts.pci;
	struct board_pci_fn *pf;
	const fdt32_t *reg;
	uint32_t hi, fn_bus, cls = BOARD_PCI_NO_CLASS;
	int len;
	bool bad = false;

	reg = fdt_getprop(fdt, node, "reg", &len);
	hi = reg && len == 20 ? fdt32_to_cpu(reg[0]) : 0xffffffffu;
	fn_bus = hi >> 16 & 0xff;
	if (!reg || len != 20 || hi & 0xff0000ffu || reg[1] || reg[2] ||
	    reg[3] || reg[4]) {
		board_node_error(
			b, d, node,
			"a PCI function needs reg = <BDF 0 0 0 0>, BDF = "
			"bus << 16 | device << 11 | function << 8 (00:1f.2 "
			"is 0xfa00); fix: write its reg so");
		return -1;
	}
	if (fn_bus < pci->bus_first || fn_bus > pci->bus_last ||
	    (bridge < 0 ? fn_bus != bus : fn_bus <= bus)) {
		board_node_error(
			b, d, node,
			"bus %02x is not %s; fix: move the node under the "
			"bridge its bus is behind, or correct its reg",
			fn_bus,
			bridge < 0 ? "the host bridge's first bus" :
				     "a bus behind its bridge");
		return -1;
	}
	if (board_pci_find(b, hi >> 8)) {
		board_node_error(b, d, node,
				 "%02x:%02x.%x is listed twice; fix: list each "
				 "function once",
				 fn_bus, hi >> 11 & 0x1f, hi >> 8 & 7);
		return -1;
	}
	if (get_u32(fdt, node, "class-code", &cls, &bad) || bad) {
		if (bad || cls > 0xffffff) {
			board_node_error(
				b, d, node,
				"class-code must be one cell, 0xCCSSPP; "
				"fix: copy it from lspci -n (\"0106\" with "
				"prog-if 01 is 0x010601)");
			return -1;
		}
	}
	if (b->pci_fn_count == BOARD_MAX_PCI_FNS) {
		board_node_error(b, d, node,
				 "more than %u PCI functions; fix: leave out "
				 "functions no VM owns",
				 BOARD_MAX_PCI_FNS);
		return -1;
	}
	pf = &b->pci_fn[b->pci_fn_count];
	*pf = (struct board_pci_fn){ .fn = { .bdf = hi >> 8 },
				     .class_code = cls,
				     .node = node,
				     .bridge = bridge,
				     .hv_why =
					     hv_reason(b, node, hi >> 8, cls) };
	if (b->facts.arch == SHIKIRI_ARCH_AARCH64 ?
		    board_arm_fn_intx(b, d, node, bridge < 0, &pf->fn) :
		    read_intx(b, d, node, &pf->fn))
		return -1;
	b->pci_fn_count++;
	if (fdt_first_subnode(fdt, node) < 0)
		return 0;
	if (depth == MAX_BRIDGE_DEPTH) {
		board_node_error(
			b, d, node,
			"bridges nest deeper than %d levels; fix: leave "
			"out what no VM owns",
			MAX_BRIDGE_DEPTH);
		return -1;
	}
	return read_functions(b, d, node, (int)(pf - b->pci_fn), fn_bus,
			      depth + 1);
}

static int read_functions(struct board *b, struct diag *d, int parent,
			  int bridge, uint32_t bus, int depth)
{
	int node, ret = 0;

	fdt_for_each_subnode(node, b->dtb.data, parent)
		ret |= read_function(b, d, node, bridge, bus, depth);
	return ret;
}

/**
 * board_pci_parse() - Read a board's PCI segment (a PC's board file, an Arm
 * board's DTB).
 * @b: the board, its RAM, interrupt controller and console already read.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int board_pci_parse(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	int node =
		fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");

	b->pci_node = node;
	b->pci_fn_count = 0;
	if (node < 0)
		return 0;
	fdt_get_path(fdt, node, b->pci_path, sizeof(b->pci_path));
	if (fdt_node_offset_by_compatible(fdt, node, "pci-host-ecam-generic") >=
	    0) {
		board_node_error(
			b, d, node,
			"more than one pci-host-ecam-generic node; fix: "
			"describe PCI segment 0 only");
		return -1;
	}
	if (read_host(b, d) || read_windows(b, d))
		return -1;
	free(b->pci_fn);
	b->pci_fn = fileio_xmalloc(BOARD_MAX_PCI_FNS * sizeof(*b->pci_fn));
	return read_functions(b, d, node, -1, b->facts.pci.bus_first, 0) ? -1 :
									   0;
}

/**
 * board_pci_find() - The board's function at @bdf.
 * @b: the board.
 * @bdf: its address.
 *
 * Return: the function, or NULL when the board file does not list it.
 */
const struct board_pci_fn *board_pci_find(const struct board *b, uint32_t bdf)
{
	for (unsigned int i = 0; i < b->pci_fn_count; i++)
		if (b->pci_fn[i].fn.bdf == bdf)
			return &b->pci_fn[i];
	return NULL;
}

/**
 * board_pci_behind() - Whether function @fn lies behind bridge @bridge.
 * @b: the board.
 * @fn: an index into @b->pci_fn.
 * @bridge: another.
 *
 * Return: true when @bridge is @fn's bridge or one of its bridge's.
 */
bool board_pci_behind(const struct board *b, unsigned int fn,
		      unsigned int bridge)
{
	for (int at = b->pci_fn[fn].bridge; at >= 0; at = b->pci_fn[at].bridge)
		if ((unsigned int)at == bridge)
			return true;
	return false;
}
