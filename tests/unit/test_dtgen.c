// SPDX-License-Identifier: MIT
/*
 * shikiri-build, in process: payload and VM placement, the generated guest
 * device trees (what they contain and, as important, what they leave out),
 * the packed image and its plan, and every config error message.
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

#include "build.h"
#include "dtgen.h"
#include "exec.h"
#include "fileio.h"
#include "hv/plan_check.h"
#include "layout.h"
#include "qemuargs.h"

#define MIB 0x100000ull
#define GIB 0x40000000ull
#define KERNEL_FOOTPRINT 0x400000ull
#define KERNEL_FILE_SIZE 0x20000u
#define INITRD_SIZE 0x3000u
#define HV_FOOTPRINT 0x40000u

static char tmpdir[] = "/tmp/shikiri-test-dtgen-XXXXXX";
static uint8_t seed[DTGEN_SEED_SIZE];
static char *errors;	/* what the last run reported */
static char *explained; /* what the last run printed */

static char *tmp_path(const char *name)
{
	return fileio_strdup_printf("%s/%s", tmpdir, name);
}

static void write_tmp(const char *name, const void *data, size_t size)
{
	char *path = tmp_path(name);

	assert_int_equal(fileio_write(path, data, size), 0);
	free(path);
}

/* An arm64 Image header on @size bytes of filler. */
static void write_image(const char *name, uint64_t footprint, size_t size,
			uint8_t fill)
{
	uint8_t *b = malloc(size);

	memset(b, fill, size);
	memset(b, 0, 64);
	for (int i = 0; i < 8; i++)
		b[16 + i] = (uint8_t)(footprint >> (8 * i));
	memcpy(b + 56, "ARM\x64", 4);
	write_tmp(name, b, size);
	free(b);
}

static int group_setup(void **state)
{
	char *argv[8], *messages, *board;
	uint8_t initrd[INITRD_SIZE];
	int status;

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	board = tmp_path("board.dtb");
	argv[0] = "dtc";
	argv[1] = "-q";
	argv[2] = "-O";
	argv[3] = "dtb";
	argv[4] = "-o";
	argv[5] = board;
	argv[6] = SHIKIRI_SRCDIR "/tests/unit/golden/qemu-virt.dts";
	argv[7] = NULL;
	status = exec_run(argv, &messages);
	fputs(messages, stderr);
	free(messages);
	free(board);
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)i;
	write_image("Image", KERNEL_FOOTPRINT, KERNEL_FILE_SIZE, 0x5a);
	write_image("hv.bin", HV_FOOTPRINT, 0x1000, 0xee);
	write_tmp("initrd", initrd, sizeof(initrd));
	return status;
}

static int group_teardown(void **state)
{
	char *cmd = fileio_strdup_printf("rm -rf '%s'", tmpdir);
	int ret = system(cmd);

	(void)state;
	free(cmd);
	free(errors);
	free(explained);
	return ret;
}

/* Run shikiri-build on a config with @body inside its root node. */
static int run_opts(const char *body, bool check, const char *board)
{
	char *text = fileio_strdup_printf(
		"/dts-v1/;\n/ {\n\tcompatible = \"shikiri,config-v1\";\n%s\n};\n",
		body);
	char *cfg = tmp_path("cfg.dts"), *out = tmp_path("out.img");
	char *hv = tmp_path("hv.bin"), *dtb = tmp_path("board.dtb");
	struct build_opts o = {
		.config = cfg,
		.out = out,
		.hv = hv,
		.check = check,
		.explain = true,
		.seed = seed,
	};
	size_t err_size, out_size;
	FILE *err_f, *out_f;
	int ret;

	/* NULL: the golden board DTB; "-": no board option at all. */
	if (!board)
		o.board_dtb = dtb;
	else if (strcmp(board, "-") != 0)
		o.board = board;
	write_tmp("cfg.dts", text, strlen(text));
	free(errors);
	free(explained);
	err_f = open_memstream(&errors, &err_size);
	out_f = open_memstream(&explained, &out_size);
	ret = build_run(&o, out_f, err_f);
	fclose(err_f);
	fclose(out_f);
	free(text);
	free(cfg);
	free(out);
	free(hv);
	free(dtb);
	return ret;
}

static int run(const char *body)
{
	return run_opts(body, false, NULL);
}

static struct blob read_tmp(const char *name)
{
	struct blob b;
	char *path = tmp_path(name);

	assert_int_equal(fileio_read(path, &b), 0);
	free(path);
	return b;
}

