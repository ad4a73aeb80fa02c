// SPDX-License-Identifier: MIT
/*
 * shikiri-build, in process: payload and VM placement, the generated guest
 * device trees (what they contain and, as important, what they leave out),
 * the packed image and its plan, and qemu-args.  Config errors are in
 * test_config_errors.c, memory-base, interrupts and overlays in
 * test_vm_extras.c, the shipped configs in test_configs.c.
 *
 * The board is tests/unit/golden/qemu-virt.dts (QEMU's own DT for shikiri's
 * machine options), so no QEMU is needed except by the one test of
 * --board qemu-virt, which is skipped without it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "buildtest.h"
#include "exec.h"
#include "hv/plan_check.h"
#include "layout.h"
#include "qemuargs.h"

#define MIB BUILDTEST_MIB
#define GIB BUILDTEST_GIB

/* ------------------------------------------------------------ layout --- */

static void test_layout_guest_like_qemu(void **state)
{
	struct arm64_image k = { 0, 0x1ab0000, 0x1ab0000 };
	struct guest_layout l;

	(void)state;
	/* 512 MiB: initrd at 128 MiB, DTB 2 MiB aligned after it. */
	assert_int_equal(layout_guest(&l, GIB, 512 * MIB, &k, 0x1a09800, 986692,
				      0x800),
			 0);
	assert_int_equal(l.kernel_ipa, 0x40000000);
	assert_int_equal(l.initrd_ipa, 0x48000000);
	assert_int_equal(l.dtb_ipa, 0x48200000);
	/* 64 MiB: initrd at half of RAM. */
	assert_int_equal(layout_guest(&l, GIB, 64 * MIB, &k, 0x1a09800, 986692,
				      0x800),
			 0);
	assert_int_equal(l.initrd_ipa, 0x42000000);
	assert_int_equal(l.dtb_ipa, 0x42200000);
	/* 32 MiB: half of RAM is inside the kernel: after its footprint. */
	assert_int_equal(layout_guest(&l, GIB, 32 * MIB, &k, 0x1a09800, 986692,
				      0x800),
			 0);
	assert_int_equal(l.initrd_ipa, 0x41c00000);
	assert_int_equal(l.dtb_ipa, 0x41e00000);
	/* No initrd: the DTB takes its place. */
	assert_int_equal(
		layout_guest(&l, GIB, 512 * MIB, &k, 0x1a09800, 0, 0x800), 0);
	assert_int_equal(l.dtb_ipa, 0x48000000);
	/* 30 MiB: the DTB would end past RAM. */
	assert_int_equal(layout_guest(&l, GIB, 30 * MIB, &k, 0x1a09800, 986692,
				      0x800),
			 -1);
	assert_int_equal(l.end, 0x41e00800);
	/* A DTB over 2 MiB never fits. */
	assert_int_equal(layout_guest(&l, GIB, 512 * MIB, &k, 0x1a09800, 0,
				      LAYOUT_DTB_MAX + 1),
			 -1);
	/* text_offset is honoured. */
	k.text_offset = 0x80000;
	assert_int_equal(
		layout_guest(&l, GIB, 512 * MIB, &k, 0x1a09800, 0, 0x800), 0);
	assert_int_equal(l.kernel_ipa, 0x40080000);
}

static void test_layout_hv_like_qemu(void **state)
{
	struct hv_layout h;

	(void)state;
	layout_hv(&h, GIB, 2048 * MIB, 0, 30 * MIB);
	assert_int_equal(h.load_pa, 0x40200000);
	assert_int_equal(h.fdt_pa, 0x48000000);
	assert_int_equal(h.resv_base, 0x40000000);
	assert_int_equal(h.resv_end, 0x48200000);
	/* A big image pushes the loader's DTB past its end. */
	layout_hv(&h, GIB, 2048 * MIB, 0, 200 * MIB + 1);
	assert_int_equal(h.fdt_pa, 0x40200000 + 202 * MIB);
	/* Small RAM: the DTB sits at half of it. */
	layout_hv(&h, GIB, 128 * MIB, 0, 1 * MIB);
	assert_int_equal(h.fdt_pa, 0x44000000);
	/* text_offset of 4 KiB or more is not shifted. */
	layout_hv(&h, GIB, 2048 * MIB, 0x80000, 1 * MIB);
	assert_int_equal(h.load_pa, 0x40080000);
}

