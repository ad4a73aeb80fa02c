/* SPDX-License-Identifier: MIT */
/*
 * Running shikiri-build in process for the unit tests: a private temporary
 * directory holding the golden qemu-virt board DTB, a fake hypervisor, a
 * fake kernel and initrd, and the config under test; what the run reported
 * and printed; golden-file comparison.
 */
#ifndef SHIKIRI_TESTS_BUILDTEST_H
#define SHIKIRI_TESTS_BUILDTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtgen.h"
#include "fileio.h"

#define BUILDTEST_MIB 0x100000ull
#define BUILDTEST_GIB 0x40000000ull
#define BUILDTEST_KERNEL_FOOTPRINT 0x400000ull
#define BUILDTEST_KERNEL_FILE_SIZE 0x20000u
#define BUILDTEST_INITRD_SIZE 0x3000u
#define BUILDTEST_HV_FOOTPRINT 0x40000u

/*
 * A valid VM, and BUILDTEST_SET() to change or add properties of a VM
 * afterwards: dtc refuses a property given twice in one node, but a later
 * root block overrides what an earlier one said.
 */
#define BUILDTEST_VM0                                       \
	"\tvm@0 { label = \"a\"; cpus = <0>; "              \
	"memory-size = <0 0x4000000>; kernel = \"Image\"; " \
	"initrd = \"initrd\"; };\n"
#define BUILDTEST_VM1                          \
	"\tvm@1 { label = \"b\"; cpus = <1>; " \
	"memory-size = <0 0x4000000>; kernel = \"Image\"; };\n"
#define BUILDTEST_SET(n, props) "};\n/ {\n\tvm@" n " { " props " };\n"

/* The temporary directory (valid after buildtest_setup()). */
extern char buildtest_dir[];
/* Every VM's rng-seed then kaslr-seed bytes, fixed: 0xa0, 0xa1, ... */
extern uint8_t buildtest_seed[DTGEN_SEED_SIZE];
/* What the last run reported (errors) and printed (--explain). */
extern char *buildtest_errors;
extern char *buildtest_explained;

/**
 * buildtest_setup() - Create the directory and its standard files.
 * @name: a word for the directory's name (the test's).
 *
 * Files: board.dtb (tests/unit/golden/qemu-virt.dts), board-smmu.dtb
 * (tests/unit/golden/qemu-virt-smmu.dts), Image (an arm64
 * Image header, footprint BUILDTEST_KERNEL_FOOTPRINT), initrd, hv.bin.
 *
 * Return: 0, or non-zero when something could not be made.
 */
int buildtest_setup(const char *name);

/**
 * buildtest_make_board() - Make board.dtb the golden board plus @extra.
 * @extra: DT source merged after the golden board's (e.g. "/ { dev@... {
 *         ... }; };"), or NULL for the golden board alone.
 */
void buildtest_make_board(const char *extra);

/**
 * buildtest_make_smmu_board() - Make board-smmu.dtb (what the fake QEMU
 * dumps for qemu-virt-smmu, -M ...,iommu=smmuv3) the golden
 * tests/unit/golden/qemu-virt-smmu.dts plus @extra (NULL: none).
 */
void buildtest_make_smmu_board(const char *extra);

/**
 * buildtest_pc_board() - Make board.dtb configs/boards/qemu-q35.dts plus
 * @extra (DT source merged after it, "" for none), for --board-dtb.
 */
void buildtest_pc_board(const char *extra);

/**
 * buildtest_fake_qemu() - Make --board qemu-virt work without QEMU.
 * @on: true: SHIKIRI_QEMU becomes a script in the directory that hands out
 *      board.dtb for -M ...,dumpdtb=FILE (board-smmu.dtb for
 *      -M ...,iommu=smmuv3,dumpdtb=FILE); false: SHIKIRI_QEMU as before.
 */
void buildtest_fake_qemu(bool on);

/** buildtest_teardown() - Remove the directory and free what runs kept. */
void buildtest_teardown(void);

/** buildtest_path() - @name inside the directory (malloc'd). */
char *buildtest_path(const char *name);

/** buildtest_write() - Write a file in the directory (asserts success). */
void buildtest_write(const char *name, const void *data, size_t size);

/** buildtest_write_text() - Write a NUL-terminated text as a file. */
void buildtest_write_text(const char *name, const char *text);

/** buildtest_write_image() - An arm64 Image header on @size filler bytes. */
void buildtest_write_image(const char *name, uint64_t footprint, size_t size,
			   uint8_t fill);

/** buildtest_read() - Read a file of the directory (asserts success). */
struct blob buildtest_read(const char *name);

/** buildtest_exists() - Whether a file of the directory exists. */
bool buildtest_exists(const char *name);

/**
 * buildtest_run_file() - Run shikiri-build on a config file.
 * @config: its path.
 * @out: the image to write ("out.img" in the directory when NULL).
 * @check: --check.
 * @board: NULL: --board-dtb with the golden board; "-": no board option
 *         (the config's "board" decides); else --board @board.
 *
 * Always --explain, with the fixed seeds.
 *
 * Return: shikiri-build's exit status.
 */
int buildtest_run_file(const char *config, const char *out, bool check,
		       const char *board);

/**
 * buildtest_run_opts() - Write @body into the root node of cfg.dts, after
 * compatible = "shikiri,config-v1", and run shikiri-build on it.
 * @body: properties and nodes of the root.
 * @check: --check.
 * @board: as for buildtest_run_file().
 *
 * Return: shikiri-build's exit status.
 */
int buildtest_run_opts(const char *body, bool check, const char *board);

/** buildtest_run() - buildtest_run_opts(@body, false, NULL). */
int buildtest_run(const char *body);

/**
 * buildtest_decompile() - A DTB of the directory as dtc prints it.
 * @dtb: its file name.
 *
 * Return: the source text (asserts that dtc succeeded).
 */
struct blob buildtest_decompile(const char *dtb);

/**
 * buildtest_golden() - Compare @got with a reviewed golden file.
 * @got: what the test produced.
 * @golden: the golden file's path; with SHIKIRI_UPDATE_GOLDEN=1 in the
 *          environment it is rewritten from @got first (then review the
 *          diff).
 */
void buildtest_golden(const struct blob *got, const char *golden);

/**
 * struct buildtest_error - A config that must be refused.
 * @name: the test's name.
 * @body: the root node's body (as for buildtest_run()).
 * @want: a line (or part of one) the errors must contain.
 */
struct buildtest_error {
	const char *name;
	const char *body;
	const char *want;
};

/**
 * buildtest_error_table() - Run each entry of @table as a cmocka test:
 * shikiri-build on its body exits with 1, says @want, writes no image.
 * @group: the group's name.
 * @table: the configs.
 * @count: entries in @table.
 *
 * Return: how many failed.
 */
int buildtest_error_table(const char *group,
			  const struct buildtest_error *table, size_t count);

#endif /* SHIKIRI_TESTS_BUILDTEST_H */
