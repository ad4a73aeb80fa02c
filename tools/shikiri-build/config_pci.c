// SPDX-License-Identifier: MIT
/*
 * "pci-devices": the PCI functions a VM owns, named as lspci names them
 * ("00:04.0", or "0000:00:04.0" on segment 0), checked against the board
 * file's PCI functions (board_pci.c) and against the other VMs: each
 * function has one owner, a VM that names a bridge owns everything behind
 * it, the hypervisor keeps what it needs, Linux only finds function N of a
 * device whose function 0 it sees, and a function's INTx line is a GSI (on
 * Arm a GIC SPI) no other VM's function drives; on Arm also only functions
 * of bus 0, which a VM sees on its own virtual bus 0.  Every problem names
 * the file, the VM and the fix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_vm.h"

#define PROP "pci-devices"
/* A VM's I/O APIC: GSIs 0-15 are its ISA devices', 16-23 free for PCI. */
#define PCI_GSI_FIRST 16u
#define PCI_GSI_END 24u
/* The vGIC's SPIs (hv/arch/aarch64: 256, INTIDs 32-287). */
#define PCI_SPI_END 288u

static bool is_arm(const struct board *b)
{
	return b->facts.arch == SHIKIRI_ARCH_AARCH64;
}

/* What a board calls an INTx line: an I/O APIC GSI, a GIC INTID. */
static const char *line(const struct board *b)
{
	return is_arm(b) ? "INTID" : "GSI";
}

/**
 * config_pci_name() - A function's address as lspci prints it.
 * @bdf: bus << 8 | device << 3 | function.
 * @buf: at least 8 bytes.
 *
 * Return: @buf, "bb:dd.f".
 */
char *config_pci_name(uint32_t bdf, char *buf)
{
	snprintf(buf, 8, "%02x:%02x.%x", (bdf >> 8) & 0xff, (bdf >> 3) & 0x1f,
		 bdf & 7);
	return buf;
}

/* "bb:dd.f" or "0000:bb:dd.f" (hex, either case); -1 when neither. */
static long parse_bdf(const char *s, bool *other_segment)
{
	unsigned int seg = 0, bus, dev, fn;
	int n = -1;

	*other_segment = false;
	if (strlen(s) == 12 &&
	    sscanf(s, "%4x:%2x:%2x.%1x%n", &seg, &bus, &dev, &fn, &n) == 4 &&
	    n == 12)
		*other_segment = seg != 0;
	else if (!(strlen(s) == 7 &&
		   sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 &&
		   n == 7))
		return -1;
	if (strspn(s, "0123456789abcdefABCDEF:.") != strlen(s) || dev > 0x1f ||
	    fn > 7)
		return -1;
	return (long)(bus << 8 | dev << 3 | fn);
}

/**
 * config_pci_parse() - Read "pci-devices" into the VM's @pci_named.
 * @p: the VM being read.
 * @name: the property's name.
 * @val: its value.
 * @len: its length in bytes.
 */
void config_pci_parse(struct vm_parse *p, const char *name, const void *val,
		      int len)
{
	const char *s = val, *end = s + len;
	struct vm_config *vm = p->vm;

	if (len <= 0 || s[len - 1] != '\0') {
		diag_prop(p->d, p->cfg->path, vm->node, name,
			  "must be a list of PCI addresses; fix: e.g. "
			  "pci-devices = \"00:04.0\", \"00:05.0\";");
		return;
	}
	for (; s < end; s += strlen(s) + 1) {
		bool other_segment, dup = false;
		long bdf = parse_bdf(s, &other_segment);

		for (unsigned int i = 0; bdf >= 0 && i < vm->pci_named_count;
		     i++)
			dup |= vm->pci_named[i] == (uint32_t)bdf;
		if (bdf < 0)
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "'%s' is not a PCI address; fix: write it "
				  "as lspci prints it, bus:device.function in "
				  "hex, e.g. \"00:04.0\"",
				  s);
		else if (other_segment)
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "'%s' is not on PCI segment 0000, the only "
				  "one shikiri passes through; fix: name a "
				  "function of segment 0",
				  s);
		else if (dup)
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "'%s' is listed twice; fix: list it once", s);
		else if (vm->pci_named_count == SHIKIRI_MAX_PCI) {
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "lists more than %u PCI functions, the most "
				  "a VM can have; fix: pass fewer",
				  SHIKIRI_MAX_PCI);
			return;
		} else
			vm->pci_named[vm->pci_named_count++] = (uint32_t)bdf;
	}
}