static void test_layout_place_top_down(void **state)
{
	const uint64_t floor = 0x48200000, top = 0xc0000000;
	struct layout_range t[8] = { { 0, 0 } };
	unsigned int n = 0;
	uint64_t pa, base;

	(void)state;
#define PLACE(size) layout_place_vm(t, n, floor, top, (size), &pa)
#define TAKE(size) (t[n++] = (struct layout_range){ pa, (size) })
	/* Each VM takes the highest free RAM that holds it. */
	assert_int_equal(PLACE(GIB), 0);
	assert_int_equal(pa, 0x80000000);
	TAKE(GIB);
	assert_int_equal(PLACE(512 * MIB), 0);
	assert_int_equal(pa, 0x60000000);
	TAKE(512 * MIB);
	assert_int_equal(PLACE(6 * MIB), 0);
	assert_int_equal(pa, 0x5fa00000);
	TAKE(6 * MIB);
	/* 376 MiB are left: no room for 1 GiB, at any alignment. */
	assert_int_equal(PLACE(GIB), -1);
	assert_int_equal(layout_largest_free(t, n, floor, top, &base),
			 0x5fa00000 - floor);
	assert_int_equal(base, floor);
	/* 2 MiB multiples fill what is left, and no more. */
	assert_int_equal(PLACE(0x5fa00000 - floor), 0);
	assert_int_equal(pa, floor);
	TAKE(0x5fa00000 - floor);
	assert_int_equal(PLACE(2 * MIB), -1);
	assert_int_equal(layout_largest_free(t, n, floor, top, &base), 0);

	/* Around a fixed VM: the room above it first, then below. */
	n = 0;
	t[n++] = (struct layout_range){ 0x90000000, 256 * MIB };
	assert_int_equal(PLACE(512 * MIB), 0);
	assert_int_equal(pa, 0xa0000000);
	TAKE(512 * MIB);
	assert_int_equal(PLACE(512 * MIB), 0);
	assert_int_equal(pa, 0x70000000);
	TAKE(512 * MIB);
	assert_int_equal(PLACE(128 * MIB), 0);
	assert_int_equal(pa, 0x68000000);
	assert_int_equal(layout_largest_free(t, n, floor, top, &base),
			 0x70000000 - floor);
	assert_int_equal(base, floor);
	n = 1;
	assert_int_equal(layout_largest_free(t, n, floor, top, &base),
			 0x90000000 - floor);

	/* No free 1 GiB aligned place for 1 GiB: 2 MiB alignment will do. */
	n = 0;
	t[n++] = (struct layout_range){ 0xb0000000, 256 * MIB };
	assert_int_equal(PLACE(GIB), 0);
	assert_int_equal(pa, 0x70000000);
	/* 1 GiB alignment rounds down. */
	n = 0;
	assert_int_equal(
		layout_place_vm(t, 0, 0x40000000, 0xb0000000, GIB, &pa), 0);
	assert_int_equal(pa, 0x40000000);
#undef PLACE
#undef TAKE
}

/* ---------------------------------------------------------- full run --- */

#define TWO_VMS                                          \
	"\tvm@0 {\n"                                     \
	"\t\tlabel = \"alpha\";\n"                       \
	"\t\tcpus = <0 1>;\n"                            \
	"\t\tmemory-size = <0x0 0x40000000>;\n"          \
	"\t\tkernel = \"Image\";\n"                      \
	"\t\tinitrd = \"initrd\";\n"                     \
	"\t\tbootargs = \"console=ttyAMA0 panic=-1\";\n" \
	"\t\tmemory-base = <0x0 0x80000000>;\n"          \
	"\t\tdevices = \"/virtio_mmio@a003e00\";\n"      \
	"\t\tmanage = <1>;\n"                            \
	"\t};\n"                                         \
	"\tvm@1 {\n"                                     \
	"\t\tlabel = \"beta\";\n"                        \
	"\t\tcpus = <3>;\n"                              \
	"\t\tmemory-size = <0x0 0x4000000>;\n"           \
	"\t\tkernel = \"Image\";\n"                      \
	"\t\tconsole = \"none\";\n"                      \
	"\t\ton-fault = \"stop\";\n"                     \
	"\t\ton-crash = \"stop\";\n"                     \
	"\t};\n"

