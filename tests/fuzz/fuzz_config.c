// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for shikiri-build's config front end: the input is a
 * compiled config (what dtc makes of a .dts), read and validated against
 * the golden qemu-virt board exactly as `shikiri-build --check` would.
 * Diagnostics go to /dev/null; what matters is that nothing crashes, leaks
 * or reads out of bounds (ASan, UBSan).
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "config.h"
#include "diag.h"
#include "fileio.h"

static struct board board;
static FILE *devnull;

static int load_board(void)
{
	struct diag d = { devnull, 0 };
	const char *dtb = getenv("SHIKIRI_FUZZ_BOARD");

	if (!dtb) {
		fprintf(stderr, "fuzz_config: set SHIKIRI_FUZZ_BOARD to the "
				"board DTB\n");
		abort();
	}
	if (board_load(&board, NULL, dtb, &d)) {
		fprintf(stderr, "fuzz_config: cannot load %s\n", dtb);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct config cfg;
	struct diag d;
	struct blob dtb;

	if (!ready) {
		devnull = fopen("/dev/null", "w");
		ready = !load_board();
	}
	/*
	 * dtc only ever hands over well-formed version 17 blobs.  (libfdt
	 * 1.6.1's own fdt_check_full() crashes on some pre-v16 headers, so
	 * those are turned away before it looks.)
	 */
	if (size < 40 || size > 65536 || fdt_check_header(data) ||
	    fdt_totalsize(data) != size || fdt_version(data) < 17 ||
	    fdt_check_full(data, size))
		return 0;
	dtb.data = malloc(size);
	dtb.size = size;
	memcpy(dtb.data, data, size);
	memset(&cfg, 0, sizeof(cfg));
	d = (struct diag){ devnull, 0 };
	if (!config_read(&cfg, "fuzz.dts", &dtb, &d))
		config_parse(&cfg, &board, &d);
	config_free(&cfg);
	return 0;
}
