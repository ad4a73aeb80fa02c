// SPDX-License-Identifier: MIT
/*
 * Passthrough devices: a board DT node named in a VM's "devices" gives that
 * VM its MMIO (4 KiB pages, IPA = PA) and its SPIs (virtual = physical).
 */
#include <libfdt.h>
#include <string.h>

#include "devices.h"
#include "dtcopy.h"

#define PAGE 0x1000ull
#define GICD_SIZE 0x10000ull

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* Add [base, base + size) page-rounded, merging with what it touches. */
static int add_mmio(struct passthrough *pt, uint64_t base, uint64_t size,
		    const char *dev)
{
	uint64_t start = base & ~(PAGE - 1);
	uint64_t end = (base + size + PAGE - 1) & ~(PAGE - 1);

	for (unsigned int i = 0; i < pt->mmio_count; i++) {
		struct shikiri_region *r = &pt->mmio[i];

		if (start <= r->pa + r->size && r->pa <= end) {
			uint64_t lo = start < r->pa ? start : r->pa;
			uint64_t hi = end > r->pa + r->size ? end :
							      r->pa + r->size;

			r->pa = r->ipa = lo;
			r->size = hi - lo;
			return 0;
		}
	}
	if (pt->mmio_count == SHIKIRI_MAX_MMIO)
		return -1;
	pt->mmio[pt->mmio_count].ipa = start;
	pt->mmio[pt->mmio_count].pa = start;
	pt->mmio[pt->mmio_count].size = end - start;
	pt->mmio_dev[pt->mmio_count++] = dev;
	return 0;
}

/* Whether @node is @ancestor or lies below it. */
static bool under(const void *fdt, int node, int ancestor)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node))
		if (node == ancestor)
			return true;
	return false;
}

static bool compatible(const void *fdt, int node, const char *compat)
{
	return fdt_node_check_compatible(fdt, node, compat) == 0;
}

/*
 * Nodes that write to memory and serve the whole machine, so no VM may own
 * them: why not, or NULL.  Checked before anything else, since the ITS sits
 * below the GIC's node, not at the root.
 */
static const char *machine_dma(const struct board *b, int node)
{
	const void *fdt = b->dtb.data;

	if (compatible(fdt, node, "arm,gic-v3-its") ||
	    (node != b->gic_node && under(fdt, node, b->gic_node)))
		return "is part of the GIC, which the hypervisor keeps, and "
		       "an ITS writes its tables anywhere in memory; fix: "
		       "remove it (guests get no MSIs)";
	if (fdt_getprop(fdt, node, "#iommu-cells", NULL) ||
	    compatible(fdt, node, "arm,smmu-v3"))
		return "is an IOMMU, which translates the DMA of every device "
		       "behind it and walks its tables in memory: only the "
		       "hypervisor could own it; fix: remove it";
	/* Read only when a VM names pci-devices (board_arm_pci_load()). */
	if (node == b->pci_node)
		return "is the PCI host whose functions pci-devices gives to "
		       "VMs one by one; the hypervisor keeps the host itself "
		       "(its ECAM, and the SMMU in front of it); fix: name "
		       "the functions in pci-devices instead";
	if (compatible(fdt, node, "qemu,fw-cfg-mmio"))
		return "is QEMU's fw_cfg, the firmware interface of the whole "
		       "machine, whose DMA interface writes anywhere in "
		       "memory; fix: remove it";
	return NULL;
}

/**
 * devices_dma_capable() - Whether a passed-through board node can master
 * the bus (DMA), by what its DT says.
 * @fdt: the board DT.
 * @node: the device.
 *
 * A DMA-capable device writes wherever its driver tells it, so its VM must
 * see its RAM where it really is.  Marks: dma-coherent; a virtio,mmio
 * transport; a PCI host bridge (device_type "pci": every bus-mastering
 * device behind it); a DMA controller (#dma-cells); a device behind an
 * IOMMU (iommus) or with DMA address ranges (dma-ranges).  A bus master that
 * carries none of them (a non-coherent one on some boards) is not seen.
 *
 * Return: true when it has one of the marks.
 */
