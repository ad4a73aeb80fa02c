// SPDX-License-Identifier: MIT
/*
 * PCI functions on a PC, in shikiri-build: every error of "pci-devices"
 * (the config) and of the board file's PCI segment triggered, each naming
 * the file, the node and the fix; and what a good config gives each VM's
 * plan record (its functions, bridges' children included, with their INTx
 * from the board file) and the board's PCI segment (ECAM, bus range,
 * windows).
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <regex.h>

#include "buildtest.h"
#include "x86fake.h"
#include "xorshift.h"

#define Q35 "board = \"qemu-q35\";\n"
#define VM0(props)                                                     \
	"\tvm@0 { label = \"a\"; cpus = <0 1>; kernel = \"bzImage\"; " \
	"memory-size = <0 0x4000000>; " props " };\n"
#define VM1(props)                                                     \
	"\tvm@1 { label = \"b\"; cpus = <2 3>; kernel = \"bzImage\"; " \
	"memory-size = <0 0x4000000>; " props " };\n"
#define ERR "cfg.dts: /vm@0: property 'pci-devices': "
#define ERR1 "cfg.dts: /vm@1: property 'pci-devices': "

/*
 * A PCIe root port at 00:1c.0 with a two-function device behind it, and a
 * plain device on GSI 5, for the bridge and GSI rules.
 */
#define BRIDGE                                                             \
	"/ { pcie@b0000000 {\n"                                            \
	"  port@1c,0 { reg = <0xe000 0 0 0 0>; class-code = <0x060400>;\n" \
	"    interrupts = <16 4>;\n"                                       \
	"    nic@0,0 { reg = <0x10000 0 0 0 0>; interrupts = <16 4>; };\n" \
	"    nic@0,1 { reg = <0x10100 0 0 0 0>; interrupts = <17 4>;\n"    \
	"      shikiri,intx-pin = <2>; }; };\n"                            \
	"  old@9,0 { reg = <0x4800 0 0 0 0>; interrupts = <5 4>; };\n"     \
	"  mine@a,0 { reg = <0x5000 0 0 0 0>; shikiri,hypervisor; };\n"    \
	"}; };\n"

static int setup(void **state)
{
	struct x86fake_kernel k = x86fake_kernel_default();

	(void)state;
	if (buildtest_setup("x86-pci"))
		return -1;
	x86fake_hv("hv.bin", X86FAKE_HV_OK);
	x86fake_bzimage("bzImage", &k);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	buildtest_teardown();
	return 0;
}

/*
 * --check @body (the q35 board file, or board.dtb with --board-dtb),
 * expect exit status 1 and @want among the errors.
 */
static void expect(const char *body, bool board_dtb, const char *want)
{
	int rc = buildtest_run_opts(body, true, board_dtb ? NULL : "-");

	if (rc != 1 || !strstr(buildtest_errors, want))
		print_error("rc %d, errors:\n%s\nwanted:\n%s\n", rc,
			    buildtest_errors, want);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(buildtest_errors, want));
}

static void expect_ok(const char *body, bool board_dtb)
{
	int rc = buildtest_run_opts(body, true, board_dtb ? NULL : "-");

	if (rc != 0)
		print_error("errors:\n%s\n", buildtest_errors);
	assert_int_equal(rc, 0);
}

