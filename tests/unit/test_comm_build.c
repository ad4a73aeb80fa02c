// SPDX-License-Identifier: MIT
/*
 * What shikiri-build makes of shared-memory regions and virtual LANs:
 * where each region lands in board RAM, the plan records (header tables
 * and each VM's view: IPAs, INTIDs, PCI slots, read-only flags, MACs),
 * the guest DT nodes as Linux reads them (the pcie@ host with its ranges
 * and interrupt-map, probe-only, the virtio_mmio node), and --explain.
 * The refusals are in test_comm_errors.c, the shipped example config's
 * golden DTs in test_configs.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "buildtest.h"
#include "config.h"
#include "exec.h"
#include "hv/plan_check.h"
#include "layout.h"

#define MIB BUILDTEST_MIB

/*
 * Four VMs: a and b share "ring" (2 MiB) and "st" (4 KiB, b reads only),
 * b and c share "big" (1 MiB); a and b are on lan0 (b with its own MAC);
 * d has none of it.
 */
#define VM(n, label, extra)                                      \
	"\tvm@" #n " { label = \"" label "\"; cpus = <" #n ">; " \
	"memory-size = <0 0x4000000>; kernel = \"Image\"; " extra " };\n"
#define COMM                                                                 \
	VM(0, "a", "network = \"lan0\";")                                    \
	VM(1, "b", "network = \"lan0\"; mac-address = [02 00 00 00 00 0b];") \
	VM(2, "c", "")                                                       \
	VM(3, "d", "")                                                       \
	"\tshm@0 { label = \"ring\"; size = <0 0x200000>; vms = <0 1>; };\n" \
	"\tshm@1 { label = \"st\"; size = <0 0x1000>; vms = <1 0>; "         \
	"read-only = <1>; };\n"                                              \
	"\tshm@2 { label = \"big\"; size = <0 0x100000>; vms = <1 2>; };\n"

static struct blob img;

