// SPDX-License-Identifier: MIT
/*
 * Every error shikiri-build reports only for PCs (x86_64), triggered: a PC
 * board file's mistakes (through --board-dtb, from configs/boards/
 * qemu-q35.dts with one thing wrong), kernels that are no usable bzImage,
 * hypervisor binaries without proper Multiboot headers, and what a config
 * may not ask of a PC.  Each message names the file, the node or property
 * and the fix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buildtest.h"
#include "exec.h"
#include "x86fake.h"

#define VM(props)                                                       \
	"\tvm@0 { label = \"pc\"; cpus = <0 1>; kernel = \"bzImage\"; " \
	"memory-size = <0 0x4000000>; " props " };\n"
#define Q35 "board = \"qemu-q35\";\n"

static int setup(void **state)
{
	(void)state;
	return buildtest_setup("x86-errors");
}

static int teardown(void **state)
{
	(void)state;
	buildtest_teardown();
	return 0;
}

/* The good inputs: a fake x86_64 hypervisor and a Debian-like kernel. */
static void good_inputs(void)
{
	struct x86fake_kernel k = x86fake_kernel_default();

	x86fake_hv("hv.bin", X86FAKE_HV_OK);
	x86fake_bzimage("bzImage", &k);
}

/* Build @body (with the q35 board unless --board-dtb is in use). */
static void expect(const char *name, const char *body, bool board_dtb,
		   const char *want)
{
	int rc = buildtest_run_opts(body, true, board_dtb ? NULL : "-");

	if (rc != 1 || !strstr(buildtest_errors, want))
		print_error("%s: rc %d, errors:\n%s\nwanted:\n%s\n", name, rc,
			    buildtest_errors, want);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(buildtest_errors, want));
}

static void test_good(void **state)
{
	(void)state;
	good_inputs();
	assert_int_equal(buildtest_run_opts(Q35 VM(""), true, "-"), 0);
}

static void test_config(void **state)
{
	static const struct {
		const char *props, *want;
	} cases[] = {
		{ "devices = \"/isa/serial@3f8\";",
		  "cfg.dts: /vm@0: property 'devices': not available on "
		  "x86_64 boards (a PC's devices are passed through by PCI "
		  "function, with pci-devices); fix: remove it\n" },
		{ "interrupts = <10>;",
		  "property 'interrupts': not available on x86_64 boards" },
		{ "interrupt-ranges = <10 2>;",
		  "property 'interrupt-ranges': not available on x86_64 "
		  "boards" },
		{ "overlay = \"x.dtso\";",
		  "property 'overlay': not available on x86_64 boards (an "
		  "x86_64 VM has ACPI tables, no device tree); fix: remove "
		  "it\n" },
		{ "watchdog-ms = <1000>;",
		  "property 'watchdog-ms': not available on x86_64 boards "
		  "(the watchdog is the SBSA one of Arm boards)" },
		{ "bootargs = \"console=ttyS0\";", NULL },
	};

	(void)state;
	good_inputs();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *body = fileio_strdup_printf(Q35 VM("%s"), cases[i].props);

		if (cases[i].want)
			expect(cases[i].props, body, false, cases[i].want);
		else
			assert_int_equal(buildtest_run_opts(body, true, "-"),
					 0);
		free(body);
	}
}

static void test_memory(void **state)
{
	const size_t big_size = 0xa00000;
	char *big = malloc(big_size);

	(void)state;
	good_inputs();
	expect("3 GiB",
	       Q35 "\tvm@0 { label = \"pc\"; cpus = <0>; kernel = "
		   "\"bzImage\"; memory-size = <0 0xc0000000>; };\n",
	       false,
	       "cfg.dts: /vm@0: property 'memory-size': 3072 MiB is more "
	       "than an x86_64 VM can have: its RAM runs from 0 to the device "
	       "window at 0xb0000000; fix: use at most 2816 MiB\n");
	expect("16 MiB",
	       Q35 "\tvm@0 { label = \"pc\"; cpus = <0>; kernel = "
		   "\"bzImage\"; memory-size = <0 0x1000000>; };\n",
	       false,
	       "property 'memory-size': 16 MiB is too little for an x86_64 "
	       "VM, whose kernel is loaded at 16 MiB; fix: use at least 32 "
	       "MiB\n");
	/* 16 MiB + 8 MiB of init_size, then a 10 MiB initrd: 34 MiB. */
	memset(big, 0x5a, big_size);
	buildtest_write("big", big, big_size);
	free(big);
	expect("payloads",
	       Q35 "\tvm@0 { label = \"pc\"; cpus = <0>; kernel = "
		   "\"bzImage\"; initrd = \"big\"; memory-size = <0 "
		   "0x2000000>; };\n",
	       false,
	       "property 'memory-size': 32 MiB is too small for the payloads "
	       "(kernel at 0x1000000 needs 0x800000 bytes, then a "
	       "10485760-byte initrd); fix: use at least 34 MiB or smaller "
	       "payloads\n");
}