static bool tmp_exists(const char *name)
{
	char *path = tmp_path(name);
	bool yes = access(path, F_OK) == 0;

	free(path);
	return yes;
}

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
	uint64_t top = 0xc0000000, pa;

	(void)state;
	assert_int_equal(layout_place_vm(&top, 0x48200000, GIB, &pa), 0);
	assert_int_equal(pa, 0x80000000);
	assert_int_equal(layout_place_vm(&top, 0x48200000, 512 * MIB, &pa), 0);
	assert_int_equal(pa, 0x60000000);
	assert_int_equal(layout_place_vm(&top, 0x48200000, 6 * MIB, &pa), 0);
	assert_int_equal(pa, 0x5fa00000);
	/* 1 GiB multiples are 1 GiB aligned: this one would hit the floor. */
	assert_int_equal(layout_place_vm(&top, 0x48200000, GIB, &pa), -1);
	assert_int_equal(top, 0x5fa00000);
	/* 2 MiB multiples fill what is left, and no more. */
	assert_int_equal(layout_place_vm(&top, 0x48200000,
					 0x5fa00000 - 0x48200000, &pa),
			 0);
	assert_int_equal(pa, 0x48200000);
	assert_int_equal(layout_place_vm(&top, 0x48200000, 2 * MIB, &pa), -1);
	/* 1 GiB alignment rounds down. */
	top = 0xb0000000;
	assert_int_equal(layout_place_vm(&top, 0x40000000, GIB, &pa), 0);
	assert_int_equal(pa, 0x40000000);
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
	return (const struct shikiri_plan *)(img->data + HV_FOOTPRINT);
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
	assert_int_equal(run(TWO_VMS), 0);
	assert_string_equal(errors, "");
	img = read_tmp("out.img");
	dtb_a = read_tmp("out.img.dtb-alpha");
	dtb_b = read_tmp("out.img.dtb-beta");
	kernel = read_tmp("Image");
	initrd = read_tmp("initrd");
	assert_false(tmp_exists("out.img.qemu"));
	assert_false(tmp_exists("out.img.tmp"));

	/* The header's image_size now covers the whole image. */
	assert_memory_equal(img.data + 56, "ARM\x64", 4);
	assert_int_equal(le64(img.data + 16), img.size);
	assert_int_equal(img.data[100], 0xee);

	p = image_plan(&img);
	lim.hv_size = 0x48200000 - 0x40200000;
	assert_int_equal(plan_check(p, img.size - HV_FOOTPRINT, &lim, &err), 0);
	assert_int_equal(p->image_size, img.size);
	assert_int_equal(p->vm_count, 2);
	assert_int_equal(p->board.ram_base, 0x40000000);
	assert_int_equal(p->board.ram_size, 0x80000000);
	assert_int_equal(p->board.gicd_base, 0x8000000);
	assert_int_equal(p->board.gicr_base, 0x80a0000);
	assert_int_equal(p->board.uart_base, 0x9000000);
	assert_int_equal(p->board.uart_intid, 33);
	assert_int_equal(p->board.cpu_count, 4);
	assert_int_equal(p->board.cpu_mpidr[3], 3);
	assert_int_equal(p->board.timer_virt_intid, 27);
	assert_int_equal(p->board.gic_maint_intid, 25);

	a = &p->vm[0];
	b = &p->vm[1];
	assert_string_equal(a->name, "alpha");
	assert_int_equal(a->cpu_mask, 0x3);
	assert_int_equal(b->cpu_mask, 0x8);
	/* Top-down: 1 GiB at a 1 GiB boundary, then 64 MiB below it. */
	assert_int_equal(a->ram[0].pa, 0x80000000);
	assert_int_equal(a->ram[0].ipa, 0x40000000);
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
	assert_int_equal(a->console_ipa, 0x9000000);
	assert_int_equal(a->console_virq, 33);
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
	assert_int_equal(a->payload[0].offset, HV_FOOTPRINT + 0x1000);
	assert_int_equal(a->payload[0].ipa, 0x40000000);
	assert_int_equal(a->entry_ipa, 0x40000000);
	assert_memory_equal(img.data + a->payload[0].offset, kernel.data,
			    kernel.size);
	assert_int_equal(a->payload[1].kind, SHIKIRI_PAYLOAD_INITRD);
	assert_int_equal(a->payload[1].ipa, 0x48000000);
	assert_memory_equal(img.data + a->payload[1].offset, initrd.data,
			    initrd.size);
	assert_int_equal(a->payload[1].crc32,
			 plan_crc32(0, initrd.data, initrd.size));
	assert_int_equal(a->payload[2].kind, SHIKIRI_PAYLOAD_DTB);
	assert_int_equal(a->payload[2].ipa, 0x48200000);
	assert_int_equal(a->dtb_ipa, 0x48200000);
	assert_int_equal(a->payload[2].size, dtb_a.size);
	assert_memory_equal(img.data + a->payload[2].offset, dtb_a.data,
			    dtb_a.size);
	/* 64 MiB, no initrd: the DTB goes at half of RAM. */
	assert_int_equal(b->payload[1].kind, SHIKIRI_PAYLOAD_DTB);
	assert_int_equal(b->dtb_ipa, 0x42000000);
	assert_memory_equal(img.data + b->payload[1].offset, dtb_b.data,
			    dtb_b.size);
	for (unsigned int i = 0; i < a->payload_count; i++) {
		const struct shikiri_payload *pl = &a->payload[i];

		assert_int_equal(pl->offset % SHIKIRI_PAYLOAD_ALIGN, 0);
		assert_int_equal(pl->crc32, plan_crc32(0, img.data + pl->offset,
						       pl->size));
	}
	/* The seed offsets point at the seeds' values in the DTB. */
	assert_memory_equal(dtb_a.data + a->rng_seed_offset, seed,
			    DTGEN_RNG_SEED_SIZE);
	assert_memory_equal(dtb_a.data + a->kaslr_seed_offset,
			    seed + DTGEN_RNG_SEED_SIZE, DTGEN_KASLR_SEED_SIZE);
	assert_memory_equal(dtb_b.data + b->rng_seed_offset, seed,
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
	assert_int_equal(run(TWO_VMS), 0);
	assert_non_null(strstr(explained, "VM 0 alpha"));
	assert_non_null(strstr(explained, "pCPUs 0,1\n"));
	assert_non_null(strstr(explained, "PA [0x80000000, 0xc0000000) = "
					  "IPA 0x40000000 (1024 MiB)"));
	assert_non_null(strstr(explained, "IRQ       virt 79 -> phys 79 "
					  "(/virtio_mmio@a003e00)"));
	assert_non_null(strstr(explained, "VM 1 beta"));
	assert_non_null(strstr(explained, "reserved [0x40000000, "
					  "0x48200000)"));
}