/* The property's own mistakes, found while the VM is read. */
static void test_names(void **state)
{
	static const struct {
		const char *value, *want;
	} cases[] = {
		{ "\"4.0\"",
		  ERR "'4.0' is not a PCI address; fix: write it as lspci "
		      "prints it, bus:device.function in hex, e.g. "
		      "\"00:04.0\"\n" },
		{ "\"00:20.0\"", ERR "'00:20.0' is not a PCI address" },
		{ "\"00:04.8\"", ERR "'00:04.8' is not a PCI address" },
		{ "\"00:+4.0\"", ERR "'00:+4.0' is not a PCI address" },
		{ "\"0001:00:04.0\"",
		  ERR "'0001:00:04.0' is not on PCI segment 0000, the only "
		      "one shikiri passes through; fix: name a function of "
		      "segment 0\n" },
		{ "\"00:04.0\", \"0000:00:04.0\"",
		  ERR "'0000:00:04.0' is listed twice; fix: list it once\n" },
		{ "<4>",
		  ERR "must be a list of PCI addresses; fix: e.g. pci-devices "
		      "= \"00:04.0\", \"00:05.0\";\n" },
		{ "\"00:00.1\", \"00:00.2\", \"00:00.3\", \"00:00.4\", "
		  "\"00:00.5\", \"00:00.6\", \"00:00.7\", \"00:01.1\", "
		  "\"00:01.2\", \"00:01.3\", \"00:01.4\", \"00:01.5\", "
		  "\"00:01.6\", \"00:01.7\", \"00:02.1\", \"00:02.2\", "
		  "\"00:02.3\"",
		  ERR "lists more than 16 PCI functions, the most a VM can "
		      "have; fix: pass fewer\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *body = fileio_strdup_printf(Q35 VM0("pci-devices = %s;"),
						  cases[i].value);

		expect(body, false, cases[i].want);
		free(body);
	}
	/* Both spellings of a good one. */
	expect_ok(Q35 VM0("pci-devices = \"00:04.0\", \"0000:00:05.0\";"),
		  false);
}

/*
 * Random names, half of them shaped like addresses: the tool takes exactly
 * those that spell, in either form and case, a function of the q35 board
 * file a VM may own alone (its own function 0, GSIs 16-23), and refuses
 * the rest without crashing (ASan, UBSan).
 */
