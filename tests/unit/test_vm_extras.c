// SPDX-License-Identifier: MIT
/*
 * What a VM may have beyond CPUs, RAM and devices: a fixed physical base
 * (memory-base), extra SPIs (interrupts, interrupt-ranges) and a device
 * tree overlay, each where it lands in the plan and the guest DT, and every
 * error an overlay can earn.
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
#include "hv/plan_check.h"

#define VM0 BUILDTEST_VM0
#define VM1 BUILDTEST_VM1
#define SET BUILDTEST_SET
#define MIB BUILDTEST_MIB

static const struct shikiri_plan *image_plan(const struct blob *img)
{
	return (const struct shikiri_plan *)(img->data +
					     BUILDTEST_HV_FOOTPRINT);
}

static uint32_t get_u32(const void *fdt, const char *path, const char *prop)
{
	int len;
	const fdt32_t *v =
		fdt_getprop(fdt, fdt_path_offset(fdt, path), prop, &len);

	if (!v)
		print_error("%s: no property %s\n", path, prop);
	assert_non_null(v);
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*v);
}

/* ----------------------------------------------- ram-cleared-at-boot --- */

/* Every VM carries the flag with the property, none without it. */
static void test_ram_cleared_at_boot(void **state)
{
	const struct shikiri_plan *p;
	struct blob img;

	(void)state;
	assert_int_equal(buildtest_run("ram-cleared-at-boot;\n" VM0 VM1), 0);
	img = buildtest_read("out.img");
	p = image_plan(&img);
	assert_true(p->vm[0].flags & SHIKIRI_VM_RAM_CLEARED_AT_BOOT);
	assert_true(p->vm[1].flags & SHIKIRI_VM_RAM_CLEARED_AT_BOOT);
	assert_non_null(strstr(buildtest_explained,
			       "RAM cleared at every boot by the platform: "
			       "VMs' RAM not scrubbed before their first "
			       "start\n"));
	fileio_free(&img);
	assert_int_equal(buildtest_run(VM0 VM1), 0);
	img = buildtest_read("out.img");
	p = image_plan(&img);
	assert_false(p->vm[0].flags & SHIKIRI_VM_RAM_CLEARED_AT_BOOT);
	assert_false(p->vm[1].flags & SHIKIRI_VM_RAM_CLEARED_AT_BOOT);
	assert_null(strstr(buildtest_explained, "RAM cleared"));
	fileio_free(&img);
}

/* ------------------------------------------------------- memory-base --- */

static void test_memory_base(void **state)
{
	const char *body = VM0 VM1 SET("0", "memory-base = <0 0x60000000>;") SET(
		"1",
		"memory-size = <0 0x40000000>;") "\tvm@2 { label = \"c\"; cpus = <2>; memory-size = <0 "
						 "0x10000000>; kernel = \"Image\"; };\n";
	const struct shikiri_plan *p;
	struct blob img;

	(void)state;
	assert_int_equal(buildtest_run(body), 0);
	img = buildtest_read("out.img");
	p = image_plan(&img);
	/* Fixed, then the highest free RAM: above it, then beside it. */
	assert_int_equal(p->vm[0].ram[0].pa, 0x60000000);
	assert_int_equal(p->vm[0].ram[0].ipa, 0x40000000);
	assert_int_equal(p->vm[1].ram[0].pa, 0x80000000);
	assert_int_equal(p->vm[2].ram[0].pa, 0x70000000);
	assert_non_null(strstr(buildtest_explained,
			       "RAM       PA [0x60000000, 0x64000000) = IPA "
			       "0x40000000 (64 MiB, memory-base)\n"));
	assert_non_null(strstr(buildtest_explained,
			       "PA [0x70000000, 0x80000000) = IPA 0x40000000 "
			       "(256 MiB)\n"));
	fileio_free(&img);
	/* Right above the hypervisor's area, and at the very top. */
	assert_int_equal(buildtest_run(VM0 VM1 SET("0", "memory-base = <0 "
							"0x48200000>;")
					       SET("1", "memory-base = <0 "
							"0xbc000000>;")),
			 0);
	assert_string_equal(buildtest_errors, "");
}