static const struct shikiri_plan *build(const char *body)
{
	int rc = buildtest_run(body);

	if (rc)
		print_error("%s", buildtest_errors);
	assert_int_equal(rc, 0);
	fileio_free(&img);
	img = buildtest_read("out.img");
	return (const struct shikiri_plan *)(img.data + BUILDTEST_HV_FOOTPRINT);
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* Regions: in board RAM, aligned, clear of the VMs, top-down below them. */
static void test_regions_placed(void **state)
{
	const struct shikiri_plan *p = build(COMM);
	struct plan_limits lim = { 0x40200000, 0x48200000 - 0x40200000,
				   0x48000000, 2 * MIB };
	struct plan_error err;

	(void)state;
	assert_int_equal(plan_check(p, img.size - BUILDTEST_HV_FOOTPRINT,
				    &plan_arch_aarch64, &lim, &err),
			 0);
	assert_int_equal(p->shm_count, 3);
	assert_string_equal(p->shm[0].name, "ring");
	assert_string_equal(p->shm[1].name, "st");
	assert_string_equal(p->shm[2].name, "big");
	assert_int_equal(p->shm[0].size, 2 * MIB);
	assert_int_equal(p->shm[1].size, 0x1000);
	assert_int_equal(p->shm[2].size, MIB);
	assert_int_equal(p->shm[0].vm_mask, 0x3);
	assert_int_equal(p->shm[1].vm_mask, 0x3);
	assert_int_equal(p->shm[2].vm_mask, 0x6);
	for (uint32_t s = 0; s < p->shm_count; s++) {
		const struct shikiri_plan_shm *r = &p->shm[s];
		uint64_t align = r->size < 2 * MIB ? r->size : 2 * MIB;

		assert_int_equal(r->pa % align, 0);
		assert_true(r->pa >= 0x48200000);
		assert_true(r->pa + r->size <= 0xc0000000);
		for (uint32_t i = 0; i < p->vm_count; i++)
			assert_false(overlaps(r->pa, r->size,
					      p->vm[i].ram[0].pa,
					      p->vm[i].ram[0].size));
		for (uint32_t o = 0; o < s; o++)
			assert_false(overlaps(r->pa, r->size, p->shm[o].pa,
					      p->shm[o].size));
	}
	/* The VMs take the top 256 MiB; regions follow, in order, below. */
	assert_int_equal(p->vm[3].ram[0].pa, 0xb0000000);
	assert_int_equal(p->shm[0].pa, 0xafe00000);
	assert_int_equal(p->shm[1].pa, 0xafdff000);
	assert_int_equal(p->shm[2].pa, 0xafc00000);
}

/* memory-base is taken as given, and VMs placed afterwards avoid it. */
static void test_region_memory_base(void **state)
{
	const struct shikiri_plan *p = build(
		COMM "};\n/ {\n\tshm@0 { memory-base = <0 0xbc000000>; };\n");

	(void)state;
	assert_int_equal(p->shm[0].pa, 0xbc000000);
	for (uint32_t i = 0; i < p->vm_count; i++)
		assert_false(overlaps(0xbc000000, 2 * MIB, p->vm[i].ram[0].pa,
				      p->vm[i].ram[0].size));
	assert_non_null(strstr(buildtest_explained,
			       "shm 0 ring            PA [0xbc000000, "
			       "0xbc200000) (2 MiB, memory-base), zeroed once "
			       "at boot\n"));
}

/* Each VM's view: the same IPAs and INTIDs, its own PCI slots. */
static void test_views(void **state)
{
	const struct shikiri_plan *p = build(COMM);
	const struct shikiri_plan_vm *a = &p->vm[0], *b = &p->vm[1];
	const struct shikiri_plan_vm *c = &p->vm[2], *d = &p->vm[3];
	uint8_t mac[6];

	(void)state;
	/* The 2 MiB block: the highest below 4 GiB. */
	assert_int_equal(a->vpci_ecam_ipa, 0xffe00000);
	assert_int_equal(b->vpci_ecam_ipa, 0xffe00000);
	assert_int_equal(c->vpci_ecam_ipa, 0xffe00000);
	assert_int_equal(d->vpci_ecam_ipa, 0);
	assert_int_equal(a->shm_count, 2);
	assert_int_equal(b->shm_count, 3);
	assert_int_equal(c->shm_count, 1);
	assert_int_equal(d->shm_count, 0);
	/* In shm@N order; devfn counts the VM's own regions. */
	assert_int_equal(a->shm[0].region, 0);
	assert_int_equal(a->shm[1].region, 1);
	assert_int_equal(b->shm[2].region, 2);
	assert_int_equal(c->shm[0].region, 2);
	assert_int_equal(a->shm[0].devfn, 1 << 3);
	assert_int_equal(a->shm[1].devfn, 2 << 3);
	assert_int_equal(b->shm[2].devfn, 3 << 3);
	assert_int_equal(c->shm[0].devfn, 1 << 3);
	assert_int_equal(a->shm[1].flags, 0);
	assert_int_equal(b->shm[1].flags, SHIKIRI_SHM_READ_ONLY);
	assert_int_equal(b->shm[0].flags, 0);
	/* BAR 0: by region index, in the block's second MiB. */
	assert_int_equal(a->shm[0].regs_ipa, 0xfff00000);
	assert_int_equal(b->shm[1].regs_ipa, 0xfff01000);
	assert_int_equal(c->shm[0].regs_ipa, 0xfff02000);
	assert_int_equal(b->shm[2].regs_ipa, 0xfff02000);
	/* BAR 2: largest first, each the highest aligned to its size. */
	assert_int_equal(a->shm[0].ipa, 0x7fffe00000);
	assert_int_equal(b->shm[2].ipa, 0x7fffd00000);
	assert_int_equal(c->shm[0].ipa, 0x7fffd00000);
	assert_int_equal(a->shm[1].ipa, 0x7fffcff000);
	/*
	 * INTIDs: the lowest SPIs no qemu-virt device uses (33-39 and 48-79
	 * are), per region, then the LAN's.
	 */
	assert_int_equal(a->shm[0].intid, 32);
	assert_int_equal(a->shm[1].intid, 40);
	assert_int_equal(b->shm[1].intid, 40);
	assert_int_equal(c->shm[0].intid, 41);
	assert_int_equal(a->net.intid, 42);
	assert_int_equal(b->net.intid, 42);
	/* The LAN, its ports, the MACs. */
	assert_int_equal(p->lan_count, 1);
	assert_string_equal(p->lan[0], "lan0");
	assert_int_equal(a->net.ipa, 0xfffff000);
	assert_int_equal(b->net.ipa, 0xfffff000);
	assert_int_equal(c->net.ipa, 0);
	assert_int_equal(a->net.lan, 0);
	config_net_default_mac("lan0", "a", mac);
	assert_memory_equal(a->net.mac, mac, 6);
	assert_memory_equal(b->net.mac, "\x02\x00\x00\x00\x00\x0b", 6);
}

/*
 * The derived MAC: 02:73:6b and the low three bytes of CRC-32 of
 * "lan/label": Python's zlib.crc32(b"lan0/linux0") is 0x841da9a7,
 * zlib.crc32(b"lan9/vm-7") 0x6dbe47e0.
 */
static void test_default_mac(void **state)
{
	uint8_t mac[6];

	(void)state;
	config_net_default_mac("lan0", "linux0", mac);
	assert_memory_equal(mac, "\x02\x73\x6b\x1d\xa9\xa7", 6);
	config_net_default_mac("lan9", "vm-7", mac);
	assert_memory_equal(mac, "\x02\x73\x6b\xbe\x47\xe0", 6);
}

/* INTIDs skip every VM's passthrough SPIs, and the block its devices. */
static void test_avoids_passthrough(void **state)
{
	const struct shikiri_plan *p;

	(void)state;
	buildtest_make_board("/ { dev@fff00000 { compatible = \"test,dev\"; "
			     "reg = <0 0xfff00000 0 0x1000>; }; };");
	p = build(COMM "};\n/ {\n\tvm@2 { interrupts = <32 40>; "
		       "devices = \"/dev@fff00000\"; };\n");
	buildtest_make_board(NULL);
	assert_int_equal(p->vm[0].vpci_ecam_ipa, 0xffc00000);
	assert_int_equal(p->vm[0].shm[0].regs_ipa, 0xffd00000);
	assert_int_equal(p->vm[0].net.ipa, 0xffdff000);
	assert_int_equal(p->vm[0].shm[0].intid, 41);
	assert_int_equal(p->vm[0].shm[1].intid, 42);
	assert_int_equal(p->vm[2].shm[0].intid, 43);
	assert_int_equal(p->vm[0].net.intid, 44);
}

static const void *fdt_of(const char *file, struct blob *b)
{
	*b = buildtest_read(file);
	assert_int_equal(fdt_check_full(b->data, b->size), 0);
	return b->data;
}

static uint32_t cell(const fdt32_t *v, int i)
{
	return fdt32_to_cpu(v[i]);
}

static uint64_t cells64(const fdt32_t *v, int i)
{
	return (uint64_t)cell(v, i) << 32 | cell(v, i + 1);
}

/* Whether [base, base + size) lies in a window of "ranges" of @space. */
static bool in_ranges(const void *fdt, int node, uint32_t space, uint64_t base,
		      uint64_t size)
{
	int len;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);

	assert_non_null(r);
	assert_int_equal(len % 28, 0);
	for (int i = 0; i < len / 4; i += 7) {
		uint64_t pci = cells64(r, i + 1), cpu = cells64(r, i + 3);
		uint64_t win = cells64(r, i + 5);

		if (cell(r, i) == space && pci == cpu && base >= cpu &&
		    base + size <= cpu + win)
			return true;
	}
	return false;
}

