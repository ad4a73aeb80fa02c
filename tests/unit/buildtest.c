// SPDX-License-Identifier: MIT
/* Running shikiri-build in process for the unit tests (see buildtest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build.h"
#include "buildtest.h"
#include "exec.h"

char buildtest_dir[256];
uint8_t buildtest_seed[DTGEN_SEED_SIZE];
char *buildtest_errors;
char *buildtest_explained;

/**
 * buildtest_path() - @name inside the directory.
 * @name: a file name.
 *
 * Return: a malloc'd path.
 */
char *buildtest_path(const char *name)
{
	return fileio_strdup_printf("%s/%s", buildtest_dir, name);
}

/**
 * buildtest_write() - Write a file in the directory.
 * @name: its name.
 * @data: the bytes.
 * @size: how many.
 */
void buildtest_write(const char *name, const void *data, size_t size)
{
	char *path = buildtest_path(name);

	assert_int_equal(fileio_write(path, data, size), 0);
	free(path);
}

/**
 * buildtest_write_text() - Write a text as a file of the directory.
 * @name: its name.
 * @text: the text.
 */
void buildtest_write_text(const char *name, const char *text)
{
	buildtest_write(name, text, strlen(text));
}

/**
 * buildtest_write_image() - An arm64 Image header on filler bytes.
 * @name: the file.
 * @footprint: the header's image_size.
 * @size: the file's size.
 * @fill: the filler byte.
 */
void buildtest_write_image(const char *name, uint64_t footprint, size_t size,
			   uint8_t fill)
{
	uint8_t *b = malloc(size);

	memset(b, fill, size);
	memset(b, 0, 64);
	for (int i = 0; i < 8; i++)
		b[16 + i] = (uint8_t)(footprint >> (8 * i));
	memcpy(b + 56, "ARM\x64", 4);
	buildtest_write(name, b, size);
	free(b);
}

/**
 * buildtest_read() - Read a file of the directory.
 * @name: its name.
 *
 * Return: its bytes.
 */
struct blob buildtest_read(const char *name)
{
	struct blob b;
	char *path = buildtest_path(name);

	assert_int_equal(fileio_read(path, &b), 0);
	free(path);
	return b;
}

/**
 * buildtest_exists() - Whether a file of the directory exists.
 * @name: its name.
 *
 * Return: true when it does.
 */
bool buildtest_exists(const char *name)
{
	char *path = buildtest_path(name);
	bool yes = access(path, F_OK) == 0;

	free(path);
	return yes;
}

/* Compile the golden board @golden, plus @extra when not NULL, into @dtb. */
static int compile_golden(const char *golden, const char *extra,
			  const char *dtb)
{
	char *board = buildtest_path(dtb), *src;
	char *argv[] = { "dtc", "-q", "-O", "dtb", "-o", board, NULL, NULL };
	char *messages, *text;
	int status;

	text = fileio_strdup_printf("/include/ \"%s/tests/unit/golden/%s\"\n%s",
				    SHIKIRI_SRCDIR, golden, extra ? extra : "");
	buildtest_write_text("board.dts", text);
	src = buildtest_path("board.dts");
	argv[6] = src;
	status = exec_run(argv, &messages);
	fputs(messages, stderr);
	free(messages);
	free(text);
	free(src);
	free(board);
	return status;
}

static int compile_board(const char *extra)
{
	return compile_golden("qemu-virt.dts", extra, "board.dtb");
}

/**
 * buildtest_setup() - Create the directory and its standard files.
 * @name: a word for the directory's name.
 *
 * Return: 0, or non-zero on failure.
 */
int buildtest_setup(const char *name)
{
	uint8_t initrd[BUILDTEST_INITRD_SIZE];

	snprintf(buildtest_dir, sizeof(buildtest_dir),
		 "/tmp/shikiri-test-%s-XXXXXX", name);
	if (!mkdtemp(buildtest_dir))
		return -1;
	for (size_t i = 0; i < sizeof(buildtest_seed); i++)
		buildtest_seed[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)i;
	buildtest_write_image("Image", BUILDTEST_KERNEL_FOOTPRINT,
			      BUILDTEST_KERNEL_FILE_SIZE, 0x5a);
	buildtest_write_image("hv.bin", BUILDTEST_HV_FOOTPRINT, 0x1000, 0xee);
	buildtest_write("initrd", initrd, sizeof(initrd));
	return compile_board(NULL) ||
	       compile_golden("qemu-virt-smmu.dts", NULL, "board-smmu.dtb");
}