static void test_random_names(void **state)
{
	static const char alphabet[] = "0123456789abcdefABCDEFgx:.- ";
	static const char *const ownable[] = { "00:01.0", "00:02.0", "00:04.0",
					       "00:05.0", "00:06.0" };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int accepted = 0;
	regex_t re;

	(void)state;
	assert_int_equal(regcomp(&re,
				 "^(0000:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\."
				 "[0-9a-fA-F]$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	for (int i = 0; i < 120; i++) {
		char name[16], lower[8], *body;
		size_t n = xorshift64(&seed) % 14;
		bool good = false;
		int rc;

		if (i % 3 == 2) {
			/* A real one, in either form. */
			snprintf(name, sizeof(name), "%s%s",
				 xorshift64(&seed) % 2 ? "0000:" : "",
				 ownable[xorshift64(&seed) % 5]);
			n = strlen(name);
		} else if (i % 3 == 1) {
			const char *shape = xorshift64(&seed) % 2 ?
						    "HH:HH.H" :
						    "0000:HH:HH.H";

			n = strlen(shape);
			for (size_t c = 0; c < n; c++)
				name[c] =
					shape[c] != 'H' ?
						shape[c] :
						"0123456789abcdefABCDEF"
							[xorshift64(&seed) % 22];
		} else {
			for (size_t c = 0; c < n; c++)
				name[c] = alphabet[xorshift64(&seed) %
						   (sizeof(alphabet) - 1)];
		}
		name[n] = '\0';
		if (n >= 7 && regexec(&re, name, 0, NULL, 0) == 0) {
			for (size_t c = 0; c < 7; c++)
				lower[c] =
					(char)(name[n - 7 + c] |
					       (name[n - 7 + c] >= 'A' ? 0x20 :
									 0));
			lower[7] = '\0';
			for (size_t o = 0; o < 5; o++)
				good |= strcmp(lower, ownable[o]) == 0;
		}
		body = fileio_strdup_printf(Q35 VM0("pci-devices = \"%s\";"),
					    name);
		rc = buildtest_run_opts(body, true, "-");
		if (rc != (good ? 0 : 1))
			print_error("'%s': rc %d\n%s\n", name, rc,
				    buildtest_errors);
		assert_int_equal(rc, good ? 0 : 1);
		accepted += good;
		free(body);
	}
	regfree(&re);
	assert_true(accepted >= 30 && accepted <= 90);
}

/* Against the board file: listed, not the hypervisor's, function 0. */
static void test_board_rules(void **state)
{
	(void)state;
	expect(Q35 VM0("pci-devices = \"00:09.0\";"), false,
	       ERR "00:09.0 is not among the PCI functions of board "
		   "qemu-q35 (/pcie@b0000000); fix: name one it lists, or "
		   "add a node for the function there (docs/x86.md, \"PCI "
		   "functions\")\n");
	expect(Q35 VM0("pci-devices = \"00:00.0\";"), false,
	       ERR "00:00.0 is a host bridge (class 0x0600), which the "
		   "hypervisor keeps (a VM sees a bare copy of 00:00.0); "
		   "fix: remove it\n");
	expect(Q35 VM0("pci-devices = \"00:1f.0\", \"00:1f.2\";"), false,
	       ERR "00:1f.0 is the ISA bridge (class 0x0601), which "
		   "decodes the hypervisor's console port; fix: remove it\n");
	expect(Q35 VM0("pci-devices = \"00:1f.2\";"), false,
	       ERR "00:1f.2 is function 2 of a device whose function 0 "
		   "(00:1f.0) this VM does not own, and Linux looks for a "
		   "device's other functions only through function 0; fix: "
		   "add 00:1f.0 or remove 00:1f.2\n");
	buildtest_pc_board("/ { pcie@b0000000 { host-bridge@0,0 { "
			   "/delete-property/ class-code; }; }; };");
	expect(VM0("pci-devices = \"00:00.0\";"), true,
	       ERR "00:00.0 is device 0 of the first bus, which every VM "
		   "sees as a bare copy of the host bridge; fix: remove it\n");
	buildtest_pc_board(BRIDGE);
	expect(VM0("pci-devices = \"00:0a.0\";"), true,
	       ERR "00:0a.0 is marked shikiri,hypervisor in the board file; "
		   "fix: remove it\n");
	expect(VM0("pci-devices = \"00:09.0\";"), true,
	       ERR "00:09.0's INTx is GSI 5 in the board file, but a VM's "
		   "I/O APIC takes PCI interrupts on GSIs 16-23 only; fix: "
		   "remove its interrupts from the board file if its driver "
		   "uses MSI, or pass another function\n");
	buildtest_pc_board("/ { /delete-node/ pcie@b0000000; };");
	expect(VM0("pci-devices = \"00:04.0\";"), true,
	       "board.dtb has no PCI host (a node compatible "
	       "\"pci-host-ecam-generic\"); fix: describe its PCI segment "
	       "in the board file (docs/x86.md) or remove pci-devices\n");
}

/* Between VMs: one owner per function, bridge and INTx line. */
static void test_owners(void **state)
{
	(void)state;
	expect(Q35 VM0("pci-devices = \"00:04.0\";")
		       VM1("pci-devices = \"00:05.0\", \"00:04.0\";"),
	       false,
	       ERR1 "00:04.0 is already given to /vm@0; fix: give each PCI "
		    "function to one VM\n");
	/* 00:02.0 and 00:06.0 both raise GSI 22. */
	expect(Q35 VM0("pci-devices = \"00:06.0\";")
		       VM1("pci-devices = \"00:02.0\";"),
	       false,
	       ERR1 "00:02.0's INTx is GSI 22, which 00:06.0 of /vm@0 drives "
		    "too, and one line cannot go to two VMs; fix: give both "
		    "to one VM\n");
	expect_ok(Q35 VM0("pci-devices = \"00:06.0\", \"00:02.0\";")
			  VM1("pci-devices = \"00:04.0\";"),
		  false);
	buildtest_pc_board(BRIDGE);
	expect(VM0("pci-devices = \"00:1c.0\";")
		       VM1("pci-devices = \"01:00.1\";"),
	       true,
	       ERR1 "01:00.1 is behind the bridge 00:1c.0, which /vm@0 owns "
		    "(a VM that names a bridge owns everything behind it); "
		    "fix: give both to one VM\n");
	expect(VM0("pci-devices = \"01:00.0\";")
		       VM1("pci-devices = \"00:1c.0\";"),
	       true,
	       ERR "01:00.0 is behind the bridge 00:1c.0, which /vm@1 owns");
	expect(VM0("pci-devices = \"00:1c.0\", \"01:00.0\";"), true,
	       ERR "01:00.0 is behind the bridge 00:1c.0, which this VM "
		   "names and which brings it already; fix: remove 01:00.0\n");
	/* Function 1 behind the bridge without function 0. */
	expect(VM0("pci-devices = \"01:00.1\";"), true,
	       ERR "01:00.1 is function 1 of a device whose function 0 "
		   "(01:00.0) this VM does not own");
	expect_ok(VM0("pci-devices = \"00:1c.0\";")
			  VM1("pci-devices = \"00:04.0\";"),
		  true);
}

/* Two functions of one slot on one pin must share its GSI (_PRT). */
static void test_pins(void **state)
{
	(void)state;
	buildtest_pc_board("/ { pcie@b0000000 {\n"
			   "  a@b,0 { reg = <0x5800 0 0 0 0>; interrupts = "
			   "<16 4>; };\n"
			   "  b@b,1 { reg = <0x5900 0 0 0 0>; interrupts = "
			   "<17 4>; };\n"
			   "  c@b,2 { reg = <0x5a00 0 0 0 0>; interrupts = "
			   "<17 4>; shikiri,intx-pin = <2>; }; }; };");
	expect(VM0("pci-devices = \"00:0b.0\", \"00:0b.1\";"), true,
	       ERR "00:0b.1's INTA is GSI 17, but 00:0b.0's, on the same "
		   "slot and pin, is GSI 16; fix: correct the board file "
		   "(lspci -vv and /proc/interrupts)\n");
	expect_ok(VM0("pci-devices = \"00:0b.0\", \"00:0b.2\";"), true);
	buildtest_make_board(NULL);
}

/* A bridge with 17 functions behind it: more than a plan holds. */
static void test_too_many(void **state)
{
	char extra[4096] = "/ { pcie@b0000000 { port@1c,0 { reg = <0xe000 0 0 "
			   "0 0>;\n";

	(void)state;
	for (int i = 0; i < 17; i++)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "f@%x { reg = <0x%x 0 0 0 0>; };\n", i,
			 0x10000 | (i / 8) << 11 | (i % 8) << 8);
	strcat(extra, "}; }; };\n");
	buildtest_pc_board(extra);
	expect(VM0("pci-devices = \"00:1c.0\";"), true,
	       ERR "brings 18 PCI functions (a bridge brings those behind "
		   "it), more than the 16 a VM can have; fix: pass fewer\n");
}

