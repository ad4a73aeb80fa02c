// SPDX-License-Identifier: MIT
/*
 * Every error shikiri-build reports about shared-memory regions (shm@N)
 * and virtual LANs (network, mac-address): one table entry per message,
 * each a config that triggers it and the line it must print, plus the
 * cases a table cannot write (too many regions, a derived MAC that
 * collides, no SPI left, x86_64 boards).
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
#include "config.h"
#include "x86fake.h"

#define VM0 BUILDTEST_VM0
#define VM1 BUILDTEST_VM1
#define SET BUILDTEST_SET
#define VM2                                    \
	"\tvm@2 { label = \"c\"; cpus = <2>; " \
	"memory-size = <0 0x4000000>; kernel = \"Image\"; };\n"
/* A valid region shared by vm@0 and vm@1, and a way to change it. */
#define SHM0 "\tshm@0 { label = \"r\"; size = <0 0x200000>; vms = <0 1>; };\n"
#define SHM_SET(n, props) "};\n/ {\n\tshm@" n " { " props " };\n"
#define LAN(n) SET(n, "network = \"lan0\";")

static const struct buildtest_error comm_errors[] = {
	/* shm@N: its properties */
	{ "label missing",
	  VM0 VM1 "shm@0 { size = <0 0x200000>; vms = <0 1>; };",
	  "cfg.dts: /shm@0: property 'label': is missing; fix: add e.g. "
	  "label = \"ring0\"\n" },
	{ "size missing", VM0 VM1 "shm@0 { label = \"r\"; vms = <0 1>; };",
	  "cfg.dts: /shm@0: property 'size': is missing; fix: add e.g. "
	  "size = <0x0 0x200000>\n" },
	{ "vms missing",
	  VM0 VM1 "shm@0 { label = \"r\"; size = <0 0x200000>; };",
	  "cfg.dts: /shm@0: property 'vms': is missing; fix: add e.g. "
	  "vms = <0 1>\n" },
	{ "label not a string", VM0 VM1 SHM0 SHM_SET("0", "label = <1>;"),
	  "cfg.dts: /shm@0: property 'label': must be a string; fix: e.g. "
	  "label = \"ring0\"\n" },
	{ "bad label", VM0 VM1 SHM0 SHM_SET("0", "label = \"Ring\";"),
	  "cfg.dts: /shm@0: property 'label': 'Ring' is not a valid region "
	  "name; fix: use 1-15 characters from a-z, 0-9, '_' and '-'\n" },
	{ "label twice",
	  VM0 VM1 SHM0 "\tshm@1 { label = \"r\"; size = <0 0x1000>; "
		       "vms = <0 1>; };\n",
	  "cfg.dts: /shm@1: property 'label': 'r' is already the label of "
	  "/shm@0; fix: give each region its own label\n" },
	{ "size not a power of two",
	  VM0 VM1 SHM0 SHM_SET("0", "size = <0 0x300000>;"),
	  "cfg.dts: /shm@0: property 'size': 0x300000 is not a power of two "
	  "from 4 KiB to 1 GiB (each VM sees the region as a PCI BAR, whose "
	  "size is a power of two); fix: use e.g. <0x0 0x400000> (4 MiB)\n" },
	{ "size too small", VM0 VM1 SHM0 SHM_SET("0", "size = <0 0x800>;"),
	  "property 'size': 0x800 is not a power of two from 4 KiB to 1 GiB "
	  "(each VM sees the region as a PCI BAR, whose size is a power of "
	  "two); fix: use e.g. <0x0 0x1000> (4 KiB)\n" },
	{ "size too big", VM0 VM1 SHM0 SHM_SET("0", "size = <0 0x80000000>;"),
	  "property 'size': 0x80000000 is not a power of two from 4 KiB to "
	  "1 GiB (each VM sees the region as a PCI BAR, whose size is a power "
	  "of two); fix: use e.g. <0x0 0x40000000> (1024 MiB)\n" },
	{ "size zero", VM0 VM1 SHM0 SHM_SET("0", "size = <0 0>;"),
	  "property 'size': 0x0 is not a power of two" },
	{ "size three cells", VM0 VM1 SHM0 SHM_SET("0", "size = <0 0 1>;"),
	  "cfg.dts: /shm@0: property 'size': must be a 64-bit size as two "
	  "cells; fix: e.g. size = <0x0 0x200000> for 2 MiB\n" },
	{ "one VM", VM0 VM1 SHM0 SHM_SET("0", "vms = <1>;"),
	  "cfg.dts: /shm@0: property 'vms': names only VM 1, and a region is "
	  "for two VMs or more; fix: list the VMs that share it, e.g. "
	  "vms = <0 1>\n" },
	{ "unknown VM", VM0 VM1 SHM0 SHM_SET("0", "vms = <0 5>;"),
	  "cfg.dts: /shm@0: property 'vms': VM 5 does not exist (there are "
	  "2); fix: use the N of an existing vm@N node\n" },
	{ "VM twice", VM0 VM1 SHM0 SHM_SET("0", "vms = <0 1 0>;"),
	  "cfg.dts: /shm@0: property 'vms': VM 0 is listed twice; fix: list "
	  "each VM once\n" },
	{ "vms empty", VM0 VM1 SHM0 SHM_SET("0", "vms;"),
	  "cfg.dts: /shm@0: property 'vms': must list VM numbers; fix: e.g. "
	  "vms = <0 1>\n" },
	{ "read-only VM not in vms",
	  VM0 VM1 VM2 SHM0 SHM_SET("0", "read-only = <2>;"),
	  "cfg.dts: /shm@0: property 'read-only': VM 2 is not in vms; fix: "
	  "add it to vms, or remove it from read-only\n" },
	{ "read-only unknown VM", VM0 VM1 SHM0 SHM_SET("0", "read-only = <7>;"),
	  "cfg.dts: /shm@0: property 'read-only': VM 7 does not exist (there "
	  "are 2); fix: use the N of an existing vm@N node\n" },
	{ "read-only everyone", VM0 VM1 SHM0 SHM_SET("0", "read-only = <0 1>;"),
	  "cfg.dts: /shm@0: property 'read-only': lists every VM of the "
	  "region, so none can write it; fix: leave the writer(s) out of "
	  "read-only\n" },
	{ "misspelt property", VM0 VM1 SHM0 SHM_SET("0", "sise = <0 0x1000>;"),
	  "cfg.dts: /shm@0: property 'sise': unknown property; fix: did you "
	  "mean 'size'? (see docs/config.md)\n" },
	{ "misspelt read-only", VM0 VM1 SHM0 SHM_SET("0", "readonly = <1>;"),
	  "property 'readonly': unknown property; fix: did you mean "
	  "'read-only'? (see docs/config.md)\n" },
	{ "unknown property", VM0 VM1 SHM0 SHM_SET("0", "colour = <1>;"),
	  "cfg.dts: /shm@0: property 'colour': unknown property; fix: remove "
	  "it (see docs/config.md)\n" },
	{ "ipa is not the tool's to take",
	  VM0 VM1 SHM0 SHM_SET("0", "ipa = <0 0x80000000>;"),
	  "cfg.dts: /shm@0: property 'ipa': unknown property; fix: remove it "
	  "(see docs/config.md)\n" },
	{ "unknown subnode", VM0 VM1 SHM0 SHM_SET("0", "x { };"),
	  "cfg.dts: /shm@0/x: unknown node; fix: remove it\n" },
	{ "numbered out of order",
	  VM0 VM1 "\tshm@1 { label = \"r\"; size = <0 0x1000>; "
		  "vms = <0 1>; };\n",
	  "cfg.dts: /shm@1: regions must be numbered in order; fix: rename it "
	  "shm@0\n" },
	/* shm@N: where it goes */
	{ "memory-base not aligned",
	  VM0 VM1 SHM0 SHM_SET("0", "memory-base = <0 0x80100000>;"),
	  "cfg.dts: /shm@0: property 'memory-base': 0x80100000 is not "
	  "aligned to 0x200000 (the region's size, at most 2 MiB); fix: use "
	  "e.g. <0x0 0x80000000>\n" },
	{ "memory-base of a small region not aligned",
	  VM0 VM1 SHM0 SHM_SET("0", "size = <0 0x4000>; "
				    "memory-base = <0 0x80001000>;"),
	  "property 'memory-base': 0x80001000 is not aligned to 0x4000 (the "
	  "region's size, at most 2 MiB); fix: use e.g. <0x0 0x80000000>\n" },
	{ "memory-base one cell too many",
	  VM0 VM1 SHM0 SHM_SET("0", "memory-base = <0 0 0>;"),
	  "cfg.dts: /shm@0: property 'memory-base': must be a 64-bit physical "
	  "address as two cells; fix: e.g. memory-base = <0x0 0x7fe00000>\n" },
	{ "memory-base outside RAM",
	  VM0 VM1 SHM0 SHM_SET("0", "memory-base = <0x1 0x0>;"),
	  "cfg.dts: /shm@0: property 'memory-base': [0x100000000, "
	  "0x100200000) is outside board RAM [0x40000000, 0xc0000000); fix: "
	  "choose a base in board RAM\n" },
	{ "memory-base in the hypervisor's area",
	  VM0 VM1 SHM0 SHM_SET("0", "memory-base = <0 0x40000000>;"),
	  "cfg.dts: /shm@0: property 'memory-base': [0x40000000, 0x40200000) "
	  "overlaps the hypervisor's area [0x40000000, 0x48200000) (its "
	  "image, plan, payloads and the loader's DTB); fix: use a base of at "
	  "least 0x48200000\n" },
	{ "memory-base over a VM",
	  VM0 VM1 SET("0", "memory-base = <0 0x80000000>;")
		  SHM0 SHM_SET("0", "memory-base = <0 0x82000000>;"),
	  "cfg.dts: /shm@0: property 'memory-base': [0x82000000, 0x82200000) "
	  "overlaps the RAM of /vm@0, [0x80000000, 0x84000000); fix: give "
	  "each its own range, or leave memory-base out\n" },
	{ "memory-base over a region",
	  VM0 VM1 SHM0 SHM_SET(
		  "0",
		  "memory-base = <0 0x80000000>;") "\tshm@1 { label = \"s\"; size = <0 0x1000>; vms = <0 1>; "
						   "memory-base = <0 0x801ff000>; };\n",
	  "cfg.dts: /shm@1: property 'memory-base': [0x801ff000, 0x80200000) "
	  "overlaps region /shm@0, [0x80000000, 0x80200000); fix: give each "
	  "its own range, or leave memory-base out\n" },
	{ "no room",
	  VM0 VM1 SET("0", "memory-size = <0 0x40000000>;")
		  SET("1", "memory-size = <0 0x30000000>;")
			  SHM0 SHM_SET("0", "size = <0 0x10000000>;"),
	  "cfg.dts: /shm@0: property 'size': 0x10000000 bytes do not fit in "
	  "the board RAM the VMs leave: the largest free range is "
	  "[0x48200000, 0x50000000); fix: make the region or the VMs "
	  "smaller\n" },
	/* network and mac-address */
	{ "network not a string", VM0 VM1 SET("0", "network = <1>;") LAN("1"),
	  "cfg.dts: /vm@0: property 'network': must be a string; fix: e.g. "
	  "network = \"lan0\"\n" },
	{ "bad LAN name", VM0 VM1 SET("0", "network = \"Lan 0\";") LAN("1"),
	  "cfg.dts: /vm@0: property 'network': 'Lan 0' is not a valid LAN "
	  "name; fix: use 1-15 characters from a-z, 0-9, '_' and '-'\n" },
	{ "one-VM LAN", VM0 VM1 LAN("0"),
	  "cfg.dts: /vm@0: property 'network': no other VM is on 'lan0', so "
	  "this one would talk to no one; fix: add network = \"lan0\" to "
	  "another VM, or remove it\n" },
	{ "one-VM LAN beside another LAN",
	  VM0 VM1 VM2 LAN("0") LAN("1") SET("2", "network = \"lan1\";"),
	  "cfg.dts: /vm@2: property 'network': no other VM is on 'lan1'" },
	{ "misspelt network", VM0 VM1 SET("0", "netwrok = \"lan0\";"),
	  "cfg.dts: /vm@0: property 'netwrok': unknown property; fix: did you "
	  "mean 'network'? (see docs/config.md)\n" },
	{ "MAC of 5 bytes",
	  VM0 VM1 LAN("0") LAN("1") SET("0", "mac-address = [02 00 00 00 01];"),
	  "cfg.dts: /vm@0: property 'mac-address': must be 6 bytes; fix: "
	  "e.g. mac-address = [02 00 00 00 00 01]\n" },
	{ "multicast MAC",
	  VM0 VM1 LAN("0") LAN("1")
		  SET("0", "mac-address = [03 12 34 56 78 9a];"),
	  "cfg.dts: /vm@0: property 'mac-address': 03:12:34:56:78:9a is a "
	  "multicast address (bit 0 of the first byte is set); fix: use a "
	  "unicast one, e.g. [02 12 34 56 78 9a]\n" },
	{ "broadcast MAC",
	  VM0 VM1 LAN("0") LAN("1")
		  SET("0", "mac-address = [ff ff ff ff ff ff];"),
	  "property 'mac-address': ff:ff:ff:ff:ff:ff is a multicast address" },
	{ "zero MAC",
	  VM0 VM1 LAN("0") LAN("1")
		  SET("0", "mac-address = [00 00 00 00 00 00];"),
	  "cfg.dts: /vm@0: property 'mac-address': 00:00:00:00:00:00 is no "
	  "address; fix: use a locally administered one, e.g. "
	  "[02 00 00 00 00 01]\n" },
	{ "MAC without network",
	  VM0 VM1 SET("1", "mac-address = [02 00 00 00 00 01];"),
	  "cfg.dts: /vm@1: property 'mac-address': is set but the VM has no "
	  "network; fix: add e.g. network = \"lan0\", or remove it\n" },
	{ "MAC twice on a LAN",
	  VM0 VM1 LAN("0") LAN("1")
		  SET("0", "mac-address = [02 00 00 00 00 01];")
			  SET("1", "mac-address = [02 00 00 00 00 01];"),
	  "cfg.dts: /vm@1: property 'mac-address': 02:00:00:00:00:01 is "
	  "already the MAC of /vm@0 on 'lan0'; fix: give each VM of a LAN its "
	  "own mac-address\n" },
};