/**
 * buildtest_make_smmu_board() - Make board-smmu.dtb, which the fake QEMU
 * dumps for qemu-virt-smmu, the golden one plus @extra.
 * @extra: DT source merged after the golden board's, or NULL.
 */
void buildtest_make_smmu_board(const char *extra)
{
	assert_int_equal(compile_golden("qemu-virt-smmu.dts", extra,
					"board-smmu.dtb"),
			 0);
}

/**
 * buildtest_make_board() - Make board.dtb the golden board plus @extra.
 * @extra: DT source merged after the golden board's, or NULL.
 */
void buildtest_make_board(const char *extra)
{
	assert_int_equal(compile_board(extra), 0);
}

/**
 * buildtest_pc_board() - Make board.dtb configs/boards/qemu-q35.dts plus
 * @extra, for --board-dtb.
 * @extra: DT source merged after the board file's ("" for none).
 */
void buildtest_pc_board(const char *extra)
{
	struct blob q35, dtb;
	char *src, *path, *messages = NULL;

	assert_int_equal(fileio_read(SHIKIRI_SRCDIR
				     "/configs/boards/qemu-q35.dts",
				     &q35),
			 0);
	src = fileio_strdup_printf("%.*s\n%s", (int)q35.size, (char *)q35.data,
				   extra);
	buildtest_write_text("pc.dts", src);
	path = buildtest_path("pc.dts");
	if (exec_dtc(path, false, &dtb, &messages) != 0)
		fail_msg("dtc: %s", messages);
	buildtest_write("board.dtb", dtb.data, dtb.size);
	fileio_free(&dtb);
	fileio_free(&q35);
	free(messages);
	free(path);
	free(src);
}

/**
 * buildtest_fake_qemu() - Make --board qemu-virt work without QEMU.
 * @on: install the fake, or restore SHIKIRI_QEMU.
 */
void buildtest_fake_qemu(bool on)
{
	static const char fake[] =
		"#!/bin/sh\n"
		"for a; do case $a in *iommu=smmuv3*dumpdtb=*)\n"
		"\tcp \"$(dirname \"$0\")/board-smmu.dtb\" "
		"\"${a##*dumpdtb=}\";;\n"
		"*dumpdtb=*)\n"
		"\tcp \"$(dirname \"$0\")/board.dtb\" \"${a##*dumpdtb=}\";;\n"
		"esac; done\n";
	static char *saved;
	static bool was_set;
	char *qemu;

	if (!on) {
		if (was_set)
			setenv("SHIKIRI_QEMU", saved, 1);
		else
			unsetenv("SHIKIRI_QEMU");
		free(saved);
		saved = NULL;
		return;
	}
	was_set = getenv("SHIKIRI_QEMU") != NULL;
	saved = was_set ? fileio_strdup_printf("%s", getenv("SHIKIRI_QEMU")) :
			  NULL;
	qemu = buildtest_path("fake-qemu");
	buildtest_write_text("fake-qemu", fake);
	assert_int_equal(chmod(qemu, 0755), 0);
	setenv("SHIKIRI_QEMU", qemu, 1);
	free(qemu);
}

