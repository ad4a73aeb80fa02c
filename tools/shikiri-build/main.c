// SPDX-License-Identifier: MIT
/*
 * shikiri-build: compile a shikiri configuration into a bootable image.
 *
 *   shikiri-build [--check] [--explain] (--board NAME | --board-dtb FILE)
 *                 --hv HV.bin CONFIG.dts -o OUT.img
 */
#include <stdio.h>
#include <string.h>

#include "build.h"

static int usage(FILE *f)
{
	fputs("usage: shikiri-build [--check] [--explain] "
	      "(--board qemu-virt | --board-dtb FILE)\n"
	      "                     --hv HV.bin CONFIG.dts -o OUT.img\n"
	      "  --check      validate only; --hv and -o are optional\n"
	      "  --explain    print the partition table\n"
	      "  --board      a known board (its DTB comes from QEMU)\n"
	      "  --board-dtb  the board's device tree blob\n"
	      "Writes OUT.img, OUT.img.dtb-<label> per VM and, for QEMU "
	      "boards, OUT.img.qemu (QEMU's arguments, one per line).\n",
	      f);
	return 2;
}

int main(int argc, char **argv)
{
	struct build_opts o = { 0 };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **value = NULL;

		if (strcmp(a, "--check") == 0)
			o.check = true;
		else if (strcmp(a, "--explain") == 0)
			o.explain = true;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return usage(stdout) - 2;
		else if (strcmp(a, "--board") == 0)
			value = &o.board;
		else if (strcmp(a, "--board-dtb") == 0)
			value = &o.board_dtb;
		else if (strcmp(a, "--hv") == 0)
			value = &o.hv;
		else if (strcmp(a, "-o") == 0)
			value = &o.out;
		else if (a[0] == '-' || o.config)
			return usage(stderr);
		else
			o.config = a;
		if (value) {
			if (++i == argc)
				return usage(stderr);
			*value = argv[i];
		}
	}
	if (!o.config || (!o.check && (!o.out || !o.hv)))
		return usage(stderr);
	return build_run(&o, stdout, stderr);
}
