// SPDX-License-Identifier: MIT
/*
 * shikiri-build on the qemu-q35 board, in process: the image (Multiboot
 * headers rewritten to cover it, the plan as plan_check() wants it for
 * x86_64), and each VM's payloads taken apart: the protected-mode kernel,
 * the initrd placement, boot_params (setup header, loader fields, e820 of
 * the VM's own RAM, command line, SETUP_RNG_SEED) and every ACPI table
 * (checksums, lengths, the FADT's registers, the MADT's entries for that
 * VM's vCPUs, the DSDT's AML).  When acpica-tools' iasl is installed, it
 * disassembles every table without complaint and recompiles the DSDT to
 * the same AML.  A second image has VMs that own PCI functions: their
 * two RAM regions (their own first MiB, main RAM identity-mapped), the
 * kernel at that RAM's base aligned up to the kernel's kernel_alignment,
 * their functions with the board file's INTx, their e820 map, MCFG and
 * the host bridge in their DSDT (iasl too), and --explain saying why.
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

#include "acpi.h"
#include "bootparams.h"
#include "buildtest.h"
#include "exec.h"
#include "hv/plan_check.h"
#include "shikiri/x86_layout.h"
#include "x86fake.h"

#define MIB BUILDTEST_MIB
#define SETUP_SIZE ((X86FAKE_SETUP_SECTS + 1u) * 512u)
#define INITRD_SIZE 0x3000u

/* Three vCPUs and one: the MADT must follow each VM. */
#define CONFIG                                                      \
	"board = \"qemu-q35\";\n"                                   \
	"\tvm@0 { label = \"linux0\"; cpus = <0 1 2>; "             \
	"memory-size = <0 0x20000000>; kernel = \"bzImage\"; "      \
	"initrd = \"initrd\"; bootargs = \"console=ttyS0 quiet\"; " \
	"manage = <1>; };\n"                                        \
	"\tvm@1 { label = \"linux1\"; cpus = <3>; "                 \
	"memory-size = <0 0x10000000>; kernel = \"bzImage\"; "      \
	"console = \"none\"; on-reset = \"stop\"; };\n"

/*
 * VMs that own PCI functions: "fixed" at a memory-base that its kernel's
 * 16 MiB kernel_alignment moves the kernel up from, "auto" placed by the
 * tool; "plain" owns none.
 */
#define PCI_CONFIG                                                    \
	"board = \"qemu-q35\";\n"                                     \
	"\tvm@0 { label = \"plain\"; cpus = <0>; "                    \
	"memory-size = <0 0x10000000>; kernel = \"bzImage\"; };\n"    \
	"\tvm@1 { label = \"fixed\"; cpus = <1 2>; "                  \
	"memory-size = <0 0x8000000>; memory-base = <0 0x40200000>; " \
	"kernel = \"bzImage16\"; initrd = \"initrd\"; "               \
	"pci-devices = \"00:06.0\", \"0000:00:04.0\"; };\n"           \
	"\tvm@2 { label = \"auto\"; cpus = <3>; "                     \
	"memory-size = <0 0x4000000>; kernel = \"bzImage\"; "         \
	"pci-devices = \"00:05.0\"; };\n"
#define FIXED_BASE 0x40200000u
#define FIXED_SIZE (128 * MIB)

static struct blob img, pimg;
static char *pci_explained;
/* The image the helpers below read: img, or pimg in the PCI tests. */
static const struct blob *cur = &img;

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int setup(void **state)
{
	struct x86fake_kernel k = x86fake_kernel_default();

	(void)state;
	if (buildtest_setup("x86-build"))
		return -1;
	x86fake_hv("hv.bin", X86FAKE_HV_OK);
	x86fake_bzimage("bzImage", &k);
	k.kernel_alignment = 0x1000000;
	x86fake_bzimage("bzImage16", &k);
	if (buildtest_run_opts(PCI_CONFIG, false, "-") != 0) {
		fprintf(stderr, "PCI build failed:\n%s\n", buildtest_errors);
		return -1;
	}
	pimg = buildtest_read("out.img");
	pci_explained = fileio_strdup_printf("%s", buildtest_explained);
	if (buildtest_run_opts(CONFIG, false, "-") != 0) {
		fprintf(stderr, "build failed:\n%s\n", buildtest_errors);
		return -1;
	}
	img = buildtest_read("out.img");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fileio_free(&img);
	fileio_free(&pimg);
	free(pci_explained);
	buildtest_teardown();
	return 0;
}

static const struct shikiri_plan *plan(void)
{
	return (const void *)(cur->data + X86FAKE_HV_FOOTPRINT);
}

