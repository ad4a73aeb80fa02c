/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_LAYOUT_H
#define SHIKIRI_BUILD_LAYOUT_H

#include <stdint.h>

#include "payload.h"

#define LAYOUT_SZ_2M 0x200000ull
#define LAYOUT_SZ_1G 0x40000000ull
#define LAYOUT_DTB_MAX LAYOUT_SZ_2M
/* Where QEMU starts the initrd, capped (hw/arm/boot.c). */
#define LAYOUT_INITRD_MAX_OFFSET 0x8000000ull

/** layout_align_up() - @v rounded up to a multiple of @align (power of 2). */
static inline uint64_t layout_align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/**
 * struct guest_layout - Where a VM's payloads go in its RAM (IPAs).
 *
 * Mirrors QEMU's own direct kernel boot, so a guest sees the same layout
 * natively and under shikiri: kernel at RAM + text_offset, initrd at
 * RAM + min(RAM / 2, 128 MiB) or after the kernel's footprint (2 MiB
 * aligned) when that is higher, DTB 2 MiB aligned after the initrd.
 */
#define LAYOUT_MANAGE_SIZE 0x1000u   /* include/shikiri/manage.h */
#define LAYOUT_WATCHDOG_SIZE 0x2000u /* SBSA watchdog: control, refresh */

struct guest_layout {
	uint64_t ram_ipa;
	uint64_t ram_size;
	uint64_t kernel_ipa;
	uint64_t kernel_size;
	uint64_t kernel_footprint;
	uint64_t initrd_ipa;
	uint64_t initrd_size;
	uint64_t dtb_ipa;
	uint64_t dtb_size;
	uint64_t end;	       /**< end of the last payload */
	uint64_t manage_ipa;   /**< the management page, just below RAM */
	uint64_t watchdog_ipa; /**< the watchdog's two frames, below that */
};

/**
 * layout_guest() - Place a VM's kernel, initrd and DTB in its RAM.
 * @l: filled in, also when they do not fit.
 * @ram_ipa: the VM's RAM base.
 * @ram_size: its size.
 * @kimg: the kernel's header.
 * @kernel_size: the kernel file's size.
 * @initrd_size: 0 for no initrd.
 * @dtb_size: the DTB's size (0 to only learn the addresses).
 *
 * Return: 0, or -1 when something does not fit in RAM (@l->end shows how
 * much RAM would be needed).
 */
int layout_guest(struct guest_layout *l, uint64_t ram_ipa, uint64_t ram_size,
		 const struct arm64_image *kimg, uint64_t kernel_size,
		 uint64_t initrd_size, uint64_t dtb_size);

/**
 * struct hv_layout - Where the loader puts the image and its own DTB.
 * @load_pa: the image's load address (hv_base in the plan limits).
 * @image_size: the whole image.
 * @fdt_pa: where the loader's DTB goes.
 * @fdt_size: what is reserved for it (2 MiB).
 * @resv_base: start of RAM kept from VMs (the board's RAM base).
 * @resv_end: end of it (the loader DTB's end).
 */
struct hv_layout {
	uint64_t load_pa;
	uint64_t image_size;
	uint64_t fdt_pa;
	uint64_t fdt_size;
	uint64_t resv_base;
	uint64_t resv_end;
};

/**
 * layout_hv() - Where QEMU's direct boot puts an image and its DTB.
 * @h: filled in.
 * @ram_base: the board's RAM base.
 * @ram_size: the board's RAM size.
 * @text_offset: the image header's text_offset.
 * @image_size: the whole image's size.
 *
 * QEMU (hw/arm/boot.c) loads an Image at RAM + text_offset, moved up by
 * 2 MiB when text_offset is below 4 KiB to leave room for its boot stub,
 * and puts the DTB where an initrd would go, 2 MiB aligned:
 * max(RAM + min(RAM size / 2, 128 MiB), image end).
 */
void layout_hv(struct hv_layout *h, uint64_t ram_base, uint64_t ram_size,
	       uint64_t text_offset, uint64_t image_size);

/** struct layout_range - A range of physical memory: [base, base + size). */
struct layout_range {
	uint64_t base;
	uint64_t size;
};

/**
 * layout_place_vm() - Find the highest free place for a VM's RAM.
 * @taken: ranges already given away (other VMs' RAM).
 * @taken_count: entries in @taken.
 * @floor: the start of free RAM (the end of the hypervisor's area).
 * @top: the end of free RAM (the end of board RAM).
 * @size: the VM's RAM size (a 2 MiB multiple).
 * @pa: receives the VM's physical base: 1 GiB aligned when @size is a
 *      1 GiB multiple and such a place is free (so stage 2 can use 1 GiB
 *      blocks), else 2 MiB aligned.
 *
 * Return: 0, or -1 when no free range holds it.
 */
int layout_place_vm(const struct layout_range *taken, unsigned int taken_count,
		    uint64_t floor, uint64_t top, uint64_t size, uint64_t *pa);

/**
 * layout_place_top_down() - The highest @align aligned place of @size bytes
 * in [@floor, @top) that overlaps none of @taken (@count entries): @pa.
 * Return: 0, or -1 when there is none.
 */
int layout_place_top_down(const struct layout_range *taken, unsigned int count,
			  uint64_t floor, uint64_t top, uint64_t size,
			  uint64_t align, uint64_t *pa);

/**
 * layout_largest_free() - The largest free range between @floor and @top.
 * @taken: ranges already given away.
 * @taken_count: entries in @taken.
 * @floor: the start of free RAM.
 * @top: the end of free RAM.
 * @base: receives its start (@floor when nothing is free).
 *
 * Return: its size, 0 when nothing is free.
 */
uint64_t layout_largest_free(const struct layout_range *taken,
			     unsigned int taken_count, uint64_t floor,
			     uint64_t top, uint64_t *base);

#endif /* SHIKIRI_BUILD_LAYOUT_H */
