// SPDX-License-Identifier: MIT
/*
 * What an x86 boot loader gives Linux (Documentation/arch/x86/boot.rst,
 * "32-bit boot protocol"): the kernel's protected-mode part at 16 MiB, the
 * initrd high in RAM, and boot_params with the setup header copied from
 * the bzImage and filled in as a loader does, an e820 map of the VM's own
 * RAM and nothing else (an identity-mapped VM's main RAM where it really
 * is, and the ECAM it sees), the ACPI RSDP's address, and a SETUP_RNG_SEED.
 */
#include <stdlib.h>
#include <string.h>

#include "bootparams.h"
#include "layout.h"
#include "shikiri/manage.h"
#include "shikiri/x86_layout.h"

#define ALIGN_2M 0x200000ull
#define CAN_USE_HEAP 0x80u
#define KEEP_SEGMENTS 0x40u
#define LOADER_UNDEFINED 0xffu
/* The end of a real-mode setup's heap a loader gives, minus 0x200. */
#define HEAP_END 0xde00u

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/**
 * bootparams_layout() - Place a VM's kernel and initrd in its RAM.
 * @g: filled in.
 * @ram_ipa: 0, or an identity-mapped VM's main RAM base.
 * @ram_size: the VM's (main) RAM.
 * @bz: the kernel's header.
 * @kernel_file_size: the bzImage's size.
 * @initrd_size: 0 for none.
 *
 * Return: 0, or -1 when they do not fit.
 */
int bootparams_layout(struct x86_guest *g, uint64_t ram_ipa, uint64_t ram_size,
		      const struct bzimage *bz, uint64_t kernel_file_size,
		      uint64_t initrd_size)
{
	uint64_t kernel_end, top, start;

	g->ram_ipa = ram_ipa;
	g->ram_size = ram_size;
	g->kernel_ipa = X86_LAYOUT_KERNEL;
	/*
	 * A relocatable kernel runs where it is loaded, aligned up to its
	 * kernel_alignment, but never below LOAD_PHYSICAL_ADDR (16 MiB on
	 * Debian): arch/x86/boot/compressed/head_64.S.  One that is not
	 * runs at its pref_address only.
	 */
	if (ram_ipa && !bz->relocatable) {
		g->kernel_ipa = bz->pref_address;
	} else if (ram_ipa > X86_LAYOUT_KERNEL) {
		uint64_t align = bz->kernel_alignment ? bz->kernel_alignment :
							ALIGN_2M;

		g->kernel_ipa = layout_align_up(ram_ipa, align);
	}
	start = ram_ipa;
	g->kernel_size = kernel_file_size - bz->setup_size;
	g->kernel_footprint = bzimage_footprint(bz, kernel_file_size);
	kernel_end =
		layout_align_up(g->kernel_ipa + g->kernel_footprint, ALIGN_2M);
	g->initrd_ipa = 0;
	g->initrd_size = initrd_size;
	g->need = kernel_end - start + layout_align_up(initrd_size, ALIGN_2M);
	if (g->kernel_ipa < ram_ipa)
		return -1;
	if (!initrd_size)
		return start + ram_size >= kernel_end ? 0 : -1;
	/* As high as the kernel can reach it, clear of its footprint. */
	top = start + ram_size;
	if (bz->initrd_addr_max && top > (uint64_t)bz->initrd_addr_max + 1)
		top = (uint64_t)bz->initrd_addr_max + 1;
	if (top < initrd_size)
		return -1;
	g->initrd_ipa = (top - initrd_size) & ~(ALIGN_2M - 1);
	return g->initrd_ipa >= kernel_end ? 0 : -1;
}

static void put_e820(uint8_t *bp, unsigned int i, uint64_t base, uint64_t size,
		     uint32_t type)
{
	uint8_t *e = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

	put(e, base, 8);
	put(e + 8, size, 8);
	put(e + 16, type, 4);
}

/**
 * bootparams_build() - The BOOT_PARAMS payload.
 * @out: receives it.
 * @rng_seed_offset: receives the seed's offset in @out.
 * @kernel: the bzImage.
 * @bz: its header.
 * @cmdline: the command line.
 * @g: the VM's layout.
 * @seed: the initial seed bytes.
 */