static const struct shikiri_payload *payload(unsigned int vm, uint32_t kind)
{
	const struct shikiri_plan_vm *v = &plan()->vm[vm];

	for (unsigned int i = 0; i < v->payload_count; i++)
		if (v->payload[i].kind == kind)
			return &v->payload[i];
	fail_msg("VM %u has no payload of kind %u", vm, kind);
	return NULL;
}

static const uint8_t *bytes(const struct shikiri_payload *p)
{
	assert_true(p->offset + p->size <= cur->size);
	return cur->data + p->offset;
}

/* Both Multiboot headers now load and reserve the whole image. */
static void test_image_headers(void **state)
{
	struct blob hv = buildtest_read("hv.bin");
	uint32_t end = X86FAKE_HV_LOAD + (uint32_t)img.size;

	(void)state;
	assert_int_equal(le(img.data + X86FAKE_MB1_AT + 16, 4),
			 X86FAKE_HV_LOAD);
	assert_int_equal(le(img.data + X86FAKE_MB1_AT + 20, 4), end);
	assert_int_equal(le(img.data + X86FAKE_MB1_AT + 24, 4), end);
	assert_int_equal(le(img.data + X86FAKE_MB2_AT + 32, 4), end);
	assert_int_equal(le(img.data + X86FAKE_MB2_AT + 36, 4), end);
	/* Nothing else of the binary changed; the checksums still hold. */
	assert_memory_equal(img.data, hv.data, X86FAKE_MB1_AT + 20);
	assert_memory_equal(img.data + X86FAKE_MB1_AT + 28,
			    hv.data + X86FAKE_MB1_AT + 28,
			    X86FAKE_MB2_AT + 32 - X86FAKE_MB1_AT - 28);
	assert_memory_equal(img.data + X86FAKE_MB2_AT + 40,
			    hv.data + X86FAKE_MB2_AT + 40,
			    hv.size - X86FAKE_MB2_AT - 40);
	fileio_free(&hv);
}

static void test_plan(void **state)
{
	const struct shikiri_plan *p = plan();
	const struct plan_limits lim = { X86FAKE_HV_LOAD, img.size, 0, 0 };
	struct plan_error err;

	(void)state;
	assert_int_equal(plan_check(p, img.size - X86FAKE_HV_FOOTPRINT,
				    &plan_arch_x86_64, &lim, &err),
			 0);
	assert_int_equal(p->board.arch, SHIKIRI_ARCH_X86_64);
	assert_int_equal(p->board.cpu_count, 4);
	assert_int_equal(p->board.cpu_id[3], 3);
	assert_int_equal(p->board.ram_count, 2);
	assert_int_equal(p->board.ram[0].base, 0x1000);
	assert_int_equal(p->board.ram[1].base + p->board.ram[1].size,
			 0x7ffdf000);
	assert_int_equal(p->board.uart_base, 0x3f8);
	assert_int_equal(p->board.uart_irq, 4);
	assert_int_equal(p->board.hw.x86_64.lapic_base, 0xfee00000);
	assert_int_equal(p->board.hw.x86_64.ioapic_base, 0xfec00000);
	assert_int_equal(p->board.hw.x86_64.ioapic_pins, 24);
	assert_int_equal(p->board.pci.ecam_base, 0xb0000000);
	assert_int_equal(p->board.pci.ecam_size, 256 * MIB);
	assert_int_equal(p->board.hw.x86_64.trampoline, 0x8000);
	/* The VMs: RAM from 0, the virtual PC's entry and console. */
	assert_int_equal(p->vm[0].cpu_mask, 0x7);
	assert_int_equal(p->vm[1].cpu_mask, 0x8);
	assert_int_equal(p->vm[0].ram[0].ipa, 0);
	assert_int_equal(p->vm[0].ram[0].size, 512 * MIB);
	assert_int_equal(p->vm[1].ram[0].size, 256 * MIB);
	assert_true(p->vm[0].ram[0].pa >= X86FAKE_HV_LOAD + img.size);
	assert_int_equal(p->vm[0].entry_ipa, X86_LAYOUT_KERNEL);
	assert_int_equal(p->vm[0].boot_info_ipa, X86_LAYOUT_BOOT_PARAMS);
	assert_int_equal(p->vm[0].flags, SHIKIRI_VM_CONSOLE_VIRTUAL);
	assert_int_equal(p->vm[0].console_base, 0x3f8);
	assert_int_equal(p->vm[0].console_irq, 4);
	assert_int_equal(p->vm[1].flags, 0);
	assert_int_equal(p->vm[0].manage_ipa, X86_LAYOUT_MANAGE);
	assert_int_equal(p->vm[0].manage_mask, 0x2);
	assert_int_equal(p->vm[0].kaslr_seed_offset, 0);
	assert_int_equal(p->vm[1].on_reset, SHIKIRI_POLICY_STOP);
	assert_int_equal(p->vm[0].payload_count, 4);
	assert_int_equal(p->vm[1].payload_count, 3);
}

