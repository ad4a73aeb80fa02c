// SPDX-License-Identifier: MIT
/*
 * An x86 PC's board file (a .dts in configs/boards, root compatible
 * "shikiri,x86-pc-v1"): what the hypervisor needs from it, the e820 RAM,
 * CPUs by local APIC ID, the local and I/O APIC, the console 16550 on an
 * I/O port, the page the hypervisor starts the other CPUs from, and its
 * PCI segment (board_pci.c).  Every problem names the board file, the node and the
 * fix.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"

#define X86_ISA_IO_SPACE 1u
#define X86_PORT_LIMIT 0x10000ull
#define X86_MAX_APIC_ID 0xfeu
#define X86_IOAPIC_PINS 24u

/**
 * board_node_error() - Report a problem with @node of a board file.
 * @b: the board.
 * @d: where it is reported.
 * @node: the node.
 * @fmt: printf-style text, "; fix: ..." included.
 *
 * Prints "BOARD: NODE: text".
 */
void board_node_error(const struct board *b, struct diag *d, int node,
		      const char *fmt, ...)
{
	char path[256], text[640];
	va_list ap;

	fdt_get_path(b->dtb.data, node, path, sizeof(path));
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	diag_error(d, "%s: %s: %s", b->name, path, text);
}

static int cmp_range(const void *a, const void *b)
{
	const struct shikiri_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Every memory node's every reg entry, sorted, page-aligned, apart. */
static int find_ram(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	struct shikiri_plan_board *f = &b->facts;
	int node;

	f->ram_count = 0;
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						  "memory", sizeof("memory"));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  "memory", sizeof("memory"))) {
		uint64_t base, size;

		for (int i = 0; board_reg(fdt, node, i, &base, &size) == 0;
		     i++) {
			if (f->ram_count == SHIKIRI_MAX_BOARD_RAM) {
				board_node_error(
					b, d, node,
					"more than %u RAM ranges; fix: "
					"leave out the smallest ones",
					SHIKIRI_MAX_BOARD_RAM);
				return -1;
			}
			if (!size || (base | size) & 0xfff ||
			    base + size < base) {
				board_node_error(
					b, d, node,
					"reg entry %d [0x%llx, +0x%llx) is "
					"not whole 4 KiB pages; fix: round "
					"the e820 range inwards",
					i, (unsigned long long)base,
					(unsigned long long)size);
				return -1;
			}
			f->ram[f->ram_count++] =
				(struct shikiri_range){ base, size };
		}
	}
	if (!f->ram_count) {
		diag_error(d,
			   "%s: no RAM (a node with device_type = \"memory\" "
			   "and a reg per e820 RAM range); fix: add one",
			   b->name);
		return -1;
	}
	qsort(f->ram, f->ram_count, sizeof(f->ram[0]), cmp_range);
	for (uint32_t r = 1; r < f->ram_count; r++)
		if (f->ram[r].base < f->ram[r - 1].base + f->ram[r - 1].size) {
			diag_error(d,
				   "%s: RAM ranges at 0x%llx and 0x%llx "
				   "overlap; fix: list each byte once",
				   b->name,
				   (unsigned long long)f->ram[r - 1].base,
				   (unsigned long long)f->ram[r].base);
			return -1;
		}
	return 0;
}

static int find_cpus(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	struct shikiri_plan_board *f = &b->facts;
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	f->cpu_count = 0;
	if (cpus >= 0) {
		fdt_for_each_subnode(node, fdt, cpus)
		{
			const char *type =
				fdt_getprop(fdt, node, "device_type", NULL);
			const fdt32_t *reg;
			int len;

			if (!type || strcmp(type, "cpu") != 0)
				continue;
			reg = fdt_getprop(fdt, node, "reg", &len);
			if (f->cpu_count == SHIKIRI_MAX_CPUS) {
				board_node_error(
					b, d, node,
					"more than %u CPUs; fix: list at "
					"most %u",
					SHIKIRI_MAX_CPUS, SHIKIRI_MAX_CPUS);
				return -1;
			}
			if (!reg || len != 4 ||
			    fdt32_to_cpu(*reg) > X86_MAX_APIC_ID) {
				board_node_error(
					b, d, node,
					"reg must be one cell, the CPU's "
					"local APIC ID (0-254); fix: copy "
					"it from the MADT");
				return -1;
			}
			b->cpu_node[f->cpu_count] = node;
			f->cpu_id[f->cpu_count++] = fdt32_to_cpu(*reg);
		}
	}
	if (!f->cpu_count) {
		diag_error(d,
			   "%s: no CPU nodes under /cpus; fix: add one per "
			   "CPU, reg = <local APIC ID>",
			   b->name);
		return -1;
	}
	for (uint32_t i = 0; i < f->cpu_count; i++)
		for (uint32_t j = 0; j < i; j++)
			if (f->cpu_id[i] == f->cpu_id[j]) {
				board_node_error(
					b, d, b->cpu_node[i],
					"APIC ID %llu is also another "
					"CPU's; fix: give each CPU its own",
					(unsigned long long)f->cpu_id[i]);
				return -1;
			}
	snprintf(b->cpu_range, sizeof(b->cpu_range),
		 f->cpu_count == 1 ? "0" : "0-%u", f->cpu_count - 1);
	return 0;
}

