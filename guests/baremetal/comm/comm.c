/* SPDX-License-Identifier: MIT */
/*
 * Finding the communication devices: the PCI host bridge node (ECAM,
 * windows, interrupt-map) and the virtio-mmio node of the VM's device
 * tree, then each shared-memory function's BARs and identity registers.
 */
#include "comm.h"

#include "baremetal/fdt.h"
#include "baremetal/gic.h"
#include "baremetal/platform.h"
#include "baremetal/sysreg.h"
#include "baremetal/timer.h"
#include "shikiri/shm.h"

#define GIC_SPI_TYPE 0
#define ICFGR_EDGE 2u

static struct comm comm;
static bool comm_read;

bool comm_is_role(const char *role)
{
	return bootargs_is("commprobe.role", role);
}

uint64_t comm_cfg(uint32_t devfn, uint32_t off)
{
	return comm.ecam + ((uint64_t)devfn << 12) + off;
}

/* A node's u32 property @name, or @dflt when it has none. */
static uint32_t prop_u32(int node, const char *name, uint32_t dflt)
{
	uint32_t len;
	const void *p = node < 0 ? NULL :
				   fdt_prop(platform.dtb, node, name, &len);

	return p && len == 4 ? (uint32_t)fdt_cells(p, 1) : dflt;
}

static uint64_t cells_at(const uint32_t *p, unsigned n)
{
	return n == 0 ? 0 : fdt_cells(p, n > 2 ? 2 : n);
}

/* The root's reg cells: every node read here is the root's child. */
static void root_cells(unsigned *ac, unsigned *sc)
{
	*ac = prop_u32(0, "#address-cells", 2);
	*sc = prop_u32(0, "#size-cells", 1);
}

static const char *read_reg(int node, uint64_t *base, uint64_t *size)
{
	unsigned ac, sc;
	uint32_t len;
	const uint32_t *reg = fdt_prop(platform.dtb, node, "reg", &len);

	root_cells(&ac, &sc);
	if (!reg || ac > 2 || sc > 2 || len < (ac + sc) * 4)
		return "a node without a usable reg";
	*base = cells_at(reg, ac);
	*size = cells_at(reg + ac, sc);
	return NULL;
}

/* ranges: <phys.hi phys.mid phys.lo> <CPU address> <size (2 cells)>. */
static const char *read_ranges(int node)
{
	unsigned ac, sc, step;
	uint32_t len;
	const uint32_t *r = fdt_prop(platform.dtb, node, "ranges", &len);

	root_cells(&ac, &sc);
	step = 3 + ac + 2;
	if (!r || len % (step * 4) || len / (step * 4) > 4)
		return "pcie ranges malformed";
	for (unsigned i = 0; i < len / (step * 4); i++, r += step) {
		struct comm_window *w = &comm.window[comm.window_count++];
		uint64_t pci = (uint64_t)fdt_cells(r + 1, 2);

		w->space = (uint32_t)fdt_cells(r, 1) & 0xff000000u;
		w->base = cells_at(r + 3, ac);
		w->size = fdt_cells(r + 3 + ac, 2);
		if (pci != w->base)
			return "pcie ranges translate addresses";
	}
	return NULL;
}

/*
 * interrupt-map entries: child unit address (the node's #address-cells),
 * child specifier (#interrupt-cells), parent phandle, parent unit address
 * (the GIC's #address-cells, 0 when absent as Linux reads it) and the
 * GIC's specifier <type number flags>.
 */