/* Only the protected-mode part, at 16 MiB; the initrd at the top. */
static void test_kernel_and_initrd(void **state)
{
	struct blob bz = buildtest_read("bzImage");
	const struct shikiri_payload *k = payload(0, SHIKIRI_PAYLOAD_KERNEL);
	const struct shikiri_payload *i = payload(0, SHIKIRI_PAYLOAD_INITRD);

	(void)state;
	assert_int_equal(k->ipa, X86_LAYOUT_KERNEL);
	assert_int_equal(k->size, X86FAKE_PM_SIZE);
	assert_memory_equal(bytes(k), bz.data + SETUP_SIZE, X86FAKE_PM_SIZE);
	assert_int_equal(k->crc32, plan_crc32(0, bytes(k), k->size));
	/* 512 MiB, below initrd_addr_max: the last 2 MiB block. */
	assert_int_equal(i->ipa, 512 * MIB - 2 * MIB);
	assert_int_equal(i->size, BUILDTEST_INITRD_SIZE);
	fileio_free(&bz);
}

static void test_boot_params(void **state)
{
	struct blob bz = buildtest_read("bzImage");
	const struct shikiri_payload *pl =
		payload(0, SHIKIRI_PAYLOAD_BOOT_PARAMS);
	const uint8_t *bp = bytes(pl), *e820 = bp + BP_E820_TABLE;
	const uint64_t want[4][3] = {
		{ 0, 0x9f000, BP_E820_RAM },
		{ 0x9f000, 0x61000, BP_E820_RESERVED },
		{ 0x100000, 512 * MIB - 0x100000, BP_E820_RAM },
		{ 0xfeb00000, 0x1000, BP_E820_RESERVED },
	};
	const uint8_t *sd =
		bp + (X86_LAYOUT_SETUP_DATA - X86_LAYOUT_BOOT_PARAMS);

	(void)state;
	assert_int_equal(pl->ipa, X86_LAYOUT_BOOT_PARAMS);
	/* The setup header is the kernel's but for what a loader sets. */
	assert_memory_equal(bp + 0x1f1, bz.data + 0x1f1,
			    BP_TYPE_OF_LOADER - 0x1f1);
	assert_memory_equal(bp + 0x22c, bz.data + 0x22c, BP_SETUP_DATA - 0x22c);
	assert_memory_equal(bp + 0x258, bz.data + 0x258,
			    X86FAKE_HDR_END - 0x258);
	assert_int_equal(bp[BP_TYPE_OF_LOADER], 0xff);
	assert_int_equal(bp[BP_LOADFLAGS],
			 0x81); /* LOADED_HIGH, CAN_USE_HEAP */
	assert_int_equal(le(bp + BP_HEAP_END_PTR, 2), 0xde00);
	assert_int_equal(le(bp + BP_CMD_LINE_PTR, 4), X86_LAYOUT_CMDLINE);
	assert_string_equal(bp + (X86_LAYOUT_CMDLINE - X86_LAYOUT_BOOT_PARAMS),
			    "console=ttyS0 quiet");
	assert_int_equal(le(bp + BP_RAMDISK_IMAGE, 4), 512 * MIB - 2 * MIB);
	assert_int_equal(le(bp + BP_RAMDISK_SIZE, 4), BUILDTEST_INITRD_SIZE);
	assert_int_equal(le(bp + BP_ACPI_RSDP_ADDR, 8), X86_LAYOUT_ACPI);
	/*
	 * The e820 map: the VM's own RAM, the BIOS hole and the management
	 * page (shikirictl finds it there), nothing else.
	 */
	assert_int_equal(bp[BP_E820_ENTRIES], 4);
	for (int n = 0; n < 4; n++) {
		assert_int_equal(le(e820 + n * 20, 8), want[n][0]);
		assert_int_equal(le(e820 + n * 20 + 8, 8), want[n][1]);
		assert_int_equal(le(e820 + n * 20 + 16, 4), want[n][2]);
	}
	assert_int_equal(le(e820 + 4 * 20 + 8, 8), 0);
	/* One setup_data: SETUP_RNG_SEED, 32 bytes the hypervisor refills. */
	assert_int_equal(le(bp + BP_SETUP_DATA, 8), X86_LAYOUT_SETUP_DATA);
	assert_int_equal(le(sd, 8), 0);
	assert_int_equal(le(sd + 8, 4), BP_SETUP_RNG_SEED);
	assert_int_equal(le(sd + 12, 4), BP_RNG_SEED_SIZE);
	assert_int_equal(plan()->vm[0].rng_seed_offset,
			 X86_LAYOUT_SETUP_DATA - X86_LAYOUT_BOOT_PARAMS + 16);
	assert_memory_equal(bp + plan()->vm[0].rng_seed_offset, buildtest_seed,
			    BP_RNG_SEED_SIZE);
	assert_int_equal(pl->size, plan()->vm[0].rng_seed_offset + 32);
	/* No initrd: no ramdisk fields; 256 MiB of e820 RAM. */
	bp = bytes(payload(1, SHIKIRI_PAYLOAD_BOOT_PARAMS));
	assert_int_equal(le(bp + BP_RAMDISK_IMAGE, 8), 0);
	assert_int_equal(le(bp + BP_E820_TABLE + 2 * 20 + 8, 8),
			 256 * MIB - 0x100000);
	fileio_free(&bz);
}

