// SPDX-License-Identifier: MIT
/*
 * PCI passthrough on Arm, in shikiri-build: the qemu-virt-smmu board model
 * (its QEMU arguments, its disk, its board overlay's functions, its SMMUv3,
 * ITS and PCIe host read into the plan), what a good config gives each
 * VM's plan record (functions with their INTx through the host's
 * interrupt-map, BAR windows, MSIs, virtual bus slots) and guest DT (host
 * bridge windows, interrupt-map, MBIs, no SMMU or ITS), and every error of
 * "pci-devices" and of the board's PCI host, each naming the file, the
 * node and the fix.  A fake QEMU hands out the golden board DTBs.
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
#include "shikiri/plan.h"

#define SMMU "board = \"qemu-virt-smmu\";\n"
#define VM(n, cpus, props)                                               \
	"\tvm@" n " { label = \"vm" n "\"; cpus = <" cpus ">; kernel = " \
	"\"Image\"; memory-size = <0 0x4000000>; " props " };\n"
#define ERR "cfg.dts: /vm@0: property 'pci-devices': "
#define ERR1 "cfg.dts: /vm@1: property 'pci-devices': "
#define BOARD "board qemu-virt-smmu: /pcie@10000000"

static int setup(void **state)
{
	(void)state;
	if (buildtest_setup("arm-pci"))
		return -1;
	buildtest_fake_qemu(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	buildtest_fake_qemu(false);
	buildtest_teardown();
	return 0;
}

/* Build @body with the config's board (--check when @check). */
static int run(const char *body, bool check)
{
	return buildtest_run_opts(body, check, "-");
}

/* @body must be refused with @want among the errors. */
static void expect(const char *body, const char *want)
{
	int rc = run(body, true);

	if (rc != 1 || !strstr(buildtest_errors, want))
		print_error("rc %d, errors:\n%s\nwanted:\n%s\n", rc,
			    buildtest_errors, want);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(buildtest_errors, want));
}

static void expect_ok(const char *body, bool check)
{
	int rc = run(body, check);

	if (rc != 0)
		print_error("errors:\n%s\n", buildtest_errors);
	assert_int_equal(rc, 0);
}

static uint32_t cell(const void *p, int i)
{
	return fdt32_to_cpu(((const fdt32_t *)p)[i]);
}

/* The plan of out.img (the fake hypervisor's footprint comes first). */
static const struct shikiri_plan *plan_of(struct blob *img)
{
	*img = buildtest_read("out.img");
	return (const struct shikiri_plan *)(img->data +
					     BUILDTEST_HV_FOOTPRINT);
}

/*
 * One VM that owns no function and shares a region with one that owns
 * 00:01.0 (added to the board) and 00:02.0, whose region must avoid
 * their slots, and a third that owns 00:04.0.
 */
#define SLOT1                                                   \
	"/ { pcie@10000000 { nic@1,0 { reg = <0x800 0 0 0 0>; " \
	"interrupts = <1>; }; }; };\n"
#define THREE                                                                                      \
	SMMU VM("0", "0", "") VM("1", "1",                                                         \
				 "pci-devices = \"00:01.0\", \"00:02.0\";")                        \
		VM("2", "2",                                                                       \
		   "pci-devices = \"00:04.0\";") "\tshm@0 { label = \"ring\"; size = <0 0x1000>; " \
						 "vms = <0 1>; };\n"