/* The index of @bdf in the board's functions, or -1. */
static int fn_index(const struct board *b, uint32_t bdf)
{
	const struct board_pci_fn *f = board_pci_find(b, bdf);

	return f ? (int)(f - b->pci_fn) : -1;
}

/* Whether @bdf is one of @vm's named functions. */
static bool names(const struct vm_config *vm, uint32_t bdf)
{
	for (unsigned int i = 0; i < vm->pci_named_count; i++)
		if (vm->pci_named[i] == bdf)
			return true;
	return false;
}

/* Each named function: on the board, not the hypervisor's, one owner. */
static bool check_named(const struct config *cfg, const struct board *b,
			unsigned int v, uint32_t bdf, struct diag *d)
{
	const struct vm_config *vm = &cfg->vm[v];
	int at = fn_index(b, bdf);
	char name[8], other[8];
	bool ok = true;

	config_pci_name(bdf, name);
	if (at < 0) {
		diag_prop(d, cfg->path, vm->node, PROP,
			  "%s is not among the PCI functions of %s (%s); fix: "
			  "name one it lists, or add a node for the function "
			  "there (%s)",
			  name, b->name, b->pci_path,
			  is_arm(b) ? "docs/pci.md, \"Board\"" :
				      "docs/x86.md, \"PCI functions\"");
		return false;
	}
	if (b->pci_fn[at].hv_why) {
		diag_prop(d, cfg->path, vm->node, PROP, "%s %s; fix: remove it",
			  name, b->pci_fn[at].hv_why);
		ok = false;
	}
	for (unsigned int j = 0; j < cfg->vm_count; j++) {
		const struct vm_config *o = &cfg->vm[j];

		if (j < v && names(o, bdf)) {
			diag_prop(d, cfg->path, vm->node, PROP,
				  "%s is already given to %s; fix: give each "
				  "PCI function to one VM",
				  name, o->node);
			ok = false;
		}
		for (unsigned int k = 0; k < o->pci_named_count; k++) {
			int br = fn_index(b, o->pci_named[k]);

			if (br < 0 || !board_pci_behind(b, (unsigned int)at,
							(unsigned int)br))
				continue;
			config_pci_name(o->pci_named[k], other);
			if (j == v)
				diag_prop(d, cfg->path, vm->node, PROP,
					  "%s is behind the bridge %s, which "
					  "this VM names and which brings it "
					  "already; fix: remove %s",
					  name, other, name);
			else
				diag_prop(d, cfg->path, vm->node, PROP,
					  "%s is behind the bridge %s, which "
					  "%s owns (a VM that names a bridge "
					  "owns everything behind it); fix: "
					  "give both to one VM",
					  name, other, o->node);
			ok = false;
		}
	}
	return ok;
}

static int cmp_fn(const void *a, const void *b)
{
	const struct shikiri_pci_fn *x = a, *y = b;

	return x->bdf < y->bdf ? -1 : x->bdf > y->bdf;
}

/* The VM's functions: what it names and everything behind its bridges. */
static bool expand(const struct config *cfg, const struct board *b,
		   struct vm_config *vm, struct diag *d)
{
	unsigned int total = 0;