/* ---------------------------------------------------- extra SPIs --- */

static void test_extra_interrupts(void **state)
{
	static const uint32_t want[] = { 79, 40, 41, 64, 65, 66 };
	const struct shikiri_plan_vm *v;
	struct blob img;

	(void)state;
	assert_int_equal(buildtest_run(VM0 SET("0", "memory-base = <0 "
						    "0x50000000>; devices = "
						    "\"/virtio_mmio@a003e00\"; "
						    "interrupts = <40 41>; "
						    "interrupt-ranges = "
						    "<64 3>;")),
			 0);
	img = buildtest_read("out.img");
	v = &image_plan(&img)->vm[0];
	assert_int_equal(v->irq_count, 6);
	for (unsigned int i = 0; i < 6; i++) {
		assert_int_equal(v->irq[i].phys, want[i]);
		assert_int_equal(v->irq[i].virt, want[i]);
	}
	assert_non_null(strstr(buildtest_explained,
			       "IRQ       virt 41 -> phys 41 (interrupts)\n"));
	assert_non_null(strstr(buildtest_explained,
			       "IRQ       virt 66 -> phys 66 "
			       "(interrupt-ranges)\n"));
	fileio_free(&img);
	/* 32 in all is the most, and enough. */
	assert_int_equal(buildtest_run(VM0 SET("0", "interrupt-ranges = "
						    "<64 16 100 16>;")),
			 0);
}

/* ----------------------------------------------------------- overlay --- */

static const char good_overlay[] =
	"/dts-v1/;\n/plugin/;\n"
	"&{/} {\n"
	"\taliases { serial0 = \"/pl011@9000000\"; };\n"
	"\treserved-memory {\n"
	"\t\t#address-cells = <2>; #size-cells = <2>; ranges;\n"
	"\t\tbuf: buf@53000000 { reg = <0 0x53000000 0 0x100000>; no-map; };\n"
	"\t};\n"
	"\tdoorbell { compatible = \"test,doorbell\"; memory-region = <&buf>;\n"
	"\t\tinterrupts = <0 8 4>; };\n"
	"};\n"
	"&{/chosen} { test,extra = \"yes\"; };\n"
	"&{/virtio_mmio@a003e00} { #address-cells = <1>; #size-cells = <0>;\n"
	"\tchild@0 { reg = <0>; }; };\n";

static void test_overlay_applied(void **state)
{
	const struct shikiri_plan_vm *v;
	struct blob img, dtb;
	const void *fdt;
	uint32_t buf;
	int node;

	(void)state;
	buildtest_write_text("extra.dtso", good_overlay);
	assert_int_equal(buildtest_run(VM0 SET("0", "memory-base = <0 "
						    "0x50000000>; devices = "
						    "\"/virtio_mmio@a003e00\"; "
						    "interrupts = <40>; "
						    "overlay = "
						    "\"extra.dtso\";")),
			 0);
	assert_string_equal(buildtest_errors, "");
	img = buildtest_read("out.img");
	dtb = buildtest_read("out.img.dtb-a");
	v = &image_plan(&img)->vm[0];
	fdt = dtb.data;
	assert_int_equal(fdt_check_full(fdt, dtb.size), 0);
	assert_int_equal(v->payload[2].size, dtb.size);
	assert_memory_equal(img.data + v->payload[2].offset, dtb.data,
			    dtb.size);

	/* The overlay's phandles come after the generated ones. */
	buf = get_u32(fdt, "/reserved-memory/buf@53000000", "phandle");
	assert_int_equal(buf, 3);
	assert_int_equal(get_u32(fdt, "/doorbell", "memory-region"), buf);
	node = fdt_path_offset(fdt, "/aliases");
	assert_string_equal(fdt_getprop(fdt, node, "serial0", NULL),
			    "/pl011@9000000");
	node = fdt_path_offset(fdt, "/chosen");
	assert_string_equal(fdt_getprop(fdt, node, "test,extra", NULL), "yes");
	assert_int_equal(get_u32(fdt, "/virtio_mmio@a003e00/child@0", "reg"),
			 0);
	/* No labels for the guest, and what shikiri wrote is intact. */
	assert_true(fdt_path_offset(fdt, "/__symbols__") < 0);
	assert_int_equal(get_u32(fdt, "/intc@8000000", "phandle"), 1);
	/* The hypervisor refills the seeds where they are now. */
	assert_memory_equal(dtb.data + v->rng_seed_offset, buildtest_seed,
			    DTGEN_RNG_SEED_SIZE);
	assert_memory_equal(dtb.data + v->kaslr_seed_offset,
			    buildtest_seed + DTGEN_RNG_SEED_SIZE,
			    DTGEN_KASLR_SEED_SIZE);
	assert_non_null(strstr(buildtest_explained, "    overlay   "));
	fileio_free(&img);
	fileio_free(&dtb);
}