static void test_plan(void **state)
{
	const struct shikiri_plan *p;
	const struct shikiri_plan_vm *v1, *v2;
	struct blob img;

	(void)state;
	buildtest_make_smmu_board(SLOT1);
	expect_ok(THREE, false);
	p = plan_of(&img);
	/* The board: SMMUv3, ITS and PCIe host as QEMU 7.2 has them. */
	assert_int_equal(p->board.hw.aarch64.smmu_base, 0x9050000);
	assert_int_equal(p->board.hw.aarch64.smmu_evtq_intid, 32 + 0x4a);
	assert_int_equal(p->board.hw.aarch64.smmu_gerror_intid, 32 + 0x4d);
	assert_int_equal(p->board.hw.aarch64.its_base, 0x8080000);
	assert_int_equal(p->board.pci.ecam_base, 0x4010000000ull);
	assert_int_equal(p->board.pci.ecam_size, 0x10000000);
	assert_int_equal(p->board.pci.bus_first, 0);
	assert_int_equal(p->board.pci.bus_last, 0xff);
	assert_int_equal(p->board.pci.mem[0].base, 0x10000000);
	assert_int_equal(p->board.pci.mem[0].size, 0x2eff0000);
	assert_int_equal(p->board.pci.mem[1].base, 0x8000000000ull);
	assert_int_equal(p->board.pci.io.size, 0);
	assert_int_equal(p->board.pci.flags, SHIKIRI_PCI_BOARD_ASSIGN_BARS);
	assert_int_equal(p->board.pci.sid_base, 0);
	assert_int_equal(p->board.pci.devid_base, 0);
	/* VM 0: no function, no window, no MSI; its region in slot 1. */
	assert_int_equal(p->vm[0].pci_count, 0);
	assert_int_equal(p->vm[0].arch.aarch64.pci_mem[0].size, 0);
	assert_int_equal(p->vm[0].arch.aarch64.msi_count, 0);
	assert_int_equal(p->vm[0].shm[0].devfn, 0x08);
	/* VM 1: INTx through the swizzle: device 1 INTA is SPI 4, 2 SPI 5. */
	v1 = &p->vm[1];
	assert_int_equal(v1->pci_count, 2);
	assert_int_equal(v1->pci[0].bdf, 0x08);
	assert_int_equal(v1->pci[0].intx, 36);
	assert_int_equal(v1->pci[0].intx_pin, 1);
	assert_int_equal(v1->pci[0].flags, 0);
	assert_int_equal(v1->pci[1].bdf, 0x10);
	assert_int_equal(v1->pci[1].intx, 37);
	/* Its region skips the slots of its functions. */
	assert_int_equal(v1->shm[0].devfn, 0x18);
	assert_true(v1->vpci_ecam_ipa != 0);
	/* Two owners: 256 MiB of the 32-bit window each, none above it. */
	assert_int_equal(v1->arch.aarch64.pci_mem[0].base, 0x10000000);
	assert_int_equal(v1->arch.aarch64.pci_mem[0].size, 0x10000000);
	assert_int_equal(v1->arch.aarch64.pci_mem[1].size, 0);
	assert_int_equal(v1->arch.aarch64.msi_intid, 256);
	assert_int_equal(v1->arch.aarch64.msi_count, 32);
	/* VM 2: a bus of its own with no region; the next share. */
	v2 = &p->vm[2];
	assert_int_equal(v2->pci_count, 1);
	assert_int_equal(v2->pci[0].bdf, 0x20);
	assert_int_equal(v2->pci[0].intx, 35);
	assert_int_equal(v2->shm_count, 0);
	assert_true(v2->vpci_ecam_ipa != 0);
	assert_int_equal(v2->arch.aarch64.pci_mem[0].base, 0x20000000);
	assert_int_equal(v2->arch.aarch64.pci_mem[0].size, 0x10000000);
	assert_int_equal(v2->arch.aarch64.msi_intid, 256);
	/* Behind the SMMU its RAM need not be where it really is. */
	assert_int_equal(v2->ram[0].ipa, 0x40000000);
	assert_int_not_equal(v2->ram[0].pa, 0x40000000);
	assert_non_null(strstr(buildtest_explained,
			       "    PCI       00:02.0 INTA on INTID 37 (level, "
			       "active high), StreamID 0x10, ITS DeviceID "
			       "0x10\n"));
	assert_non_null(strstr(buildtest_explained,
			       "    MSI       INTIDs 256-287 (GIC MBIs, backed "
			       "by the ITS at 0x8080000)\n"));
	assert_non_null(strstr(buildtest_explained,
			       "00:03.0 ring rw, 00:01.0 passed through, "
			       "00:02.0 passed through\n"));
	fileio_free(&img);
	buildtest_make_smmu_board(NULL);
}

