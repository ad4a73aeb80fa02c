/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_BZIMAGE_H
#define SHIKIRI_BUILD_BZIMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "fileio.h"

/* The oldest boot protocol shikiri loads: 2.12 (Linux 3.8). */
#define BZIMAGE_MIN_VERSION 0x020cu

/**
 * struct bzimage - What an x86 bzImage's setup header says (Linux
 * Documentation/arch/x86/boot.rst).
 * @version: boot protocol version, 0x020c = 2.12.
 * @setup_size: bytes of real-mode setup before the protected-mode kernel:
 *              (setup_sects + 1) * 512.
 * @hdr_end: file offset where the setup header ends (0x202 + byte 0x201).
 * @loadflags: LOADED_HIGH etc.
 * @relocatable: relocatable_kernel.
 * @xloadflags: XLF_* bits.
 * @kernel_alignment: alignment a relocatable kernel needs.
 * @initrd_addr_max: highest address an initrd byte may have.
 * @cmdline_size: longest command line, NUL not counted.
 * @pref_address: where it prefers to be loaded.
 * @init_size: bytes it needs from its load address while it starts.
 */
struct bzimage {
	uint16_t version;
	uint32_t setup_size;
	uint32_t hdr_end;
	uint8_t loadflags;
	uint8_t relocatable;
	uint16_t xloadflags;
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
};

/**
 * bzimage_parse() - Read and check a bzImage's setup header.
 * @b: the file.
 * @bz: filled in.
 * @anywhere: the VM sees its RAM at its physical address (it owns PCI
 *            functions), so a kernel that is not relocatable may prefer
 *            any address; the layout checks that its RAM holds it.
 * @why: receives what is wrong and how to fix it, on failure.
 *
 * Return: true when shikiri can load it: at 16 MiB by the 32-bit
 * protocol, or with @anywhere at its pref_address.
 */
bool bzimage_parse(const struct blob *b, struct bzimage *bz, bool anywhere,
		   const char **why);

/**
 * bzimage_footprint() - Bytes the kernel needs from its load address:
 * init_size, or the protected-mode part if that is larger.
 */
uint64_t bzimage_footprint(const struct bzimage *bz, uint64_t file_size);

#endif /* SHIKIRI_BUILD_BZIMAGE_H */