static void test_check_writes_nothing(void **state)
{
	char *out = tmp_path("out.img");

	(void)state;
	unlink(out);
	assert_int_equal(run_opts(TWO_VMS, true, NULL), 0);
	assert_false(tmp_exists("out.img"));
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
	assert_int_equal(run_opts(TWO_VMS, false, "qemu-virt"), 0);
	q = read_tmp("out.img.qemu");
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
		"/pmu",
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
	assert_int_equal(run(TWO_VMS), 0);
	blob = read_tmp("out.img.dtb-alpha");
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

	reg = get_cells(fdt, "/memory@40000000", "reg", 16);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x40000000);
	assert_int_equal(fdt32_to_cpu(reg[2]), 0);
	assert_int_equal(fdt32_to_cpu(reg[3]), GIB);
	assert_str(fdt, "/memory@40000000", "device_type", "memory");

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
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x48000000);
	reg = get_cells(fdt, "/chosen", "linux,initrd-end", 8);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x48000000 + INITRD_SIZE);
	get_cells(fdt, "/chosen", "rng-seed", 32);
	get_cells(fdt, "/chosen", "kaslr-seed", 8);

	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		if (fdt_path_offset(fdt, absent[i]) >= 0)
			print_error("%s should not be there\n", absent[i]);
		assert_true(fdt_path_offset(fdt, absent[i]) < 0);
	}
	/* The hypervisor's management page, just below RAM. */
	assert_str(fdt, "/shikiri-manage@3ffff000", "compatible",
		   "shikiri,manage-v1");
	reg = get_cells(fdt, "/shikiri-manage@3ffff000", "reg", 16);
	assert_int_equal(fdt32_to_cpu(reg[1]), 0x3ffff000);
	assert_int_equal(fdt32_to_cpu(reg[3]), 0x1000);

	/* Only the console's clock, only the VM's device: nothing else. */
	node = 0;
	len = 0;
	fdt_for_each_subnode(node, fdt, 0) len++;
	assert_int_equal(len, 10);
	fileio_free(&blob);
}