/* The one node compatible with @compat, with a 4 KiB reg; -1 reported. */
static int find_page(struct board *b, const char *compat, const char *what,
		     uint64_t *base, struct diag *d)
{
	const void *fdt = b->dtb.data;
	int node = fdt_node_offset_by_compatible(fdt, -1, compat);
	uint64_t size;

	if (node < 0) {
		diag_error(d, "%s: no %s (compatible \"%s\"); fix: add it",
			   b->name, what, compat);
		return -1;
	}
	if (board_reg(fdt, node, 0, base, &size) || size != 0x1000 ||
	    *base & 0xfff) {
		board_node_error(
			b, d, node,
			"the %s needs reg = one 4 KiB page; fix: correct "
			"its reg",
			what);
		return -1;
	}
	return node;
}

static uint32_t prop_u32(const void *fdt, int node, const char *name,
			 uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p && len == 4 ? fdt32_to_cpu(*p) : dflt;
}

static int find_apics(struct board *b, struct diag *d)
{
	struct shikiri_plan_board *f = &b->facts;
	int node;

	if (find_page(b, "intel,ce4100-lapic", "local APIC",
		      &f->hw.x86_64.lapic_base, d) < 0)
		return -1;
	node = find_page(b, "intel,ce4100-ioapic", "I/O APIC",
			 &f->hw.x86_64.ioapic_base, d);
	if (node < 0)
		return -1;
	b->gic_node = node;
	b->gic_phandle = fdt_get_phandle(b->dtb.data, node);
	f->hw.x86_64.ioapic_gsi_base =
		prop_u32(b->dtb.data, node, "shikiri,gsi-base", 0);
	f->hw.x86_64.ioapic_pins =
		prop_u32(b->dtb.data, node, "shikiri,pins", X86_IOAPIC_PINS);
	if (f->hw.x86_64.ioapic_pins == 0 || f->hw.x86_64.ioapic_pins > 240 ||
	    f->hw.x86_64.ioapic_gsi_base > 240) {
		board_node_error(
			b, d, node,
			"shikiri,pins must be 1-240 and shikiri,gsi-base "
			"at most 240; fix: copy them from the MADT");
		return -1;
	}
	return 0;
}

static int find_uart(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	struct shikiri_plan_board *f = &b->facts;
	const fdt32_t *reg, *irq;
	const char *path;
	int node, len, rlen, ilen;

	path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path",
			   &len);
	if (!path) {
		diag_error(d,
			   "%s: /chosen: no stdout-path; fix: point it at "
			   "the serial port the hypervisor owns, e.g. "
			   "\"/isa/serial@3f8\"",
			   b->name);
		return -1;
	}
	node = fdt_path_offset_namelen(fdt, path, (int)strcspn(path, ":"));
	b->uart_node = node;
	if (node < 0 || (fdt_node_check_compatible(fdt, node, "ns16550a") &&
			 fdt_node_check_compatible(fdt, node, "ns16550"))) {
		diag_error(d,
			   "%s: /chosen: stdout-path '%s' is not a 16550 "
			   "(compatible \"ns16550a\"); fix: point it at one",
			   b->name, path);
		return -1;
	}
	fdt_get_path(fdt, node, b->uart_path, sizeof(b->uart_path));
	reg = fdt_getprop(fdt, node, "reg", &rlen);
	irq = fdt_getprop(fdt, node, "interrupts", &ilen);
	if (!reg || rlen != 12 || fdt32_to_cpu(reg[0]) != X86_ISA_IO_SPACE ||
	    fdt32_to_cpu(reg[1]) + 8ull > X86_PORT_LIMIT ||
	    fdt32_to_cpu(reg[2]) < 8 || !irq || ilen < 4) {
		diag_error(d,
			   "%s: %s: the console needs reg = <1 PORT 8> (ISA "
			   "I/O space) and interrupts = <GSI 0>; fix: as "
			   "/proc/ioports and /proc/interrupts say",
			   b->name, b->uart_path);
		return -1;
	}
	f->uart_base = fdt32_to_cpu(reg[1]);
	f->uart_irq = fdt32_to_cpu(irq[0]);
	return 0;
}

/* The AP trampoline page. */
static int find_trampoline(struct board *b, struct diag *d)
{
	struct shikiri_plan_board *f = &b->facts;
	int node = find_page(b, "shikiri,ap-trampoline", "AP trampoline page",
			     &f->hw.x86_64.trampoline, d);

	if (node < 0)
		return -1;
	if (f->hw.x86_64.trampoline >= 0x100000) {
		board_node_error(
			b, d, node,
			"the AP trampoline must lie below 1 MiB (a CPU "
			"starts in real mode); fix: pick a RAM page there");
		return -1;
	}
	return 0;
}

/**
 * board_x86_parse() - Read an x86 PC's board file, already in @b->dtb.
 * @b: the board; @b->facts is filled.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting every problem found.
 */
int board_x86_parse(struct board *b, struct diag *d)
{
	int (*const steps[])(struct board *, struct diag *) = {
		find_ram,  find_cpus,	    find_apics,
		find_uart, find_trampoline, board_pci_parse,
	};
	int ret = 0;

	b->facts.arch = SHIKIRI_ARCH_X86_64;
	b->gic_node = b->uart_node = b->timer_node = -1;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		ret |= steps[i](b, d);
	return ret ? -1 : 0;
}

/**
 * board_x86_is() - Whether the tree at @fdt is an x86 PC's board file.
 * @fdt: a valid tree.
 */
bool board_x86_is(const void *fdt)
{
	return fdt_node_check_compatible(fdt, 0, "shikiri,x86-pc-v1") == 0;
}