static const struct shikiri_plan *image_plan(const struct blob *img)
{
	return (const struct shikiri_plan *)(img->data +
					     BUILDTEST_HV_FOOTPRINT);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void test_image_and_plan(void **state)
{
	struct blob img, dtb_a, dtb_b, kernel, initrd;
	const struct shikiri_plan *p;
	const struct shikiri_plan_vm *a, *b;
	struct plan_limits lim = { 0x40200000, 0, 0x48000000, 2 * MIB };
	struct plan_error err;

	(void)state;
	assert_int_equal(buildtest_run(TWO_VMS), 0);
	assert_string_equal(buildtest_errors, "");
	img = buildtest_read("out.img");
	dtb_a = buildtest_read("out.img.dtb-alpha");
	dtb_b = buildtest_read("out.img.dtb-beta");
	kernel = buildtest_read("Image");
	initrd = buildtest_read("initrd");
	assert_false(buildtest_exists("out.img.qemu"));
	assert_false(buildtest_exists("out.img.tmp"));

	/* The header's image_size now covers the whole image. */
	assert_memory_equal(img.data + 56, "ARM\x64", 4);
	assert_int_equal(le64(img.data + 16), img.size);
	assert_int_equal(img.data[100], 0xee);

	p = image_plan(&img);
	lim.hv_size = 0x48200000 - 0x40200000;
	assert_int_equal(plan_check(p, img.size - BUILDTEST_HV_FOOTPRINT,
				    &plan_arch_aarch64, &lim, &err),
			 0);
	assert_int_equal(p->image_size, img.size);
	assert_int_equal(p->vm_count, 2);
	assert_int_equal(p->board.arch, SHIKIRI_ARCH_AARCH64);
	assert_int_equal(p->board.ram_count, 1);
	assert_int_equal(p->board.ram[0].base, 0x40000000);
	assert_int_equal(p->board.ram[0].size, 0x80000000);
	assert_int_equal(p->board.hw.aarch64.gicd_base, 0x8000000);
	assert_int_equal(p->board.hw.aarch64.gicr_base, 0x80a0000);
	assert_int_equal(p->board.uart_base, 0x9000000);
	assert_int_equal(p->board.uart_irq, 33);
	assert_int_equal(p->board.cpu_count, 4);
	assert_int_equal(p->board.cpu_id[3], 3);
	assert_int_equal(p->board.hw.aarch64.timer_virt_intid, 27);
	assert_int_equal(p->board.hw.aarch64.gic_maint_intid, 25);
	assert_int_equal(p->board.hw.aarch64.pmu_intid, 23);

	a = &p->vm[0];
	b = &p->vm[1];
	assert_string_equal(a->name, "alpha");
	assert_int_equal(a->cpu_mask, 0x3);
	assert_int_equal(b->cpu_mask, 0x8);
	/*
	 * alpha is pinned at 2 GiB and, owning a device, sees its RAM there
	 * (no IOMMU: DMA addresses are physical); beta goes top-down below.
	 */
	assert_int_equal(a->ram[0].pa, 0x80000000);
	assert_int_equal(a->ram[0].ipa, 0x80000000);
	assert_int_equal(b->ram[0].ipa, 0x40000000);
	assert_int_equal(a->ram[0].size, GIB);
	assert_int_equal(b->ram[0].pa, 0x7c000000);
	assert_int_equal(a->mmio_count, 1);
	assert_int_equal(a->mmio[0].pa, 0xa003000);
	assert_int_equal(a->mmio[0].ipa, 0xa003000);
	assert_int_equal(a->mmio[0].size, 0x1000);
	assert_int_equal(a->irq_count, 1);
	assert_int_equal(a->irq[0].virt, 79);
	assert_int_equal(a->irq[0].phys, 79);
	assert_int_equal(b->mmio_count + b->irq_count, 0);
	assert_int_equal(a->flags, SHIKIRI_VM_CONSOLE_VIRTUAL);
	assert_int_equal(a->console_base, 0x9000000);
	assert_int_equal(a->console_irq, 33);
	assert_int_equal(b->flags, 0);
	assert_int_equal(a->on_reset, SHIKIRI_POLICY_RESTART);
	assert_int_equal(a->on_poweroff, SHIKIRI_POLICY_STOP);
	assert_int_equal(a->on_crash, SHIKIRI_POLICY_RESTART);
	assert_int_equal(a->on_fault, SHIKIRI_POLICY_REFLECT);
	assert_int_equal(b->on_crash, SHIKIRI_POLICY_STOP);
	assert_int_equal(b->on_fault, SHIKIRI_POLICY_STOP);
	assert_int_equal(a->manage_mask, 0x2);

	/* Payloads: kernel, initrd, DTB in order, bytes and CRCs intact. */
	assert_int_equal(a->payload_count, 3);
	assert_int_equal(b->payload_count, 2);
	assert_int_equal(a->payload[0].kind, SHIKIRI_PAYLOAD_KERNEL);
	/* The plan (header and two records) sits right before, page-padded. */
	assert_int_equal(
		a->payload[0].offset,
		BUILDTEST_HV_FOOTPRINT +
			layout_align_up(
				sizeof(struct shikiri_plan) +
					2 * sizeof(struct shikiri_plan_vm),
				0x1000));
	assert_int_equal(a->payload[0].ipa, 0x80000000);
	assert_int_equal(a->entry_ipa, 0x80000000);
	assert_memory_equal(img.data + a->payload[0].offset, kernel.data,
			    kernel.size);
	assert_int_equal(a->payload[1].kind, SHIKIRI_PAYLOAD_INITRD);
	assert_int_equal(a->payload[1].ipa, 0x88000000);
	assert_memory_equal(img.data + a->payload[1].offset, initrd.data,
			    initrd.size);
	assert_int_equal(a->payload[1].crc32,
			 plan_crc32(0, initrd.data, initrd.size));
	assert_int_equal(a->payload[2].kind, SHIKIRI_PAYLOAD_DTB);
	assert_int_equal(a->payload[2].ipa, 0x88200000);
	assert_int_equal(a->boot_info_ipa, 0x88200000);
	assert_int_equal(a->payload[2].size, dtb_a.size);
	assert_memory_equal(img.data + a->payload[2].offset, dtb_a.data,
			    dtb_a.size);
	/* 64 MiB, no initrd: the DTB goes at half of RAM. */
	assert_int_equal(b->payload[1].kind, SHIKIRI_PAYLOAD_DTB);
	assert_int_equal(b->boot_info_ipa, 0x42000000);
	assert_memory_equal(img.data + b->payload[1].offset, dtb_b.data,
			    dtb_b.size);
	for (unsigned int i = 0; i < a->payload_count; i++) {
		const struct shikiri_payload *pl = &a->payload[i];

		assert_int_equal(pl->offset % SHIKIRI_PAYLOAD_ALIGN, 0);
		assert_int_equal(pl->crc32, plan_crc32(0, img.data + pl->offset,
						       pl->size));
	}
	/* The seed offsets point at the seeds' values in the DTB. */
	assert_memory_equal(dtb_a.data + a->rng_seed_offset, buildtest_seed,
			    DTGEN_RNG_SEED_SIZE);
	assert_memory_equal(dtb_a.data + a->kaslr_seed_offset,
			    buildtest_seed + DTGEN_RNG_SEED_SIZE,
			    DTGEN_KASLR_SEED_SIZE);
	/* /pmu/status, which the hypervisor may turn into "fail". */
	assert_int_not_equal(a->arch.aarch64.pmu_status_offset, 0);
	assert_memory_equal(dtb_a.data + a->arch.aarch64.pmu_status_offset,
			    "okay", 5);
	assert_memory_equal(dtb_b.data + b->arch.aarch64.pmu_status_offset,
			    "okay", 5);
	assert_memory_equal(dtb_b.data + b->rng_seed_offset, buildtest_seed,
			    DTGEN_RNG_SEED_SIZE);

	fileio_free(&img);
	fileio_free(&dtb_a);
	fileio_free(&dtb_b);
	fileio_free(&kernel);
	fileio_free(&initrd);
}

static void test_explain(void **state)
{
	(void)state;
	assert_int_equal(buildtest_run(TWO_VMS), 0);
	assert_non_null(strstr(buildtest_explained, "VM 0 alpha"));
	assert_non_null(strstr(buildtest_explained, "pCPUs 0,1\n"));
	assert_non_null(strstr(buildtest_explained,
			       "PA [0x80000000, 0xc0000000) = "
			       "IPA 0x80000000 (1024 MiB, memory-base)"));
	assert_non_null(strstr(buildtest_explained,
			       "IRQ       virt 79 -> phys 79 "
			       "(/virtio_mmio@a003e00)"));
	assert_non_null(strstr(buildtest_explained, "VM 1 beta"));
	assert_non_null(strstr(buildtest_explained, "reserved [0x40000000, "
						    "0x48200000)"));
}

static void test_check_writes_nothing(void **state)
{
	char *out = buildtest_path("out.img");

	(void)state;
	unlink(out);
	assert_int_equal(buildtest_run_opts(TWO_VMS, true, NULL), 0);
	assert_false(buildtest_exists("out.img"));
	free(out);
}

static void test_qemu_board(void **state)
{
	char *argv[] = { "qemu-system-aarch64", "--version", NULL };
	char *messages;
	struct blob q;

	(void)state;
	if (exec_run(argv, &messages) != 0) {
		free(messages);
		skip();
	}
	free(messages);
	assert_int_equal(buildtest_run_opts(TWO_VMS, false, "qemu-virt"), 0);
	q = buildtest_read("out.img.qemu");
	/* Machine options only: the run script chooses the console. */
	assert_int_equal(q.size, strlen("-M\nvirt,virtualization=on,"
					"gic-version=3\n-cpu\ncortex-a72\n"
					"-smp\n4\n-m\n2G\n"));
	assert_memory_equal(q.data,
			    "-M\nvirt,virtualization=on,gic-version="
			    "3\n-cpu\ncortex-a72\n-smp\n4\n-m\n2G\n",
			    q.size);
	fileio_free(&q);
}

/* ---------------------------------------------------------- guest DT --- */

static const void *fdt_of(struct blob *b)
{
	assert_int_equal(fdt_check_header(b->data), 0);
	assert_int_equal(fdt_totalsize(b->data), b->size);
	return b->data;
}

static void assert_str(const void *fdt, const char *path, const char *prop,
		       const char *want)
{
	const char *got =
		fdt_getprop(fdt, fdt_path_offset(fdt, path), prop, NULL);

	if (!got)
		print_error("%s: no property %s\n", path, prop);
	assert_non_null(got);
	assert_string_equal(got, want);
}

static uint32_t get_u32(const void *fdt, const char *path, const char *prop)
{
	int len;
	const fdt32_t *v =
		fdt_getprop(fdt, fdt_path_offset(fdt, path), prop, &len);

	assert_non_null(v);
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*v);
}

