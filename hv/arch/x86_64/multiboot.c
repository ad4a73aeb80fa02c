/* SPDX-License-Identifier: MIT */
/*
 * The memory map a Multiboot loader hands over: Multiboot 0.6.96 section
 * 3.3 (flags bit 6: mmap_length at +44, mmap_addr at +48, entries of
 * size/base/length/type with size not counting itself) or Multiboot2 1.0
 * section 3.6 (tags after an 8-byte header, type 6 the memory map).  The
 * block is untrusted in shape: every length is bounded before it is used.
 */
#include "arch/multiboot.h"
#include "asm_defs.h"
#include "hv/errno.h"

#define MB1_FLAG_MMAP BIT(6)
#define MB2_TAG_END 0
#define MB2_TAG_MMAP 6
#define MB_INFO_MAX 0x10000u
#define E820_RAM 1u

static uint32_t rd32(uint64_t a)
{
	return *(const volatile uint32_t *)(uintptr_t)a;
}

static uint64_t rd64(uint64_t a)
{
	return *(const volatile uint64_t *)(uintptr_t)a;
}

static void add(struct multiboot_mem *mem, uint64_t base, uint64_t size,
		uint32_t type)
{
	if (type != E820_RAM || !size || mem->count >= MULTIBOOT_MAX_RANGES)
		return;
	mem->ram[mem->count].base = base;
	mem->ram[mem->count].size = size;
	mem->count++;
}

static int parse_mb1(uint64_t info, struct multiboot_mem *mem)
{
	uint64_t p, end;

	mem->loader = "Multiboot";
	if (!(rd32(info) & MB1_FLAG_MMAP))
		return 0;
	p = rd32(info + 48);
	end = p + MIN(rd32(info + 44), MB_INFO_MAX);
	while (p + 24 <= end) {
		uint32_t size = rd32(p);

		add(mem, rd64(p + 4), rd64(p + 12), rd32(p + 20));
		if (size < 20)
			return -HV_EINVAL;
		p += size + 4;
	}
	return 0;
}

static int parse_mb2(uint64_t info, struct multiboot_mem *mem)
{
	uint64_t p = info + 8, end = info + MIN(rd32(info), MB_INFO_MAX);

	mem->loader = "Multiboot2";
	while (p + 8 <= end) {
		uint32_t type = rd32(p), size = rd32(p + 4);

		if (type == MB2_TAG_END)
			return 0;
		if (size < 8 || p + size > end)
			return -HV_EINVAL;
		if (type == MB2_TAG_MMAP) {
			uint32_t esize = rd32(p + 8);

			if (esize < 24)
				return -HV_EINVAL;
			for (uint64_t e = p + 16; e + 24 <= p + size;
			     e += esize)
				add(mem, rd64(e), rd64(e + 8), rd32(e + 16));
		}
		p += ALIGN_UP(size, 8);
	}
	return -HV_EINVAL;
}

int multiboot_parse(uint32_t magic, uint64_t info, struct multiboot_mem *mem)
{
	*mem = (struct multiboot_mem){ 0 };
	if (magic == MB1_LOADER_MAGIC)
		return parse_mb1(info, mem);
	if (magic == MB2_LOADER_MAGIC)
		return parse_mb2(info, mem);
	return -HV_EINVAL;
}

bool multiboot_covers(const struct multiboot_mem *mem, uint64_t base,
		      uint64_t size)
{
	for (unsigned i = 0; i < mem->count; i++)
		if (base >= mem->ram[i].base &&
		    base + size <= mem->ram[i].base + mem->ram[i].size)
			return true;
	return false;
}