/* An overlay source, and one line the error output must contain. */
struct overlay_error {
	const char *name;
	const char *overlay; /* written to extra.dtso */
	const char *props;   /* more properties for vm@0 */
	const char *want;
};

#define OV_HEAD "/dts-v1/;\n/plugin/;\n"
#define OV_ROOT(nodes) OV_HEAD "&{/} { " nodes " };\n"
#define OV_RULE                                                                \
	"; fix: an overlay may only add passive nodes: a reg only in a child " \
	"of /reserved-memory (inside the VM's RAM, clear of its payloads) or " \
	"below one of the VM's devices (see docs/config.md)\n"
#define RESV(reg)                                                    \
	OV_ROOT("reserved-memory { #address-cells = <2>; "           \
		"#size-cells = <2>; ranges; r@0 { reg = <" reg ">; " \
		"}; };")

static const struct overlay_error overlay_errors[] = {
	{ "overlay missing", NULL, "overlay = \"nothere.dtso\";",
	  "/nothere.dtso': No such file or directory; fix: correct the path "
	  "(relative to the config file's directory)\n" },
	{ "overlay not a string", NULL, "overlay = <1>;",
	  "cfg.dts: /vm@0: property 'overlay': must be a file name; fix: e.g. "
	  "overlay = \"extra.dtso\"\n" },
	{ "overlay does not compile", OV_HEAD "&{/} { x = ; };\n", NULL,
	  "/extra.dtso' (exit status 1):\nError: " },
	{ "overlay label target", OV_HEAD "&gic { x; };\n&uart { y; };\n", NULL,
	  "/extra.dtso': refers to nodes of the VM's device tree by label "
	  "(&gic, &uart), but label targets are not supported: the generated "
	  "device tree has no labels; fix: name nodes by path, e.g. "
	  "&{/intc@8000000} { ... } instead of &gic { ... }\n" },
	{ "overlay phandle target",
	  "/dts-v1/;\n/ { fragment@0 { target = <1>; __overlay__ { x; }; }; "
	  "};\n",
	  NULL,
	  "/extra.dtso': fragment@0 has no target-path (label and phandle "
	  "targets are not supported); fix: write &{/path} { ... }\n" },
	{ "overlay is a plain tree", "/dts-v1/;\n/ { model = \"x\"; };\n", NULL,
	  "/extra.dtso': is not an overlay (it has properties at its root); "
	  "fix: begin it with /dts-v1/; /plugin/; and write &{/path} { ... } "
	  "fragments\n" },
	{ "overlay node not a fragment", "/dts-v1/;\n/ { foo { }; };\n", NULL,
	  "/extra.dtso': /foo is not a fragment (no __overlay__ node)" },
	{ "overlay empty", "/dts-v1/;\n/ { };\n", NULL,
	  "/extra.dtso': has no fragments; fix:" },
	{ "overlay target missing", OV_HEAD "&{/nothere} { x; };\n", NULL,
	  "/extra.dtso': cannot be applied to the VM's device tree: "
	  "FDT_ERR_NOTFOUND (fragment@0 targets '/nothere', which the VM's "
	  "device tree does not have); fix: compare its targets with "
	  "OUT.img.dtb-a (dtc -I dtb -O dts)\n" },
	{ "overlay changes bootargs",
	  OV_HEAD "&{/chosen} { bootargs = \"x\"; };\n", NULL,
	  "/extra.dtso': node /chosen: would change 'bootargs', which "
	  "shikiri-build writes; fix: set it through the config, or leave it "
	  "out\n" },
	{ "overlay changes a seed", OV_ROOT("chosen { rng-seed = <1>; };"),
	  NULL,
	  "node /chosen: would change 'rng-seed', which shikiri-build writes" },
	{ "overlay reg in RAM",
	  OV_ROOT("thing@40000000 { reg = <0 0x40000000 0 0x1000>; };"), NULL,
	  "/extra.dtso': node /thing@40000000: reg [0x40000000, 0x40001000) "
	  "overlaps the VM's RAM [0x40000000, 0x44000000) (to keep part of it "
	  "from the kernel, use a child of /reserved-memory)" OV_RULE },
	{ "overlay reg on the board's ITS",
	  OV_ROOT("its@8080000 { reg = <0 0x8080000 0 0x20000>; };"), NULL,
	  "node /its@8080000: reg [0x8080000, 0x80a0000) describes hardware "
	  "the VM does not own" OV_RULE },
	{ "overlay reg on the GICD",
	  OV_ROOT("thing@8000000 { reg = <0 0x8000000 0 0x10000>; };"), NULL,
	  "node /thing@8000000: reg [0x8000000, 0x8010000) overlaps the "
	  "GIC" OV_RULE },
	{ "overlay reg on the UART",
	  OV_ROOT("thing@9000000 { reg = <0 0x9000000 0 0x1000>; };"), NULL,
	  "node /thing@9000000: reg [0x9000000, 0x9001000) overlaps the UART "
	  "(the VM's virtual console)" OV_RULE },
	{ "overlay reg on the VM's device",
	  OV_ROOT("thing@a003c00 { reg = <0 0xa003c00 0 0x200>; };"),
	  "memory-base = <0 0x50000000>; devices = \"/virtio_mmio@a003e00\";",
	  "node /thing@a003c00: reg [0xa003c00, 0xa003e00) overlaps "
	  "'/virtio_mmio@a003e00', a device the VM already has" OV_RULE },
	{ "overlay reg on the management page",
	  OV_ROOT("thing@3ffff000 { reg = <0 0x3ffff000 0 0x1000>; };"), NULL,
	  "reg [0x3ffff000, 0x40000000) overlaps the management page" },
	{ "overlay reg on the watchdog",
	  OV_ROOT("thing@3fffd000 { reg = <0 0x3fffd000 0 0x1000>; };"),
	  "watchdog-ms = <1000>;",
	  "reg [0x3fffd000, 0x3fffe000) overlaps the VM's watchdog" },
	{ "overlay reg elsewhere",
	  OV_ROOT("gpio@9030000 { reg = <0 0x9030000 0 0x1000>; };"), NULL,
	  "/extra.dtso': node /gpio@9030000: reg [0x9030000, 0x9031000) "
	  "describes hardware the VM does not own" OV_RULE },
	{ "overlay reg unreadable", OV_ROOT("thing@0 { reg = <1>; };"), NULL,
	  "/extra.dtso': node /thing@0: its reg cannot be read with its "
	  "parent's #address-cells and #size-cells; fix: an overlay may only "
	  "add passive nodes" },
	{ "overlay reserved memory outside RAM",
	  RESV("0 0x80000000 0 0x100000"), NULL,
	  "/extra.dtso': node /reserved-memory/r@0: reg [0x80000000, "
	  "0x80100000) is not inside the VM's RAM [0x40000000, 0x44000000)" },
	{ "overlay reserved memory on the kernel",
	  RESV("0 0x40200000 0 0x100000"), NULL,
	  "node /reserved-memory/r@0: reg [0x40200000, 0x40300000) overlaps "
	  "the VM's kernel at [0x40000000, 0x40400000), where shikiri loads "
	  "it" OV_RULE },
	{ "overlay reserved memory on the initrd",
	  RESV("0 0x42000000 0 0x1000"), NULL,
	  "overlaps the VM's initrd at [0x42000000, 0x42003000)" },
	{ "overlay reserved memory on the DTB", RESV("0 0x42300000 0 0x1000"),
	  NULL,
	  "overlaps the VM's device tree (2 MiB kept for it) at [0x42200000, "
	  "0x42400000)" },
	{ "overlay interrupt not owned",
	  OV_ROOT("thing { interrupts = <0 8 4>; };"), NULL,
	  "/extra.dtso': node /thing: interrupt 0 (INTID 40) is not an SPI "
	  "the VM owns; fix: pass it with interrupts = <40> in the VM, or "
	  "leave it out\n" },
	{ "overlay interrupt is a PPI",
	  OV_ROOT("thing { interrupts = <1 9 4>; };"), NULL,
	  "node /thing: interrupt 0 (INTID 25) is not an SPI the VM owns" },
	{ "overlay interrupts not three cells",
	  OV_ROOT("thing { interrupts = <8>; };"), "interrupts = <40>;",
	  "/extra.dtso': node /thing: its interrupts are not GIC interrupts of "
	  "three cells; fix: write interrupts = <0 SPI flags> for SPIs the VM "
	  "owns\n" },
	{ "overlay interrupt parent",
	  OV_ROOT("thing { interrupt-parent = <1>; interrupts = <0 8 4>; };"),
	  "interrupts = <40>;",
	  "/extra.dtso': node /thing: sets 'interrupt-parent', naming an "
	  "interrupt controller; fix: leave it out (interrupts go to the "
	  "GIC)\n" },
	{ "overlay interrupts-extended",
	  OV_ROOT("thing { interrupts-extended = <1 0 8 4>; };"), NULL,
	  "node /thing: sets 'interrupts-extended', naming an interrupt "
	  "controller" },
};