	vm->pci_count = 0;
	for (unsigned int f = 0; f < b->pci_fn_count; f++) {
		bool owned = names(vm, b->pci_fn[f].fn.bdf);

		for (unsigned int k = 0; !owned && k < vm->pci_named_count;
		     k++) {
			int br = fn_index(b, vm->pci_named[k]);

			owned = br >= 0 &&
				board_pci_behind(b, f, (unsigned int)br);
		}
		if (!owned)
			continue;
		if (total++ < SHIKIRI_MAX_PCI)
			vm->pci[vm->pci_count++] = b->pci_fn[f].fn;
	}
	if (total > SHIKIRI_MAX_PCI) {
		diag_prop(d, cfg->path, vm->node, PROP,
			  "brings %u PCI functions (a bridge brings those "
			  "behind it), more than the %u a VM can have; fix: "
			  "pass fewer",
			  total, SHIKIRI_MAX_PCI);
		return false;
	}
	qsort(vm->pci, vm->pci_count, sizeof(vm->pci[0]), cmp_fn);
	return true;
}

static bool owns(const struct vm_config *vm, uint32_t bdf)
{
	for (unsigned int i = 0; i < vm->pci_count; i++)
		if (vm->pci[i].bdf == bdf)
			return true;
	return false;
}

/*
 * A function of a slot whose other function uses the same pin on another
 * GSI: the guest's ACPI routes by slot and pin (acpi_pci.c), so both
 * cannot be told; real chipsets route per slot and pin.
 */
static void check_pins(const struct config *cfg, const struct vm_config *vm,
		       unsigned int i, struct diag *d)
{
	const struct shikiri_pci_fn *fn = &vm->pci[i];
	char name[8], other[8];

	for (unsigned int j = 0; j < i; j++) {
		const struct shikiri_pci_fn *o = &vm->pci[j];

		if (o->bdf >> 3 != fn->bdf >> 3 ||
		    o->intx_pin != fn->intx_pin ||
		    o->intx == SHIKIRI_PCI_NO_INTX || o->intx == fn->intx)
			continue;
		diag_prop(d, cfg->path, vm->node, PROP,
			  "%s's INT%c is GSI %u, but %s's, on the same slot "
			  "and pin, is GSI %u; fix: correct the board file "
			  "(lspci -vv and /proc/interrupts)",
			  config_pci_name(fn->bdf, name),
			  'A' + (int)fn->intx_pin - 1, fn->intx,
			  config_pci_name(o->bdf, other), o->intx);
		return;
	}
}

/*
 * On aarch64 a VM sees its functions on its virtual host bridge's bus 0 at
 * their own device and function numbers (hv/core/vpci.c), and their INTx
 * as the same GIC SPI, which the vGIC must have and the GICv3 must take
 * (level high or rising edge, IHI 0069 1.4.2).  Return: whether the INTx
 * is worth checking further.
 */
static bool check_arm(const struct config *cfg, const struct board *b,
		      const struct vm_config *vm,
		      const struct shikiri_pci_fn *fn, const char *name,
		      struct diag *d)
{
	if (fn->bdf >> 8) {
		diag_prop(d, cfg->path, vm->node, PROP,
			  "%s is on bus %02x, but on aarch64 a VM gets only "
			  "functions of bus 00, which it sees on its own "
			  "virtual bus 0 at the same device and function; "
			  "fix: pass a function of bus 00",
			  name, fn->bdf >> 8);
		return false;
	}
	if (fn->intx == SHIKIRI_PCI_NO_INTX)
		return false;
	if (fn->intx >= PCI_SPI_END || fn->intx == b->facts.uart_irq ||
	    (fn->flags & SHIKIRI_PCI_INTX_ACTIVE_LOW)) {
		diag_prop(d, cfg->path, vm->node, PROP,
			  "%s's INTx is INTID %u (%s) in %s, but a VM's GIC "
			  "takes INTx on SPIs 32-%u, level high or rising "
			  "edge, that the hypervisor's UART does not use; fix: "
			  "correct the host's interrupt-map, or pass another "
			  "function",
			  name, fn->intx,
			  fn->flags & SHIKIRI_PCI_INTX_ACTIVE_LOW ?
				  "active low" :
				  "active high",
			  b->name, PCI_SPI_END - 1);
		return false;
	}
	return true;
}