static void test_guest_dt_without_console(void **state)
{
	struct blob blob;
	const void *fdt;
	int chosen;

	(void)state;
	assert_int_equal(run(TWO_VMS), 0);
	blob = read_tmp("out.img.dtb-beta");
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
 * The whole guest DT, as text, against a reviewed golden copy; run with
 * SHIKIRI_UPDATE_GOLDEN=1 to rewrite the copy after an intended change.
 */
static void test_guest_dt_golden(void **state)
{
	char *dtb = tmp_path("out.img.dtb-alpha"), *dts = tmp_path("alpha.dts");
	char *argv[] = { "dtc", "-q", "-I", "dtb", "-O",
			 "dts", "-o", dts,  dtb,   NULL };
	char *messages, *golden_path;
	struct blob got, want;

	(void)state;
	assert_int_equal(run(TWO_VMS), 0);
	assert_int_equal(exec_run(argv, &messages), 0);
	free(messages);
	got = read_tmp("alpha.dts");
	golden_path = SHIKIRI_SRCDIR "/tests/unit/golden/guest-alpha.dts";
	/* After an intended change: regenerate, then review the diff. */
	if (getenv("SHIKIRI_UPDATE_GOLDEN"))
		assert_int_equal(fileio_write(golden_path, got.data, got.size),
				 0);
	assert_int_equal(fileio_read(golden_path, &want), 0);
	if (got.size != want.size || memcmp(got.data, want.data, got.size))
		print_error("%s differs from %s\n", dts, golden_path);
	assert_int_equal(got.size, want.size);
	assert_memory_equal(got.data, want.data, got.size);
	fileio_free(&got);
	fileio_free(&want);
	free(dtb);
	free(dts);
}

/* ------------------------------------------------------ config errors --- */

/*
 * A valid VM, and SET() to change or add properties of a VM afterwards:
 * dtc refuses a property given twice in one node, but a later root block
 * overrides what an earlier one said.
 */
#define VM0                                                 \
	"\tvm@0 { label = \"a\"; cpus = <0>; "              \
	"memory-size = <0 0x4000000>; kernel = \"Image\"; " \
	"initrd = \"initrd\"; };\n"
#define VM1                                    \
	"\tvm@1 { label = \"b\"; cpus = <1>; " \
	"memory-size = <0 0x4000000>; kernel = \"Image\"; };\n"
#define SET(n, props) "};\n/ {\n\tvm@" n " { " props " };\n"

/* A config, and one line the error output must contain. */
struct config_error {
	const char *name;
	const char *body;
	const char *want;
};

static const struct config_error config_errors[] = {
	{ "CPU not on board",
	  "vm@0 { label = \"a\"; cpus = <0 7>; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "cfg.dts: /vm@0: property 'cpus': CPU 7 is not on the board (board "
	  "has CPUs 0-3); fix: use CPUs 0-3\n" },
	{ "CPU listed twice",
	  "vm@0 { label = \"a\"; cpus = <2 2>; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "/vm@0: property 'cpus': CPU 2 is listed twice; fix: list each CPU "
	  "once\n" },
	{ "CPU in two VMs", VM0 VM1 SET("1", "cpus = <0>; "),
	  "cfg.dts: /vm@1: property 'cpus': CPU 0 is already given to /vm@0; "
	  "fix: give each CPU to one VM\n" },
	{ "no cpus",
	  "vm@0 { label = \"a\"; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "/vm@0: property 'cpus': is missing; fix: add e.g. cpus = <0 1>\n" },
	{ "memory too big", VM0 SET("0", "memory-size = <0x1 0x0>; "),
	  "cfg.dts: /vm@0: property 'memory-size': 4096 MiB does not fit in "
	  "board RAM: 1918 MiB are left between the hypervisor's area (ending "
	  "at 0x48200000) and the VMs before it; fix: give VMs less memory\n" },
	{ "second 1 GiB VM does not fit",
	  VM0 VM1 SET("0", "memory-size = <0 0x40000000>;")
		  SET("1", "memory-size = <0 0x40000000>;"),
	  "cfg.dts: /vm@1: property 'memory-size': 1024 MiB does not fit in "
	  "board RAM: 894 MiB are left" },
	{ "memory not 2 MiB multiple",
	  VM0 SET("0", "memory-size = <0 0x4000800>; "),
	  "cfg.dts: /vm@0: property 'memory-size': 0x4000800 is not a non-zero "
	  "multiple of 2 MiB; fix: use e.g. <0x0 0x4200000> (66 MiB)\n" },
	{ "memory zero", VM0 SET("0", "memory-size = <0 0>; "),
	  "property 'memory-size': 0x0 is not a non-zero multiple of 2 MiB" },
	{ "memory three cells", VM0 SET("0", "memory-size = <0 0 1>; "),
	  "property 'memory-size': must be a 64-bit size as two cells" },
	{ "kernel missing", VM0 SET("0", "kernel = \"nothere/Image\"; "),
	  "/nothere/Image': No such file or directory; fix: build it or "
	  "correct the path (relative to the config file's directory)\n" },
	{ "initrd missing", VM0 SET("0", "initrd = \"rootfs.cpio\"; "),
	  "cfg.dts: /vm@0: property 'initrd': cannot read '" },
	{ "kernel property missing",
	  "vm@0 { label = \"a\"; cpus = <0>; memory-size = <0 0x4000000>; };",
	  "cfg.dts: /vm@0: property 'kernel': is missing; fix: add e.g. "
	  "kernel = \"Image\"\n" },
	{ "kernel not an Image", VM0 SET("0", "kernel = \"initrd\"; "),
	  "/initrd' is not an arm64 Image (no \"ARM\\x64\" magic at offset "
	  "56); fix: use arch/arm64/boot/Image, not vmlinux or a compressed "
	  "Image.gz\n" },
	{ "payloads too big", VM0 SET("0", "memory-size = <0 0x400000>; "),
	  "cfg.dts: /vm@0: property 'memory-size': 4 MiB is too small for the "
	  "payloads (kernel at 0x40000000 needs 0x400000 bytes, initrd at "
	  "0x40400000, DTB at 0x40600000 ends at 0x40600" },
	{ "payloads too big fix", VM0 SET("0", "memory-size = <0 0x400000>; "),
	  "fix: use at least 8 MiB or smaller payloads\n" },
	{ "unknown property", VM0 SET("0", "colour = \"blue\"; "),
	  "cfg.dts: /vm@0: property 'colour': unknown property; fix: remove it "
	  "(see docs/config.md)\n" },
	{ "misspelt property", VM0 SET("0", "on-crahs = \"stop\"; "),
	  "cfg.dts: /vm@0: property 'on-crahs': unknown property; fix: did "
	  "you mean 'on-crash'? (see docs/config.md)\n" },
	{ "bad watchdog", VM0 SET("0", "watchdog-ms = <5>; "),
	  "cfg.dts: /vm@0: property 'watchdog-ms': must be one number of "
	  "milliseconds from 100 to 3600000; fix: e.g. watchdog-ms = "
	  "<10000>\n" },
	{ "unknown root property", "colour = \"blue\";\n" VM0,
	  "cfg.dts: /: property 'colour': unknown property" },
	{ "unknown VM subnode", VM0 SET("0", "extra { }; "),
	  "cfg.dts: /vm@0/extra: unknown node; fix: remove it\n" },
	{ "unknown root node", "foo { };\n" VM0,
	  "cfg.dts: /foo: unknown node; fix: only vm@N nodes belong at the "
	  "root\n" },
	{ "bad policy", VM0 SET("0", "on-reset = \"explode\"; "),
	  "cfg.dts: /vm@0: property 'on-reset': 'explode' is not a policy; "
	  "fix: use \"restart\" or \"stop\"\n" },
	{ "reflect only on fault", VM0 SET("0", "on-crash = \"reflect\"; "),
	  "property 'on-crash': 'reflect' is not a policy; fix: use "
	  "\"restart\" or \"stop\"\n" },
	{ "bad fault policy", VM0 SET("0", "on-fault = \"ignore\"; "),
	  "property 'on-fault': 'ignore' is not a policy; fix: use "
	  "\"reflect\", \"stop\" or \"restart\"\n" },
	{ "bad console", VM0 SET("0", "console = \"serial\"; "),
	  "property 'console': 'serial' is not supported; fix: use "
	  "\"virtual\" or \"none\"\n" },
	{ "bad label", VM0 SET("0", "label = \"Linux0\"; "),
	  "cfg.dts: /vm@0: property 'label': 'Linux0' is not a valid VM name; "
	  "fix: use 1-15 characters from a-z, 0-9, '_' and '-'\n" },
	{ "label too long", VM0 SET("0", "label = \"abcdefghijklmnop\"; "),
	  "'abcdefghijklmnop' is not a valid VM name" },
	{ "label not a string", VM0 SET("0", "label = <1>; "),
	  "property 'label': must be a string; fix: e.g. label = \"linux0\"" },
	{ "label missing",
	  "vm@0 { cpus = <0>; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "cfg.dts: /vm@0: property 'label': is missing; fix: add e.g. "
	  "label = \"linux0\"\n" },
	{ "duplicate label", VM0 VM1 SET("1", "label = \"a\"; "),
	  "cfg.dts: /vm@1: property 'label': 'a' is already the label of "
	  "/vm@0; fix: give each VM its own label\n" },
	{ "VMs out of order",
	  "vm@1 { label = \"a\"; cpus = <0>; "
	  "memory-size = <0 0x4000000>; kernel = \"Image\"; };",
	  "cfg.dts: /vm@1: VMs must be numbered in order; fix: rename it "
	  "vm@0\n" },
	{ "no VMs", "", "cfg.dts: /: no VMs; fix: add a vm@0 node\n" },
	{ "manage missing VM", VM0 SET("0", "manage = <1>; "),
	  "property 'manage': names a VM that does not exist (there are 1); "
	  "fix: use the N of an existing vm@N\n" },
	{ "wrong compatible", VM0 "};\n/ {\n\tcompatible = \"other\";\n",
	  "cfg.dts: /: property 'compatible': is not \"shikiri,config-v1\"" },
	{ "dtc syntax error", VM0 SET("0", "cpus = <0> "),
	  "cfg.dts: dtc could not compile it (exit status 1):\nError: " },
	{ "device not on board", VM0 SET("0", "devices = \"/nothere\"; "),
	  "cfg.dts: /vm@0: property 'devices': '/nothere' is not in the "
	  "board's DT; fix:" },
	{ "device is the UART", VM0 SET("0", "devices = \"/pl011@9000000\"; "),
	  "property 'devices': '/pl011@9000000' overlaps the hypervisor's "
	  "UART, which the hypervisor keeps; fix: remove it\n" },
	{ "device is the GIC", VM0 SET("0", "devices = \"/intc@8000000\"; "),
	  "'/intc@8000000' overlaps the GIC, which the hypervisor keeps" },
	{ "device nested",
	  VM0 SET("0", "devices = \"/intc@8000000/its@8080000\"; "),
	  "'/intc@8000000/its@8080000' is not a child of the root node" },
	{ "device without reg", VM0 SET("0", "devices = \"/pmu\"; "),
	  "'/pmu' has no usable reg, so it is not an MMIO device" },
	{ "device with foreign refs",
	  VM0 SET("0", "devices = \"/gpio-keys\"; "),
	  "'/gpio-keys': property 'gpios' refers to other board nodes, which "
	  "shikiri cannot copy yet; fix: pass another device\n" },
	{ "device listed twice",
	  VM0 SET("0", "devices = \"/pl061@9030000\", \"/pl061@9030000\"; "),
	  "'/pl061@9030000' is listed twice; fix: list it once\n" },
	{ "device not a path", VM0 SET("0", "devices = \"pl061\"; "),
	  "'pl061' is not a full path" },
	{ "device in two VMs",
	  VM0 VM1 SET("0", "devices = \"/pl061@9030000\";")
		  SET("1", "devices = \"/pl061@9030000\";"),
	  "cfg.dts: /vm@1: property 'devices': '/pl061@9030000' is already "
	  "given to /vm@0; fix: give it to one VM\n" },
	{ "devices share a page",
	  VM0 VM1 SET("0", "devices = \"/virtio_mmio@a003e00\";")
		  SET("1", "devices = \"/virtio_mmio@a003c00\";"),
	  "cfg.dts: /vm@1: property 'devices': '/virtio_mmio@a003c00' shares "
	  "a 4 KiB page with '/virtio_mmio@a003e00' of /vm@0; fix: give both "
	  "to one VM\n" },
	{ "qemu-args not strings", "qemu-args = <1>;\n" VM0,
	  "cfg.dts: /: property 'qemu-args': must be a list of strings; fix: "
	  "e.g. qemu-args = \"-device\", \"virtio-rng-device\"\n" },
	{ "qemu-args empty property", "qemu-args;\n" VM0,
	  "cfg.dts: /: property 'qemu-args': must be a list of strings" },
	{ "qemu-args empty argument", "qemu-args = \"-device\", \"\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': argument 2 is empty; fix: remove "
	  "it or write what QEMU should get\n" },
	{ "qemu-args starts with a value",
	  "qemu-args = \"virtio-rng-device\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': starts with 'virtio-rng-device', "
	  "not with an option; fix: begin with a QEMU option such as "
	  "\"-drive\"\n" },
	{ "qemu-args machine option", "qemu-args = \"-smp\", \"2\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': '-smp' is one of the board's "
	  "machine options, which shikiri-build writes itself; fix: remove "
	  "it\n" },
	{ "qemu-args machine option, long form",
	  "qemu-args = \"-device\", \"x\", \"--machine\", \"virt\";\n" VM0,
	  "property 'qemu-args': '--machine' is one of the board's machine "
	  "options" },
	{ "qemu-args boot option", "qemu-args = \"-kernel\", \"Image\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': '-kernel' would change what QEMU "
	  "boots, which is the image; fix: remove it\n" },
	{ "qemu-args console option",
	  "qemu-args = \"-serial\", \"stdio\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': '-serial' is chosen by "
	  "scripts/run; fix: remove it\n" },
	{ "qemu-args line break", "qemu-args = \"-device\", \"a\\nb\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': an argument contains a line "
	  "break, which OUT.img.qemu (one argument per line) cannot hold; fix: "
	  "remove it\n" },
	{ "qemu-args without a QEMU board",
	  "qemu-args = \"-device\", \"virtio-rng-device\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': needs a board that QEMU runs, and "
	  "--board-dtb names none (no OUT.img.qemu is written); fix: build "
	  "with --board qemu-virt, or remove it\n" },
};

static void test_config_error(void **state)
{
	const struct config_error *c = *state;
	int rc = run(c->body);

	if (rc != 1 || !strstr(errors, c->want))
		print_error("%s: rc %d, errors:\n%s\nwanted:\n%s\n", c->name,
			    rc, errors, c->want);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(errors, c->want));
	assert_false(tmp_exists("out.img.tmp"));
}

/* --board, the config's board property, and what happens when they differ. */
static void test_board_selection(void **state)
{
	(void)state;
	assert_int_equal(run_opts("board = \"raspberry\";\n" VM0, true, "-"),
			 1);
	assert_non_null(strstr(errors, "cfg.dts: unknown board 'raspberry'; "
				       "fix: use one of qemu-virt, or "
				       "--board-dtb FILE\n"));
	assert_int_equal(
		run_opts("board = \"raspberry\";\n" VM0, true, "qemu-virt"), 1);
	assert_non_null(strstr(errors, "cfg.dts: /: property 'board': the "
				       "config is for 'raspberry' but --board "
				       "says 'qemu-virt'; fix: make them "
				       "agree\n"));
	assert_int_equal(run_opts(VM0, true, "-"), 1);
	assert_non_null(strstr(errors, "cfg.dts: no board; fix: pass --board "
				       "qemu-virt or --board-dtb FILE, or set "
				       "board = \"...\" in the config\n"));
	assert_int_equal(run_opts(VM0, true, "nope"), 1);
	assert_non_null(strstr(errors, "unknown board 'nope'"));
}

static void test_bootargs_too_long(void **state)
{
	char args[1100], *body;

	(void)state;
	memset(args, 'x', sizeof(args));
	args[1025] = '\0';
	body = fileio_strdup_printf(VM0 SET("0", "bootargs = \"%s\"; "), args);
	assert_int_equal(run(body), 1);
	assert_non_null(strstr(errors, "cfg.dts: /vm@0: property 'bootargs': "
				       "is 1025 characters long, more than "
				       "1024; fix: shorten it\n"));
	free(body);
	args[1024] = '\0';
	body = fileio_strdup_printf(VM0 SET("0", "bootargs = \"%s\"; "), args);
	assert_int_equal(run(body), 0);
	free(body);
}

static void test_too_many_vms(void **state)
{
	char *body = fileio_strdup_printf("%s", ""), *next;

	(void)state;
	for (unsigned int i = 0; i <= SHIKIRI_MAX_VMS; i++) {
		next = fileio_strdup_printf("%s\tvm@%x { label = \"v%u\"; "
					    "cpus = <%u>; memory-size = <0 "
					    "0x400000>; kernel = \"Image\"; "
					    "};\n",
					    body, i, i, i % 4);
		free(body);
		body = next;
	}
	assert_int_equal(run(body), 1);
	assert_non_null(strstr(errors, "cfg.dts: /vm@8: too many VMs; fix: "
				       "use at most 8\n"));
	free(body);
}

/* One config, many mistakes: every one of them is reported. */
static void test_all_errors_reported(void **state)
{
	static const char *const want[] = {
		"/vm@0: property 'label': 'A' is not a valid VM name",
		"/vm@0: property 'cpus': CPU 9 is not on the board",
		"/vm@0: property 'on-crash': 'never' is not a policy",
		"/vm@0: property 'speed': unknown property",
		"/vm@1: property 'cpus': CPU 1 is already given to /vm@0",
		"/vm@1: property 'kernel': cannot read '",
		"/vm@1: property 'memory-size': 0x4000001 is not a non-zero",
		"/vm@2: property 'kernel': '",
		"/vm@2: property 'devices': '/nope' is not in the board's DT",
	};
	const char *body =
		"vm@0 { label = \"A\"; cpus = <1 9>; memory-size = <0 "
		"0x4000000>; kernel = \"Image\"; on-crash = \"never\"; "
		"speed = <3>; };\n"
		"vm@1 { label = \"b\"; cpus = <1>; memory-size = <0 "
		"0x4000001>; kernel = \"missing\"; };\n"
		"vm@2 { label = \"c\"; cpus = <2>; memory-size = <0 "
		"0x4000000>; kernel = \"initrd\"; devices = \"/nope\"; };\n";
	unsigned int lines = 0;

	(void)state;
	assert_int_equal(run(body), 1);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(errors, want[i]))
			print_error("missing: %s\nin:\n%s", want[i], errors);
		assert_non_null(strstr(errors, want[i]));
	}
	for (const char *s = errors; *s; s++)
		lines += *s == '\n';
	assert_int_equal(lines, sizeof(want) / sizeof(want[0]));
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
	char *qemu = tmp_path("fake-qemu"), *argv_path = tmp_path("qemu-argv");
	char *dir = realpath(tmpdir, NULL), *want;
	const char *old = getenv("SHIKIRI_QEMU");
	struct blob q, argv;

	(void)state;
	write_tmp("fake-qemu", fake, strlen(fake));
	assert_int_equal(chmod(qemu, 0755), 0);
	unlink(argv_path);
	setenv("SHIKIRI_QEMU", qemu, 1);
	assert_int_equal(
		run_opts("qemu-args = \"-drive\", \"file=disk.img,if=none,"
			 "format=raw,id=hd0\", \"-device\", "
			 "\"virtio-blk-device,drive=hd0\", \"-drive\", "
			 "\"if=none,id=hd1,file=/srv/b.img\";\n" VM0,
			 false, "qemu-virt"),
		0);
	if (old)
		setenv("SHIKIRI_QEMU", old, 1);
	else
		unsetenv("SHIKIRI_QEMU");
	assert_string_equal(errors, "");

	q = read_tmp("out.img.qemu");
	want = fileio_strdup_printf(
		"-M\nvirt,virtualization=on,gic-version=3\n-cpu\ncortex-a72\n"
		"-smp\n4\n-m\n2G\n-drive\nfile=%s/disk.img,if=none,"
		"format=raw,id=hd0\n-device\nvirtio-blk-device,drive=hd0\n"
		"-drive\nif=none,id=hd1,file=/srv/b.img\n",
		dir);
	assert_int_equal(q.size, strlen(want));
	assert_memory_equal(q.data, want, q.size);

	/* The DTB is the machine's own: no config devices in its run. */
	argv = read_tmp("qemu-argv");
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
	const size_t n_errors =
		sizeof(config_errors) / sizeof(config_errors[0]);
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
		cmocka_unit_test(test_guest_dt_golden),
		cmocka_unit_test(test_board_selection),
		cmocka_unit_test(test_bootargs_too_long),
		cmocka_unit_test(test_too_many_vms),
		cmocka_unit_test(test_all_errors_reported),
	};
	struct CMUnitTest *errs = calloc(n_errors, sizeof(*errs));
	int failed;

	for (size_t i = 0; i < n_errors; i++) {
		errs[i].name = config_errors[i].name;
		errs[i].test_func = test_config_error;
		errs[i].initial_state = (void *)&config_errors[i];
	}
	if (group_setup(NULL)) {
		fprintf(stderr, "test_dtgen: cannot set up %s\n", tmpdir);
		free(errs);
		return 1;
	}
	failed =
		cmocka_run_group_tests_name("shikiri-build", tests, NULL, NULL);
	failed += _cmocka_run_group_tests("config errors", errs, n_errors, NULL,
					  NULL);
	free(errs);
	group_teardown(NULL);
	return failed ? 1 : 0;
}