/* The board file's PCI segment: each mistake named with its fix. */
static void test_board_file(void **state)
{
	static const struct {
		const char *extra, *want;
	} cases[] = {
		{ "/ { pcie@b0000000 { bus-range = <0 0x7f>; }; };",
		  "board.dtb: /pcie@b0000000: bus-range must be <first last> "
		  "(0-255) with one MiB of ECAM per bus (reg has 256); fix: "
		  "copy both from the MCFG table\n" },
		{ "/ { pcie@b0000000 { ranges = <0 0 0 0 0 0 0x1000>; }; };",
		  "board.dtb: /pcie@b0000000: ranges entry 0 is of "
		  "configuration space; fix: list only I/O (0x01000000), "
		  "32-bit (0x02000000) and 64-bit (0x03000000) memory "
		  "windows\n" },
		{ "/ { pcie@b0000000 { ranges = <0x01000000 0 0x1000 0 0x2000 "
		  "0 0x1000>; }; };",
		  "board.dtb: /pcie@b0000000: ranges entry 0 ([0x1000, "
		  "+0x1000) of I/O space) must be a window the host bridge "
		  "forwards as is (PCI address = CPU address; I/O below "
		  "0x10000, 32-bit memory below 4 GiB); fix: copy it from "
		  "Linux's \"root bus resource\" lines\n" },
		/* A window that wraps past the top of the address space. */
		{ "/ { pcie@b0000000 { ranges = <0x01000000 0xffffffff "
		  "0xfffff000 0xffffffff 0xfffff000 0 0x2000>; }; };",
		  "board.dtb: /pcie@b0000000: ranges entry 0 "
		  "([0xfffffffffffff000, +0x2000) of I/O space) must be a "
		  "window" },
		{ "/ { pcie@b0000000 { ranges = <0x02000000 0 0xc0000000 0 "
		  "0xc0000000 0 0x1000>, <0x02000000 0 0xd0000000 0 "
		  "0xd0000000 0 0x1000>; }; };",
		  "board.dtb: /pcie@b0000000: ranges lists more than one "
		  "32-bit memory window; fix: keep the one the firmware "
		  "assigned the BARs in (lspci -vv, \"Region\" lines)\n" },
		{ "/ { pcie@b0000000 { ranges = <0x02000000 0 0xa0000000 0 "
		  "0xa0000000 0 0x20000000>; }; };",
		  "board.dtb: /pcie@b0000000: the memory window [0xa0000000, "
		  "0xc0000000) holds the ECAM; fix: leave the ECAM out of "
		  "it\n" },
		{ "/ { pcie@b0000000 { ranges = <0x02000000 0 0x70000000 0 "
		  "0x70000000 0 0x20000000>; }; };",
		  "board.dtb: /pcie@b0000000: the memory window [0x70000000, "
		  "0x90000000) overlaps RAM; fix: copy the window from "
		  "Linux's \"root bus resource\" lines\n" },
		{ "/ { memory@1000 { reg = <0 0x1000 0 0x9e000>, <0 0x100000 "
		  "0 0xbff00000>; }; };",
		  "board.dtb: /pcie@b0000000: the ECAM window overlaps RAM; "
		  "fix: copy it from the MCFG table, RAM from the e820 map\n" },
		{ "/ { pcie@b0000000 { x@3,0 { reg = <0x1800 0 0 0>; }; }; };",
		  "board.dtb: /pcie@b0000000/x@3,0: a PCI function needs reg "
		  "= <BDF 0 0 0 0>, BDF = bus << 16 | device << 11 | function "
		  "<< 8 (00:1f.2 is 0xfa00); fix: write its reg so\n" },
		{ "/ { pcie@b0000000 { x@3,0 { reg = <0x11800 0 0 0 0>; }; "
		  "}; };",
		  "board.dtb: /pcie@b0000000/x@3,0: bus 01 is not the host "
		  "bridge's first bus; fix: move the node under the bridge "
		  "its bus is behind, or correct its reg\n" },
		{ "/ { pcie@b0000000 { x@3,0 { reg = <0x1800 0 0 0 0>; y@0,0 "
		  "{ reg = <0x800 0 0 0 0>; }; }; }; };",
		  "board.dtb: /pcie@b0000000/x@3,0/y@0,0: bus 00 is not a bus "
		  "behind its bridge" },
		{ "/ { pcie@b0000000 { x@4,0 { reg = <0x2000 0 0 0 0>; }; }; "
		  "};",
		  "board.dtb: /pcie@b0000000/x@4,0: 00:04.0 is listed twice; "
		  "fix: list each function once\n" },
		{ "/ { pcie@b0000000 { sata@4,0 { interrupts = <20 0>; }; }; "
		  "};",
		  "board.dtb: /pcie@b0000000/sata@4,0: interrupts must be <GSI "
		  "flags>: a GSI of the I/O APIC (0-23) and 4 (level, active "
		  "high), 8 (level, active low), 1 or 2 (edge); fix: take the "
		  "GSI from /proc/interrupts (\"IO-APIC N-fasteoi\") with the "
		  "device's driver loaded\n" },
		{ "/ { pcie@b0000000 { sata@4,0 { interrupts = <24 4>; }; }; "
		  "};",
		  "board.dtb: /pcie@b0000000/sata@4,0: interrupts must be <GSI "
		  "flags>" },
		{ "/ { pcie@b0000000 { sata@4,0 { shikiri,intx-pin = <5>; }; "
		  "}; };",
		  "board.dtb: /pcie@b0000000/sata@4,0: shikiri,intx-pin must "
		  "be 1-4 (INTA-INTD); fix: copy it from lspci -vv "
		  "(\"Interrupt: pin A\" is 1)\n" },
		{ "/ { pcie@b0000000 { vga@1,0 { shikiri,intx-pin = <1>; }; "
		  "}; };",
		  "board.dtb: /pcie@b0000000/vga@1,0: shikiri,intx-pin "
		  "without interrupts; fix: add interrupts = <GSI flags> (its "
		  "GSI from /proc/interrupts) or remove the pin\n" },
		{ "/ { pcie@b0000000 { vga@1,0 { class-code = <0x1000000>; }; "
		  "}; };",
		  "board.dtb: /pcie@b0000000/vga@1,0: class-code must be one "
		  "cell, 0xCCSSPP; fix: copy it from lspci -n (\"0106\" with "
		  "prog-if 01 is 0x010601)\n" },
	};

	(void)state;
	buildtest_pc_board("");
	expect_ok(VM0("pci-devices = \"00:04.0\";"), true);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buildtest_pc_board(cases[i].extra);
		expect(VM0(""), true, cases[i].want);
	}
	buildtest_make_board(NULL);
}