/* The same MAC on two LANs is no clash: each LAN is its own switch. */
static void test_same_mac_two_lans(void **state)
{
	(void)state;
	assert_int_equal(
		buildtest_run(VM0 VM1 VM2
			      "\tvm@3 { label = \"d\"; cpus = "
			      "<3>; memory-size = <0 0x4000000>; "
			      "kernel = \"Image\"; };\n" LAN("0") LAN(
				      "1") SET("2", "network = \"lan1\";")
				      SET("3", "network = \"lan1\";") SET(
					      "0", "mac-address = [02 00 00 00 "
						   "00 01];")
					      SET("2", "mac-address = [02 "
						       "00 00 00 00 01];")),
		0);
	assert_string_equal(buildtest_errors, "");
}

/*
 * A MAC given to one VM that another derives: reported at the VM whose
 * MAC is derived, saying so.
 */
static void test_derived_mac_clash(void **state)
{
	uint8_t mac[6];
	char *body;

	(void)state;
	config_net_default_mac("lan0", "b", mac);
	body = fileio_strdup_printf(VM0 VM1 LAN("0") LAN("1")
					    SET("0", "mac-address = [%02x %02x "
						     "%02x %02x %02x %02x];"),
				    mac[0], mac[1], mac[2], mac[3], mac[4],
				    mac[5]);
	assert_int_equal(buildtest_run(body), 1);
	free(body);
	body = fileio_strdup_printf(
		"cfg.dts: /vm@1: property 'network': "
		"%02x:%02x:%02x:%02x:%02x:%02x (derived from the LAN and the "
		"label) is already the MAC of /vm@0 on 'lan0'; fix: give each "
		"VM of a LAN its own mac-address\n",
		mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (!strstr(buildtest_errors, body))
		print_error("got:\n%s\nwanted:\n%s", buildtest_errors, body);
	assert_non_null(strstr(buildtest_errors, body));
	free(body);
}

static void test_too_many_regions(void **state)
{
	char *body = fileio_strdup_printf("%s", VM0 VM1), *next;

	(void)state;
	for (unsigned int i = 0; i <= SHIKIRI_MAX_SHM; i++) {
		next = fileio_strdup_printf("%s\tshm@%x { label = \"r%u\"; "
					    "size = <0 0x1000>; vms = <0 1>; "
					    "};\n",
					    body, i, i);
		free(body);
		body = next;
	}
	assert_int_equal(buildtest_run(body), 1);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /shm@8: too many shared-memory "
			       "regions; fix: use at most 8\n"));
	/* The one error: the first eight are fine. */
	assert_non_null(strchr(buildtest_errors, '\n'));
	assert_string_equal(strchr(buildtest_errors, '\n'), "\n");
	free(body);
}

