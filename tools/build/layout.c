// SPDX-License-Identifier: MIT
/* Placement: payloads inside each VM, the image and VMs in board RAM. */
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

/**
 * layout_place_vm() - Take a VM's RAM from the top of the free range.
 * @top: the end of free RAM; lowered to the VM's base on success.
 * @floor: the start of free RAM.
 * @size: the VM's RAM size.
 * @pa: receives the VM's physical base.
 *
 * Return: 0, or -1 when it does not fit.
 */
int layout_place_vm(uint64_t *top, uint64_t floor, uint64_t size, uint64_t *pa)
{
	uint64_t align = size % LAYOUT_SZ_1G == 0 ? LAYOUT_SZ_1G : LAYOUT_SZ_2M;
	uint64_t base;

	if (size == 0 || *top < floor || size > *top - floor)
		return -1;
	base = (*top - size) & ~(align - 1);
	if (base < floor)
		return -1;
	*pa = base;
	*top = base;
	return 0;
}