static const fdt32_t *get_cells(const void *fdt, const char *path,
				const char *prop, int want_len)
{
	int len;
	const fdt32_t *v =
		fdt_getprop(fdt, fdt_path_offset(fdt, path), prop, &len);

	assert_non_null(v);
	assert_int_equal(len, want_len);
	return v;
}

static void test_guest_dt_contents(void **state)
{
	static const char *const absent[] = {
		"/virtio_mmio@a000000",
		"/virtio_mmio@a003c00",
		"/pcie@10000000",
		"/fw-cfg@9020000",
		"/flash@0",
		"/pl031@9010000",
		"/pl061@9030000",
		"/gpio-keys",
		"/platform-bus@c000000",
		"/cpus/cpu-map",
		"/cpus/cpu@2",
		"/intc@8000000/its@8080000",
		"/aliases",
	};
	const fdt32_t *reg, *clocks;
	struct blob blob;
	const void *fdt;
	uint32_t gic, clk;
	int len, node;

	(void)state;
	assert_int_equal(buildtest_run(TWO_VMS), 0);
	blob = buildtest_read("out.img.dtb-alpha");
	fdt = fdt_of(&blob);

	assert_str(fdt, "/", "compatible", "linux,dummy-virt");
	assert_str(fdt, "/", "model", "shikiri VM alpha");
	assert_int_equal(get_u32(fdt, "/", "#address-cells"), 2);
	assert_int_equal(get_u32(fdt, "/", "#size-cells"), 2);
	gic = get_u32(fdt, "/intc@8000000", "phandle");
	assert_int_equal(get_u32(fdt, "/", "interrupt-parent"), gic);

	assert_int_equal(get_u32(fdt, "/cpus", "#address-cells"), 1);
	assert_int_equal(get_u32(fdt, "/cpus", "#size-cells"), 0);
	assert_int_equal(get_u32(fdt, "/cpus/cpu@0", "reg"), 0);
	assert_int_equal(get_u32(fdt, "/cpus/cpu@1", "reg"), 1);
	assert_str(fdt, "/cpus/cpu@1", "compatible", "arm,cortex-a72");
	assert_str(fdt, "/cpus/cpu@1", "device_type", "cpu");
	assert_str(fdt, "/cpus/cpu@1", "enable-method", "psci");

	assert_int_equal(fdt_stringlist_count(fdt,
					      fdt_path_offset(fdt, "/psci"),
					      "compatible"),
			 2);
	assert_str(fdt, "/psci", "compatible", "arm,psci-1.0");
	assert_str(fdt, "/psci", "method", "hvc");

	reg = get_cells(fdt, "/memory@80000000", "reg", 16);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x80000000);
	assert_int_equal(fdt32_to_cpu(reg[2]), 0);
	assert_int_equal(fdt32_to_cpu(reg[3]), GIB);
	assert_str(fdt, "/memory@80000000", "device_type", "memory");

	/* GIC: GICD, then one redistributor frame pair per vCPU. */
	node = fdt_path_offset(fdt, "/intc@8000000");
	assert_int_equal(fdt_node_check_compatible(fdt, node, "arm,gic-v3"), 0);
	reg = get_cells(fdt, "/intc@8000000", "reg", 32);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x8000000);
	assert_int_equal(fdt32_to_cpu(reg[3]), 0x10000);
	assert_int_equal(fdt32_to_cpu(reg[5]), 0x80a0000);
	assert_int_equal(fdt32_to_cpu(reg[7]), 2 * 0x20000);
	assert_int_equal(get_u32(fdt, "/intc@8000000", "#interrupt-cells"), 3);
	assert_int_equal(
		get_u32(fdt, "/intc@8000000", "#redistributor-regions"), 1);
	assert_non_null(fdt_getprop(fdt, node, "interrupt-controller", NULL));
	assert_null(fdt_getprop(fdt, node, "interrupts", NULL));
	assert_int_equal(fdt_first_subnode(fdt, node), -FDT_ERR_NOTFOUND);

	assert_str(fdt, "/timer", "compatible", "arm,armv8-timer");
	reg = get_cells(fdt, "/timer", "interrupts", 48);
	assert_int_equal(fdt32_to_cpu(reg[7]), 11);
	assert_non_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/timer"),
				    "always-on", NULL));

	/* The board's PMU with its overflow PPI (PPI 7, level), as is. */
	assert_str(fdt, "/pmu", "compatible", "arm,armv8-pmuv3");
	reg = get_cells(fdt, "/pmu", "interrupts", 12);
	assert_int_equal(fdt32_to_cpu(reg[0]), 1);
	assert_int_equal(fdt32_to_cpu(reg[1]), 7);
	assert_int_equal(fdt32_to_cpu(reg[2]), 4);
	assert_str(fdt, "/pmu", "status", "okay");

	/* The console and its clock, under a fresh phandle. */
	assert_str(fdt, "/pl011@9000000", "compatible", "arm,pl011");
	reg = get_cells(fdt, "/pl011@9000000", "reg", 16);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x9000000);
	clocks = get_cells(fdt, "/pl011@9000000", "clocks", 8);
	clk = get_u32(fdt, "/apb-pclk", "phandle");
	assert_int_not_equal(clk, gic);
	assert_int_equal(fdt32_to_cpu(clocks[0]), clk);
	assert_int_equal(fdt32_to_cpu(clocks[1]), clk);
	assert_str(fdt, "/apb-pclk", "compatible", "fixed-clock");
	assert_int_equal(fdt_node_offset_by_phandle(fdt, clk),
			 fdt_path_offset(fdt, "/apb-pclk"));

	/* The passed-through device, as on the board. */
	assert_str(fdt, "/virtio_mmio@a003e00", "compatible", "virtio,mmio");
	reg = get_cells(fdt, "/virtio_mmio@a003e00", "interrupts", 12);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x2f);
	assert_null(fdt_getprop(fdt,
				fdt_path_offset(fdt, "/virtio_mmio@a003e00"),
				"phandle", NULL));

	assert_str(fdt, "/chosen", "bootargs", "console=ttyAMA0 panic=-1");
	assert_str(fdt, "/chosen", "stdout-path", "/pl011@9000000");
	assert_str(fdt, "/chosen", "shikiri,vm-name", "alpha");
	reg = get_cells(fdt, "/chosen", "linux,initrd-start", 8);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x88000000);
	reg = get_cells(fdt, "/chosen", "linux,initrd-end", 8);
	assert_int_equal(fdt32_to_cpu(reg[1]),
			 0x88000000 + BUILDTEST_INITRD_SIZE);
	get_cells(fdt, "/chosen", "rng-seed", 32);
	get_cells(fdt, "/chosen", "kaslr-seed", 8);

	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		if (fdt_path_offset(fdt, absent[i]) >= 0)
			print_error("%s should not be there\n", absent[i]);
		assert_true(fdt_path_offset(fdt, absent[i]) < 0);
	}
	/* The hypervisor's management page, just below RAM. */
	assert_str(fdt, "/shikiri-manage@7ffff000", "compatible",
		   "shikiri,manage-v1");
	reg = get_cells(fdt, "/shikiri-manage@7ffff000", "reg", 16);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x7ffff000);
	assert_int_equal(fdt32_to_cpu(reg[3]), 0x1000);

	/* Only the console's clock, only the VM's device: nothing else. */
	node = 0;
	len = 0;
	fdt_for_each_subnode(node, fdt, 0) len++;
	assert_int_equal(len, 11);
	fileio_free(&blob);
}