/*
 * The pcie@ node as Linux's pci-host-ecam-generic and of_irq_parse_raw()
 * read it: each function's pin A, by the child unit address devfn << 8,
 * maps to the GIC with the GIC's own #address-cells and
 * #interrupt-cells, to the plan's INTID, edge rising.
 */
static void check_pci_node(const void *fdt, const struct shikiri_plan *p,
			   const struct shikiri_plan_vm *v)
{
	char path[32];
	int node, gic, len, at = 0;
	const fdt32_t *map, *mask, *reg, *cells;
	uint32_t gic_phandle, gic_addr, gic_int;

	snprintf(path, sizeof(path), "/pcie@%llx",
		 (unsigned long long)v->vpci_ecam_ipa);
	node = fdt_path_offset(fdt, path);
	assert_true(node >= 0);
	assert_string_equal(fdt_getprop(fdt, node, "compatible", NULL),
			    "pci-host-ecam-generic");
	assert_string_equal(fdt_getprop(fdt, node, "device_type", NULL), "pci");
	reg = fdt_getprop(fdt, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cells64(reg, 0), v->vpci_ecam_ipa);
	assert_int_equal(cells64(reg, 2), MIB);
	cells = fdt_getprop(fdt, node, "bus-range", &len);
	assert_int_equal(len, 8);
	assert_int_equal(cell(cells, 0) | cell(cells, 1), 0);
	assert_int_equal(
		cell(fdt_getprop(fdt, node, "#address-cells", NULL), 0), 3);
	assert_int_equal(cell(fdt_getprop(fdt, node, "#size-cells", NULL), 0),
			 2);
	assert_int_equal(
		cell(fdt_getprop(fdt, node, "#interrupt-cells", NULL), 0), 1);
	assert_non_null(fdt_getprop(fdt, node, "dma-coherent", NULL));
	mask = fdt_getprop(fdt, node, "interrupt-map-mask", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cell(mask, 0), 0xf800);
	assert_int_equal(cell(mask, 1) | cell(mask, 2), 0);
	assert_int_equal(cell(mask, 3), 7);

	gic_phandle = cell(fdt_getprop(fdt, 0, "interrupt-parent", NULL), 0);
	gic = fdt_node_offset_by_phandle(fdt, gic_phandle);
	assert_true(gic >= 0);
	cells = fdt_getprop(fdt, gic, "#address-cells", NULL);
	gic_addr = cells ? cell(cells, 0) : 0;
	gic_int = cell(fdt_getprop(fdt, gic, "#interrupt-cells", NULL), 0);
	assert_int_equal(gic_int, 3);
	map = fdt_getprop(fdt, node, "interrupt-map", &len);
	assert_non_null(map);
	assert_int_equal(len,
			 (int)(v->shm_count * (5 + gic_addr + gic_int) * 4));
	for (uint32_t k = 0; k < v->shm_count; k++) {
		const struct shikiri_vm_shm *s = &v->shm[k];

		assert_int_equal(cell(map, at), s->devfn << 8);
		assert_int_equal(cell(map, at + 1) | cell(map, at + 2), 0);
		assert_int_equal(cell(map, at + 3), 1);
		assert_int_equal(cell(map, at + 4), gic_phandle);
		at += 5 + (int)gic_addr;
		assert_int_equal(cell(map, at), 0);
		assert_int_equal(cell(map, at + 1), s->intid - 32);
		assert_int_equal(cell(map, at + 2), 1);
		at += 3;
		assert_true(
			in_ranges(fdt, node, 0x02000000, s->regs_ipa, 0x1000));
		assert_true(s->regs_ipa + 0x1000 <= 0x100000000ull);
		assert_true(in_ranges(fdt, node, 0x43000000, s->ipa,
				      p->shm[s->region].size));
	}
}