bool devices_dma_capable(const void *fdt, int node)
{
	static const char *const marks[] = {
		"dma-coherent",
		"#dma-cells",
		"iommus",
		"dma-ranges",
	};
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (fdt_getprop(fdt, node, marks[i], NULL))
			return true;
	return compatible(fdt, node, "virtio,mmio") ||
	       (type && strcmp(type, "pci") == 0);
}

/* The hypervisor's own: RAM, GIC, its UART, CPUs. */
static const char *owned_by_hv(const struct board *b, int node, uint64_t base,
			       uint64_t size)
{
	const struct shikiri_plan_board *f = &b->facts;

	if (node == b->gic_node ||
	    overlaps(base, size, f->hw.aarch64.gicd_base, GICD_SIZE) ||
	    overlaps(base, size, f->hw.aarch64.gicr_base,
		     f->hw.aarch64.gicr_size))
		return "the GIC";
	if (node == b->uart_node || overlaps(base, size, f->uart_base, PAGE))
		return "the hypervisor's UART";
	if (overlaps(base, size, f->ram[0].base, f->ram[0].size))
		return "RAM";
	return NULL;
}

static int resolve_regs(struct passthrough *pt, const struct board *b,
			const struct config *cfg, const struct vm_config *vm,
			int node, const char *dev, struct diag *d)
{
	uint64_t base, size;
	int i;

	for (i = 0; board_reg(b->dtb.data, node, i, &base, &size) == 0; i++) {
		const char *hv = owned_by_hv(b, node, base, size);

		if (hv) {
			diag_prop(d, cfg->path, vm->node, "devices",
				  "'%s' overlaps %s, which the hypervisor "
				  "keeps; fix: remove it",
				  dev, hv);
			return -1;
		}
		if (size == 0 || base + size < base) {
			diag_prop(
				d, cfg->path, vm->node, "devices",
				"'%s': reg entry %d is empty or wraps around; "
				"fix: pass another device",
				dev, i);
			return -1;
		}
		if (add_mmio(pt, base, size, dev)) {
			diag_prop(d, cfg->path, vm->node, "devices",
				  "'%s' makes more than %u MMIO regions (4 KiB "
				  "pages, merged where they touch), the most a "
				  "VM can have; fix: pass fewer devices",
				  dev, SHIKIRI_MAX_MMIO);
			return -1;
		}
	}
	if (i == 0) {
		diag_prop(d, cfg->path, vm->node, "devices",
			  "'%s' has no usable reg, so it is not an MMIO "
			  "device shikiri can pass through",
			  dev);
		return -1;
	}
	return 0;
}

static int resolve_irqs(struct passthrough *pt, const struct board *b,
			const struct config *cfg, const struct vm_config *vm,
			int node, const char *dev, struct diag *d)
{
	const void *fdt = b->dtb.data;
	int len, count;

	if (!fdt_getprop(fdt, node, "interrupts", &len))
		return 0;
	count = len / 12;
	if (len % 12 || board_interrupt_parent(fdt, node) != b->gic_phandle) {
		diag_prop(d, cfg->path, vm->node, "devices",
			  "'%s': its interrupts are not GIC interrupts; fix: "
			  "pass another device",
			  dev);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		uint32_t intid = 0;
		bool spi = false, dup = false;

		if (board_irq(fdt, node, i, &intid, &spi) || !spi ||
		    intid == b->facts.uart_irq) {
			diag_prop(d, cfg->path, vm->node, "devices",
				  "'%s': interrupt %d is not an SPI it may "
				  "own (INTID %u); fix: pass another device",
				  dev, i, intid);
			return -1;
		}
		for (unsigned int k = 0; k < pt->irq_count; k++)
			dup |= pt->irq[k].phys == intid;
		if (dup)
			continue;
		if (pt->irq_count == SHIKIRI_MAX_IRQS) {
			diag_prop(d, cfg->path, vm->node, "devices",
				  "'%s' brings the devices' SPIs to more than "
				  "%u, the most a VM can have; fix: pass fewer "
				  "devices",
				  dev, SHIKIRI_MAX_IRQS);
			return -1;
		}
		pt->irq[pt->irq_count].virt = intid;
		pt->irq[pt->irq_count].phys = intid;
		pt->irq_prop[pt->irq_count] = "devices";
		pt->irq_dev[pt->irq_count++] = dev;
	}
	return 0;
}