/* The node at @path of DTB file @name, read into @dtb. */
static int node_of(struct blob *dtb, const char *name, const char *path)
{
	*dtb = buildtest_read(name);
	return fdt_path_offset(dtb->data, path);
}

static void test_guest_dt(void **state)
{
	struct blob dtb;
	const void *fdt, *v;
	uint64_t ecam;
	char path[32];
	int node, len, gic;

	(void)state;
	buildtest_make_smmu_board(SLOT1);
	expect_ok(THREE, false);
	{
		struct blob img;

		ecam = plan_of(&img)->vm[1].vpci_ecam_ipa;
		fileio_free(&img);
	}
	snprintf(path, sizeof(path), "/pcie@%llx", (unsigned long long)ecam);
	node = node_of(&dtb, "out.img.dtb-vm1", path);
	fdt = dtb.data;
	assert_true(node >= 0);
	/* Its windows: the region's pages, then its share, IPA = PA. */
	v = fdt_getprop(fdt, node, "ranges", &len);
	assert_int_equal(len, 3 * 7 * 4);
	assert_int_equal(cell(v, 14), 0x02000000);
	assert_int_equal(cell(v, 16), 0x10000000);
	assert_int_equal(cell(v, 18), 0x10000000);
	assert_int_equal(cell(v, 20), 0x10000000);
	/* Per function: devfn and pin to its physical SPI, level high. */
	v = fdt_getprop(fdt, node, "interrupt-map-mask", &len);
	assert_int_equal(cell(v, 0), 0xff00);
	v = fdt_getprop(fdt, node, "interrupt-map", &len);
	assert_int_equal(len, 3 * 8 * 4);
	assert_int_equal(cell(v, 0), 0x1800); /* the region, slot 3 */
	assert_int_equal(cell(v, 7), 1);      /* edge rising */
	assert_int_equal(cell(v, 8), 0x800);
	assert_int_equal(cell(v, 11), 1);
	assert_int_equal(cell(v, 14), 4);
	assert_int_equal(cell(v, 15), 4);
	assert_int_equal(cell(v, 16), 0x1000);
	assert_int_equal(cell(v, 22), 5);
	assert_int_equal(cell(v, 23), 4);
	v = fdt_getprop(fdt, node, "msi-parent", &len);
	gic = fdt_node_offset_by_phandle(fdt, cell(v, 0));
	assert_int_equal(fdt_node_check_compatible(fdt, gic, "arm,gic-v3"), 0);
	assert_non_null(fdt_getprop(fdt, gic, "msi-controller", NULL));
	v = fdt_getprop(fdt, gic, "mbi-ranges", &len);
	assert_int_equal(len, 8);
	assert_int_equal(cell(v, 0), 256);
	assert_int_equal(cell(v, 1), 32);
	/* The hypervisor's: neither the SMMU nor the ITS is described. */
	assert_true(fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3") < 0);
	assert_true(fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3-its") <
		    0);
	v = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
			"linux,pci-probe-only", &len);
	assert_int_equal(cell(v, 0), 1);
	fileio_free(&dtb);
	/* The VM without functions: no MBIs, the regions' mask. */
	node = node_of(&dtb, "out.img.dtb-vm0", "/intc@8000000");
	assert_true(node >= 0);
	assert_null(fdt_getprop(dtb.data, node, "msi-controller", NULL));
	assert_null(fdt_getprop(dtb.data, node, "mbi-ranges", NULL));
	fileio_free(&dtb);
	buildtest_make_smmu_board(NULL);
}