/* Function 0 present for every other function; INTx on a line of its own. */
static void check_owned(const struct config *cfg, const struct board *b,
			unsigned int v, struct diag *d)
{
	const struct vm_config *vm = &cfg->vm[v];
	char name[8], other[8];

	for (unsigned int i = 0; i < vm->pci_count; i++) {
		const struct shikiri_pci_fn *fn = &vm->pci[i];

		config_pci_name(fn->bdf, name);
		if ((fn->bdf & 7) && !owns(vm, fn->bdf & ~7u))
			diag_prop(d, cfg->path, vm->node, PROP,
				  "%s is function %u of a device whose "
				  "function 0 (%s) this VM does not own, and "
				  "Linux looks for a device's other functions "
				  "only through function 0; fix: add %s or "
				  "remove %s",
				  name, fn->bdf & 7,
				  config_pci_name(fn->bdf & ~7u, other), other,
				  name);
		if (is_arm(b) && !check_arm(cfg, b, vm, fn, name, d))
			continue;
		if (fn->intx == SHIKIRI_PCI_NO_INTX)
			continue;
		if (!is_arm(b) &&
		    (fn->intx < PCI_GSI_FIRST || fn->intx >= PCI_GSI_END ||
		     fn->intx == b->facts.uart_irq)) {
			diag_prop(
				d, cfg->path, vm->node, PROP,
				"%s's INTx is GSI %u in the board file, but "
				"a VM's I/O APIC takes PCI interrupts on GSIs "
				"%u-%u only; fix: remove its interrupts from "
				"the board file if its driver uses MSI, or "
				"pass another function",
				name, fn->intx, PCI_GSI_FIRST, PCI_GSI_END - 1);
			continue;
		}
		/* A guest DT's interrupt-map routes each function alone. */
		if (!is_arm(b))
			check_pins(cfg, vm, i, d);
		for (unsigned int j = 0; j < v; j++)
			for (unsigned int k = 0; k < cfg->vm[j].pci_count; k++)
				if (cfg->vm[j].pci[k].intx == fn->intx)
					diag_prop(
						d, cfg->path, vm->node, PROP,
						"%s's INTx is %s %u, which "
						"%s of %s drives too, and one "
						"line cannot go to two VMs; "
						"fix: give both to one VM",
						name, line(b), fn->intx,
						config_pci_name(
							cfg->vm[j].pci[k].bdf,
							other),
						cfg->vm[j].node);
	}
}

/**
 * config_pci_resolve() - Check every VM's functions; fill their @pci.
 * @cfg: the config.
 * @board: the board.
 * @d: where problems are reported.
 */
void config_pci_resolve(struct config *cfg, const struct board *board,
			struct diag *d)
{
	bool ok[SHIKIRI_MAX_VMS];

	for (unsigned int v = 0; v < cfg->vm_count; v++) {
		struct vm_config *vm = &cfg->vm[v];

		ok[v] = true;
		if (!vm->pci_named_count)
			continue;
		if (board->pci_node < 0) {
			diag_prop(d, cfg->path, vm->node, PROP,
				  "%s has no PCI host (a node compatible "
				  "\"pci-host-ecam-generic\"); fix: %s or "
				  "remove pci-devices",
				  board->name,
				  is_arm(board) ?
					  "use a board with one (qemu-virt-"
					  "smmu, docs/pci.md)" :
					  "describe its PCI segment in the "
					  "board file (docs/x86.md)");
			ok[v] = false;
			continue;
		}
		for (unsigned int i = 0; i < vm->pci_named_count; i++)
			ok[v] &=
				check_named(cfg, board, v, vm->pci_named[i], d);
	}
	for (unsigned int v = 0; v < cfg->vm_count; v++)
		if (ok[v] && cfg->vm[v].pci_named_count &&
		    expand(cfg, board, &cfg->vm[v], d))
			check_owned(cfg, board, v, d);
}