/* Write a bzImage with one header field changed, build, expect @want. */
static void bad_kernel(const char *name, struct x86fake_kernel k,
		       const char *props, const char *want)
{
	char *body = fileio_strdup_printf(Q35 VM("%s"), props);

	x86fake_bzimage("bzImage", &k);
	expect(name, body, false, want);
	free(body);
}

static void test_kernel(void **state)
{
	struct x86fake_kernel k = x86fake_kernel_default();
	struct blob full;

	(void)state;
	good_inputs();
	k.version = 0x020b;
	bad_kernel("2.11", k, "",
		   "bzImage' speaks a "
		   "boot protocol older than 2.12 (Linux 3.8); fix: use a "
		   "newer kernel\n");
	k = x86fake_kernel_default();
	k.loadflags = 0;
	bad_kernel("zImage", k, "",
		   "bzImage' is a zImage (loaded low, below 1 MiB); fix: use "
		   "a bzImage\n");
	k = x86fake_kernel_default();
	k.relocatable = 0;
	k.pref_address = 0x100000;
	bad_kernel("fixed", k, "",
		   "bzImage' can be loaded only elsewhere than 16 MiB (it is "
		   "not relocatable to 16 MiB and does not prefer it); fix: "
		   "build it with CONFIG_RELOCATABLE=y\n");
	k = x86fake_kernel_default();
	k.cmdline_size = 8;
	bad_kernel("cmdline", k, "bootargs = \"console=ttyS0\";",
		   "cfg.dts: /vm@0: property 'bootargs': is 13 characters "
		   "long, more than the 8 the kernel '");
	assert_non_null(
		strstr(buildtest_errors, "/bzImage' takes; fix: shorten it\n"));
	/* Cut inside its setup code. */
	k = x86fake_kernel_default();
	x86fake_bzimage("bzImage", &k);
	full = buildtest_read("bzImage");
	buildtest_write("bzImage", full.data, 0x800);
	expect("cut", Q35 VM(""), false,
	       "bzImage' has a setup header or setup size that does not fit "
	       "the file; fix: use an uncorrupted bzImage\n");
	fileio_free(&full);
	buildtest_write_image("bzImage", 0x100000, 0x1000, 0);
	expect("arm64", Q35 VM(""), false,
	       "bzImage' is not an x86 bzImage (no \"HdrS\" setup header at "
	       "0x202); fix: use arch/x86/boot/bzImage or a distribution's "
	       "vmlinuz\n");
}

static void test_hypervisor(void **state)
{
	static const struct {
		enum x86fake_hv_flaw flaw;
		const char *want;
	} cases[] = {
		{ X86FAKE_HV_NO_MB2, "not an x86_64 hypervisor binary: no "
				     "Multiboot2 header with an address tag "
				     "in its first 8 KiB; fix: pass "
				     "build/x86_64/hv/shikiri.bin\n" },
		{ X86FAKE_HV_NO_ADDRESS, "not an x86_64 hypervisor binary: no "
					 "Multiboot 1 header with address "
					 "fields (flag 16) in its first 8 "
					 "KiB" },
		{ X86FAKE_HV_DISAGREE, "its Multiboot headers disagree, or "
				       "their bss_end_addr does not cover the "
				       "file" },
		{ X86FAKE_HV_MOVED, "its Multiboot headers do not load file "
				    "offset 0 at load_addr" },
	};

	(void)state;
	good_inputs();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		x86fake_hv("hv.bin", cases[i].flaw);
		expect(cases[i].want, Q35 VM(""), false, cases[i].want);
	}
	/* An arm64 hypervisor for a PC. */
	buildtest_write_image("hv.bin", BUILDTEST_HV_FOOTPRINT, 0x1000, 0);
	expect("arm64 hv", Q35 VM(""), false,
	       "hv.bin: not an x86_64 hypervisor binary: no Multiboot 1 "
	       "header");
	x86fake_hv("hv.bin", X86FAKE_HV_OK);
}