static const char *read_interrupt_map(int node)
{
	int gic = fdt_path(platform.dtb, "/intc");
	unsigned cac = prop_u32(node, "#address-cells", 3);
	unsigned cic = prop_u32(node, "#interrupt-cells", 1);
	unsigned pac = prop_u32(gic, "#address-cells", 0);
	unsigned pic = prop_u32(gic, "#interrupt-cells", 3);
	unsigned step = cac + cic + 1 + pac + pic;
	uint32_t len;
	const uint32_t *m = fdt_prop(platform.dtb, node, "interrupt-map", &len);

	if (!m || cac != 3 || pic != 3 || len % (step * 4))
		return "pcie interrupt-map malformed";
	for (unsigned i = 0; i < len / (step * 4); i++, m += step) {
		const uint32_t *spec = m + cac + cic + 1 + pac;
		struct comm_pci_irq *irq;

		if (comm.irq_count == COMM_MAX_FN)
			return "pcie interrupt-map: too many entries";
		if (fdt_cells(spec, 1) != GIC_SPI_TYPE)
			return "pcie interrupt-map: not an SPI";
		irq = &comm.irq[comm.irq_count++];
		irq->devfn = ((uint32_t)fdt_cells(m, 1) >> 8) & 0xff;
		irq->intid = (uint32_t)fdt_cells(spec + 1, 1) + 32;
		irq->flags = (uint32_t)fdt_cells(spec + 2, 1);
	}
	return NULL;
}

static const char *read_pci(void)
{
	int node = fdt_path(platform.dtb, "/pcie");
	int chosen = fdt_path(platform.dtb, "/chosen");
	const char *err;

	if (node < 0)
		return NULL;
	comm.has_pci = true;
	comm.probe_only = prop_u32(chosen, "linux,pci-probe-only", 0) == 1;
	err = read_reg(node, &comm.ecam, &comm.ecam_size);
	if (!err)
		err = read_ranges(node);
	return err ? err : read_interrupt_map(node);
}

static const char *read_net(void)
{
	int node = fdt_path(platform.dtb, "/virtio_mmio");
	uint32_t len;
	const uint32_t *irq;
	const char *err;

	if (node < 0)
		return NULL;
	comm.has_net = true;
	err = read_reg(node, &comm.net, &comm.net_size);
	if (err)
		return err;
	irq = fdt_prop(platform.dtb, node, "interrupts", &len);
	if (!irq || len != 12 || fdt_cells(irq, 1) != GIC_SPI_TYPE)
		return "virtio_mmio interrupts malformed";
	comm.net_intid = (uint32_t)fdt_cells(irq + 1, 1) + 32;
	comm.net_irq_flags = (uint32_t)fdt_cells(irq + 2, 1);
	return NULL;
}

/* BARs by sizing (the way Linux sizes them: all-ones, read, restore). */
static void read_fn(struct comm_fn *f)
{
	uint64_t b2 = comm_cfg(f->devfn, PCI_BAR0 + 8);
	uint32_t lo = mmio_read32(b2), hi = mmio_read32(b2 + 4);
	uint64_t mask;

	f->regs = mmio_read32(comm_cfg(f->devfn, PCI_BAR0)) & ~0xfull;
	f->bar2 = ((uint64_t)hi << 32 | lo) & ~0xfull;
	mmio_write32(b2, ~0u);
	mmio_write32(b2 + 4, ~0u);
	mask = ((uint64_t)mmio_read32(b2 + 4) << 32 | mmio_read32(b2)) &
	       ~0xfull;
	mmio_write32(b2, lo);
	mmio_write32(b2 + 4, hi);
	f->size = ~mask + 1;
	f->self = mmio_read32(f->regs + SHIKIRI_SHM_IV_POSITION);
	f->peers = mmio_read32(f->regs + SHIKIRI_SHM_PEERS);
	f->read_only = mmio_read32(f->regs + SHIKIRI_SHM_FLAGS) &
		       SHIKIRI_SHM_F_READ_ONLY;
	for (unsigned i = 0; i < COMM_NAME_LEN; i += 4) {
		uint32_t w = mmio_read32(f->regs + SHIKIRI_SHM_NAME + i);

		for (unsigned k = 0; k < 4; k++)
			f->name[i + k] = (char)(w >> (8 * k));
	}
	f->name[COMM_NAME_LEN] = '\0';
}