/** buildtest_teardown() - Remove the directory and free what runs kept. */
void buildtest_teardown(void)
{
	char *cmd = fileio_strdup_printf("rm -rf '%s'", buildtest_dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", buildtest_dir);
	free(cmd);
	free(buildtest_errors);
	free(buildtest_explained);
	buildtest_errors = buildtest_explained = NULL;
}

/**
 * buildtest_run_file() - Run shikiri-build on a config file.
 * @config: its path.
 * @out: the image to write, or NULL for out.img in the directory.
 * @check: --check.
 * @board: NULL, "-" or a board name (see buildtest.h).
 *
 * Return: shikiri-build's exit status.
 */
int buildtest_run_file(const char *config, const char *out, bool check,
		       const char *board)
{
	char *def_out = buildtest_path("out.img");
	char *hv = buildtest_path("hv.bin"), *dtb = buildtest_path("board.dtb");
	struct build_opts o = {
		.config = config,
		.out = out ? out : def_out,
		.hv = hv,
		.check = check,
		.explain = true,
		.seed = buildtest_seed,
	};
	size_t err_size, out_size;
	FILE *err_f, *out_f;
	int ret;

	if (!board)
		o.board_dtb = dtb;
	else if (strcmp(board, "-") != 0)
		o.board = board;
	free(buildtest_errors);
	free(buildtest_explained);
	err_f = open_memstream(&buildtest_errors, &err_size);
	out_f = open_memstream(&buildtest_explained, &out_size);
	ret = build_run(&o, out_f, err_f);
	fclose(err_f);
	fclose(out_f);
	free(def_out);
	free(hv);
	free(dtb);
	return ret;
}

/**
 * buildtest_run_opts() - Write @body into cfg.dts's root and build it.
 * @body: properties and nodes of the root.
 * @check: --check.
 * @board: NULL, "-" or a board name.
 *
 * Return: shikiri-build's exit status.
 */
int buildtest_run_opts(const char *body, bool check, const char *board)
{
	char *text = fileio_strdup_printf(
		"/dts-v1/;\n/ {\n\tcompatible = \"shikiri,config-v1\";\n%s\n};\n",
		body);
	char *cfg = buildtest_path("cfg.dts");
	int ret;

	buildtest_write_text("cfg.dts", text);
	ret = buildtest_run_file(cfg, NULL, check, board);
	free(text);
	free(cfg);
	return ret;
}

/**
 * buildtest_run() - Build a config with the golden board.
 * @body: properties and nodes of the root.
 *
 * Return: shikiri-build's exit status.
 */
int buildtest_run(const char *body)
{
	return buildtest_run_opts(body, false, NULL);
}

/**
 * buildtest_decompile() - A DTB of the directory as dtc prints it.
 * @dtb: its file name.
 *
 * Return: the source text.
 */
struct blob buildtest_decompile(const char *dtb)
{
	char *in = buildtest_path(dtb), *out = buildtest_path("decompiled.dts");
	char *argv[] = { "dtc", "-q", "-I", "dtb", "-O",
			 "dts", "-o", out,  in,	   NULL };
	char *messages;
	struct blob b;

	assert_int_equal(exec_run(argv, &messages), 0);
	free(messages);
	b = buildtest_read("decompiled.dts");
	free(in);
	free(out);
	return b;
}

/**
 * buildtest_golden() - Compare @got with a reviewed golden file.
 * @got: what the test produced.
 * @golden: the golden file's path.
 */
void buildtest_golden(const struct blob *got, const char *golden)
{
	struct blob want;

	/* After an intended change: regenerate, then review the diff. */
	if (getenv("SHIKIRI_UPDATE_GOLDEN"))
		assert_int_equal(fileio_write(golden, got->data, got->size), 0);
	if (fileio_read(golden, &want) != 0) {
		print_error("%s is missing; run with SHIKIRI_UPDATE_GOLDEN=1 "
			    "and review it\n",
			    golden);
		fail();
	}
	if (got->size != want.size || memcmp(got->data, want.data, got->size))
		print_error("%s differs from what the test made:\n%.*s\n",
			    golden, (int)got->size, (const char *)got->data);
	assert_int_equal(got->size, want.size);
	assert_memory_equal(got->data, want.data, got->size);
	fileio_free(&want);
}

static void error_test(void **state)
{
	const struct buildtest_error *c = *state;
	int rc = buildtest_run(c->body);

	if (rc != 1 || !strstr(buildtest_errors, c->want))
		print_error("%s: rc %d, errors:\n%s\nwanted:\n%s\n", c->name,
			    rc, buildtest_errors, c->want);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(buildtest_errors, c->want));
	assert_false(buildtest_exists("out.img.tmp"));
}

/**
 * buildtest_error_table() - Run a table of configs that must be refused.
 * @group: the group's name.
 * @table: the configs.
 * @count: entries in @table.
 *
 * Return: how many failed.
 */
int buildtest_error_table(const char *group,
			  const struct buildtest_error *table, size_t count)
{
	struct CMUnitTest *tests = calloc(count, sizeof(*tests));
	int failed;

	for (size_t i = 0; i < count; i++) {
		tests[i].name = table[i].name;
		tests[i].test_func = error_test;
		tests[i].initial_state = (void *)&table[i];
	}
	failed = _cmocka_run_group_tests(group, tests, count, NULL, NULL);
	free(tests);
	return failed;
}