static void test_board_file(void **state)
{
	static const struct {
		const char *extra, *want;
	} cases[] = {
		{ "/ { /delete-node/ memory@1000; };",
		  "board.dtb: no RAM (a node with device_type = \"memory\" "
		  "and a reg per e820 RAM range); fix: add one\n" },
		{ "/ { memory@1000 { reg = <0 0x1000 0 0x9e800>; }; };",
		  "board.dtb: /memory@1000: reg entry 0 [0x1000, +0x9e800) "
		  "is not whole 4 KiB pages; fix: round the e820 range "
		  "inwards\n" },
		{ "/ { memory@1000 { reg = <0 0x1000 0 0x9e000>, <0 0x2000 "
		  "0 0x1000>; }; };",
		  "board.dtb: RAM ranges at 0x1000 and 0x2000 overlap; fix: "
		  "list each byte once\n" },
		{ "/ { memory@1000 { reg = <0 0x1000 0 0x1000>, <0 0x3000 0 "
		  "0x1000>, <0 0x5000 0 0x1000>, <0 0x7000 0 0x1000>, <0 "
		  "0x9000 0 0x1000>, <0 0xb000 0 0x1000>, <0 0xd000 0 "
		  "0x1000>, <0 0xf000 0 0x1000>, <0 0x11000 0 0x1000>; }; };",
		  "board.dtb: /memory@1000: more than 8 RAM ranges; fix: "
		  "leave out the smallest ones\n" },
		{ "/ { cpus { cpu@3 { reg = <0x1ff>; }; }; };",
		  "board.dtb: /cpus/cpu@3: reg must be one cell, the CPU's "
		  "local APIC ID (0-254); fix: copy it from the MADT\n" },
		{ "/ { cpus { cpu@3 { reg = <1>; }; }; };",
		  "board.dtb: /cpus/cpu@3: APIC ID 1 is also another CPU's; "
		  "fix: give each CPU its own\n" },
		{ "/ { /delete-node/ cpus; };",
		  "board.dtb: no CPU nodes under /cpus; fix: add one per CPU, "
		  "reg = <local APIC ID>\n" },
		{ "/ { /delete-node/ interrupt-controller@fee00000; };",
		  "board.dtb: no local APIC (compatible "
		  "\"intel,ce4100-lapic\"); fix: add it\n" },
		{ "/ { interrupt-controller@fec00000 { reg = <0 0xfec00000 0 "
		  "0x2000>; }; };",
		  "board.dtb: /interrupt-controller@fec00000: the I/O APIC "
		  "needs reg = one 4 KiB page; fix: correct its reg\n" },
		{ "/ { interrupt-controller@fec00000 { shikiri,pins = <0>; "
		  "}; };",
		  "board.dtb: /interrupt-controller@fec00000: shikiri,pins "
		  "must be 1-240 and shikiri,gsi-base at most 240; fix: copy "
		  "them from the MADT\n" },
		{ "/ { /delete-node/ chosen; };",
		  "board.dtb: /chosen: no stdout-path; fix: point it at the "
		  "serial port the hypervisor owns, e.g. \"/isa/serial@3f8\"\n" },
		{ "/ { chosen { stdout-path = \"/cpus\"; }; };",
		  "board.dtb: /chosen: stdout-path '/cpus' is not a 16550 "
		  "(compatible \"ns16550a\"); fix: point it at one\n" },
		{ "/ { isa { serial@3f8 { reg = <0 0x3f8 8>; }; }; };",
		  "board.dtb: /isa/serial@3f8: the console needs reg = <1 "
		  "PORT 8> (ISA I/O space) and interrupts = <GSI 0>; fix: as "
		  "/proc/ioports and /proc/interrupts say\n" },
		{ "/ { /delete-node/ reserved-memory; };",
		  "board.dtb: no AP trampoline page (compatible "
		  "\"shikiri,ap-trampoline\"); fix: add it\n" },
		{ "/ { reserved-memory { ap-trampoline@8000 { reg = <0 "
		  "0x100000 0 0x1000>; }; }; };",
		  "board.dtb: /reserved-memory/ap-trampoline@8000: the AP "
		  "trampoline must lie below 1 MiB (a CPU starts in real "
		  "mode); fix: pick a RAM page there\n" },
		{ "/ { pcie@b0000000 { /delete-property/ reg; }; };",
		  "board.dtb: /pcie@b0000000: the PCIe host needs reg = its "
		  "ECAM window (1 MiB aligned, 1 MiB per bus); fix: copy it "
		  "from the MCFG table (Linux: \"PCI: MMCONFIG for domain "
		  "0000 [bus 00-ff] at [mem 0xb0000000-0xbfffffff]\")\n" },
	};

	(void)state;
	good_inputs();
	buildtest_pc_board("");
	assert_int_equal(buildtest_run_opts(VM(""), true, NULL), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buildtest_pc_board(cases[i].extra);
		expect(cases[i].extra, VM(""), true, cases[i].want);
	}
	buildtest_make_board(NULL);
}

/* 65 CPUs: more than a plan holds. */
static void test_board_cpus(void **state)
{
	char extra[8192] = "/ { cpus {\n";

	(void)state;
	good_inputs();
	for (int i = 4; i < 65; i++)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "cpu@%x { device_type = \"cpu\"; reg = <%d>; };\n", i,
			 i);
	strcat(extra, "}; };\n");
	buildtest_pc_board(extra);
	expect("65 CPUs", VM(""), true,
	       "board.dtb: /cpus/cpu@40: more than 64 CPUs; fix: list at "
	       "most 64\n");
	buildtest_make_board(NULL);
}

/* No board file where the tool looks for it. */
static void test_board_file_missing(void **state)
{
	char *dir = buildtest_path("no-boards");

	(void)state;
	good_inputs();
	setenv("SHIKIRI_BOARDS", dir, 1);
	expect("missing", Q35 VM(""), false,
	       "board qemu-q35: cannot compile its board file ");
	assert_non_null(strstr(buildtest_errors,
			       "fix: set SHIKIRI_BOARDS to the directory "
			       "holding qemu-q35.dts (configs/boards)\n"));
	unsetenv("SHIKIRI_BOARDS");
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_hypervisor),
		cmocka_unit_test(test_board_file),
		cmocka_unit_test(test_board_cpus),
		cmocka_unit_test(test_board_file_missing),
	};

	return cmocka_run_group_tests_name("x86_64 errors", tests, setup,
					   teardown);
}
