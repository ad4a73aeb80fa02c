// SPDX-License-Identifier: MIT
/* Placement: payloads inside each VM, the image and VMs in board RAM. */
#include <stdbool.h>

#include "layout.h"

#define LAYOUT_PAGE 0x1000ull
/* QEMU's boot stub sits at the bottom of RAM (BOOTLOADER_MAX_SIZE). */
#define LAYOUT_QEMU_STUB 0x1000ull

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/**
 * layout_guest() - Place a VM's kernel, initrd and DTB in its RAM.
 * @l: filled in.
 * @ram_ipa: the VM's RAM base.
 * @ram_size: its size.
 * @kimg: the kernel's header.
 * @kernel_size: the kernel file's size.
 * @initrd_size: 0 for no initrd.
 * @dtb_size: the DTB's size.
 *
 * Return: 0, or -1 when something does not fit.
 */
int layout_guest(struct guest_layout *l, uint64_t ram_ipa, uint64_t ram_size,
		 const struct arm64_image *kimg, uint64_t kernel_size,
		 uint64_t initrd_size, uint64_t dtb_size)
{
	uint64_t kernel_end;

	l->ram_ipa = ram_ipa;
	l->ram_size = ram_size;
	/*
	 * The management page sits in the page below RAM: on qemu-virt that
	 * is in the PCIe window, which no VM is given (the plan check refuses
	 * a clash with a device that is).
	 */
	l->manage_ipa = ram_ipa - LAYOUT_MANAGE_SIZE;
	l->watchdog_ipa = l->manage_ipa - LAYOUT_WATCHDOG_SIZE;
	l->kernel_ipa = ram_ipa + kimg->text_offset;
	l->kernel_size = kernel_size;
	l->kernel_footprint = kimg->footprint;
	kernel_end =
		layout_align_up(l->kernel_ipa + kimg->footprint, LAYOUT_SZ_2M);
	l->initrd_ipa = max_u64(ram_ipa + min_u64(ram_size / 2,
						  LAYOUT_INITRD_MAX_OFFSET),
				kernel_end);
	l->initrd_size = initrd_size;
	l->dtb_ipa = layout_align_up(l->initrd_ipa + initrd_size, LAYOUT_SZ_2M);
	l->dtb_size = dtb_size;
	l->end = l->dtb_ipa + dtb_size;
	if (dtb_size > LAYOUT_DTB_MAX || l->end > ram_ipa + ram_size)
		return -1;
	return 0;
}

/**
 * layout_hv() - Where QEMU's direct boot puts an image and its DTB.
 * @h: filled in.
 * @ram_base: the board's RAM base.
 * @ram_size: the board's RAM size.
 * @text_offset: the image header's text_offset.
 * @image_size: the whole image's size.
 */
void layout_hv(struct hv_layout *h, uint64_t ram_base, uint64_t ram_size,
	       uint64_t text_offset, uint64_t image_size)
{
	uint64_t initrd;

	h->load_pa = ram_base + text_offset;
	if (text_offset < LAYOUT_QEMU_STUB)
		h->load_pa += LAYOUT_SZ_2M;
	h->image_size = image_size;
	initrd = max_u64(ram_base + min_u64(ram_size / 2,
					    LAYOUT_INITRD_MAX_OFFSET),
			 h->load_pa + image_size);
	h->fdt_pa = layout_align_up(layout_align_up(initrd, LAYOUT_PAGE),
				    LAYOUT_SZ_2M);
	h->fdt_size = LAYOUT_DTB_MAX;
	h->resv_base = ram_base;
	h->resv_end = h->fdt_pa + h->fdt_size;
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/**
 * layout_place_top_down() - The highest @align aligned place in
 * [@floor, @top) clear of @taken.
 * @taken: ranges already given away.
 * @count: entries in @taken.
 * @floor: the lowest address the place may start at.
 * @top: the end of the space.
 * @size: the bytes needed.
 * @align: a power of two.
 * @pa: receives the place.
 *
 * Return: 0, or -1 when no place is free.
 */
int layout_place_top_down(const struct layout_range *taken, unsigned int count,
			  uint64_t floor, uint64_t top, uint64_t size,
			  uint64_t align, uint64_t *pa)
{
	uint64_t base;
	bool moved = true;

	if (size == 0 || top < floor || size > top - floor)
		return -1;
	base = (top - size) & ~(align - 1);
	/* Every move is below a taken range's base, so this ends. */
	while (moved) {
		if (base < floor)
			return -1;
		moved = false;
		for (unsigned int i = 0; i < count && !moved; i++) {
			if (!overlaps(base, size, taken[i].base, taken[i].size))
				continue;
			if (taken[i].base < size)
				return -1;
			base = (taken[i].base - size) & ~(align - 1);
			moved = true;
		}
	}
	*pa = base;
	return 0;
}

/**
 * layout_place_vm() - Find the highest free place for a VM's RAM.
 * @taken: ranges already given away.
 * @taken_count: entries in @taken.
 * @floor: the start of free RAM.
 * @top: the end of free RAM.
 * @size: the VM's RAM size.
 * @pa: receives the VM's physical base.
 *
 * Return: 0, or -1 when it does not fit.
 */
int layout_place_vm(const struct layout_range *taken, unsigned int taken_count,
		    uint64_t floor, uint64_t top, uint64_t size, uint64_t *pa)
{
	if (size % LAYOUT_SZ_1G == 0 &&
	    layout_place_top_down(taken, taken_count, floor, top, size,
				  LAYOUT_SZ_1G, pa) == 0)
		return 0;
	return layout_place_top_down(taken, taken_count, floor, top, size,
				     LAYOUT_SZ_2M, pa);
}

/**
 * layout_largest_free() - The largest free range between @floor and @top.
 * @taken: ranges already given away.
 * @taken_count: entries in @taken.
 * @floor: the start of free RAM.
 * @top: the end of free RAM.
 * @base: receives its start.
 *
 * Return: its size.
 */
uint64_t layout_largest_free(const struct layout_range *taken,
			     unsigned int taken_count, uint64_t floor,
			     uint64_t top, uint64_t *base)
{
	uint64_t best = 0;

	*base = floor;
	/* A free range starts at the floor or where a taken one ends. */
	for (unsigned int s = 0; s <= taken_count; s++) {
		uint64_t start = s == taken_count ?
					 floor :
					 taken[s].base + taken[s].size;
		uint64_t end = top;
		bool inside = start < floor || start >= top;

		for (unsigned int i = 0; i < taken_count && !inside; i++) {
			if (start >= taken[i].base &&
			    start < taken[i].base + taken[i].size)
				inside = true;
			else if (taken[i].base >= start && taken[i].base < end)
				end = taken[i].base;
		}
		if (!inside && end - start > best) {
			best = end - start;
			*base = start;
		}
	}
	return best;
}