/* The QEMU arguments and the disk beside the image. */
static void test_qemu_and_disk(void **state)
{
	char *disk = buildtest_path("out.img.disk"), *want, *text;
	struct blob args, data;
	struct stat st;
	FILE *f;

	(void)state;
	expect_ok(SMMU VM("0", "0", ""), false);
	args = buildtest_read("out.img.qemu");
	text = fileio_strdup_printf("%.*s", (int)args.size,
				    (const char *)args.data);
	want = fileio_strdup_printf(
		"-drive\nif=none,id=blk0,format=raw,file=%s\n", disk);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "virt,virtualization=on,gic-version=3,"
				     "iommu=smmuv3\n"));
	assert_non_null(
		strstr(text, "edu,addr=04.0,dma_mask=0xffffffffffffffff\n"));
	assert_null(strstr(text, "@DISK@"));
	/* 64 MiB, sparse. */
	assert_int_equal(stat(disk, &st), 0);
	assert_int_equal(st.st_size, 0x4000000);
	assert_true((uint64_t)st.st_blocks * 512 < 0x100000);
	/* What a VM wrote on it survives a rebuild. */
	f = fopen(disk, "r+b");
	assert_non_null(f);
	assert_int_equal(fputc('s', f), 's');
	assert_int_equal(fclose(f), 0);
	expect_ok(SMMU VM("0", "0", ""), false);
	data = buildtest_read("out.img.disk");
	assert_int_equal(data.size, 0x4000000);
	assert_int_equal(data.data[0], 's');
	fileio_free(&data);
	/* A disk the tool cannot write is reported, naming the file. */
	assert_int_equal(unlink(disk), 0);
	assert_int_equal(mkdir(disk, 0755), 0);
	assert_int_equal(run(SMMU VM("0", "0", ""), false), 1);
	assert_non_null(strstr(buildtest_errors,
			       "out.img.disk: cannot write the board's disk: "
			       "Is a directory\n"));
	assert_int_equal(rmdir(disk), 0);
	fileio_free(&args);
	free(text);
	free(want);
	free(disk);
}

/* Without an ITS: no MSIs, INTx only; without an SMMU: identity. */
static void test_board_variants(void **state)
{
	struct blob img, dtb;
	const struct shikiri_plan *p;
	int node;

	(void)state;
	buildtest_make_smmu_board(
		"/ { pcie@10000000 { /delete-property/ msi-map; }; };");
	expect_ok(SMMU VM("0", "0", "pci-devices = \"00:02.0\";"), false);
	p = plan_of(&img);
	assert_int_equal(p->board.hw.aarch64.its_base, 0);
	assert_int_equal(p->vm[0].arch.aarch64.msi_count, 0);
	assert_int_equal(p->vm[0].arch.aarch64.msi_intid, 0);
	node = node_of(&dtb, "out.img.dtb-vm0", "/intc@8000000");
	assert_null(fdt_getprop(dtb.data, node, "msi-controller", NULL));
	assert_non_null(strstr(buildtest_explained,
			       "MSI       none: the board has no ITS"));
	fileio_free(&dtb);
	fileio_free(&img);
	/* qemu-virt has no SMMU: the VM sees its RAM where it is. */
	buildtest_make_board("/ { pcie@10000000 { disk@2,0 { reg = <0x1000 "
			     "0 0 0 0>; interrupts = <1>; }; }; };");
	assert_int_equal(buildtest_run_opts(VM("0", "0",
					       "memory-base = <0 0x80000000>; "
					       "pci-devices = \"00:02.0\";"),
					    false, NULL),
			 0);
	p = plan_of(&img);
	assert_int_equal(p->board.hw.aarch64.smmu_base, 0);
	assert_int_equal(p->vm[0].ram[0].ipa, 0x80000000);
	assert_int_equal(p->vm[0].ram[0].pa, 0x80000000);
	/* No model says the firmware left the BARs to the hypervisor. */
	assert_int_equal(p->board.pci.flags, 0);
	assert_non_null(strstr(buildtest_explained,
			       "no SMMU: VMs with PCI functions are "
			       "identity-mapped\n"));
	fileio_free(&img);
	buildtest_make_board(NULL);
	buildtest_make_smmu_board(NULL);
}

