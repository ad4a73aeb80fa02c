// SPDX-License-Identifier: MIT
/*
 * Extra SPIs for a VM, not tied to a device: "interrupts = <40 41>" lists
 * INTIDs, "interrupt-ranges = <64 8>" gives <first count> pairs.  Each one
 * becomes a passthrough IRQ whose virtual INTID is the physical one.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "config_vm.h"

/* Why the hypervisor keeps @intid, or NULL when a VM may have it. */
static const char *kept_by_hv(const struct board *b, uint32_t intid)
{
	if (intid == b->facts.hw.aarch64.gic_maint_intid)
		return "the GIC maintenance interrupt, which the hypervisor "
		       "keeps";
	if (intid == b->facts.uart_irq)
		return "the board UART's, which the hypervisor keeps (it "
		       "drives every virtual console)";
	return NULL;
}

/* Check one INTID; @where says which range it came from ("" if none). */
static void add_irq(struct vm_parse *p, const char *name, uint32_t intid,
		    const char *where)
{
	struct vm_config *vm = p->vm;
	const char *kept = kept_by_hv(p->board, intid);
	bool dup = false;

	for (unsigned int i = 0; i < vm->irq_count; i++)
		dup |= vm->irq[i] == intid;
	if (kept) {
		diag_prop(p->d, p->cfg->path, vm->node, name,
			  "INTID %u%s is %s; fix: remove it", intid, where,
			  kept);
	} else if (intid < SHIKIRI_GIC_SPI_BASE ||
		   intid > SHIKIRI_GIC_MAX_INTID) {
		diag_prop(p->d, p->cfg->path, vm->node, name,
			  "INTID %u%s is not an SPI (%u-%u); fix: pass only "
			  "SPIs (SGIs and PPIs belong to each CPU)",
			  intid, where, SHIKIRI_GIC_SPI_BASE,
			  SHIKIRI_GIC_MAX_INTID);
	} else if (dup) {
		diag_prop(p->d, p->cfg->path, vm->node, name,
			  "INTID %u%s is given twice; fix: give it once", intid,
			  where);
	} else {
		if (vm->irq_count < SHIKIRI_MAX_IRQS) {
			vm->irq_prop[vm->irq_count] = name;
			vm->irq[vm->irq_count++] = intid;
		}
		vm->irq_total++;
	}
}

static void parse_list(struct vm_parse *p, const char *name,
		       const fdt32_t *cells, int len)
{
	if (len <= 0 || len % 4) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must list INTIDs; fix: e.g. interrupts = <40 41>");
		return;
	}
	for (int i = 0; i < len / 4; i++)
		add_irq(p, name, fdt32_to_cpu(cells[i]), "");
}

static void parse_ranges(struct vm_parse *p, const char *name,
			 const fdt32_t *cells, int len)
{
	if (len <= 0 || len % 8) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must be <first count> pairs of INTIDs; fix: e.g. "
			  "interrupt-ranges = <64 8> for INTIDs 64-71");
		return;
	}
	for (int i = 0; i < len / 8; i++) {
		uint32_t first = fdt32_to_cpu(cells[2 * i]);
		uint32_t count = fdt32_to_cpu(cells[2 * i + 1]);
		char where[40];

		if (count == 0 || first < SHIKIRI_GIC_SPI_BASE ||
		    first > SHIKIRI_GIC_MAX_INTID ||
		    count > SHIKIRI_GIC_MAX_INTID - first + 1) {
			diag_prop(p->d, p->cfg->path, p->vm->node, name,
				  "<%u %u> is not a range of SPIs (%u-%u); "
				  "fix: give a first SPI and how many follow "
				  "it, e.g. <64 8>",
				  first, count, SHIKIRI_GIC_SPI_BASE,
				  SHIKIRI_GIC_MAX_INTID);
			continue;
		}
		snprintf(where, sizeof(where), " (in <%u %u>)", first, count);
		for (uint32_t n = 0; n < count; n++)
			add_irq(p, name, first + n, where);
	}
}

/**
 * config_irq_parse() - Read "interrupts" or "interrupt-ranges".
 * @p: the VM being read.
 * @name: which of the two properties.
 * @val: its value.
 * @len: its length in bytes.
 */
void config_irq_parse(struct vm_parse *p, const char *name, const void *val,
		      int len)
{
	if (strcmp(name, "interrupts") == 0)
		parse_list(p, name, val, len);
	else
		parse_ranges(p, name, val, len);
}

/**
 * config_irq_finish() - Report more extra SPIs than the plan can hold.
 * @p: the VM, after all its properties were read.
 */
void config_irq_finish(struct vm_parse *p)
{
	if (p->vm->irq_total > SHIKIRI_MAX_IRQS)
		diag_prop(p->d, p->cfg->path, p->vm->node, p->vm->irq_prop[0],
			  "%u SPIs in interrupts and interrupt-ranges, more "
			  "than the %u a VM can have; fix: pass fewer",
			  p->vm->irq_total, SHIKIRI_MAX_IRQS);
}
