/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_BUILD_H
#define SHIKIRI_BUILD_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/**
 * struct build_opts - One run of shikiri-build.
 * @config: the config .dts.
 * @out: the image to write (may be NULL with @check).
 * @hv: the hypervisor binary (may be NULL with @check).
 * @board: a known board's name, or NULL (then the config's "board").
 * @board_dtb: the board's DTB file, or NULL; wins over @board.
 * @check: validate only, write nothing.
 * @explain: print the partition table to the output stream.
 * @seed: bytes for every VM's rng-seed and kaslr-seed (tests), or NULL
 *        for /dev/urandom.
 */
struct build_opts {
	const char *config;
	const char *out;
	const char *hv;
	const char *board;
	const char *board_dtb;
	bool check;
	bool explain;
	const uint8_t *seed;
};

/**
 * build_run() - Compile, validate, place, generate and pack.
 * @o: what to do.
 * @out: where --explain prints.
 * @err: where every problem is reported.
 *
 * Return: 0 on success, 1 when anything was reported.
 */
int build_run(const struct build_opts *o, FILE *out, FILE *err);

#endif /* SHIKIRI_BUILD_BUILD_H */
