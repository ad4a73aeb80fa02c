// SPDX-License-Identifier: MIT
/*
 * A VM's device-tree overlay: extra guest nodes the tool does not generate
 * (aliases, reserved-memory, nodes for the VM's extra SPIs, clients below a
 * passed-through bus).  The overlay is checked before and after libfdt
 * merges it, so it can only add passive nodes: it never changes what the
 * tool wrote and never describes hardware the VM does not own.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "dtgen.h"
#include "exec.h"
#include "overlay.h"

#define OVERLAY_UART_SIZE 0x1000ull
#define OVERLAY_RULE                                                       \
	"an overlay may only add passive nodes: a reg only in a child of " \
	"/reserved-memory (inside the VM's RAM, clear of its payloads) "   \
	"or below one of the VM's devices (see docs/config.md)"

/* A node the overlay adds or adds properties to, and what it sets. */
struct touched {
	char *path;
	bool reg;
	bool interrupts;
	const char *irq_parent; /* interrupt-parent, interrupts-extended... */
};

/* Everything one overlay_apply() shares. */
struct ov_check {
	const struct overlay_vm *o;
	const struct config *cfg;
	struct diag *d;
	const void *base;
	const void *ovl;
	struct touched *t;
	unsigned int count;
	unsigned int cap;
	char hint[160]; /* why libfdt may refuse it: a missing target */
	int errors;
};