static void test_guest_dt(void **state)
{
	const struct shikiri_plan *p = build(COMM);
	struct blob blob;
	const void *fdt;
	const fdt32_t *v;
	int node, len;

	(void)state;
	fdt = fdt_of("out.img.dtb-b", &blob);
	check_pci_node(fdt, p, &p->vm[1]);
	v = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
			"linux,pci-probe-only", &len);
	assert_int_equal(len, 4);
	assert_int_equal(cell(v, 0), 1);
	node = fdt_path_offset(fdt, "/virtio_mmio@fffff000");
	assert_true(node >= 0);
	assert_string_equal(fdt_getprop(fdt, node, "compatible", NULL),
			    "virtio,mmio");
	assert_non_null(fdt_getprop(fdt, node, "dma-coherent", NULL));
	v = fdt_getprop(fdt, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cells64(v, 0), 0xfffff000);
	assert_int_equal(cells64(v, 2), 0x200);
	v = fdt_getprop(fdt, node, "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(cell(v, 0), 0);
	assert_int_equal(cell(v, 1), p->vm[1].net.intid - 32);
	assert_int_equal(cell(v, 2), 1);
	fileio_free(&blob);

	/* c: a bus with "big" alone, no network. */
	fdt = fdt_of("out.img.dtb-c", &blob);
	check_pci_node(fdt, p, &p->vm[2]);
	assert_true(fdt_path_offset(fdt, "/virtio_mmio@fffff000") < 0);
	fileio_free(&blob);

	/* d: none of it, not even probe-only. */
	fdt = fdt_of("out.img.dtb-d", &blob);
	assert_true(fdt_path_offset(fdt, "/pcie@ffe00000") < 0);
	assert_true(fdt_path_offset(fdt, "/virtio_mmio@fffff000") < 0);
	assert_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
				"linux,pci-probe-only", NULL));
	fileio_free(&blob);
}

