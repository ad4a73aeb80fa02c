/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_BOOTPARAMS_H
#define SHIKIRI_BUILD_BOOTPARAMS_H

#include <stdint.h>

#include "bzimage.h"
#include "fileio.h"

/* Offsets in boot_params (Linux arch/x86/include/uapi/asm/bootparam.h). */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_E820_ENTRIES 0x1e8
#define BP_SETUP_HEADER 0x1f1
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_HEAP_END_PTR 0x224
#define BP_CMD_LINE_PTR 0x228
#define BP_SETUP_DATA 0x250
#define BP_E820_TABLE 0x2d0
#define BP_E820_ENTRY_SIZE 20u
#define BP_E820_RAM 1u
#define BP_E820_RESERVED 2u
#define BP_SETUP_RNG_SEED 9u
#define BP_SETUP_DATA_HEADER 16u /* next (8), type (4), len (4) */
#define BP_RNG_SEED_SIZE 32u

/**
 * struct x86_guest - Where an x86_64 VM's payloads go in its RAM
 * (guest-physical, shikiri/x86_layout.h).
 * @ram_ipa: 0: its RAM runs from guest-physical 0; else it owns PCI
 *           functions and has its own first MiB plus its main RAM here,
 *           at its physical address (identity-mapped: its devices' DMA
 *           uses guest addresses as physical ones).
 * @ram_size: its (main) RAM.
 * @ecam_base: the board's ECAM window, which an identity-mapped VM sees
 *             (e820 reserved); 0 for none.
 * @ecam_size: its size.
 * @kernel_ipa: the protected-mode kernel (X86_LAYOUT_KERNEL, or the main
 *              RAM's base aligned up to the kernel's kernel_alignment, or
 *              the pref_address of one that is not relocatable).
 * @kernel_size: its bytes in the bzImage.
 * @kernel_footprint: what it needs from @kernel_ipa while it starts.
 * @initrd_ipa: the initrd, 2 MiB aligned, as high as the kernel allows.
 * @initrd_size: 0 for none.
 * @need: the RAM the payloads need (what to ask for when they do not fit).
 */
struct x86_guest {
	uint64_t ram_ipa;
	uint64_t ram_size;
	uint64_t ecam_base;
	uint64_t ecam_size;
	uint64_t kernel_ipa;
	uint64_t kernel_size;
	uint64_t kernel_footprint;
	uint64_t initrd_ipa;
	uint64_t initrd_size;
	uint64_t need;
};

/**
 * bootparams_layout() - Place a VM's kernel and initrd in its RAM.
 * @g: filled in, also when they do not fit; @g->ecam_* are kept.
 * @ram_ipa: 0, or the main RAM's base of an identity-mapped VM (2 MiB
 *           aligned, at least 1 MiB).
 * @ram_size: the VM's (main) RAM.
 * @bz: the kernel's setup header.
 * @kernel_file_size: the bzImage's size.
 * @initrd_size: 0 for none.
 *
 * Return: 0, or -1 when they do not fit (@g->need says what would).
 */
int bootparams_layout(struct x86_guest *g, uint64_t ram_ipa, uint64_t ram_size,
		      const struct bzimage *bz, uint64_t kernel_file_size,
		      uint64_t initrd_size);

/**
 * bootparams_build() - The BOOT_PARAMS payload: zero page, command line,
 * one SETUP_RNG_SEED setup_data (shikiri/x86_layout.h).
 * @out: receives it (malloc'd), to be loaded at X86_LAYOUT_BOOT_PARAMS.
 * @rng_seed_offset: receives the seed bytes' offset in @out.
 * @kernel: the bzImage, whose setup header is copied.
 * @bz: what it says.
 * @cmdline: the kernel command line (at most @bz->cmdline_size bytes).
 * @g: the VM's layout.
 * @seed: BP_RNG_SEED_SIZE bytes (the hypervisor replaces them per start).
 */
void bootparams_build(struct blob *out, uint32_t *rng_seed_offset,
		      const struct blob *kernel, const struct bzimage *bz,
		      const char *cmdline, const struct x86_guest *g,
		      const uint8_t *seed);

#endif /* SHIKIRI_BUILD_BOOTPARAMS_H */
