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
 * the same AML.
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

static struct blob img;

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
	buildtest_teardown();
	return 0;
}

static const struct shikiri_plan *plan(void)
{
	return (const void *)(img.data + X86FAKE_HV_FOOTPRINT);
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
	assert_true(p->offset + p->size <= img.size);
	return img.data + p->offset;
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

static void test_iasl(void **state)
{
	const uint8_t *rsdp = table_at(0, X86_LAYOUT_ACPI), *xsdt, *fadt, *dsdt;
	char *messages = NULL, *dsl, *aml;
	char *const probe[] = { "iasl", "-v", NULL };
	struct blob again;

	(void)state;
	if (exec_run(probe, &messages) == 127) {
		free(messages);
		skip();
	}
	free(messages);
	xsdt = table(0, le(rsdp + 24, 8), "XSDT");
	fadt = table(0, le(xsdt + 36, 8), "FACP");
	dsdt = table(0, le(fadt + 40, 4), "DSDT");
	disassembles("xsdt.dat", xsdt);
	disassembles("facp.dat", fadt);
	disassembles("apic.dat", table(0, le(xsdt + 44, 8), "APIC"));
	disassembles("dsdt.dat", dsdt);
	/* The disassembled DSDT compiles back to the very same AML. */
	dsl = buildtest_path("dsdt.dsl");
	aml = buildtest_path("dsdt.aml");
	{
		char *const argv[] = { "iasl", "-p", aml, dsl, NULL };

		messages = NULL;
		assert_int_equal(exec_run(argv, &messages), 0);
		free(messages);
	}
	again = buildtest_read("dsdt.aml");
	assert_int_equal(again.size, le(dsdt + 4, 4));
	assert_memory_equal(again.data + 36, dsdt + 36, again.size - 36);
	fileio_free(&again);
	free(dsl);
	free(aml);
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
	};

	return cmocka_run_group_tests_name("x86_64 image", tests, setup,
					   teardown);
}
