/* SPDX-License-Identifier: MIT */
#ifndef ARCH_MULTIBOOT_H
#define ARCH_MULTIBOOT_H

#include "hv/types.h"

#define MULTIBOOT_MAX_RANGES 32u

/** The loader's memory map, copied out of its information block. */
struct multiboot_mem {
	const char *loader; /**< "Multiboot" or "Multiboot2", NULL: none */
	unsigned count;
	struct {
		uint64_t base, size;
	} ram[MULTIBOOT_MAX_RANGES]; /**< usable RAM (type 1) only */
};

/**
 * multiboot_parse() - Read the loader's block @info given with @magic
 * (Multiboot 1 or 2) into @mem.  Return: 0, or -HV_EINVAL when the magic is
 * neither or the block is malformed.
 */
int multiboot_parse(uint32_t magic, uint64_t info, struct multiboot_mem *mem);

/**
 * multiboot_covers() - Whether [@base, @base + @size) is usable RAM in the
 * loader's map @mem.
 */
bool multiboot_covers(const struct multiboot_mem *mem, uint64_t base,
		      uint64_t size);

#endif /* ARCH_MULTIBOOT_H */
