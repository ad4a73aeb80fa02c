// SPDX-License-Identifier: MIT
/*
 * The shipped configs (every .dts in configs/), as users get them: each one builds
 * and passes --check against the golden qemu-virt board (or the qemu-q35
 * board file for a PC's), with small fake payloads at the paths it names
 * (arm64 Images, or bzImages and a Multiboot hypervisor, x86fake.c); each
 * generated guest DT, decompiled by dtc, and its --explain partition table
 * equal reviewed golden files under
 * tests/unit/golden/configs/ (seeds are fixed).  Run with
 * SHIKIRI_UPDATE_GOLDEN=1 to rewrite them after an intended change, then
 * review the diff.  Also: the config with several errors that
 * docs/config.md shows gets exactly the output shown there.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "buildtest.h"
#include "exec.h"
#include "x86fake.h"

#define GOLDEN SHIKIRI_SRCDIR "/tests/unit/golden/configs/"
#define DOC SHIKIRI_SRCDIR "/docs/config.md"

static glob_t shipped;

/* @s with every occurrence of the test directory replaced by "TMP". */
static char *mask_dir(const char *s)
{
	size_t n = strlen(buildtest_dir);
	char *out = fileio_xmalloc(strlen(s) + 1), *o = out;

	while (*s) {
		if (strncmp(s, buildtest_dir, n) == 0) {
			memcpy(o, "TMP", 3);
			o += 3;
			s += n;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static void run_cmd(char *const argv[])
{
	char *messages;
	int status = exec_run(argv, &messages);

	if (status)
		print_error("%s: %s\n", argv[0], messages);
	free(messages);
	assert_int_equal(status, 0);
}

/* Small stand-ins at every kernel and initrd path of configs/@name. */
static void make_payloads(const void *fdt, bool x86)
{
	const struct x86fake_kernel bz = x86fake_kernel_default();

	int vm;

	fdt_for_each_subnode(vm, fdt, 0)
	{
		static const char *const props[] = { "kernel", "initrd" };

		for (size_t i = 0; i < 2; i++) {
			const char *file = fdt_getprop(fdt, vm, props[i], NULL);
			char *rel, *path, *dir;

			if (!file)
				continue;
			/* Shipped configs name payloads relative to them. */
			assert_int_not_equal(file[0], '/');
			rel = fileio_strdup_printf("configs/%s", file);
			path = buildtest_path(rel);
			dir = fileio_dirname(path);
			{
				char *argv[] = { "mkdir", "-p", dir, NULL };

				run_cmd(argv);
			}
			if (i == 0 && x86)
				x86fake_bzimage(rel, &bz);
			else if (i == 0)
				buildtest_write_image(
					rel, BUILDTEST_KERNEL_FOOTPRINT,
					BUILDTEST_KERNEL_FILE_SIZE, 0x5a);
			else
				buildtest_write_text(rel, "initrd");
			free(rel);
			free(path);
			free(dir);
		}
	}
}

/*
 * The partition table and each VM's guest DT (a PC's VMs have ACPI
 * tables, which the partition table's CRCs pin) against the golden files.
 */
static void compare_golden(const void *fdt, const char *stem, bool x86)
{
	char *golden = fileio_strdup_printf(GOLDEN "%s.explain", stem);
	char *masked = mask_dir(buildtest_explained);
	struct blob got = { (uint8_t *)masked, strlen(masked) };
	int vm;

	buildtest_golden(&got, golden);
	free(masked);
	free(golden);
	if (x86)
		return;
	fdt_for_each_subnode(vm, fdt, 0)
	{
		const char *label = fdt_getprop(fdt, vm, "label", NULL);
		char *dtb;

		/* shm@N nodes have labels too, but no DT. */
		if (strncmp(fdt_get_name(fdt, vm, NULL), "vm@", 3) != 0)
			continue;
		dtb = fileio_strdup_printf("out-%s.img.dtb-%s", stem, label);
		struct blob dts = buildtest_decompile(dtb);

		golden = fileio_strdup_printf(GOLDEN "%s.%s.dts", stem, label);
		buildtest_golden(&dts, golden);
		fileio_free(&dts);
		free(golden);
		free(dtb);
	}
}

static void test_shipped_config(void **state)
{
	const char *src = *state, *name = strrchr(src, '/') + 1;
	char *stem =
		fileio_strdup_printf("%.*s", (int)(strlen(name) - 4), name);
	char *copy = fileio_strdup_printf("%s/configs/%s", buildtest_dir, name);
	char *out = fileio_strdup_printf("%s/out-%s.img", buildtest_dir, stem);
	struct blob dtb;
	char *messages;

	const char *board;
	bool x86;

	assert_int_equal(exec_dtc(copy, false, &dtb, &messages), 0);
	free(messages);
	board = fdt_getprop(dtb.data, 0, "board", NULL);
	x86 = board && strcmp(board, "qemu-q35") == 0;
	make_payloads(dtb.data, x86);
	if (x86)
		x86fake_hv("hv.bin", X86FAKE_HV_OK);

	/* --check first: it validates everything and writes nothing. */
	buildtest_fake_qemu(true);
	assert_int_equal(buildtest_run_file(copy, out, true, "-"), 0);
	assert_string_equal(buildtest_errors, "");
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(buildtest_run_file(copy, out, false, "-"), 0);
	buildtest_fake_qemu(false);
	if (*buildtest_errors)
		print_error("%s:\n%s", name, buildtest_errors);
	assert_string_equal(buildtest_errors, "");
	compare_golden(dtb.data, stem, x86);
	if (x86)
		buildtest_write_image("hv.bin", BUILDTEST_HV_FOOTPRINT, 0x1000,
				      0xee);
	fileio_free(&dtb);
	free(stem);
	free(copy);
	free(out);
}

/*
 * The text of the first fenced block after the line @marker in @doc, or
 * NULL when there is none.
 */
static char *doc_block(const char *doc, const char *marker)
{
	const char *at = strstr(doc, marker), *start, *end;

	if (!at || !(start = strstr(at, "\n```")))
		return NULL;
	start = strchr(start + 1, '\n');
	if (!start || !(end = strstr(start, "\n```")))
		return NULL;
	return fileio_strdup_printf("%.*s", (int)(end - start), start + 1);
}

/*
 * docs/config.md's complete example, with its overlay and stand-ins for its
 * payloads, passes --check.
 */
static void test_doc_example(void **state)
{
	struct blob doc;
	char *config, *overlay, *path = buildtest_path("example.dts");

	(void)state;
	assert_int_equal(fileio_read(DOC, &doc), 0);
	doc.data = realloc(doc.data, doc.size + 1);
	doc.data[doc.size] = '\0';
	config = doc_block((const char *)doc.data, "<!-- example.dts -->");
	overlay = doc_block((const char *)doc.data, "<!-- extra.dtso -->");
	assert_non_null(config);
	assert_non_null(overlay);
	buildtest_write_text("example.dts", config);
	buildtest_write_text("extra.dtso", overlay);
	buildtest_write_text("initramfs.cpio.gz", "initrd");
	buildtest_fake_qemu(true);
	if (buildtest_run_file(path, NULL, true, "-") != 0)
		print_error("%s's example:\n%s", DOC, buildtest_errors);
	buildtest_fake_qemu(false);
	assert_string_equal(buildtest_errors, "");
	assert_non_null(strstr(buildtest_explained, "overlay"));
	free(config);
	free(overlay);
	free(path);
	fileio_free(&doc);
}

/*
 * docs/config.md shows a config with several mistakes and what
 * `shikiri-build --check --board qemu-virt errors.dts` prints for it, run
 * in the config's directory beside an Image.  Keep them true.
 */
static void test_doc_errors_example(void **state)
{
	struct blob doc;
	char *config, *want, *cwd = getcwd(NULL, 0);
	int rc;

	(void)state;
	assert_int_equal(fileio_read(DOC, &doc), 0);
	doc.data = realloc(doc.data, doc.size + 1);
	doc.data[doc.size] = '\0';
	config = doc_block((const char *)doc.data, "<!-- errors.dts -->");
	want = doc_block((const char *)doc.data, "<!-- errors.dts output -->");
	if (!config || !want)
		print_error("%s: no <!-- errors.dts --> and <!-- errors.dts "
			    "output --> blocks\n",
			    DOC);
	assert_non_null(config);
	assert_non_null(want);
	buildtest_write_text("errors.dts", config);
	assert_int_equal(chdir(buildtest_dir), 0);
	unlink("extra.dtso");
	buildtest_fake_qemu(true);
	rc = buildtest_run_file("errors.dts", NULL, true, "qemu-virt");
	buildtest_fake_qemu(false);
	assert_int_equal(chdir(cwd), 0);
	if (strcmp(buildtest_errors, want) != 0)
		print_error("%s shows:\n%s\nshikiri-build says:\n%s", DOC, want,
			    buildtest_errors);
	assert_int_equal(rc, 1);
	assert_string_equal(buildtest_errors, want);
	free(config);
	free(want);
	free(cwd);
	fileio_free(&doc);
}

int main(void)
{
	struct CMUnitTest *tests;
	size_t n;
	int failed;

	if (glob(SHIKIRI_SRCDIR "/configs/*.dts", 0, NULL, &shipped) ||
	    buildtest_setup("configs")) {
		fprintf(stderr, "test_configs: no configs, or cannot set up\n");
		return 1;
	}
	{
		char *dst = buildtest_path("configs");
		char *argv[] = { "cp", "-r", SHIKIRI_SRCDIR "/configs", dst,
				 NULL };
		char *messages;
		int status = exec_run(argv, &messages);

		free(messages);
		free(dst);
		if (status) {
			fprintf(stderr, "test_configs: cannot copy configs\n");
			return 1;
		}
	}
	n = shipped.gl_pathc;
	tests = calloc(n + 2, sizeof(*tests));
	for (size_t i = 0; i < n; i++) {
		tests[i].name = strrchr(shipped.gl_pathv[i], '/') + 1;
		tests[i].test_func = test_shipped_config;
		tests[i].initial_state = shipped.gl_pathv[i];
	}
	tests[n].name = "test_doc_example";
	tests[n].test_func = test_doc_example;
	tests[n + 1].name = "test_doc_errors_example";
	tests[n + 1].test_func = test_doc_errors_example;
	failed = _cmocka_run_group_tests("shipped configs", tests, n + 2, NULL,
					 NULL);
	free(tests);
	globfree(&shipped);
	buildtest_teardown();
	return failed ? 1 : 0;
}