/* A board whose devices use every SPI the vGIC has leaves none. */
static void test_no_free_spi(void **state)
{
	char *cells = fileio_strdup_printf("%s", ""), *next, *board;

	(void)state;
	for (unsigned int spi = 0; spi < 256; spi++) {
		next = fileio_strdup_printf("%s 0 %u 4", cells, spi);
		free(cells);
		cells = next;
	}
	board = fileio_strdup_printf("/ { hog { interrupts = <%s>; }; };",
				     cells);
	buildtest_make_board(board);
	assert_int_equal(buildtest_run(VM0 VM1 SHM0), 1);
	buildtest_make_board(NULL);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: only 0 of the 1 virtual SPIs that "
			       "shared memory and LANs need are free (INTIDs "
			       "32-287 not used by board devices or "
			       "passthrough); fix: pass fewer interrupts "
			       "through\n"));
	free(cells);
	free(board);
}

/* Neither is available on a PC yet; each is refused with its node. */
static void test_x86_refuses(void **state)
{
	struct x86fake_kernel k = x86fake_kernel_default();
	const char *pcs =
		"board = \"qemu-q35\";\n"
		"\tvm@0 { label = \"a\"; cpus = <0>; kernel = \"bzImage\"; "
		"memory-size = <0 0x4000000>; network = \"lan0\"; "
		"mac-address = [02 00 00 00 00 01]; };\n"
		"\tvm@1 { label = \"b\"; cpus = <1>; kernel = \"bzImage\"; "
		"memory-size = <0 0x4000000>; network = \"lan0\"; };\n" SHM0;

	(void)state;
	x86fake_hv("hv.bin", X86FAKE_HV_OK);
	x86fake_bzimage("bzImage", &k);
	assert_int_equal(buildtest_run_opts(pcs, true, "-"), 1);
	buildtest_write_image("hv.bin", BUILDTEST_HV_FOOTPRINT, 0x1000, 0xee);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /vm@0: property 'network': not "
			       "available on x86_64 boards (virtual LANs are "
			       "only on Arm boards yet); fix: remove it\n"));
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /vm@0: property 'mac-address': not "
			       "available on x86_64 boards"));
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /vm@1: property 'network': not "
			       "available on x86_64 boards"));
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /shm@0: shared memory is not "
			       "available on x86_64 boards yet (only on Arm "
			       "boards); fix: remove it\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_mac_two_lans),
		cmocka_unit_test(test_derived_mac_clash),
		cmocka_unit_test(test_too_many_regions),
		cmocka_unit_test(test_no_free_spi),
		cmocka_unit_test(test_x86_refuses),
	};
	int failed;

	if (buildtest_setup("comm-errors")) {
		fprintf(stderr, "test_comm_errors: cannot set up %s\n",
			buildtest_dir);
		return 1;
	}
	failed = cmocka_run_group_tests_name("shm and LAN limits", tests, NULL,
					     NULL);
	failed += buildtest_error_table("shm and LAN errors", comm_errors,
					sizeof(comm_errors) /
						sizeof(comm_errors[0]));
	buildtest_teardown();
	return failed ? 1 : 0;
}
