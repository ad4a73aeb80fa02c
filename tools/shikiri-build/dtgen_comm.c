// SPDX-License-Identifier: MIT
/*
 * The guest DT nodes of shared memory, virtual LANs and PCI passthrough: a
 * generic ECAM PCI host (Linux's pci-host-ecam-generic, built into
 * Debian's kernels) whose bus 0 carries one ivshmem-compatible function
 * per region and the PCI functions the VM owns at their own devfn, and a
 * virtio-mmio transport for the network device.  The bindings are
 * Documentation/devicetree/bindings/pci/host-generic-pci.yaml, pci/pci-
 * msi.txt and virtio/mmio.yaml; the regions' interrupts are GIC SPIs,
 * edge-triggered, as the hypervisor raises them; a passed-through
 * function's INTx is its physical SPI, with the board's trigger.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "dtgen.h"

/* PCI address space codes of "ranges" (IEEE 1275 PCI binding). */
#define PCI_SPACE_MEM32 0x02000000u
#define PCI_SPACE_MEM64 0x03000000u
#define PCI_SPACE_MEM64_PREFETCH 0x43000000u
/* GIC interrupt specifier: SPI; edge rising, level high. */
#define GIC_SPI 0u
#define GIC_EDGE_RISING 1u
#define GIC_LEVEL_HIGH 4u
#define PCI_INTA 1u
/* Per interrupt-map entry: unit address, pin, GIC phandle, GIC's cells. */
#define MAP_CELLS (3u + 1u + 1u + DTGEN_GIC_ADDRESS_CELLS + 3u)
#define RANGE_CELLS 7u
#define MAX_RANGES 4u

