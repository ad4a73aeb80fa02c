// SPDX-License-Identifier: MIT
/*
 * Guest device tree generation with libfdt's sequential-write functions.
 * The tree describes only what the VM owns, so a guest can never discover
 * (let alone probe) another VM's devices or the hypervisor's.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtcopy.h"
#include "dtgen.h"

#define DTGEN_BUF_START 0x10000
#define DTGEN_BUF_MAX ((int)LAYOUT_DTB_MAX)

/* Everything the steps of one generation share. */
struct gen {
	void *fdt;
	const struct board *b;
	const struct vm_config *vm;
	const struct passthrough *pt;
	const struct guest_layout *l;
	const struct comm_vm *comm;
	const uint8_t *seed;
	unsigned int vcpu_count;
	struct dtcopy copy;
};

static int prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

/* Copy a property of a board node verbatim, if it has it. */
static int copy_board_prop(struct gen *g, int node, const char *name)
{
	int len;
	const void *val = fdt_getprop(g->b->dtb.data, node, name, &len);

	return val ? fdt_property(g->fdt, name, val, len) : 0;
}

static int write_root(struct gen *g)
{
	char model[64];
	int err;

	snprintf(model, sizeof(model), "shikiri VM %s", g->vm->label);
	err = fdt_property_string(g->fdt, "compatible", "linux,dummy-virt");
	if (!err)
		err = fdt_property_string(g->fdt, "model", model);
	if (!err)
		err = fdt_property_u32(g->fdt, "#address-cells", 2);
	if (!err)
		err = fdt_property_u32(g->fdt, "#size-cells", 2);
	if (!err)
		err = fdt_property_u32(g->fdt, "interrupt-parent",
				       DTGEN_GIC_PHANDLE);
	return err;
}

static int write_cpus(struct gen *g)
{
	unsigned int vcpu = 0;
	int err;

	err = fdt_begin_node(g->fdt, "cpus");
	if (!err)
		err = fdt_property_u32(g->fdt, "#address-cells", 1);
	if (!err)
		err = fdt_property_u32(g->fdt, "#size-cells", 0);
	/* vCPU i runs on the i-th physical CPU of the mask. */
	for (uint32_t pcpu = 0; !err && pcpu < SHIKIRI_MAX_CPUS; pcpu++) {
		char name[16];

		if (!(g->vm->cpu_mask & (1ull << pcpu)))
			continue;
		snprintf(name, sizeof(name), "cpu@%x", vcpu);
		err = fdt_begin_node(g->fdt, name);
		if (!err)
			err = fdt_property_string(g->fdt, "device_type", "cpu");
		if (!err)
			err = copy_board_prop(g, g->b->cpu_node[pcpu],
					      "compatible");
		if (!err)
			err = fdt_property_u32(g->fdt, "reg", vcpu);
		if (!err)
			err = fdt_property_string(g->fdt, "enable-method",
						  "psci");
		if (!err)
			err = fdt_end_node(g->fdt);
		vcpu++;
	}
	g->vcpu_count = vcpu;
	return err ? err : fdt_end_node(g->fdt);
}

static int write_psci(struct gen *g)
{
	static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2";
	int err;

	err = fdt_begin_node(g->fdt, "psci");
	if (!err)
		err = fdt_property(g->fdt, "compatible", compatible,
				   sizeof(compatible));
	if (!err)
		err = fdt_property_string(g->fdt, "method", "hvc");
	return err ? err : fdt_end_node(g->fdt);
}

static int write_memory(struct gen *g)
{
	char name[32];
	int err;

	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)g->l->ram_ipa);
	err = fdt_begin_node(g->fdt, name);
	if (!err)
		err = fdt_property_string(g->fdt, "device_type", "memory");
	if (!err)
		err = prop_u64_pair(g->fdt, "reg", g->l->ram_ipa,
				    g->l->ram_size);
	return err ? err : fdt_end_node(g->fdt);
}