/* The 36 bytes at guest-physical @gpa inside VM @vm's ACPI payload. */
static const uint8_t *table_at(unsigned int vm, uint64_t gpa)
{
	const struct shikiri_payload *pl = payload(vm, SHIKIRI_PAYLOAD_ACPI);

	assert_true(gpa >= X86_LAYOUT_ACPI);
	assert_true(gpa - X86_LAYOUT_ACPI + 36 <= pl->size);
	return bytes(pl) + (gpa - X86_LAYOUT_ACPI);
}

/* A valid table with @sig: length within the payload, checksum 0. */
static const uint8_t *table(unsigned int vm, uint64_t gpa, const char *sig)
{
	const uint8_t *t = table_at(vm, gpa);
	const struct shikiri_payload *pl = payload(vm, SHIKIRI_PAYLOAD_ACPI);

	assert_true(t - bytes(pl) + le(t + 4, 4) <= pl->size);
	assert_memory_equal(t, sig, 4);
	assert_int_equal(acpi_checksum(t, le(t + 4, 4)), 0);
	assert_memory_equal(t + 10, "SHIKRI", 6);
	return t;
}

static void check_madt(unsigned int vm, unsigned int vcpus)
{
	const uint8_t *rsdp = table_at(vm, X86_LAYOUT_ACPI);
	const uint8_t *xsdt = table(vm, le(rsdp + 24, 8), "XSDT");
	const uint8_t *madt = table(vm, le(xsdt + 44, 8), "APIC"), *e;

	assert_int_equal(le(madt + 4, 4), 36 + 8 + 8 * vcpus + 12 + 20 + 6);
	assert_int_equal(le(madt + 36, 4), X86_LAYOUT_LAPIC);
	assert_int_equal(le(madt + 40, 4), 1); /* PCAT_COMPAT */
	e = madt + 44;
	for (unsigned int i = 0; i < vcpus; i++, e += 8) {
		assert_int_equal(e[0], 0);
		assert_int_equal(e[1], 8);
		assert_int_equal(e[2], i);
		assert_int_equal(e[3], i);
		assert_int_equal(le(e + 4, 4), 1);
	}
	assert_int_equal(e[0], 1);
	assert_int_equal(e[1], 12);
	assert_int_equal(e[2], vcpus);
	assert_int_equal(le(e + 4, 4), X86_LAYOUT_IOAPIC);
	assert_int_equal(le(e + 8, 4), 0);
	e += 12;
	assert_int_equal(e[0], 2);
	assert_int_equal(e[3], 0);
	assert_int_equal(le(e + 4, 4), 2);
	assert_int_equal(le(e + 8, 2), 0);
	e += 10;
	assert_int_equal(e[3], 9);
	assert_int_equal(le(e + 4, 4), 9);
	assert_int_equal(le(e + 8, 2), 0xd);
	e += 10;
	assert_int_equal(e[0], 4);
	assert_int_equal(e[5], 1);
}