/*
 * dtc reads each generated DT back without a warning: its checks cover
 * the lengths of reg and ranges against the cells, and the PCI host
 * node's name, #address-cells and ranges (dtc 1.6 does not check
 * interrupt-map: check_pci_node() does).
 */
static void test_guest_dt_dtc_clean(void **state)
{
	static const char *const dtbs[] = { "out.img.dtb-a", "out.img.dtb-b",
					    "out.img.dtb-c", "out.img.dtb-d" };

	(void)state;
	build(COMM);
	for (size_t i = 0; i < sizeof(dtbs) / sizeof(dtbs[0]); i++) {
		char *in = buildtest_path(dtbs[i]), *messages;
		char *argv[] = { "dtc", "-I",	     "dtb", "-O", "dts",
				 "-o",	"/dev/null", in,    NULL };

		assert_int_equal(exec_run(argv, &messages), 0);
		if (*messages)
			print_error("dtc on %s:\n%s", dtbs[i], messages);
		assert_string_equal(messages, "");
		free(messages);
		free(in);
	}
}

static void test_explain(void **state)
{
	static const char *const want[] = {
		"shm 0 ring            PA [0xafe00000, 0xb0000000) (2 MiB), "
		"zeroed once at boot\n"
		"    a               IPA 0x7fffe00000 rw, registers 0xfff00000, "
		"doorbell INTID 32, PCI 00:01.0\n"
		"    b               IPA 0x7fffe00000 rw, registers 0xfff00000, "
		"doorbell INTID 32, PCI 00:01.0\n",
		"    b               IPA 0x7fffcff000 ro, registers 0xfff01000, "
		"doorbell INTID 40, PCI 00:02.0\n",
		"shm 2 big             PA [0xafc00000, 0xafd00000) (1 MiB)",
		"    c               IPA 0x7fffd00000 rw, registers 0xfff02000, "
		"doorbell INTID 41, PCI 00:01.0\n",
		"    PCI bus   virtual, ECAM 0xffe00000: 00:01.0 ring rw, "
		"00:02.0 st ro, 00:03.0 big rw\n",
		"    network   lan0, MAC 02:00:00:00:00:0b, virtio-mmio at IPA "
		"0xfffff000, INTID 42; peers: a 02:73:6b:",
	};

	(void)state;
	build(COMM);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buildtest_explained, want[i]))
			print_error("missing:\n%s\nin:\n%s", want[i],
				    buildtest_explained);
		assert_non_null(strstr(buildtest_explained, want[i]));
	}
}

static int setup(void **state)
{
	(void)state;
	return buildtest_setup("comm-build");
}

static int teardown(void **state)
{
	(void)state;
	fileio_free(&img);
	buildtest_teardown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regions_placed),
		cmocka_unit_test(test_region_memory_base),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_default_mac),
		cmocka_unit_test(test_avoids_passthrough),
		cmocka_unit_test(test_guest_dt),
		cmocka_unit_test(test_guest_dt_dtc_clean),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests_name("shm and LAN build", tests, setup,
					   teardown);
}