/* What a VM may not be given, and what the config gets wrong. */
static void test_config_rules(void **state)
{
	(void)state;
	expect(SMMU VM("0", "0", "pci-devices = \"00:05.0\";"),
	       ERR "00:05.0 is not among the PCI functions of board "
		   "qemu-virt-smmu (/pcie@10000000); fix: name one it lists, "
		   "or add a node for the function there (docs/pci.md, "
		   "\"Board\")\n");
	expect(SMMU VM("0", "0", "pci-devices = \"00:00.0\";"),
	       ERR "00:00.0 is a host bridge (class 0x0600), which the "
		   "hypervisor keeps");
	expect(SMMU VM("0", "0", "pci-devices = \"00:02.0\";")
		       VM("1", "1", "pci-devices = \"00:02.0\";"),
	       ERR1 "00:02.0 is already given to /vm@0; fix: give each PCI "
		    "function to one VM\n");
	/* The host itself stays the hypervisor's once a VM owns a function. */
	expect(SMMU VM("0", "0", "pci-devices = \"00:02.0\";")
		       VM("1", "1", "devices = \"/pcie@10000000\";"),
	       "cfg.dts: /vm@1: property 'devices': '/pcie@10000000' is the "
	       "PCI host whose functions pci-devices gives to VMs one by one; "
	       "the hypervisor keeps the host itself (its ECAM, and the SMMU "
	       "in front of it); fix: name the functions in pci-devices "
	       "instead\n");
	/* Without an SMMU the VM must be identity-mapped. */
	buildtest_make_board("/ { pcie@10000000 { disk@2,0 { reg = <0x1000 "
			     "0 0 0 0>; interrupts = <1>; }; }; };");
	assert_int_equal(
		buildtest_run_opts(VM("0", "0", "pci-devices = \"00:02.0\";"),
				   true, NULL),
		1);
	assert_non_null(strstr(buildtest_errors, ERR "/tmp/shikiri-test-"));
	assert_non_null(strstr(
		buildtest_errors,
		"/board.dtb has no SMMUv3 in front of its PCI host, so the "
		"functions' DMA is not translated and a VM that owns them "
		"must see its RAM at its physical address; fix: add "
		"memory-base = <hi lo> (2 MiB aligned, in board RAM), or "
		"use a board with an SMMUv3 (qemu-virt-smmu)\n"));
	/* A board without a PCI host. */
	buildtest_make_board("/ { /delete-node/ pcie@10000000; };");
	assert_int_equal(
		buildtest_run_opts(VM("0", "0", "pci-devices = \"00:02.0\";"),
				   true, NULL),
		1);
	assert_non_null(strstr(buildtest_errors,
			       "has no PCI host (a node compatible "
			       "\"pci-host-ecam-generic\"); fix: use a board "
			       "with one (qemu-virt-smmu, docs/pci.md) or "
			       "remove pci-devices\n"));
	buildtest_make_board(NULL);
}

/* Functions behind a bridge, shared lines, lines the GIC cannot take. */
static void test_function_rules(void **state)
{
	(void)state;
	buildtest_make_smmu_board(
		"/ { pcie@10000000 {\n"
		"  br@5,0 { reg = <0x2800 0 0 0 0>; class-code = <0x060400>;\n"
		"    dev@0,0 { reg = <0x10000 0 0 0 0>; interrupts = <1>; };\n"
		"  };\n"
		"  nic@6,0 { reg = <0x3000 0 0 0 0>; interrupts = <1>; };\n"
		"}; };\n");
	expect(SMMU VM("0", "0", "pci-devices = \"01:00.0\";"),
	       ERR "01:00.0 is on bus 01, but on aarch64 a VM gets only "
		   "functions of bus 00, which it sees on its own virtual bus "
		   "0 at the same device and function; fix: pass a function "
		   "of bus 00\n");
	/* A bridge brings what is behind it: off bus 0 too. */
	expect(SMMU VM("0", "0", "pci-devices = \"00:05.0\";"),
	       ERR "01:00.0 is on bus 01");
	/* Device 6 INTA and device 2 INTA are both SPI 5 (the swizzle). */
	expect(SMMU VM("0", "0", "pci-devices = \"00:02.0\";")
		       VM("1", "1", "pci-devices = \"00:06.0\";"),
	       ERR1 "00:06.0's INTx is INTID 37, which 00:02.0 of /vm@0 "
		    "drives too, and one line cannot go to two VMs; fix: give "
		    "both to one VM\n");
	/* One VM may have both. */
	expect_ok(SMMU VM("0", "0", "pci-devices = \"00:02.0\", \"00:06.0\";"),
		  true);
	/* An active-low line: the GIC has none. */
	buildtest_make_smmu_board("/ { pcie@10000000 { interrupt-map = "
				  "<0x1000 0 0 1 0x8005 0 0 0 5 8>, "
				  "<0x1800 0 0 1 0x8005 0 0 0 6 4>, "
				  "<0 0 0 1 0x8005 0 0 0 3 4>; }; };");
	expect(SMMU VM("0", "0", "pci-devices = \"00:02.0\";"),
	       ERR "00:02.0's INTx is INTID 37 (active low) in board "
		   "qemu-virt-smmu, but a VM's GIC takes INTx on SPIs 32-287, "
		   "level high or rising edge, that the hypervisor's UART "
		   "does not use; fix: correct the host's interrupt-map, or "
		   "pass another function\n");
	buildtest_make_smmu_board(NULL);
}