static void test_acpi_tables(void **state)
{
	const uint8_t *rsdp = table_at(0, X86_LAYOUT_ACPI), *xsdt, *fadt, *facs,
		      *dsdt;
	static const uint8_t s5[] = { 0x08, '_',  'S',	'5',  '_',  0x12, 0x08,
				      0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };

	(void)state;
	/* RSDP 2.0: both checksums, the XSDT's address, no RSDT. */
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(rsdp[15], 2);
	assert_int_equal(acpi_checksum(rsdp, 20), 0);
	assert_int_equal(acpi_checksum(rsdp, 36), 0);
	assert_int_equal(le(rsdp + 20, 4), 36);
	assert_int_equal(le(rsdp + 16, 4), 0);
	xsdt = table(0, le(rsdp + 24, 8), "XSDT");
	assert_int_equal(le(xsdt + 4, 4), 36 + 16);
	fadt = table(0, le(xsdt + 36, 8), "FACP");
	assert_int_equal(le(fadt + 4, 4), ACPI_FADT_SIZE);
	assert_int_equal(fadt[8], 6);
	facs = table_at(0, le(fadt + 36, 4));
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(le(facs + 4, 4), 64);
	assert_int_equal((le(fadt + 36, 4) & 63), 0);
	dsdt = table(0, le(fadt + 40, 4), "DSDT");
	assert_int_equal(le(fadt + 140, 8), le(fadt + 40, 4));
	/* SCI 9, PM1a event/control, PM timer (32-bit), no SMI command. */
	assert_int_equal(le(fadt + 46, 2), X86_LAYOUT_SCI_GSI);
	assert_int_equal(le(fadt + 48, 4), 0);
	assert_int_equal(le(fadt + 56, 4), X86_LAYOUT_PM1A_EVT);
	assert_int_equal(le(fadt + 64, 4), X86_LAYOUT_PM1A_CNT);
	assert_int_equal(le(fadt + 76, 4), X86_LAYOUT_PM_TMR);
	assert_int_equal(fadt[88], 4);
	assert_int_equal(fadt[89], 2);
	assert_int_equal(fadt[91], 4);
	assert_int_equal(le(fadt + 152, 8), X86_LAYOUT_PM1A_EVT);
	assert_int_equal(le(fadt + 176, 8), X86_LAYOUT_PM1A_CNT);
	assert_int_equal(le(fadt + 212, 8), X86_LAYOUT_PM_TMR);
	/* RESET_REG_SUP and TMR_VAL_EXT, not HW_REDUCED; reset = 6 to 0xcf9. */
	assert_int_equal(le(fadt + 112, 4) & (1u << 10 | 1u << 8 | 1u << 20),
			 1u << 10 | 1u << 8);
	assert_int_equal(fadt[116], 1);
	assert_int_equal(fadt[117], 8);
	assert_int_equal(le(fadt + 120, 8), X86_LAYOUT_RESET);
	assert_int_equal(fadt[128], X86_LAYOUT_RESET_VALUE);
	/* DSDT: \_S5 = {5, 5, 0, 0}, COM1 (PNP0501) and pvpanic QEMU0001. */
	assert_memory_equal(dsdt + 36, s5, sizeof(s5));
	assert_non_null(memmem(dsdt, le(dsdt + 4, 4), "QEMU0001", 9));
	assert_non_null(
		memmem(dsdt, le(dsdt + 4, 4), "\x0c\x41\xd0\x05\x01", 5));
	assert_non_null(memmem(dsdt, le(dsdt + 4, 4),
			       "\x47\x01\x05\x05\x05\x05\x01\x01", 8));
	/* Each VM's MADT lists its own vCPUs. */
	check_madt(0, 3);
	check_madt(1, 1);
	/* Written beside the image for users and iasl. */
	assert_true(buildtest_exists("out.img.acpi-linux0"));
}

/* Write the table at @t as @name; return its path (malloc'd). */
static char *write_table(const char *name, const uint8_t *t)
{
	buildtest_write(name, t, le(t + 4, 4));
	return buildtest_path(name);
}

/* iasl -d accepts @t, and says nothing is wrong with it. */
static void disassembles(const char *name, const uint8_t *t)
{
	char *bin = write_table(name, t), *dsl, *txt, *messages = NULL;
	char *const argv[] = { "iasl", "-d", bin, NULL };
	struct blob text;

	assert_int_equal(exec_run(argv, &messages), 0);
	dsl = fileio_strdup_printf("%.*s.dsl", (int)(strlen(name) - 4), name);
	text = buildtest_read(dsl);
	txt = fileio_strdup_printf("%.*s", (int)text.size, (char *)text.data);
	if (strstr(txt, "Incorrect") || strstr(txt, "Invalid") ||
	    strstr(txt, "Error") || strstr(messages, "Error"))
		print_error("%s:\n%s\n%s\n", name, messages, txt);
	assert_null(strstr(txt, "Incorrect"));
	assert_null(strstr(txt, "Invalid"));
	assert_null(strstr(txt, "Error"));
	assert_null(strstr(messages, "Error"));
	free(txt);
	fileio_free(&text);
	free(messages);
	free(dsl);
	free(bin);
}