void bootparams_build(struct blob *out, uint32_t *rng_seed_offset,
		      const struct blob *kernel, const struct bzimage *bz,
		      const char *cmdline, const struct x86_guest *g,
		      const uint8_t *seed)
{
	const uint64_t cmd_at = X86_LAYOUT_CMDLINE - X86_LAYOUT_BOOT_PARAMS;
	const uint64_t sd_at = X86_LAYOUT_SETUP_DATA - X86_LAYOUT_BOOT_PARAMS;
	size_t size = sd_at + BP_SETUP_DATA_HEADER + BP_RNG_SEED_SIZE;
	size_t len = strlen(cmdline);
	unsigned int n = 0;
	uint8_t *bp = fileio_xmalloc(size), *sd = bp + sd_at;

	/* The setup header as the kernel wrote it, then a loader's part. */
	memcpy(bp + BP_SETUP_HEADER, kernel->data + BP_SETUP_HEADER,
	       bz->hdr_end - BP_SETUP_HEADER);
	bp[BP_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	bp[BP_LOADFLAGS] =
		(uint8_t)((bz->loadflags | CAN_USE_HEAP) & ~KEEP_SEGMENTS);
	put(bp + BP_HEAP_END_PTR, HEAP_END, 2);
	put(bp + BP_CMD_LINE_PTR, X86_LAYOUT_CMDLINE, 4);
	if (len >= X86_LAYOUT_CMDLINE_MAX)
		len = X86_LAYOUT_CMDLINE_MAX - 1;
	memcpy(bp + cmd_at, cmdline, len);
	if (g->initrd_size) {
		put(bp + BP_RAMDISK_IMAGE, g->initrd_ipa, 4);
		put(bp + BP_RAMDISK_SIZE, g->initrd_size, 4);
	}
	put(bp + BP_SETUP_DATA, X86_LAYOUT_SETUP_DATA, 8);
	put(bp + BP_ACPI_RSDP_ADDR, X86_LAYOUT_ACPI, 8);
	/*
	 * The VM's own RAM only; the BIOS area holds the ACPI tables.  The
	 * management page, which every VM has (pack.c), is marked reserved:
	 * x86 has no device tree, so that entry is how shikirictl finds it.
	 * An identity-mapped VM's main RAM is where it physically is, and
	 * the ECAM it sees is reserved, as Linux wants MMCONFIG to be
	 * (arch/x86/pci/mmconfig-shared.c).
	 */
	put_e820(bp, n++, 0, X86_LAYOUT_LOW_RAM_END, BP_E820_RAM);
	put_e820(bp, n++, X86_LAYOUT_LOW_RAM_END,
		 X86_LAYOUT_HIGH_RAM - X86_LAYOUT_LOW_RAM_END,
		 BP_E820_RESERVED);
	if (g->ram_ipa)
		put_e820(bp, n++, g->ram_ipa, g->ram_size, BP_E820_RAM);
	else
		put_e820(bp, n++, X86_LAYOUT_HIGH_RAM,
			 g->ram_size - X86_LAYOUT_HIGH_RAM, BP_E820_RAM);
	if (g->ram_ipa && g->ecam_size)
		put_e820(bp, n++, g->ecam_base, g->ecam_size, BP_E820_RESERVED);
	put_e820(bp, n++, X86_LAYOUT_MANAGE, SHIKIRI_MANAGE_SIZE,
		 BP_E820_RESERVED);
	bp[BP_E820_ENTRIES] = (uint8_t)n;
	/* struct setup_data: next = 0 (the last), type, len, data. */
	put(sd + 8, BP_SETUP_RNG_SEED, 4);
	put(sd + 12, BP_RNG_SEED_SIZE, 4);
	memcpy(sd + BP_SETUP_DATA_HEADER, seed, BP_RNG_SEED_SIZE);
	*rng_seed_offset = (uint32_t)(sd_at + BP_SETUP_DATA_HEADER);
	out->data = bp;
	out->size = size;
}
