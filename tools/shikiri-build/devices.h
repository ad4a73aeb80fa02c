/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_DEVICES_H
#define SHIKIRI_BUILD_DEVICES_H

#include "board.h"
#include "config.h"
#include "diag.h"
#include "shikiri/plan.h"

/**
 * struct passthrough - A VM's passed-through devices, resolved on the board.
 * @node: each device's node in the board DT.
 * @node_count: entries in @node.
 * @mmio: their MMIO, page-rounded and merged; IPA = PA.
 * @mmio_dev: the (first) device each @mmio entry comes from.
 * @mmio_count: entries in @mmio.
 * @irq: their SPIs, then the VM's extra SPIs ("interrupts",
 *       "interrupt-ranges"); virtual INTID = physical INTID.
 * @irq_dev: the device each @irq entry comes from; NULL for an extra SPI.
 * @irq_prop: the config property each @irq entry comes from.
 * @irq_count: entries in @irq.
 */
struct passthrough {
	int node[CONFIG_MAX_DEVICES];
	unsigned int node_count;
	struct shikiri_region mmio[SHIKIRI_MAX_MMIO];
	const char *mmio_dev[SHIKIRI_MAX_MMIO];
	unsigned int mmio_count;
	struct shikiri_irq irq[SHIKIRI_MAX_IRQS];
	const char *irq_dev[SHIKIRI_MAX_IRQS];
	const char *irq_prop[SHIKIRI_MAX_IRQS];
	unsigned int irq_count;
};

/**
 * devices_resolve() - Find a VM's devices in the board DT, then add its
 * extra SPIs.
 * @pt: filled in (zeroed first).
 * @b: the board.
 * @cfg: the config, for messages.
 * @vm: the VM whose "devices" are resolved.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting every problem.
 */
int devices_resolve(struct passthrough *pt, const struct board *b,
		    const struct config *cfg, const struct vm_config *vm,
		    struct diag *d);

/**
 * devices_dma_capable() - Whether a board node can master the bus (DMA),
 * by the marks its DT gives it (see devices.c).
 */
bool devices_dma_capable(const void *fdt, int node);

/**
 * devices_name_irq() - What an entry of @pt->irq comes from, for messages.
 * @pt: the resolved devices.
 * @i: the entry.
 *
 * Return: the device's path, or the property ("interrupts").
 */
const char *devices_name_irq(const struct passthrough *pt, unsigned int i);

/**
 * devices_check_between() - Report devices, pages or SPIs given to two VMs.
 * @pt: each VM's resolved devices, @cfg->vm_count pointers.
 * @cfg: the config.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int devices_check_between(const struct passthrough *const *pt,
			  const struct config *cfg, struct diag *d);

#endif /* SHIKIRI_BUILD_DEVICES_H */