/* Skip the test when acpica-tools' iasl is not installed. */
static void need_iasl(void)
{
	char *messages = NULL;
	char *const probe[] = { "iasl", "-v", NULL };
	int status = exec_run(probe, &messages);

	free(messages);
	if (status == 127)
		skip();
}

/*
 * iasl disassembles the DSDT at @dsdt as @name ("x.dat") without
 * complaint, and compiles that back to the very same AML.
 */
static void round_trips(const char *name, const uint8_t *dsdt)
{
	char *base =
		fileio_strdup_printf("%.*s", (int)(strlen(name) - 4), name);
	char *dsl = buildtest_path(base), *aml, *messages = NULL;
	char *dsl_name = fileio_strdup_printf("%s.dsl", dsl);
	char *aml_name = fileio_strdup_printf("%s.aml", base);
	struct blob again;

	disassembles(name, dsdt);
	aml = buildtest_path(aml_name);
	{
		char *const argv[] = { "iasl", "-p", aml, dsl_name, NULL };

		assert_int_equal(exec_run(argv, &messages), 0);
		free(messages);
	}
	again = buildtest_read(aml_name);
	assert_int_equal(again.size, le(dsdt + 4, 4));
	assert_memory_equal(again.data + 36, dsdt + 36, again.size - 36);
	fileio_free(&again);
	free(aml);
	free(aml_name);
	free(dsl_name);
	free(dsl);
	free(base);
}

static void test_iasl(void **state)
{
	const uint8_t *rsdp = table_at(0, X86_LAYOUT_ACPI), *xsdt, *fadt;

	(void)state;
	need_iasl();
	xsdt = table(0, le(rsdp + 24, 8), "XSDT");
	fadt = table(0, le(xsdt + 36, 8), "FACP");
	disassembles("xsdt.dat", xsdt);
	disassembles("facp.dat", fadt);
	disassembles("apic.dat", table(0, le(xsdt + 44, 8), "APIC"));
	round_trips("dsdt.dat", table(0, le(fadt + 40, 4), "DSDT"));
}

/* The PCI image's plan: two RAM regions, functions, kernel placement. */
static void test_pci_plan(void **state)
{
	const struct plan_limits lim = { X86FAKE_HV_LOAD, pimg.size, 0, 0 };
	const struct shikiri_plan_vm *fixed, *autop;
	struct plan_error err;

	(void)state;
	cur = &pimg;
	assert_int_equal(plan_check(plan(), pimg.size - X86FAKE_HV_FOOTPRINT,
				    &plan_arch_x86_64, &lim, &err),
			 0);
	fixed = &plan()->vm[1];
	autop = &plan()->vm[2];
	/* Without PCI functions: as before, one region from 0. */
	assert_int_equal(plan()->vm[0].ram_count, 1);
	assert_int_equal(plan()->vm[0].ram[0].ipa, 0);
	assert_int_equal(plan()->vm[0].pci_count, 0);
	/* Its own first MiB, then main RAM at its physical address. */
	assert_int_equal(fixed->ram_count, 2);
	assert_int_equal(fixed->ram[0].ipa, 0);
	assert_int_equal(fixed->ram[0].size, MIB);
	assert_int_equal(fixed->ram[1].ipa, FIXED_BASE);
	assert_int_equal(fixed->ram[1].pa, FIXED_BASE);
	assert_int_equal(fixed->ram[1].size, FIXED_SIZE);
	assert_int_equal(autop->ram_count, 2);
	assert_int_equal(autop->ram[1].ipa, autop->ram[1].pa);
	assert_int_equal(autop->ram[1].size, 64 * MIB);
	assert_int_equal(autop->ram[1].pa % (2 * MIB), 0);
	/* Placed first, top-down: the highest 2 MiB-aligned 64 MiB. */
	assert_int_equal(autop->ram[1].pa,
			 (0x7ffdf000 - 64 * MIB) & ~(2 * MIB - 1));
	assert_true(plan()->vm[0].ram[0].pa + 256 * MIB <= autop->ram[1].pa);
	/* The first MiBs: apart from everything, in board RAM. */
	assert_int_not_equal(fixed->ram[0].pa, autop->ram[0].pa);
	assert_true(fixed->ram[0].pa >= X86FAKE_HV_LOAD + pimg.size);
	/* The functions, sorted, with the board file's INTx. */
	assert_int_equal(fixed->pci_count, 2);
	assert_int_equal(fixed->pci[0].bdf, 4 << 3);
	assert_int_equal(fixed->pci[0].intx, 20);
	assert_int_equal(fixed->pci[0].intx_pin, 1);
	assert_int_equal(fixed->pci[0].flags, 0);
	assert_int_equal(fixed->pci[1].bdf, 6 << 3);
	assert_int_equal(fixed->pci[1].intx, 22);
	assert_int_equal(autop->pci_count, 1);
	assert_int_equal(autop->pci[0].bdf, 5 << 3);
	assert_int_equal(autop->pci[0].intx, 21);
	/* The board's segment. */
	assert_int_equal(plan()->board.pci.bus_first, 0);
	assert_int_equal(plan()->board.pci.bus_last, 0xff);
	assert_int_equal(plan()->board.pci.io.base, 0x1000);
	assert_int_equal(plan()->board.pci.io.size, 0xf000);
	assert_int_equal(plan()->board.pci.mem[0].base, 0xc0000000);
	assert_int_equal(plan()->board.pci.mem[0].size, 0x3ec00000);
	assert_int_equal(plan()->board.pci.mem[1].base, 0x100000000ull);
	assert_int_equal(plan()->board.pci.mem[1].size, 0x800000000ull);
	/*
	 * The kernel at the base aligned up to 16 MiB (bzImage16), entered
	 * there; the other at its base; initrds at the top of main RAM.
	 */
	assert_int_equal(payload(1, SHIKIRI_PAYLOAD_KERNEL)->ipa, 0x41000000);
	assert_int_equal(fixed->entry_ipa, 0x41000000);
	assert_int_equal(payload(1, SHIKIRI_PAYLOAD_INITRD)->ipa,
			 FIXED_BASE + FIXED_SIZE - 2 * MIB);
	assert_int_equal(payload(2, SHIKIRI_PAYLOAD_KERNEL)->ipa,
			 autop->ram[1].ipa);
	assert_int_equal(payload(1, SHIKIRI_PAYLOAD_BOOT_PARAMS)->ipa,
			 X86_LAYOUT_BOOT_PARAMS);
	assert_int_equal(payload(1, SHIKIRI_PAYLOAD_ACPI)->ipa,
			 X86_LAYOUT_ACPI);
	cur = &img;
}