/*
 * Add the VM's extra SPIs after its devices' SPIs.  The config reader has
 * checked them against the board and each other; here they meet the
 * devices.
 */
static int add_extra_irqs(struct passthrough *pt, const struct config *cfg,
			  const struct vm_config *vm, struct diag *d)
{
	unsigned int from_devices = pt->irq_count, wanted = from_devices;
	int ret = 0;

	for (unsigned int k = 0; k < vm->irq_count; k++) {
		const char *dev = NULL;

		for (unsigned int i = 0; i < from_devices; i++)
			if (pt->irq[i].phys == vm->irq[k])
				dev = pt->irq_dev[i];
		if (dev) {
			diag_prop(d, cfg->path, vm->node, vm->irq_prop[k],
				  "INTID %u is already passed through with "
				  "'%s'; fix: remove it from %s",
				  vm->irq[k], dev, vm->irq_prop[k]);
			ret = -1;
			continue;
		}
		wanted++;
		if (pt->irq_count == SHIKIRI_MAX_IRQS)
			continue;
		pt->irq[pt->irq_count].virt = vm->irq[k];
		pt->irq[pt->irq_count].phys = vm->irq[k];
		pt->irq_prop[pt->irq_count] = vm->irq_prop[k];
		pt->irq_dev[pt->irq_count++] = NULL;
	}
	/* More extras than fit alone were reported with the config. */
	if (wanted > SHIKIRI_MAX_IRQS && vm->irq_total <= SHIKIRI_MAX_IRQS) {
		diag_prop(d, cfg->path, vm->node, vm->irq_prop[0],
			  "%u SPIs in all (%u from devices, %u from "
			  "interrupts and interrupt-ranges), more than the %u "
			  "a VM can have; fix: pass fewer",
			  wanted, from_devices, wanted - from_devices,
			  SHIKIRI_MAX_IRQS);
		ret = -1;
	}
	return ret;
}

/**
 * devices_name_irq() - What an entry of @pt->irq comes from, for messages.
 * @pt: the resolved devices.
 * @i: the entry.
 *
 * Return: the device's path, or the property ("interrupts").
 */
const char *devices_name_irq(const struct passthrough *pt, unsigned int i)
{
	return pt->irq_dev[i] ? pt->irq_dev[i] : pt->irq_prop[i];
}

/**
 * devices_resolve() - Find a VM's devices in the board DT, then add its
 * extra SPIs.
 * @pt: filled in.
 * @b: the board.
 * @cfg: the config, for messages.
 * @vm: the VM.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting every problem.
 */
int devices_resolve(struct passthrough *pt, const struct board *b,
		    const struct config *cfg, const struct vm_config *vm,
		    struct diag *d)
{
	const void *fdt = b->dtb.data;
	int ret = 0;

	memset(pt, 0, sizeof(*pt));
	for (unsigned int i = 0; i < vm->device_count; i++) {
		const char *dev = vm->devices[i];
		int node = fdt_path_offset(fdt, dev);
		const char *hv;
		char why[128];

		if (node < 0) {
			diag_prop(d, cfg->path, vm->node, "devices",
				  "'%s' is not in the board's DT; fix: use a "
				  "node path from 'dtc -I dtb -O dts' of the "
				  "board DTB",
				  dev);
			ret = -1;
			continue;
		}
		hv = machine_dma(b, node);
		if (hv) {
			diag_prop(d, cfg->path, vm->node, "devices", "'%s' %s",
				  dev, hv);
			ret = -1;
			continue;
		}
		if (fdt_parent_offset(fdt, node) != 0) {
			diag_prop(d, cfg->path, vm->node, "devices",
				  "'%s' is not a child of the root node, which "
				  "shikiri cannot pass through yet",
				  dev);
			ret = -1;
			continue;
		}
		if (dtcopy_check(fdt, node, b->gic_phandle, why, sizeof(why))) {
			diag_prop(d, cfg->path, vm->node, "devices",
				  "'%s': %s; fix: pass another device", dev,
				  why);
			ret = -1;
			continue;
		}
		if (resolve_regs(pt, b, cfg, vm, node, dev, d) ||
		    resolve_irqs(pt, b, cfg, vm, node, dev, d)) {
			ret = -1;
			continue;
		}
		pt->node[pt->node_count++] = node;
	}
	if (add_extra_irqs(pt, cfg, vm, d))
		ret = -1;
	return ret;
}