static void read_bus(void)
{
	for (unsigned i = 0; i < comm.irq_count; i++) {
		uint32_t devfn = comm.irq[i].devfn;
		uint32_t id = mmio_read32(comm_cfg(devfn, PCI_ID));
		struct comm_fn *f;

		if (id != (SHIKIRI_SHM_DEVICE << 16 | SHIKIRI_SHM_VENDOR))
			continue;
		f = &comm.fn[comm.fn_count++];
		f->devfn = devfn;
		f->intid = comm.irq[i].intid;
		read_fn(f);
	}
}

const struct comm *comm_get(void)
{
	if (!comm_read) {
		comm_read = true;
		comm.err = read_pci();
		if (!comm.err)
			comm.err = read_net();
		if (!comm.err && comm.has_pci)
			read_bus();
	}
	return &comm;
}

bool comm_in_window(uint32_t space, uint64_t base, uint64_t size)
{
	const struct comm *c = comm_get();

	for (unsigned i = 0; i < c->window_count; i++) {
		const struct comm_window *w = &c->window[i];

		if (w->space == space && base >= w->base &&
		    base + size <= w->base + w->size)
			return true;
	}
	return false;
}

static const struct comm_fn *fn_with(bool ro)
{
	const struct comm *c = comm_get();

	for (unsigned i = 0; i < c->fn_count; i++)
		if (c->fn[i].read_only == ro)
			return &c->fn[i];
	return NULL;
}

const struct comm_fn *comm_rw_fn(void)
{
	return fn_with(false);
}

const struct comm_fn *comm_ro_fn(void)
{
	return fn_with(true);
}

static bool within(uint64_t addr, uint64_t base, uint64_t size)
{
	return size && addr + 8 > base && addr < base + size;
}

bool comm_owned(uint64_t addr)
{
	const struct comm *c = comm_get();

	if (within(addr, platform.ram_base, platform.ram_size) ||
	    within(addr, platform.gicd_base, platform.gicd_size) ||
	    within(addr, platform.gicr_base, platform.gicr_size) ||
	    within(addr, platform.uart_base, platform.uart_size) ||
	    (c->has_pci && within(addr, c->ecam, c->ecam_size)) ||
	    (c->has_net && within(addr, c->net, 0x1000)))
		return true;
	for (unsigned i = 0; i < c->fn_count; i++)
		if (within(addr, c->fn[i].regs, SHIKIRI_SHM_REGS_SIZE) ||
		    within(addr, c->fn[i].bar2, c->fn[i].size))
			return true;
	return false;
}

unsigned comm_foreign_points(struct range r, uint64_t out[3])
{
	uint64_t start = ALIGN_UP(r.start, 8), end = r.end & ~7ull;
	uint64_t at[3];
	unsigned n = 0;

	if (end <= start)
		return 0;
	at[0] = start;
	at[1] = start + ((end - start) / 2 & ~7ull);
	at[2] = end - 8;
	for (unsigned i = 0; i < 3; i++)
		if (!comm_owned(at[i]))
			out[n++] = at[i];
	return n;
}

uint32_t comm_irq_wait(uint64_t us)
{
	uint64_t end = timer_now_us() + us;

	while (!gic_irq_pending())
		if (timer_now_us() >= end)
			return GIC_SPURIOUS;
	return gic_ack();
}

void comm_spi_setup(uint32_t intid, bool on)
{
	uint64_t cfg = gic_dist(GICD_ICFGR + (intid / 16) * 4);
	unsigned shift = (intid % 16) * 2;

	/* As Linux does for the DT's edge type (IRQ_TYPE_EDGE_RISING). */
	mmio_write32(cfg,
		     (mmio_read32(cfg) & ~(3u << shift)) | ICFGR_EDGE << shift);
	gic_spi_enable(intid, on);
}