static void report(struct ov_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(struct ov_check *c, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	diag_prop(c->d, c->cfg->path, c->o->vm->node, "overlay", "'%s': %s",
		  c->o->vm->overlay, text);
	c->errors++;
}

/**
 * overlay_load() - Compile a VM's "overlay" source with dtc -@.
 * @ovl: receives the compiled overlay.
 * @cfg: the config, for messages.
 * @vm: the VM.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int overlay_load(struct blob *ovl, const struct config *cfg,
		 const struct vm_config *vm, struct diag *d)
{
	struct blob src = { NULL, 0 };
	char *messages = NULL;
	int err, status;

	memset(ovl, 0, sizeof(*ovl));
	if (!vm->overlay)
		return 0;
	err = fileio_read(vm->overlay, &src);
	fileio_free(&src);
	if (err) {
		diag_prop(d, cfg->path, vm->node, "overlay",
			  "cannot read '%s': %s; fix: correct the path "
			  "(relative to the config file's directory)",
			  vm->overlay, strerror(-err));
		return -1;
	}
	status = exec_dtc(vm->overlay, true, ovl, &messages);
	if (status != 0 || fdt_check_full(ovl->data, ovl->size) != 0) {
		if (status == 0)
			diag_prop(d, cfg->path, vm->node, "overlay",
				  "dtc produced no usable overlay from '%s'",
				  vm->overlay);
		else
			diag_prop(d, cfg->path, vm->node, "overlay",
				  "dtc could not compile '%s' (exit status %d)"
				  ":\n%s",
				  vm->overlay, status, messages);
		fileio_free(ovl);
		free(messages);
		return -1;
	}
	free(messages);
	return 0;
}

static char *child_path(const char *parent, const char *name)
{
	return fileio_strdup_printf("%s/%s", strcmp(parent, "/") ? parent : "",
				    name);
}

static bool is_irq_parent_prop(const char *name)
{
	return strcmp(name, "interrupt-parent") == 0 ||
	       strcmp(name, "interrupts-extended") == 0 ||
	       strcmp(name, "interrupt-map") == 0;
}

/* Walk an __overlay__ tree beside the node it lands on (-1: a new node). */
static void walk(struct ov_check *c, int onode, int bnode, char *path)
{
	struct touched t = { path, false, false, NULL };
	int prop, sub;

	fdt_for_each_property_offset(prop, c->ovl, onode)
	{
		const char *name;

		fdt_getprop_by_offset(c->ovl, prop, &name, NULL);
		if (bnode >= 0 && fdt_getprop(c->base, bnode, name, NULL))
			report(c,
			       "node %s: would change '%s', which "
			       "shikiri-build writes; fix: set it through the "
			       "config, or leave it out",
			       path, name);
		t.reg |= strcmp(name, "reg") == 0;
		t.interrupts |= strcmp(name, "interrupts") == 0;
		if (is_irq_parent_prop(name))
			t.irq_parent = name;
	}
	if (c->count == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->t = realloc(c->t, c->cap * sizeof(*c->t));
		if (!c->t) {
			fputs("shikiri-build: out of memory\n", stderr);
			exit(2);
		}
	}
	c->t[c->count++] = t;
	fdt_for_each_subnode(sub, c->ovl, onode)
	{
		const char *name = fdt_get_name(c->ovl, sub, NULL);
		int bsub = bnode >= 0 ?
				   fdt_subnode_offset(c->base, bnode, name) :
				   -1;

		walk(c, sub, bsub >= 0 ? bsub : -1, child_path(path, name));
	}
}

/* Label references need the base's __symbols__, which it does not have. */
static void check_fixups(struct ov_check *c)
{
	int fixups = fdt_subnode_offset(c->ovl, 0, "__fixups__"), prop;
	char labels[200] = "";

	if (fixups < 0)
		return;
	fdt_for_each_property_offset(prop, c->ovl, fixups)
	{
		const char *name;
		size_t n = strlen(labels);

		fdt_getprop_by_offset(c->ovl, prop, &name, NULL);
		snprintf(labels + n, sizeof(labels) - n, "%s&%s", n ? ", " : "",
			 name);
	}
	report(c,
	       "refers to nodes of the VM's device tree by label (%s), but "
	       "label targets are not supported: the generated device tree "
	       "has no labels; fix: name nodes by path, e.g. "
	       "&{/intc@8000000} { ... } instead of &gic { ... }",
	       labels);
}

/* Check the overlay's shape and collect the nodes it touches. */
static void check_fragments(struct ov_check *c)
{
	bool fixups = fdt_subnode_offset(c->ovl, 0, "__fixups__") >= 0;
	int node, prop, fragments = 0;

	check_fixups(c);
	fdt_for_each_property_offset(prop, c->ovl, 0)
	{
		report(c, "is not an overlay (it has properties at its root); "
			  "fix: begin it with /dts-v1/; /plugin/; and write "
			  "&{/path} { ... } fragments");
		return;
	}
	fdt_for_each_subnode(node, c->ovl, 0)
	{
		const char *name = fdt_get_name(c->ovl, node, NULL);
		int over = fdt_subnode_offset(c->ovl, node, "__overlay__");
		const char *target;
		int len, bnode;

		if (strcmp(name, "__symbols__") == 0 ||
		    strcmp(name, "__fixups__") == 0 ||
		    strcmp(name, "__local_fixups__") == 0)
			continue;
		if (over < 0) {
			report(c,
			       "/%s is not a fragment (no __overlay__ node); "
			       "fix: begin the file with /dts-v1/; /plugin/; "
			       "and write &{/path} { ... } fragments",
			       name);
			continue;
		}
		target = fdt_getprop(c->ovl, node, "target-path", &len);
		if (!target) {
			if (!fixups)
				report(c,
				       "%s has no target-path (label and "
				       "phandle targets are not supported); "
				       "fix: write &{/path} { ... }",
				       name);
			continue;
		}
		if (len < 2 || target[len - 1] ||
		    strlen(target) != (size_t)len - 1) {
			report(c,
			       "%s: target-path is not a path; fix: e.g. "
			       "target-path = \"/chosen\"",
			       name);
			continue;
		}
		fragments++;
		bnode = fdt_path_offset(c->base, target);
		if (bnode < 0) {
			if (!c->hint[0])
				snprintf(c->hint, sizeof(c->hint),
					 " (%s targets '%s', which the VM's "
					 "device tree does not have)",
					 name, target);
			continue;
		}
		walk(c, over, bnode, fileio_strdup_printf("%s", target));
	}
	if (!fragments && !c->errors)
		report(c, "has no fragments; fix: begin it with /dts-v1/; "
			  "/plugin/; and write &{/path} { ... } fragments");
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* What [base, base + size) in the VM's address space clashes with. */
static void describe(const struct overlay_vm *o, uint64_t base, uint64_t size,
		     char *what, size_t len)
{
	const struct shikiri_plan_board *f = &o->b->facts;
	const struct guest_layout *l = o->l;

	snprintf(what, len, "describes hardware the VM does not own");
	if (overlaps(base, size, l->ram_ipa, l->ram_size))
		snprintf(what, len,
			 "overlaps the VM's RAM [0x%llx, 0x%llx) (to keep "
			 "part of it from the kernel, use a child of "
			 "/reserved-memory)",
			 (unsigned long long)l->ram_ipa,
			 (unsigned long long)(l->ram_ipa + l->ram_size));
	else if (overlaps(base, size, f->hw.aarch64.gicd_base,
			  o->b->gicd_size) ||
		 overlaps(base, size, f->hw.aarch64.gicr_base,
			  f->hw.aarch64.gicr_size))
		snprintf(what, len, "overlaps the GIC");
	else if (overlaps(base, size, f->uart_base, OVERLAY_UART_SIZE))
		snprintf(what, len, "overlaps the UART (%s)",
			 o->vm->console ? "the VM's virtual console" :
					  "the hypervisor's");
	else if (overlaps(base, size, l->manage_ipa, LAYOUT_MANAGE_SIZE))
		snprintf(what, len, "overlaps the management page");
	else if (o->vm->watchdog_ms &&
		 overlaps(base, size, l->watchdog_ipa, LAYOUT_WATCHDOG_SIZE))
		snprintf(what, len, "overlaps the VM's watchdog");
	for (unsigned int i = 0; i < o->pt->mmio_count; i++)
		if (overlaps(base, size, o->pt->mmio[i].ipa,
			     o->pt->mmio[i].size))
			snprintf(what, len,
				 "overlaps '%s', a device the VM already has",
				 o->pt->mmio_dev[i]);
}

/*
 * Whether reserved memory at [base, base + size) would take RAM the VM's
 * payloads are loaded into; @what says which.
 */
static bool payload_clash(const struct guest_layout *l, uint64_t base,
			  uint64_t size, char *what, size_t len)
{
	const struct {
		const char *name;
		uint64_t ipa, size;
	} payloads[] = {
		{ "kernel", l->kernel_ipa, l->kernel_footprint },
		{ "initrd", l->initrd_ipa, l->initrd_size },
		{ "device tree (2 MiB kept for it)", l->dtb_ipa,
		  LAYOUT_DTB_MAX },
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		if (!payloads[i].size ||
		    !overlaps(base, size, payloads[i].ipa, payloads[i].size))
			continue;
		snprintf(what, len,
			 "overlaps the VM's %s at [0x%llx, 0x%llx), where "
			 "shikiri loads it",
			 payloads[i].name, (unsigned long long)payloads[i].ipa,
			 (unsigned long long)(payloads[i].ipa +
					      payloads[i].size));
		return true;
	}
	return false;
}

/* Whether @path lies below one of the VM's passed-through devices. */
static bool below_device(const struct overlay_vm *o, const char *path)
{
	for (unsigned int i = 0; i < o->pt->node_count; i++) {
		const char *name =
			fdt_get_name(o->b->dtb.data, o->pt->node[i], NULL);
		size_t n = strlen(name);

		if (path[0] == '/' && strncmp(path + 1, name, n) == 0 &&
		    path[n + 1] == '/')
			return true;
	}
	return false;
}

static void check_reg(struct ov_check *c, const void *fdt, int node,
		      const char *path)
{
	const struct guest_layout *l = c->o->l;
	int parent = fdt_parent_offset(fdt, node);
	bool resv = parent > 0 &&
		    strcmp(fdt_get_name(fdt, parent, NULL),
			   "reserved-memory") == 0 &&
		    fdt_parent_offset(fdt, parent) == 0;
	uint64_t base, size;
	char what[200];
	int i;

	if (below_device(c->o, path))
		return;
	for (i = 0; board_reg(fdt, node, i, &base, &size) == 0; i++) {
		bool in_ram = base >= l->ram_ipa &&
			      base - l->ram_ipa <= l->ram_size &&
			      size <= l->ram_size - (base - l->ram_ipa);

		if (resv && in_ram &&
		    !payload_clash(l, base, size, what, sizeof(what)))
			continue;
		if (resv && !in_ram)
			snprintf(
				what, sizeof(what),
				"is not inside the VM's RAM [0x%llx, 0x%llx)",
				(unsigned long long)l->ram_ipa,
				(unsigned long long)(l->ram_ipa + l->ram_size));
		else if (!resv)
			describe(c->o, base, size, what, sizeof(what));
		report(c, "node %s: reg [0x%llx, 0x%llx) %s; fix: %s", path,
		       (unsigned long long)base,
		       (unsigned long long)(base + size), what, OVERLAY_RULE);
	}
	if (i == 0)
		report(c,
		       "node %s: its reg cannot be read with its parent's "
		       "#address-cells and #size-cells; fix: %s",
		       path, OVERLAY_RULE);
}

static void check_interrupts(struct ov_check *c, const void *fdt, int node,
			     const char *path)
{
	const struct passthrough *pt = c->o->pt;
	int len;

	if (!fdt_getprop(fdt, node, "interrupts", &len) || len % 12 ||
	    board_interrupt_parent(fdt, node) != DTGEN_GIC_PHANDLE) {
		report(c,
		       "node %s: its interrupts are not GIC interrupts of "
		       "three cells; fix: write interrupts = <0 SPI flags> "
		       "for SPIs the VM owns",
		       path);
		return;
	}
	for (int i = 0; i < len / 12; i++) {
		uint32_t intid = 0;
		bool spi = false, owned = false;

		if (board_irq(fdt, node, i, &intid, &spi) == 0 && spi)
			for (unsigned int k = 0; k < pt->irq_count; k++)
				owned |= pt->irq[k].phys == intid;
		if (owned)
			continue;
		report(c,
		       "node %s: interrupt %d (INTID %u) is not an SPI the VM "
		       "owns; fix: pass it with interrupts = <%u> in the VM, "
		       "or leave it out",
		       path, i, intid, intid);
	}
}

/* Judge every node the overlay touched, in the merged tree. */
static void check_merged(struct ov_check *c, const void *fdt)
{
	for (unsigned int i = 0; i < c->count; i++) {
		const struct touched *t = &c->t[i];
		int node = fdt_path_offset(fdt, t->path);

		if (node < 0)
			continue;
		if (t->irq_parent)
			report(c,
			       "node %s: sets '%s', naming an interrupt "
			       "controller; fix: leave it out (interrupts go "
			       "to the GIC)",
			       t->path, t->irq_parent);
		else if (t->interrupts)
			check_interrupts(c, fdt, node, t->path);
		if (t->reg)
			check_reg(c, fdt, node, t->path);
	}
}

static void *merge(struct ov_check *c, const struct blob *dtb,
		   const struct blob *ovl)
{
	int size = (int)(dtb->size + 4 * ovl->size + 0x1000), err, sym;
	void *fdt = fileio_xmalloc((size_t)size);
	void *copy = fileio_xmalloc(ovl->size);

	memcpy(copy, ovl->data, ovl->size);
	err = fdt_open_into(dtb->data, fdt, size);
	if (!err)
		err = fdt_overlay_apply(fdt, copy);
	free(copy);
	if (err) {
		report(c,
		       "cannot be applied to the VM's device tree: %s%s; fix: "
		       "compare its targets with OUT.img.dtb-%s (dtc -I dtb "
		       "-O dts)",
		       fdt_strerror(err), c->hint, c->o->vm->label);
		free(fdt);
		return NULL;
	}
	/* Symbols from the overlay's own labels: no use to the guest. */
	sym = fdt_subnode_offset(fdt, 0, "__symbols__");
	if (sym >= 0)
		fdt_del_node(fdt, sym);
	fdt_pack(fdt);
	return fdt;
}

/**
 * overlay_apply() - Apply a VM's overlay to its generated device tree.
 * @dtb: the generated DT; replaced by the merged one on success.
 * @ovl: the compiled overlay.
 * @o: what the VM owns.
 * @cfg: the config, for messages.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int overlay_apply(struct blob *dtb, const struct blob *ovl,
		  const struct overlay_vm *o, const struct config *cfg,
		  struct diag *d)
{
	struct ov_check c = { .o = o, .cfg = cfg, .d = d };
	void *fdt = NULL;

	if (!ovl->size)
		return 0;
	c.base = dtb->data;
	c.ovl = ovl->data;
	check_fragments(&c);
	if (!c.errors)
		fdt = merge(&c, dtb, ovl);
	if (fdt)
		check_merged(&c, fdt);
	for (unsigned int i = 0; i < c.count; i++)
		free(c.t[i].path);
	free(c.t);
	if (c.errors) {
		free(fdt);
		return -1;
	}
	fileio_free(dtb);
	dtb->data = fdt;
	dtb->size = fdt_totalsize(fdt);
	return 0;
}