/* The board's PCI host described wrongly: each names node and fix. */
static void test_board_rules(void **state)
{
	static const struct {
		const char *extra, *want;
	} cases[] = {
		{ "/ { pcie@10000000 { nic@6,0 { reg = <0x3000 0 0 0 0>; "
		  "interrupts = <5>; }; }; };",
		  BOARD "/nic@6,0: interrupts must be <pin>, 1-4 for "
			"INTA-INTD (the PCI bus binding), which the host's "
			"interrupt-map routes; fix: copy it from lspci -vv "
			"(\"Interrupt: pin A\" is 1), or leave it out when the "
			"function has none\n" },
		{ "/ { pcie@10000000 { interrupt-map = "
		  "<0 0 0 1 0x8005 0 0 0 3 4>; }; };",
		  BOARD "/disk@2,0: the host's interrupt-map sends INTA of "
			"this function to no GIC SPI (level or edge); fix: "
			"correct interrupt-map and interrupt-map-mask of "
			"/pcie@10000000\n" },
		{ "/ { pcie@10000000 { iommu-map = <0 0x8007 0 0x100>; }; };",
		  BOARD ": iommu-map must be one entry <0 &SMMUv3 BASE "
			"0x10000> mapping every RID to the SMMUv3 (compatible "
			"\"arm,smmu-v3\"); fix: write it so, or leave it out "
			"(then shikiri gives the host's functions no DMA "
			"translation)\n" },
		{ "/ { pcie@10000000 { msi-map = <0 0x8007 0 0x10000>; }; };",
		  BOARD ": msi-map must be one entry <0 &ITS BASE 0x10000> "
			"mapping every RID to the ITS (compatible "
			"\"arm,gic-v3-its\"); fix: write it so, or leave it "
			"out (then shikiri gives the host's functions no "
			"MSIs)\n" },
		{ "/ { intc@8000000 { its@8080000 { reg = <0 0x8080000 0 "
		  "0x10000>; }; }; };",
		  "board qemu-virt-smmu: /intc@8000000/its@8080000: the ITS "
		  "needs reg = its 64 KiB aligned registers, 0x20000 bytes at "
		  "least; fix: correct its reg\n" },
		{ "/ { pcie@10000000 { ranges = <0x3000000 0x80 0 0x80 0 0x80 "
		  "0>; }; };",
		  "cfg.dts: board qemu-virt-smmu: its PCI host /pcie@10000000 "
		  "has no memory window below 0x8000000000 (the 39-bit IPA "
		  "space) to put the functions' BARs in; fix: remove "
		  "pci-devices\n" },
		{ "/ { smmuv3@9050000 { interrupt-names = \"a\", \"b\", "
		  "\"c\", \"gerror\"; }; };",
		  "board qemu-virt-smmu: /smmuv3@9050000: needs its \"eventq\" "
		  "interrupt, a GIC SPI named in interrupt-names "
		  "(arm,smmu-v3.yaml); fix: add it as the board's firmware "
		  "describes it\n" },
		{ "/ { smmuv3@9050000 { reg = <0 0x9050000 0 0x10000>; }; };",
		  "board qemu-virt-smmu: /smmuv3@9050000: the SMMUv3 needs reg "
		  "= its 64 KiB aligned registers, 0x20000 bytes at least; "
		  "fix: correct its reg\n" },
		{ "/ { pcie@10000000 { ranges = <0x1000000 0 0 0 0x3eff0000 0 "
		  "0x10000 0x2000000 0 0x10000000 0 0x10000000 0 0x200000>; }; "
		  "};",
		  "cfg.dts: board qemu-virt-smmu: its 32-bit PCI memory window "
		  "[0x10000000, 0x10200000) is too small to give each of the "
		  "3 VMs that own PCI functions 1 MiB; fix: give PCI "
		  "functions to fewer VMs\n" },
		{ "/ { pcie@10000000 { ranges = <0x2000000 0 0x10000000 0 "
		  "0x10000000 0 0x30000000>; }; };",
		  "cfg.dts: /vm@0: property 'pci-devices': the VM's PCI memory "
		  "window [0x20000000, 0x40000000) overlaps its RAM, "
		  "management page or watchdog, or a passed-through device; "
		  "fix: move the VM's RAM (memory-base) or the device away "
		  "from the board's PCI window\n" },
		{ "/ { busy { interrupts = <0 20 4 0 50 4 0 80 4 0 110 4 0 140 "
		  "4 0 170 4 0 200 4 0 230 4>; }; };",
		  "cfg.dts: no 32 consecutive virtual SPIs are free (INTIDs "
		  "32-287 not used by board devices, passthrough, shared "
		  "memory or LANs) for the MSIs of the VMs that own PCI "
		  "functions; fix: pass fewer interrupts through\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buildtest_make_smmu_board(cases[i].extra);
		/* Three owners, for the window split. */
		if (strstr(cases[i].want, "3 VMs"))
			expect(SMMU VM("0", "0", "pci-devices = \"00:02.0\";")
				       VM("1", "1",
					  "pci-devices = \"00:03.0\";")
					       VM("2", "2",
						  "pci-devices = \"00:04.0\";"),
			       cases[i].want);
		else
			expect(SMMU VM("0", "0", "pci-devices = \"00:02.0\";"),
			       cases[i].want);
	}
	/* A board overlay that does not compile, or does not apply. */
	{
		char *dir = buildtest_path("boards");
		char *dtso = buildtest_path("boards/qemu-virt-smmu.dtso");

		assert_int_equal(mkdir(dir, 0755), 0);
		setenv("SHIKIRI_BOARDS", dir, 1);
		buildtest_write_text("boards/qemu-virt-smmu.dtso", "/plugin/;");
		expect(SMMU VM("0", "0", ""),
		       "board qemu-virt-smmu: its board overlay ");
		assert_non_null(strstr(buildtest_errors, "does not compile"));
		assert_non_null(strstr(buildtest_errors,
				       "fix: set SHIKIRI_BOARDS to the "
				       "directory holding qemu-virt-smmu.dtso "
				       "(configs/boards)"));
		buildtest_write_text("boards/qemu-virt-smmu.dtso",
				     "/dts-v1/;\n/plugin/;\n&{/nowhere} "
				     "{ x; };\n");
		expect(SMMU VM("0", "0", ""),
		       "does not apply: FDT_ERR_NOTFOUND");
		unsetenv("SHIKIRI_BOARDS");
		free(dtso);
		free(dir);
	}
	/* A board whose PCI host is wrong is fine for a VM without PCI. */
	expect_ok(SMMU VM("0", "0", ""), true);
	buildtest_make_smmu_board(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_guest_dt),
		cmocka_unit_test(test_qemu_and_disk),
		cmocka_unit_test(test_board_variants),
		cmocka_unit_test(test_config_rules),
		cmocka_unit_test(test_function_rules),
		cmocka_unit_test(test_board_rules),
	};

	return cmocka_run_group_tests_name("aarch64 PCI", tests, setup,
					   teardown);
}