static void test_guest_dt_without_console(void **state)
{
	struct blob blob;
	const void *fdt;
	int chosen;

	(void)state;
	assert_int_equal(buildtest_run(TWO_VMS), 0);
	blob = buildtest_read("out.img.dtb-beta");
	fdt = fdt_of(&blob);
	chosen = fdt_path_offset(fdt, "/chosen");
	assert_true(fdt_path_offset(fdt, "/pl011@9000000") < 0);
	assert_true(fdt_path_offset(fdt, "/apb-pclk") < 0);
	assert_true(fdt_path_offset(fdt, "/virtio_mmio@a003e00") < 0);
	assert_true(fdt_path_offset(fdt, "/cpus/cpu@1") < 0);
	assert_int_equal(get_u32(fdt, "/cpus/cpu@0", "reg"), 0);
	assert_null(fdt_getprop(fdt, chosen, "stdout-path", NULL));
	assert_null(fdt_getprop(fdt, chosen, "linux,initrd-start", NULL));
	assert_str(fdt, "/chosen", "bootargs", "");
	/* One vCPU, one redistributor. */
	assert_int_equal(
		fdt32_to_cpu(get_cells(fdt, "/intc@8000000", "reg", 32)[7]),
		0x20000);
	fileio_free(&blob);
}

