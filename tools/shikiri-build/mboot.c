// SPDX-License-Identifier: MIT
/*
 * The x86_64 hypervisor's Multiboot headers: version 1 with the "a.out
 * kludge" address fields (what QEMU's -kernel loads) and Multiboot2 with
 * an address tag (what GRUB's multiboot2 loads).  The image appends plan
 * and payloads after the hypervisor's footprint, exactly as on aarch64, and
 * both headers are rewritten so either loader loads all of it.
 */
#include <string.h>

#include "mboot.h"

#define MB1_MAGIC 0x1badb002u
#define MB1_FLAG_ADDRESS (1u << 16)
#define MB2_MAGIC 0xe85250d6u
#define MB2_TAG_END 0u
#define MB2_TAG_ADDRESS 2u

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Offset of the Multiboot 1 header: 4-byte aligned, checksummed. */
static long find_mb1(const uint8_t *d, uint64_t n)
{
	for (uint64_t at = 0; at + 32 <= n && at < MBOOT_SEARCH; at += 4)
		if (le32(d + at) == MB1_MAGIC &&
		    le32(d + at) + le32(d + at + 4) + le32(d + at + 8) == 0)
			return (long)at;
	return -1;
}

/* Offset of the Multiboot2 header: 8-byte aligned, checksummed. */
static long find_mb2(const uint8_t *d, uint64_t n)
{
	for (uint64_t at = 0; at + 16 <= n && at < MBOOT_SEARCH; at += 8)
		if (le32(d + at) == MB2_MAGIC &&
		    le32(d + at) + le32(d + at + 4) + le32(d + at + 8) +
				    le32(d + at + 12) ==
			    0)
			return (long)at;
	return -1;
}

/* The Multiboot2 address tag's offset inside [at, at + length), or -1. */
static long find_mb2_address(const uint8_t *d, uint64_t n, uint64_t at)
{
	uint64_t end = at + le32(d + at + 8), tag = at + 16;

	if (end > n)
		return -1;
	while (tag + 8 <= end) {
		uint32_t type = (uint32_t)d[tag] | (uint32_t)d[tag + 1] << 8;
		uint32_t size = le32(d + tag + 4);

		if (type == MB2_TAG_END || size < 8 || size > end - tag)
			return -1;
		if (type == MB2_TAG_ADDRESS && size >= 24)
			return (long)tag;
		tag += (size + 7) & ~7u;
	}
	return -1;
}

/**
 * mboot_parse() - Find and check both Multiboot headers of @b.
 * @b: the hypervisor binary.
 * @m: filled in.
 * @why: receives what is wrong.
 *
 * Return: true when the binary is usable.
 */
bool mboot_parse(const struct blob *b, struct mboot_image *m, const char **why)
{
	const uint8_t *d = b->data;
	long mb1 = find_mb1(d, b->size), mb2 = find_mb2(d, b->size), tag;
	uint32_t header, load, load_end, bss_end;

	memset(m, 0, sizeof(*m));
	if (mb1 < 0 || !(le32(d + mb1 + 4) & MB1_FLAG_ADDRESS)) {
		*why = "no Multiboot 1 header with address fields (flag 16) "
		       "in its first 8 KiB";
		return false;
	}
	tag = mb2 < 0 ? -1 : find_mb2_address(d, b->size, (uint64_t)mb2);
	if (tag < 0) {
		*why = "no Multiboot2 header with an address tag in its "
		       "first 8 KiB";
		return false;
	}
	header = le32(d + mb1 + 12);
	load = le32(d + mb1 + 16);
	load_end = le32(d + mb1 + 20);
	bss_end = le32(d + mb1 + 24);
	/* The header must sit where the file puts it: offset 0 is load. */
	if (header < load || header - load != (uint32_t)mb1 ||
	    le32(d + tag + 12) != load ||
	    le32(d + tag + 8) - load != (uint32_t)mb2) {
		*why = "its Multiboot headers do not load file offset 0 at "
		       "load_addr";
		return false;
	}
	if (load & 0xfff || load_end < load || bss_end < load_end ||
	    bss_end - load < b->size || le32(d + tag + 16) != load_end ||
	    le32(d + tag + 20) != bss_end) {
		*why = "its Multiboot headers disagree, or their bss_end_addr "
		       "does not cover the file";
		return false;
	}
	m->load_addr = load;
	m->footprint = bss_end - load;
	m->mb1_at = (uint32_t)mb1 + 20;
	m->mb2_at = (uint32_t)tag + 16;
	return true;
}

/**
 * mboot_patch() - Make both headers load the whole image in one piece.
 * @head: the binary's first bytes.
 * @size: bytes in @head.
 * @m: the headers.
 * @image_size: the whole image.
 */
void mboot_patch(uint8_t *head, uint64_t size, const struct mboot_image *m,
		 uint64_t image_size)
{
	uint32_t end = (uint32_t)(m->load_addr + image_size);

	if (m->mb1_at + 8 <= size) {
		put_le32(head + m->mb1_at, end);
		put_le32(head + m->mb1_at + 4, end);
	}
	if (m->mb2_at + 8 <= size) {
		put_le32(head + m->mb2_at, end);
		put_le32(head + m->mb2_at + 4, end);
	}
}