/* Report MMIO of @a that shares a page with MMIO of @b. */
static void check_mmio_pair(const struct passthrough *a,
			    const struct passthrough *b, const char *file,
			    const char *node, const char *other, struct diag *d)
{
	for (unsigned int m = 0; m < a->mmio_count; m++) {
		for (unsigned int n = 0; n < b->mmio_count; n++) {
			const char *dev = a->mmio_dev[m];

			if (!overlaps(a->mmio[m].pa, a->mmio[m].size,
				      b->mmio[n].pa, b->mmio[n].size))
				continue;
			if (strcmp(dev, b->mmio_dev[n]) == 0)
				diag_prop(d, file, node, "devices",
					  "'%s' is already given to %s; fix: "
					  "give it to one VM",
					  dev, other);
			else
				diag_prop(d, file, node, "devices",
					  "'%s' shares a 4 KiB page with '%s' "
					  "of %s; fix: give both to one VM",
					  dev, b->mmio_dev[n], other);
		}
	}
}

/* Report one SPI that @a's entry @m and @b's entry @n both have. */
static void report_irq(const struct passthrough *a, unsigned int m,
		       const struct passthrough *b, unsigned int n,
		       const char *file, const char *node, const char *other,
		       struct diag *d)
{
	const char *adev = a->irq_dev[m], *bdev = b->irq_dev[n];
	uint32_t intid = a->irq[m].phys;

	if (adev && bdev)
		diag_prop(d, file, node, "devices",
			  "'%s' uses INTID %u, already given to %s with '%s'; "
			  "fix: give both devices to one VM",
			  adev, intid, other, bdev);
	else if (adev)
		diag_prop(d, file, node, "devices",
			  "'%s' uses INTID %u, which %s has in its %s; fix: "
			  "give the device and the INTID to one VM",
			  adev, intid, other, b->irq_prop[n]);
	else if (bdev)
		diag_prop(d, file, node, a->irq_prop[m],
			  "INTID %u belongs to '%s' of %s; fix: give the "
			  "INTID and the device to one VM",
			  intid, bdev, other);
	else
		diag_prop(d, file, node, a->irq_prop[m],
			  "INTID %u is already given to %s; fix: give it to "
			  "one VM",
			  intid, other);
}

/* Report SPIs of @a that @b has too (other than the same device). */
static void check_irq_pair(const struct passthrough *a,
			   const struct passthrough *b, const char *file,
			   const char *node, const char *other, struct diag *d)
{
	for (unsigned int m = 0; m < a->irq_count; m++) {
		for (unsigned int n = 0; n < b->irq_count; n++) {
			if (a->irq[m].phys != b->irq[n].phys)
				continue;
			/* The same device twice: its MMIO says so. */
			if (a->irq_dev[m] && b->irq_dev[n] &&
			    strcmp(a->irq_dev[m], b->irq_dev[n]) == 0)
				continue;
			report_irq(a, m, b, n, file, node, other, d);
		}
	}
}

/**
 * devices_check_between() - Report devices, pages or SPIs given to two VMs.
 * @pt: each VM's resolved devices.
 * @cfg: the config.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int devices_check_between(const struct passthrough *const *pt,
			  const struct config *cfg, struct diag *d)
{
	int errors = d->errors;

	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		for (unsigned int j = 0; j < i; j++) {
			check_mmio_pair(pt[i], pt[j], cfg->path,
					cfg->vm[i].node, cfg->vm[j].node, d);
			check_irq_pair(pt[i], pt[j], cfg->path, cfg->vm[i].node,
				       cfg->vm[j].node, d);
		}
	}
	return d->errors == errors ? 0 : -1;
}
