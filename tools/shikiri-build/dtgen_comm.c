// SPDX-License-Identifier: MIT
/*
 * The guest DT nodes of shared memory and virtual LANs: a generic ECAM
 * PCI host (Linux's pci-host-ecam-generic, built into Debian's kernels)
 * whose bus 0 carries one ivshmem-compatible function per region, and a
 * virtio-mmio transport for the network device.  The bindings are
 * Documentation/devicetree/bindings/pci/host-generic-pci.yaml and
 * virtio/mmio.yaml; interrupts are GIC SPIs, edge-triggered, as the
 * hypervisor raises them.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "dtgen.h"

/* PCI address space codes of "ranges" (IEEE 1275 PCI binding). */
#define PCI_SPACE_MEM32 0x02000000u
#define PCI_SPACE_MEM64_PREFETCH 0x43000000u
/* GIC interrupt specifier: SPI, and edge rising. */
#define GIC_SPI 0u
#define GIC_EDGE_RISING 1u
#define PCI_INTA 1u
/* Per interrupt-map entry: unit address, pin, GIC phandle, GIC's cells. */
#define MAP_CELLS (3u + 1u + 1u + DTGEN_GIC_ADDRESS_CELLS + 3u)

static uint32_t hi32(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

static uint32_t lo32(uint64_t v)
{
	return (uint32_t)v;
}

/* One window of "ranges": PCI address = CPU address. */
static void range(fdt32_t *r, uint32_t space, const struct layout_range *w)
{
	const uint32_t v[7] = { space,	       hi32(w->base), lo32(w->base),
				hi32(w->base), lo32(w->base), hi32(w->size),
				lo32(w->size) };

	for (int i = 0; i < 7; i++)
		r[i] = cpu_to_fdt32(v[i]);
}

static int write_map(void *fdt, const struct comm_vm *comm)
{
	/* Match on the device number and the pin only. */
	const fdt32_t mask[4] = { cpu_to_fdt32(0xf800), 0, 0, cpu_to_fdt32(7) };
	fdt32_t map[SHIKIRI_MAX_SHM * MAP_CELLS];
	unsigned int n = 0;
	int err;

	for (uint32_t i = 0; i < comm->shm_count; i++) {
		const struct shikiri_vm_shm *s = &comm->shm[i];

		/* The child's unit address: phys.hi holds devfn << 8. */
		map[n++] = cpu_to_fdt32(s->devfn << 8);
		map[n++] = 0;
		map[n++] = 0;
		map[n++] = cpu_to_fdt32(PCI_INTA);
		map[n++] = cpu_to_fdt32(DTGEN_GIC_PHANDLE);
		/* The parent's unit address: DTGEN_GIC_ADDRESS_CELLS zeros. */
		memset(&map[n], 0, DTGEN_GIC_ADDRESS_CELLS * sizeof(map[0]));
		n += DTGEN_GIC_ADDRESS_CELLS;
		map[n++] = cpu_to_fdt32(GIC_SPI);
		map[n++] = cpu_to_fdt32(s->intid - SHIKIRI_GIC_SPI_BASE);
		map[n++] = cpu_to_fdt32(GIC_EDGE_RISING);
	}
	err = fdt_property(fdt, "interrupt-map-mask", mask, sizeof(mask));
	if (!err)
		err = fdt_property(fdt, "interrupt-map", map,
				   n * sizeof(map[0]));
	return err;
}

static int write_pci(void *fdt, const struct comm_vm *comm)
{
	uint64_t ecam = comm->vpci_ecam_ipa;
	fdt64_t reg[2] = { cpu_to_fdt64(ecam), cpu_to_fdt64(COMM_ECAM_SIZE) };
	fdt32_t bus_range[2] = { 0, 0 }, ranges[14];
	char name[32];
	int err;

	snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)ecam);
	range(ranges, PCI_SPACE_MEM32, &comm->mem32);
	range(ranges + 7, PCI_SPACE_MEM64_PREFETCH, &comm->mem64);
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
		err = fdt_property(fdt, "ranges", ranges, sizeof(ranges));
	if (!err)
		err = write_map(fdt, comm);
	/* The regions are normal RAM: no cache maintenance for DMA. */
	if (!err)
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

	if (comm->shm_count)
		err = write_pci(fdt, comm);
	if (!err && comm->net.ipa)
		err = write_net(fdt, comm);
	return err;
}