/*
 * A board without a PMU node, or whose PMU interrupts are SPIs (one per
 * core, not the VM's to take), gives its guests no PMU and the hypervisor
 * no PMU PPI to forward.
 */
static void test_guest_dt_pmu_only_with_a_ppi(void **state)
{
	static const char *const boards[] = {
		"/ { /delete-node/ pmu; };",
		"/ { pmu { interrupts = <0 60 4 0 61 4 0 62 4 0 63 4>; }; };",
		"/ { pmu { interrupts = <0 60 4>; }; };",
	};
	const struct shikiri_plan *p;
	struct blob img, dtb;

	(void)state;
	for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++) {
		buildtest_make_board(boards[i]);
		assert_int_equal(buildtest_run(TWO_VMS), 0);
		dtb = buildtest_read("out.img.dtb-alpha");
		assert_true(fdt_path_offset(fdt_of(&dtb), "/pmu") < 0);
		assert_true(fdt_path_offset(fdt_of(&dtb), "/timer") >= 0);
		img = buildtest_read("out.img");
		p = image_plan(&img);
		assert_int_equal(p->board.hw.aarch64.pmu_intid, 0);
		assert_int_equal(p->vm[0].arch.aarch64.pmu_status_offset, 0);
		fileio_free(&img);
		fileio_free(&dtb);
	}
	buildtest_make_board(NULL);
}

