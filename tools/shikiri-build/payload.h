/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_PAYLOAD_H
#define SHIKIRI_BUILD_PAYLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "bzimage.h"
#include "config.h"
#include "diag.h"
#include "fileio.h"

#define PAYLOAD_IMAGE_HEADER_SIZE 64u

/**
 * struct arm64_image - What an arm64 Image header says about the image
 * (Linux Documentation/arch/arm64/booting.rst).
 * @text_offset: offset from a 2 MiB aligned base where it must be loaded.
 * @image_size: header's image_size (0 in very old kernels).
 * @footprint: memory it needs from its load address: @image_size, or the
 *             file's size when that is 0.
 */
struct arm64_image {
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t footprint;
};

/**
 * payload_parse_image() - Read the arm64 Image header at the start of @b.
 * @b: the file.
 * @img: receives the header fields.
 *
 * Return: true when @b starts with a header whose magic is "ARM\x64".
 */
bool payload_parse_image(const struct blob *b, struct arm64_image *img);

/**
 * struct vm_payloads - The files one VM boots from.
 * @kernel: the kernel Image.
 * @initrd: the initrd (empty when there is none).
 * @kimg: @kernel's header (aarch64).
 * @bz: @kernel's setup header (x86_64).
 */
struct vm_payloads {
	struct blob kernel;
	struct blob initrd;
	struct arm64_image kimg;
	struct bzimage bz;
};

/**
 * payload_load() - Read and check a VM's kernel and initrd.
 * @pl: receives the files; release with payload_free() in all cases.
 * @cfg: the config, for messages.
 * @vm: the VM; a NULL kernel path (already reported) is skipped.
 * @arch: the board's (enum shikiri_arch): which kind of kernel it needs.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int payload_load(struct vm_payloads *pl, const struct config *cfg,
		 const struct vm_config *vm, uint32_t arch, struct diag *d);

/** payload_free() - Release what payload_load() read. */
void payload_free(struct vm_payloads *pl);

#endif /* SHIKIRI_BUILD_PAYLOAD_H */