static uint32_t hi32(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

static uint32_t lo32(uint64_t v)
{
	return (uint32_t)v;
}

/* One window of "ranges": PCI address = CPU address. */
static unsigned int range(fdt32_t *r, uint32_t space, uint64_t base,
			  uint64_t size)
{
	const uint32_t v[RANGE_CELLS] = { space,      hi32(base), lo32(base),
					  hi32(base), lo32(base), hi32(size),
					  lo32(size) };

	if (!size)
		return 0;
	for (unsigned int i = 0; i < RANGE_CELLS; i++)
		r[i] = cpu_to_fdt32(v[i]);
	return RANGE_CELLS;
}

/* One interrupt-map entry: function @devfn's pin to GIC SPI @intid. */
static unsigned int map_entry(fdt32_t *map, uint32_t devfn, uint32_t pin,
			      uint32_t intid, uint32_t type)
{
	unsigned int n = 0;

	/* The child's unit address: phys.hi holds devfn << 8. */
	map[n++] = cpu_to_fdt32(devfn << 8);
	map[n++] = 0;
	map[n++] = 0;
	map[n++] = cpu_to_fdt32(pin);
	map[n++] = cpu_to_fdt32(DTGEN_GIC_PHANDLE);
	/* The parent's unit address: DTGEN_GIC_ADDRESS_CELLS zeros. */
	memset(&map[n], 0, DTGEN_GIC_ADDRESS_CELLS * sizeof(map[0]));
	n += DTGEN_GIC_ADDRESS_CELLS;
	map[n++] = cpu_to_fdt32(GIC_SPI);
	map[n++] = cpu_to_fdt32(intid - SHIKIRI_GIC_SPI_BASE);
	map[n++] = cpu_to_fdt32(type);
	return n;
}

static int write_map(void *fdt, const struct comm_vm *comm)
{
	/*
	 * Match on the device number and the pin, and on the function
	 * number too when real functions are there: a board may route the
	 * functions of one device apart.
	 */
	const fdt32_t mask[4] = { cpu_to_fdt32(comm->pci_count ? 0xff00 :
								 0xf800),
				  0, 0, cpu_to_fdt32(7) };
	fdt32_t map[(SHIKIRI_MAX_SHM + SHIKIRI_MAX_PCI) * MAP_CELLS];
	unsigned int n = 0;
	int err;

	for (uint32_t i = 0; i < comm->shm_count; i++)
		n += map_entry(map + n, comm->shm[i].devfn, PCI_INTA,
			       comm->shm[i].intid, GIC_EDGE_RISING);
	for (uint32_t i = 0; i < comm->pci_count; i++) {
		const struct shikiri_pci_fn *f = &comm->pci[i];

		if (f->intx == SHIKIRI_PCI_NO_INTX)
			continue;
		/* The config refuses active-low lines: the GIC has none. */
		n += map_entry(map + n, f->bdf & 0xff, f->intx_pin, f->intx,
			       f->flags & SHIKIRI_PCI_INTX_EDGE ?
				       GIC_EDGE_RISING :
				       GIC_LEVEL_HIGH);
	}
	err = fdt_property(fdt, "interrupt-map-mask", mask, sizeof(mask));
	if (!err)
		err = fdt_property(fdt, "interrupt-map", map,
				   n * sizeof(map[0]));
	return err;
}

/*
 * Its windows: the regions' register pages and the regions themselves,
 * then its share of the board's PCI windows, where the hypervisor put its
 * functions' BARs (non-prefetchable: Linux files a prefetchable BAR there
 * too, not the other way round).
 */
static unsigned int write_ranges(fdt32_t *r, const struct comm_vm *comm)
{
	unsigned int n = 0;

	n += range(r + n, PCI_SPACE_MEM32, comm->mem32.base, comm->mem32.size);
	n += range(r + n, PCI_SPACE_MEM64_PREFETCH, comm->mem64.base,
		   comm->mem64.size);
	n += range(r + n, PCI_SPACE_MEM32, comm->pci_mem[0].base,
		   comm->pci_mem[0].size);
	n += range(r + n, PCI_SPACE_MEM64, comm->pci_mem[1].base,
		   comm->pci_mem[1].size);
	return n;
}

static int write_pci(void *fdt, const struct comm_vm *comm)
{
	uint64_t ecam = comm->vpci_ecam_ipa;
	fdt64_t reg[2] = { cpu_to_fdt64(ecam), cpu_to_fdt64(COMM_ECAM_SIZE) };
	fdt32_t bus_range[2] = { 0, 0 }, ranges[MAX_RANGES * RANGE_CELLS];
	unsigned int ranges_cells = write_ranges(ranges, comm);
	char name[32];
	int err;

	snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)ecam);
	err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property_string(fdt, "compatible",
					  "pci-host-ecam-generic");
	if (!err)
		err = fdt_property_string(fdt, "device_type", "pci");
	if (!err)
		err = fdt_property(fdt, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_property(fdt, "bus-range", bus_range,
				   sizeof(bus_range));
	if (!err)
		err = fdt_property_u32(fdt, "#address-cells", 3);
	if (!err)
		err = fdt_property_u32(fdt, "#size-cells", 2);
	if (!err)
		err = fdt_property_u32(fdt, "#interrupt-cells", 1);
	if (!err)
		err = fdt_property(fdt, "ranges", ranges,
				   ranges_cells * sizeof(ranges[0]));
	if (!err)
		err = write_map(fdt, comm);
	/* MSIs are MBIs: writes to the GIC's GICD_SETSPI_NSR (dtgen.c). */
	if (!err && comm->msi_count)
		err = fdt_property_u32(fdt, "msi-parent", DTGEN_GIC_PHANDLE);
	/*
	 * The regions are normal RAM: no cache maintenance for DMA.  Real
	 * functions' DMA is coherent when the board's host is.
	 */
	if (!err && (!comm->pci_count || comm->pci_coherent))
		err = fdt_property(fdt, "dma-coherent", NULL, 0);
	return err ? err : fdt_end_node(fdt);
}

static int write_net(void *fdt, const struct comm_vm *comm)
{
	uint64_t ipa = comm->net.ipa;
	fdt64_t reg[2] = { cpu_to_fdt64(ipa), cpu_to_fdt64(COMM_VIRTIO_SIZE) };
	fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_SPI),
		cpu_to_fdt32(comm->net.intid - SHIKIRI_GIC_SPI_BASE),
		cpu_to_fdt32(GIC_EDGE_RISING),
	};
	char name[40];
	int err;

	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)ipa);
	err = fdt_begin_node(fdt, name);
	if (!err)
		err = fdt_property_string(fdt, "compatible", "virtio,mmio");
	if (!err)
		err = fdt_property(fdt, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_property(fdt, "interrupts", irq, sizeof(irq));
	/* The hypervisor copies frames with the CPU: coherent. */
	if (!err)
		err = fdt_property(fdt, "dma-coherent", NULL, 0);
	return err ? err : fdt_end_node(fdt);
}

/**
 * dtgen_comm_write() - Write the nodes of a VM's regions and network.
 * @fdt: the tree, inside the root node.
 * @comm: the VM's view.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtgen_comm_write(void *fdt, const struct comm_vm *comm)
{
	int err = 0;

	if (comm->vpci_ecam_ipa)
		err = write_pci(fdt, comm);
	if (!err && comm->net.ipa)
		err = write_net(fdt, comm);
	return err;
}