static int write_gic(struct gen *g)
{
	const struct board *b = g->b;
	fdt64_t reg[4] = {
		cpu_to_fdt64(b->facts.hw.aarch64.gicd_base),
		cpu_to_fdt64(b->gicd_size),
		cpu_to_fdt64(b->facts.hw.aarch64.gicr_base),
		cpu_to_fdt64((uint64_t)g->vcpu_count * SHIKIRI_GICR_STRIDE),
	};
	int err;

	err = fdt_begin_node(g->fdt,
			     fdt_get_name(b->dtb.data, b->gic_node, NULL));
	if (!err)
		err = fdt_property_string(g->fdt, "compatible", "arm,gic-v3");
	if (!err)
		err = fdt_property_u32(g->fdt, "#interrupt-cells", 3);
	/* No children; dtc wants #address-cells on interrupt providers. */
	if (!err)
		err = fdt_property_u32(g->fdt, "#address-cells",
				       DTGEN_GIC_ADDRESS_CELLS);
	if (!err)
		err = fdt_property(g->fdt, "interrupt-controller", NULL, 0);
	if (!err)
		err = fdt_property(g->fdt, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_property_u32(g->fdt, "#redistributor-regions", 1);
	/*
	 * The VM's MSIs are MBIs (arm,gic-v3.yaml): its PCI functions write
	 * an INTID of mbi-ranges to GICD_SETSPI_NSR, which the hypervisor
	 * backs with the board's ITS; the guest never sees an ITS.
	 */
	if (!err && g->comm->msi_count)
		err = fdt_property(g->fdt, "msi-controller", NULL, 0);
	if (!err && g->comm->msi_count) {
		const fdt32_t mbi[2] = { cpu_to_fdt32(g->comm->msi_intid),
					 cpu_to_fdt32(g->comm->msi_count) };

		err = fdt_property(g->fdt, "mbi-ranges", mbi, sizeof(mbi));
	}
	if (!err)
		err = fdt_property_u32(g->fdt, "phandle", DTGEN_GIC_PHANDLE);
	return err ? err : fdt_end_node(g->fdt);
}

static int write_timer(struct gen *g)
{
	int node = g->b->timer_node;
	int err;

	err = fdt_begin_node(g->fdt, "timer");
	if (!err)
		err = copy_board_prop(g, node, "compatible");
	if (!err)
		err = copy_board_prop(g, node, "interrupts");
	if (!err)
		err = copy_board_prop(g, node, "always-on");
	return err ? err : fdt_end_node(g->fdt);
}

/*
 * The board's PMU, with its overflow PPI: where the hypervisor gives the
 * PMU to guests that PPI is forwarded to the VM owning the CPU; where it
 * hides it (ID_AA64DFR0_EL1.PMUVer 0) it turns status "okay" into "fail"
 * at each start of the VM, so Linux does not probe it (docs/isolation.md
 * "PMU").
 */
static int write_pmu(struct gen *g)
{
	int node = g->b->pmu_node;
	int err;

	if (node < 0)
		return 0;
	err = fdt_begin_node(g->fdt, "pmu");
	if (!err)
		err = copy_board_prop(g, node, "compatible");
	if (!err)
		err = copy_board_prop(g, node, "interrupts");
	/* What the hypervisor turns into "fail" where it hides the PMU. */
	if (!err)
		err = fdt_property_string(g->fdt, "status", "okay");
	return err ? err : fdt_end_node(g->fdt);
}

static int write_devices(struct gen *g)
{
	int err = dtcopy_write_clocks(&g->copy, g->fdt);

	if (!err && g->vm->console)
		err = dtcopy_write_node(&g->copy, g->fdt, g->b->uart_node);
	for (unsigned int i = 0; !err && i < g->pt->node_count; i++)
		err = dtcopy_write_node(&g->copy, g->fdt, g->pt->node[i]);
	return err;
}

/* The hypervisor's management page (include/shikiri/manage.h). */
static int write_manage(struct gen *g)
{
	char name[40];
	int err;

	snprintf(name, sizeof(name), "shikiri-manage@%llx",
		 (unsigned long long)g->l->manage_ipa);
	err = fdt_begin_node(g->fdt, name);
	if (!err)
		err = fdt_property_string(g->fdt, "compatible",
					  "shikiri,manage-v1");
	if (!err)
		err = prop_u64_pair(g->fdt, "reg", g->l->manage_ipa,
				    LAYOUT_MANAGE_SIZE);
	return err ? err : fdt_end_node(g->fdt);
}

/*
 * The emulated SBSA Generic Watchdog: control frame, then refresh frame,
 * as Linux's sbsa_gwdt expects them; its timeout defaults to the most the
 * hypervisor allows.
 */
static int write_watchdog(struct gen *g)
{
	uint64_t ipa = g->l->watchdog_ipa;
	fdt64_t reg[4] = { cpu_to_fdt64(ipa), cpu_to_fdt64(0x1000),
			   cpu_to_fdt64(ipa + 0x1000), cpu_to_fdt64(0x1000) };
	char name[40];
	int err;

	if (!g->vm->watchdog_ms)
		return 0;
	snprintf(name, sizeof(name), "watchdog@%llx", (unsigned long long)ipa);
	err = fdt_begin_node(g->fdt, name);
	if (!err)
		err = fdt_property_string(g->fdt, "compatible",
					  "arm,sbsa-gwdt");
	if (!err)
		err = fdt_property(g->fdt, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_property_u32(g->fdt, "timeout-sec",
				       g->vm->watchdog_ms / 1000 ?
					       g->vm->watchdog_ms / 1000 :
					       1);
	return err ? err : fdt_end_node(g->fdt);
}

static int write_comm(struct gen *g)
{
	return dtgen_comm_write(g->fdt, g->comm);
}

static int write_chosen(struct gen *g)
{
	const struct guest_layout *l = g->l;
	int err;

	err = fdt_begin_node(g->fdt, "chosen");
	if (!err)
		err = fdt_property_string(g->fdt, "bootargs", g->vm->bootargs);
	if (!err && g->vm->console)
		err = fdt_property_string(g->fdt, "stdout-path",
					  g->b->uart_path);
	if (!err && l->initrd_size)
		err = fdt_property_u64(g->fdt, "linux,initrd-start",
				       l->initrd_ipa);
	if (!err && l->initrd_size)
		err = fdt_property_u64(g->fdt, "linux,initrd-end",
				       l->initrd_ipa + l->initrd_size);
	if (!err)
		err = fdt_property(g->fdt, "rng-seed", g->seed,
				   DTGEN_RNG_SEED_SIZE);
	if (!err)
		err = fdt_property(g->fdt, "kaslr-seed",
				   g->seed + DTGEN_RNG_SEED_SIZE,
				   DTGEN_KASLR_SEED_SIZE);
	if (!err)
		err = fdt_property_string(g->fdt, "shikiri,vm-name",
					  g->vm->label);
	/*
	 * Linux keeps the BARs the hypervisor fixed or the firmware
	 * assigned (drivers/pci/of.c): they are where stage 2 maps them.
	 */
	if (!err && g->comm->vpci_ecam_ipa)
		err = fdt_property_u32(g->fdt, "linux,pci-probe-only", 1);
	return err ? err : fdt_end_node(g->fdt);
}

/* Give the clocks of every copied node their guest phandles. */
static int collect_clocks(struct gen *g)
{
	const struct board *b = g->b;

	memset(&g->copy, 0, sizeof(g->copy));
	g->copy.src = b->dtb.data;
	g->copy.gic_src = b->gic_phandle;
	g->copy.gic_dst = DTGEN_GIC_PHANDLE;
	g->copy.next_phandle = DTGEN_GIC_PHANDLE + 1;
	if (g->vm->console && dtcopy_add_clocks(&g->copy, b->uart_node))
		return -FDT_ERR_BADVALUE;
	for (unsigned int i = 0; i < g->pt->node_count; i++)
		if (dtcopy_add_clocks(&g->copy, g->pt->node[i]))
			return -FDT_ERR_BADVALUE;
	return 0;
}

/* One attempt in a buffer of @size bytes. */
static int generate(struct gen *g, int size)
{
	static int (*const steps[])(struct gen *) = {
		write_root,   write_cpus,     write_psci, write_memory,
		write_gic,    write_timer,    write_pmu,  write_devices,
		write_manage, write_watchdog, write_comm, write_chosen,
	};
	int err;

	err = fdt_create(g->fdt, size);
	if (!err)
		err = fdt_finish_reservemap(g->fdt);
	if (!err)
		err = fdt_begin_node(g->fdt, "");
	for (size_t i = 0; !err && i < sizeof(steps) / sizeof(steps[0]); i++)
		err = steps[i](g);
	if (!err)
		err = fdt_end_node(g->fdt);
	return err ? err : fdt_finish(g->fdt);
}

/* Offset of property @name's value of node @path in the finished blob. */
static uint32_t prop_offset(const void *fdt, const char *path, const char *name)
{
	const void *val =
		fdt_getprop(fdt, fdt_path_offset(fdt, path), name, NULL);

	return val ? (uint32_t)((const char *)val - (const char *)fdt) : 0;
}

/**
 * dtgen_build() - Generate the device tree one VM boots with.
 * @out: receives the blob.
 * @b: the board.
 * @vm: the VM.
 * @pt: its passed-through devices.
 * @l: its memory layout.
 * @comm: its shared-memory regions and LAN.
 * @seed: DTGEN_SEED_SIZE bytes for rng-seed then kaslr-seed.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtgen_build(struct dtgen_out *out, const struct board *b,
		const struct vm_config *vm, const struct passthrough *pt,
		const struct guest_layout *l, const struct comm_vm *comm,
		const uint8_t *seed)
{
	struct gen g = {
		.b = b, .vm = vm, .pt = pt, .l = l, .comm = comm, .seed = seed
	};
	int size = DTGEN_BUF_START, err;

	memset(out, 0, sizeof(*out));
	err = collect_clocks(&g);
	for (; !err; size *= 2) {
		g.fdt = fileio_xmalloc((size_t)size);
		err = generate(&g, size);
		if (err != -FDT_ERR_NOSPACE || size >= DTGEN_BUF_MAX)
			break;
		free(g.fdt);
		err = 0;
	}
	if (err) {
		free(g.fdt);
		return err;
	}
	out->dtb.data = g.fdt;
	out->dtb.size = fdt_totalsize(g.fdt);
	dtgen_locate_seeds(out);
	return 0;
}

/**
 * dtgen_locate_seeds() - Find the seeds' values and /pmu/status's in
 * @out->dtb again.
 * @out: the generated DT.
 */
void dtgen_locate_seeds(struct dtgen_out *out)
{
	const void *fdt = out->dtb.data;
	int len = 0;
	const char *status =
		fdt_getprop(fdt, fdt_path_offset(fdt, "/pmu"), "status", &len);

	out->rng_seed_offset = prop_offset(fdt, "/chosen", "rng-seed");
	out->kaslr_seed_offset = prop_offset(fdt, "/chosen", "kaslr-seed");
	/* Only "okay" may become "fail" (an overlay may have changed it). */
	out->pmu_status_offset =
		status && len == 5 && !memcmp(status, "okay", 5) ?
			(uint32_t)(status - (const char *)fdt) :
			0;
}