/* Where the RAM of a VM that owns PCI functions cannot go. */
static void test_layout(void **state)
{
	struct x86fake_kernel k = x86fake_kernel_default();

	(void)state;
	expect(Q35 "\tvm@0 { label = \"a\"; cpus = <0>; kernel = "
		   "\"bzImage\"; memory-size = <0 0x80000000>; pci-devices = "
		   "\"00:04.0\"; };\n",
	       false,
	       "cfg.dts: /vm@0: property 'memory-size': 2048 MiB does not "
	       "fit in board RAM (a VM that owns PCI "
	       "functions sees its RAM at its physical address, which "
	       "must be below 0xfeb00000): the largest free range is ");
	/* A PC whose RAM reaches the virtual PC's devices. */
	buildtest_pc_board("/ { memory@1000 { reg = <0 0x1000 0 0x9e000>, "
			   "<0 0x100000 0 0xfff00000>; };\n"
			   "pcie@b0000000 { reg = <1 0 0 0x10000000>; "
			   "ranges = <0x03000000 2 0 2 0 1 0>; }; };");
	expect(VM0("memory-base = <0 0xfc000000>; pci-devices = "
		   "\"00:04.0\";"),
	       true,
	       "cfg.dts: /vm@0: property 'memory-base': [0xfc000000, "
	       "0x100000000) does not end below 0xfeb00000, where the devices "
	       "of a VM that owns PCI functions begin (it sees its RAM at its "
	       "physical address); fix: use a lower base or less memory\n");
	/* The same VM without PCI functions sees its RAM from 0. */
	expect_ok(VM0("memory-base = <0 0xfc000000>;"), true);
	/*
	 * A kernel that runs only where it is linked: at 16 MiB, not where
	 * the tool places the VM; at 0x10000000 inside a memory-base VM.
	 */
	k.relocatable = 0;
	x86fake_bzimage("fixed", &k);
	expect(Q35 "\tvm@0 { label = \"a\"; cpus = <0>; kernel = "
		   "\"fixed\"; memory-size = <0 0x4000000>; pci-devices = "
		   "\"00:04.0\"; };\n",
	       false,
	       "fixed' is not relocatable and runs only at 0x1000000, "
	       "outside the VM's RAM [0x7be00000, 0x7fe00000) (a VM that owns "
	       "PCI functions sees its RAM at its physical address); fix: give "
	       "the VM a memory-base whose RAM holds 0x1000000, or build the "
	       "kernel with CONFIG_RELOCATABLE=y\n");
	expect_ok(Q35 "\tvm@0 { label = \"a\"; cpus = <0>; kernel = "
		      "\"fixed\"; memory-size = <0 0x4000000>; };\n",
		  false);
	k.pref_address = 0x10000000;
	x86fake_bzimage("fixed", &k);
	expect_ok(Q35 "\tvm@0 { label = \"a\"; cpus = <0>; kernel = "
		      "\"fixed\"; memory-size = <0 0x4000000>; memory-base = "
		      "<0 0x10000000>; pci-devices = \"00:04.0\"; };\n",
		  false);
	assert_non_null(
		strstr(buildtest_explained, "-> IPA 0x10000000 (65536 bytes"));
	expect(Q35 "\tvm@0 { label = \"a\"; cpus = <0>; kernel = "
		   "\"fixed\"; memory-size = <0 0x4000000>; memory-base = "
		   "<0 0x20000000>; pci-devices = \"00:04.0\"; };\n",
	       false,
	       "fixed' is not relocatable and runs only at 0x10000000, "
	       "outside the VM's RAM [0x20000000, 0x24000000)");
	/* Without PCI functions it must want 16 MiB, as before. */
	expect(Q35 "\tvm@0 { label = \"a\"; cpus = <0>; kernel = "
		   "\"fixed\"; memory-size = <0 0x4000000>; };\n",
	       false, "fixed' can be loaded only elsewhere than 16 MiB");
	buildtest_make_board(NULL);
}