static void test_overlay_error(void **state)
{
	const struct overlay_error *c = *state;
	char *body = fileio_strdup_printf(
		VM0 SET("0", "overlay = \"extra.dtso\"; %s"),
		c->props ? c->props : "");
	int rc;

	if (c->overlay)
		buildtest_write_text("extra.dtso", c->overlay);
	rc = buildtest_run(body);
	free(body);
	if (rc != 1 || !strstr(buildtest_errors, c->want))
		print_error("%s: rc %d, errors:\n%s\nwanted:\n%s\n", c->name,
			    rc, buildtest_errors, c->want);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(buildtest_errors, c->want));
}

int main(void)
{
	const size_t n_errors =
		sizeof(overlay_errors) / sizeof(overlay_errors[0]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ram_cleared_at_boot),
		cmocka_unit_test(test_memory_base),
		cmocka_unit_test(test_extra_interrupts),
		cmocka_unit_test(test_overlay_applied),
	};
	struct CMUnitTest *errs = calloc(n_errors, sizeof(*errs));
	int failed;

	for (size_t i = 0; i < n_errors; i++) {
		errs[i].name = overlay_errors[i].name;
		errs[i].test_func = test_overlay_error;
		errs[i].initial_state = (void *)&overlay_errors[i];
	}
	if (buildtest_setup("vm-extras")) {
		fprintf(stderr, "test_vm_extras: cannot set up %s\n",
			buildtest_dir);
		free(errs);
		return 1;
	}
	failed = cmocka_run_group_tests_name("vm extras", tests, NULL, NULL);
	failed += _cmocka_run_group_tests("overlay errors", errs, n_errors,
					  NULL, NULL);
	free(errs);
	buildtest_teardown();
	return failed ? 1 : 0;
}