/* e820: the first MiB, main RAM where it is, the ECAM, the page. */
static void test_pci_e820(void **state)
{
	const uint64_t want[5][3] = {
		{ 0, 0x9f000, BP_E820_RAM },
		{ 0x9f000, 0x61000, BP_E820_RESERVED },
		{ FIXED_BASE, FIXED_SIZE, BP_E820_RAM },
		{ 0xb0000000, 0x10000000, BP_E820_RESERVED },
		{ 0xfeb00000, 0x1000, BP_E820_RESERVED },
	};
	const uint8_t *bp, *e820;

	(void)state;
	cur = &pimg;
	bp = bytes(payload(1, SHIKIRI_PAYLOAD_BOOT_PARAMS));
	e820 = bp + BP_E820_TABLE;
	assert_int_equal(bp[BP_E820_ENTRIES], 5);
	for (int n = 0; n < 5; n++) {
		assert_int_equal(le(e820 + n * 20, 8), want[n][0]);
		assert_int_equal(le(e820 + n * 20 + 8, 8), want[n][1]);
		assert_int_equal(le(e820 + n * 20 + 16, 4), want[n][2]);
	}
	assert_int_equal(le(bp + BP_RAMDISK_IMAGE, 4),
			 FIXED_BASE + FIXED_SIZE - 2 * MIB);
	/* Without PCI functions: the four entries of before. */
	assert_int_equal(
		bytes(payload(0, SHIKIRI_PAYLOAD_BOOT_PARAMS))[BP_E820_ENTRIES],
		4);
	cur = &img;
}