/* A VM that names a bridge gets everything behind it in its plan. */
static void test_bridge_plan(void **state)
{
	const struct shikiri_plan *p;
	struct blob out;
	bool found = false;

	(void)state;
	buildtest_pc_board(BRIDGE);
	assert_int_equal(buildtest_run_opts(VM0("pci-devices = \"00:1c.0\", "
						"\"00:04.0\";"),
					    false, NULL),
			 0);
	out = buildtest_read("out.img");
	p = (const void *)(out.data + X86FAKE_HV_FOOTPRINT);
	assert_int_equal(p->vm[0].pci_count, 4);
	assert_int_equal(p->vm[0].pci[0].bdf, 0x20);
	assert_int_equal(p->vm[0].pci[1].bdf, 0xe0);
	assert_int_equal(p->vm[0].pci[2].bdf, 0x100);
	assert_int_equal(p->vm[0].pci[2].intx, 16);
	assert_int_equal(p->vm[0].pci[3].bdf, 0x101);
	assert_int_equal(p->vm[0].pci[3].intx, 17);
	assert_int_equal(p->vm[0].pci[3].intx_pin, 2);
	/*
	 * The guest's _PRT routes the root bus only: 00:04.0 and the bridge
	 * itself; what is behind the bridge swizzles through its pin.
	 */
	for (unsigned int i = 0; i < p->vm[0].payload_count; i++) {
		const struct shikiri_payload *pl = &p->vm[0].payload[i];
		const uint8_t *prt;

		if (pl->kind != SHIKIRI_PAYLOAD_ACPI)
			continue;
		prt = memmem(out.data + pl->offset, pl->size, "_PRT\x12", 5);
		assert_non_null(prt);
		assert_int_equal(prt[6], 2);
		assert_non_null(memmem(prt, 64, "\x0c\xff\xff\x04\x00", 5));
		assert_non_null(memmem(prt, 64, "\x0c\xff\xff\x1c\x00", 5));
		found = true;
	}
	assert_true(found);
	fileio_free(&out);
	buildtest_make_board(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_random_names),
		cmocka_unit_test(test_board_rules),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_board_file),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_bridge_plan),
	};

	return cmocka_run_group_tests_name("x86_64 PCI", tests, setup,
					   teardown);
}