/*
 * The whole guest DT, as text, against a reviewed golden copy; run with
 * SHIKIRI_UPDATE_GOLDEN=1 to rewrite the copy after an intended change.
 */
static void test_guest_dt_golden(void **state)
{
	struct blob got;

	(void)state;
	assert_int_equal(buildtest_run(TWO_VMS), 0);
	got = buildtest_decompile("out.img.dtb-alpha");
	buildtest_golden(&got,
			 SHIKIRI_SRCDIR "/tests/unit/golden/guest-alpha.dts");
	fileio_free(&got);
}

/* -------------------------------------------------------- qemu-args --- */

static bool blob_has(const struct blob *b, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= b->size; i++)
		if (memcmp(b->data + i, s, n) == 0)
			return true;
	return false;
}

/* qemuargs_resolve(): which file= values become absolute, and how. */
static void test_qemuargs_resolve(void **state)
{
	static const struct {
		const char *arg, *dir, *want;
	} cases[] = {
		{ "file=disk.img,if=none,format=raw,id=hd0", "/cfg",
		  "file=/cfg/disk.img,if=none,format=raw,id=hd0" },
		{ "if=none,file=sub/d.img,id=x", "/cfg",
		  "if=none,file=/cfg/sub/d.img,id=x" },
		{ "file=./d.img", "/cfg", "file=/cfg/./d.img" },
		{ "file=/abs/d.img,id=x", "/cfg", "file=/abs/d.img,id=x" },
		{ "file=nbd:localhost:10809,id=x", "/cfg",
		  "file=nbd:localhost:10809,id=x" },
		{ "file=dir/a:b.img", "/cfg", "file=/cfg/dir/a:b.img" },
		{ "file=a,,b.img,id=x", "/cfg", "file=/cfg/a,,b.img,id=x" },
		{ "id=x,,file=y.img", "/cfg", "id=x,,file=y.img" },
		{ "file=d.img", "/c,d", "file=/c,,d/d.img" },
		{ "file=d.img", "/", "file=/d.img" },
		{ "file=,id=x", "/cfg", "file=,id=x" },
		{ "xfile=d.img,backing.file=e.img", "/cfg",
		  "xfile=d.img,backing.file=e.img" },
		{ "virtio-blk-device,drive=hd0", "/cfg",
		  "virtio-blk-device,drive=hd0" },
		{ "", "/cfg", "" },
		{ "a,,", "/cfg", "a,," },
		{ "a,", "/cfg", "a," },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = qemuargs_resolve(cases[i].arg, cases[i].dir);

		if (strcmp(got, cases[i].want))
			print_error("%s in %s: got %s, want %s\n", cases[i].arg,
				    cases[i].dir, got, cases[i].want);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/*
 * A config's qemu-args go into OUT.img.qemu after the machine options,
 * relative file= paths taken from the config's directory, and not into
 * the QEMU run that dumps the board's DTB.  A fake QEMU records how it was
 * started and hands out the golden board DTB.
 */
static void test_qemu_args_written(void **state)
{
	static const char fake[] =
		"#!/bin/sh\n"
		"printf '%s\\n' \"$@\" >> \"$(dirname \"$0\")/qemu-argv\"\n"
		"for a; do case $a in *dumpdtb=*)\n"
		"\tcp \"$(dirname \"$0\")/board.dtb\" \"${a##*dumpdtb=}\";;\n"
		"esac; done\n";
	char *qemu = buildtest_path("fake-qemu"),
	     *argv_path = buildtest_path("qemu-argv");
	char *dir = realpath(buildtest_dir, NULL), *want;
	const char *old = getenv("SHIKIRI_QEMU");
	struct blob q, argv;

	(void)state;
	buildtest_write("fake-qemu", fake, strlen(fake));
	assert_int_equal(chmod(qemu, 0755), 0);
	unlink(argv_path);
	setenv("SHIKIRI_QEMU", qemu, 1);
	assert_int_equal(
		buildtest_run_opts(
			"qemu-args = \"-drive\", \"file=disk.img,if=none,"
			"format=raw,id=hd0\", \"-device\", "
			"\"virtio-blk-device,drive=hd0\", \"-drive\", "
			"\"if=none,id=hd1,file=/srv/b.img\";\n" BUILDTEST_VM0,
			false, "qemu-virt"),
		0);
	if (old)
		setenv("SHIKIRI_QEMU", old, 1);
	else
		unsetenv("SHIKIRI_QEMU");
	assert_string_equal(buildtest_errors, "");

	q = buildtest_read("out.img.qemu");
	want = fileio_strdup_printf(
		"-M\nvirt,virtualization=on,gic-version=3\n-cpu\ncortex-a72\n"
		"-smp\n4\n-m\n2G\n-drive\nfile=%s/disk.img,if=none,"
		"format=raw,id=hd0\n-device\nvirtio-blk-device,drive=hd0\n"
		"-drive\nif=none,id=hd1,file=/srv/b.img\n",
		dir);
	assert_int_equal(q.size, strlen(want));
	assert_memory_equal(q.data, want, q.size);

	/* The DTB is the machine's own: no config devices in its run. */
	argv = buildtest_read("qemu-argv");
	assert_true(blob_has(&argv, "dumpdtb="));
	assert_false(blob_has(&argv, "-drive"));
	assert_false(blob_has(&argv, "virtio-blk"));

	fileio_free(&q);
	fileio_free(&argv);
	free(want);
	free(dir);
	free(qemu);
	free(argv_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_guest_like_qemu),
		cmocka_unit_test(test_layout_hv_like_qemu),
		cmocka_unit_test(test_layout_place_top_down),
		cmocka_unit_test(test_image_and_plan),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_check_writes_nothing),
		cmocka_unit_test(test_qemu_board),
		cmocka_unit_test(test_qemuargs_resolve),
		cmocka_unit_test(test_qemu_args_written),
		cmocka_unit_test(test_guest_dt_contents),
		cmocka_unit_test(test_guest_dt_without_console),
		cmocka_unit_test(test_guest_dt_pmu_only_with_a_ppi),
		cmocka_unit_test(test_guest_dt_golden),
	};
	int failed;

	if (buildtest_setup("dtgen")) {
		fprintf(stderr, "test_dtgen: cannot set up %s\n",
			buildtest_dir);
		return 1;
	}
	failed =
		cmocka_run_group_tests_name("shikiri-build", tests, NULL, NULL);
	buildtest_teardown();
	return failed ? 1 : 0;
}
