// SPDX-License-Identifier: MIT
/*
 * The x86 Linux kernel image: a bzImage's setup header, read as a boot
 * loader reads it (Linux Documentation/arch/x86/boot.rst, "The real-mode
 * kernel header").  shikiri loads only the protected-mode part, at
 * X86_LAYOUT_KERNEL, and enters it by the 32-bit boot protocol.
 */
#include <string.h>

#include "bzimage.h"
#include "shikiri/x86_layout.h"

#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_LOADFLAGS 0x211
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_MIN_END 0x264 /* init_size's end: protocol 2.10 */
#define LOADED_HIGH 0x01u

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/**
 * bzimage_parse() - Read and check a bzImage's setup header.
 * @b: the file.
 * @bz: filled in.
 * @anywhere: a kernel that is not relocatable may want any address (the
 *            caller checks it lies in the VM's RAM), not only 16 MiB.
 * @why: receives the reason it cannot be used.
 *
 * Return: true when it can be loaded.
 */
bool bzimage_parse(const struct blob *b, struct bzimage *bz, bool anywhere,
		   const char **why)
{
	const uint8_t *d = b->data;
	uint32_t sects;

	memset(bz, 0, sizeof(*bz));
	if (b->size < 0x400 || memcmp(d + HDR_MAGIC, "HdrS", 4) != 0 ||
	    le(d + HDR_BOOT_FLAG, 2) != 0xaa55) {
		*why = "is not an x86 bzImage (no \"HdrS\" setup header at "
		       "0x202); fix: use arch/x86/boot/bzImage or a "
		       "distribution's vmlinuz";
		return false;
	}
	bz->version = (uint16_t)le(d + HDR_VERSION, 2);
	if (bz->version < BZIMAGE_MIN_VERSION) {
		*why = "speaks a boot protocol older than 2.12 (Linux 3.8); "
		       "fix: use a newer kernel";
		return false;
	}
	sects = d[HDR_SETUP_SECTS] ? d[HDR_SETUP_SECTS] : 4;
	bz->setup_size = (sects + 1) * 512;
	bz->hdr_end = HDR_JUMP + 2 + d[HDR_JUMP + 1];
	if (bz->hdr_end < HDR_MIN_END || bz->hdr_end > bz->setup_size ||
	    bz->setup_size >= b->size) {
		*why = "has a setup header or setup size that does not fit "
		       "the file; fix: use an uncorrupted bzImage";
		return false;
	}
	bz->loadflags = d[HDR_LOADFLAGS];
	bz->relocatable = d[HDR_RELOCATABLE];
	bz->xloadflags = (uint16_t)le(d + HDR_XLOADFLAGS, 2);
	bz->kernel_alignment = (uint32_t)le(d + HDR_KERNEL_ALIGNMENT, 4);
	bz->initrd_addr_max = (uint32_t)le(d + HDR_INITRD_ADDR_MAX, 4);
	bz->cmdline_size = (uint32_t)le(d + HDR_CMDLINE_SIZE, 4);
	bz->pref_address = le(d + HDR_PREF_ADDRESS, 8);
	bz->init_size = (uint32_t)le(d + HDR_INIT_SIZE, 4);
	if (!(bz->loadflags & LOADED_HIGH)) {
		*why = "is a zImage (loaded low, below 1 MiB); fix: use a "
		       "bzImage";
		return false;
	}
	/* A kernel that cannot move must want exactly where we load. */
	if (bz->relocatable ?
		    (bz->kernel_alignment &&
		     (bz->kernel_alignment & (bz->kernel_alignment - 1) ||
		      X86_LAYOUT_KERNEL % bz->kernel_alignment)) :
		    !anywhere && bz->pref_address != X86_LAYOUT_KERNEL) {
		*why = "can be loaded only elsewhere than 16 MiB (it is not "
		       "relocatable to 16 MiB and does not prefer it); fix: "
		       "build it with CONFIG_RELOCATABLE=y";
		return false;
	}
	return true;
}

/**
 * bzimage_footprint() - Bytes the kernel needs from its load address.
 * @bz: its header.
 * @file_size: the bzImage's size.
 *
 * Return: the larger of init_size and the protected-mode part's size.
 */
uint64_t bzimage_footprint(const struct bzimage *bz, uint64_t file_size)
{
	uint64_t pm = file_size - bz->setup_size;

	return bz->init_size > pm ? bz->init_size : pm;
}
