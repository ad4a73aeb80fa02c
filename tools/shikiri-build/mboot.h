/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_MBOOT_H
#define SHIKIRI_BUILD_MBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "fileio.h"

/* Where the x86_64 hypervisor is linked (hv/arch/x86_64/hv.ld). */
#define MBOOT_DEFAULT_LOAD 0x1000000ull
/* Both headers lie in the first 8 KiB (Multiboot 0.6.96 3.1.1; 2 3.1.1). */
#define MBOOT_SEARCH 8192u

/**
 * struct mboot_image - The Multiboot headers of the x86_64 hypervisor.
 * @load_addr: where it is loaded (file offset 0 goes there).
 * @footprint: bss_end_addr - load_addr: code, data, bss, stacks, tables.
 * @mb1_at: file offset of the Multiboot 1 header's load_end_addr field.
 * @mb2_at: file offset of the Multiboot2 address tag's load_end_addr.
 */
struct mboot_image {
	uint64_t load_addr;
	uint64_t footprint;
	uint32_t mb1_at;
	uint32_t mb2_at;
};

/**
 * mboot_parse() - Find and check both Multiboot headers of @b.
 * @b: the hypervisor binary, a flat image from its load address.
 * @m: filled in.
 * @why: receives what is wrong, for a message, on failure.
 *
 * Both must be present, with address fields (Multiboot 1 flag 16; the
 * Multiboot2 address tag) that agree, and the file must fit its footprint.
 *
 * Return: true when the binary is usable.
 */
bool mboot_parse(const struct blob *b, struct mboot_image *m,
		 const char **why);

/**
 * mboot_patch() - Make both headers load the whole image in one piece.
 * @head: a copy of the binary's first MBOOT_SEARCH bytes (or all of it).
 * @size: bytes in @head.
 * @m: what mboot_parse() found.
 * @image_size: the whole image: hypervisor, plan, payloads.
 *
 * Sets load_end_addr and bss_end_addr of both to load_addr + @image_size.
 */
void mboot_patch(uint8_t *head, uint64_t size, const struct mboot_image *m,
		 uint64_t image_size);

#endif /* SHIKIRI_BUILD_MBOOT_H */