/* XSDT → MCFG, and the DSDT's host bridge, as bytes. */
static void test_pci_acpi(void **state)
{
	/* Package(4) { 0x0004FFFF, Zero, Zero, 20 } and slot 6's, GSI 22. */
	static const uint8_t prt4[] = { 0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff,
					0x04, 0x00, 0x00, 0x00, 0x0a, 0x14 };
	static const uint8_t prt6[] = { 0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff,
					0x06, 0x00, 0x00, 0x00, 0x0a, 0x16 };
	/* WordIO producer [0x1000, 0xffff], DWordMemory 0xc0000000. */
	static const uint8_t io[] = { 0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03,
				      0x00, 0x00, 0x00, 0x10, 0xff, 0xff };
	static const uint8_t mem[] = { 0x87, 0x17, 0x00, 0x00, 0x0c, 0x01,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				       0x00, 0xc0, 0xff, 0xff, 0xbf, 0xfe };
	const uint8_t *rsdp, *xsdt, *mcfg, *dsdt;
	uint64_t len;

	(void)state;
	cur = &pimg;
	rsdp = table_at(1, X86_LAYOUT_ACPI);
	xsdt = table(1, le(rsdp + 24, 8), "XSDT");
	assert_int_equal(le(xsdt + 4, 4), 36 + 24);
	mcfg = table(1, le(xsdt + 52, 8), "MCFG");
	assert_int_equal(le(mcfg + 4, 4), 60);
	assert_int_equal(le(mcfg + 44, 8), 0xb0000000);
	assert_int_equal(le(mcfg + 52, 2), 0);
	assert_int_equal(mcfg[54], 0);
	assert_int_equal(mcfg[55], 0xff);
	dsdt = table(1, le(table(1, le(xsdt + 36, 8), "FACP") + 40, 4), "DSDT");
	len = le(dsdt + 4, 4);
	assert_non_null(memmem(dsdt, len, "PCI0", 4));
	assert_non_null(memmem(dsdt, len, "MRES", 4));
	assert_non_null(memmem(dsdt, len, "\x0c\x41\xd0\x0a\x08", 5));
	assert_non_null(memmem(dsdt, len, "\x0c\x41\xd0\x0c\x02", 5));
	assert_non_null(memmem(dsdt, len, prt4, sizeof(prt4)));
	assert_non_null(memmem(dsdt, len, prt6, sizeof(prt6)));
	assert_non_null(memmem(dsdt, len, io, sizeof(io)));
	assert_non_null(memmem(dsdt, len, mem, sizeof(mem)));
	/* 00:05.0 is the other VM's: not in this one's _PRT. */
	assert_null(memmem(dsdt, len, "\x0c\xff\xff\x05\x00", 5));
	/* Without PCI functions: no MCFG, no host bridge. */
	rsdp = table_at(0, X86_LAYOUT_ACPI);
	xsdt = table(0, le(rsdp + 24, 8), "XSDT");
	assert_int_equal(le(xsdt + 4, 4), 36 + 16);
	dsdt = table(0, le(table(0, le(xsdt + 36, 8), "FACP") + 40, 4), "DSDT");
	assert_null(memmem(dsdt, le(dsdt + 4, 4), "PCI0", 4));
	cur = &img;
}

static void test_pci_explain(void **state)
{
	(void)state;
	assert_non_null(
		strstr(pci_explained,
		       "    identity  RAM at guest-physical = physical: "
		       "its PCI functions can DMA anywhere, and no "
		       "IOMMU translates the addresses its drivers "
		       "give them\n"
		       "    PCI       00:04.0 INTA on GSI 20 (level, "
		       "active high)\n"
		       "    PCI       00:06.0 INTA on GSI 22 (level, "
		       "active high)\n"));
	assert_non_null(
		strstr(pci_explained,
		       "    RAM       PA [0x40200000, 0x48200000) = IPA "
		       "0x40200000 (128 MiB, identity-mapped, "
		       "memory-base)\n"));
	assert_non_null(strstr(pci_explained,
			       "PCI segment 0: buses 00-ff, I/O window "
			       "[0x1000, 0x10000), memory windows [0xc0000000, "
			       "0xfec00000) [0x100000000, 0x900000000), 9 "
			       "functions in the board file\n"));
}

/* iasl reads the PCI DSDT and MCFG, and compiles the DSDT back. */
static void test_pci_iasl(void **state)
{
	const uint8_t *rsdp, *xsdt, *fadt;

	(void)state;
	need_iasl();
	cur = &pimg;
	rsdp = table_at(1, X86_LAYOUT_ACPI);
	xsdt = table(1, le(rsdp + 24, 8), "XSDT");
	fadt = table(1, le(xsdt + 36, 8), "FACP");
	disassembles("mcfg.dat", table(1, le(xsdt + 52, 8), "MCFG"));
	round_trips("pcidsdt.dat", table(1, le(fadt + 40, 4), "DSDT"));
	cur = &img;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_headers),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_kernel_and_initrd),
		cmocka_unit_test(test_boot_params),
		cmocka_unit_test(test_acpi_tables),
		cmocka_unit_test(test_iasl),
		cmocka_unit_test(test_pci_plan),
		cmocka_unit_test(test_pci_e820),
		cmocka_unit_test(test_pci_acpi),
		cmocka_unit_test(test_pci_explain),
		cmocka_unit_test(test_pci_iasl),
	};

	return cmocka_run_group_tests_name("x86_64 image", tests, setup,
					   teardown);
}
