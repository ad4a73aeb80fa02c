// SPDX-License-Identifier: MIT
/*
 * Guest payloads: read kernels and initrds, check kernels are arm64 Images
 * (or bzImages on x86_64 boards, bzimage.c).
 */
#include <string.h>

#include "payload.h"

#define IMAGE_TEXT_OFFSET_AT 8
#define IMAGE_SIZE_AT 16
#define IMAGE_MAGIC_AT 56
#define SZ_2M 0x200000ull

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/**
 * payload_parse_image() - Read the arm64 Image header at the start of @b.
 * @b: the file.
 * @img: receives the header fields.
 *
 * Return: true when @b starts with a header whose magic is "ARM\x64".
 */
bool payload_parse_image(const struct blob *b, struct arm64_image *img)
{
	if (b->size < PAYLOAD_IMAGE_HEADER_SIZE ||
	    memcmp(b->data + IMAGE_MAGIC_AT, "ARM\x64", 4) != 0)
		return false;
	img->text_offset = get_le64(b->data + IMAGE_TEXT_OFFSET_AT);
	img->image_size = get_le64(b->data + IMAGE_SIZE_AT);
	img->footprint = img->image_size ? img->image_size : b->size;
	return true;
}

static int load_file(struct blob *b, const struct config *cfg,
		     const struct vm_config *vm, const char *prop,
		     const char *path, struct diag *d)
{
	int err = fileio_read(path, b);

	if (err)
		diag_prop(d, cfg->path, vm->node, prop,
			  "cannot read '%s': %s; fix: build it or correct the "
			  "path (relative to the config file's directory)",
			  path, strerror(-err));
	else if (b->size == 0)
		diag_prop(d, cfg->path, vm->node, prop,
			  "'%s' is empty; fix: rebuild it", path);
	return err || b->size == 0 ? -1 : 0;
}

static int check_kernel(struct vm_payloads *pl, const struct config *cfg,
			const struct vm_config *vm, struct diag *d)
{
	struct arm64_image *k = &pl->kimg;

	if (!payload_parse_image(&pl->kernel, k)) {
		diag_prop(d, cfg->path, vm->node, "kernel",
			  "'%s' is not an arm64 Image (no \"ARM\\x64\" magic "
			  "at offset 56); fix: use arch/arm64/boot/Image, not "
			  "vmlinux or a compressed Image.gz",
			  vm->kernel);
		return -1;
	}
	if (k->text_offset % 0x1000 || k->text_offset >= SZ_2M) {
		diag_prop(d, cfg->path, vm->node, "kernel",
			  "'%s' asks for text_offset 0x%llx, which is not a "
			  "4 KiB multiple below 2 MiB; fix: use a kernel built "
			  "for the standard arm64 boot protocol",
			  vm->kernel, (unsigned long long)k->text_offset);
		return -1;
	}
	if (k->footprint < pl->kernel.size) {
		diag_prop(d, cfg->path, vm->node, "kernel",
			  "'%s' says its image_size is 0x%llx, smaller than "
			  "the file (0x%zx bytes); fix: use an uncorrupted "
			  "Image",
			  vm->kernel, (unsigned long long)k->image_size,
			  pl->kernel.size);
		return -1;
	}
	return 0;
}

/**
 * payload_load() - Read and check a VM's kernel and initrd.
 * @pl: receives the files.
 * @cfg: the config, for messages.
 * @vm: the VM.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
/*
 * An x86 kernel: a bzImage shikiri can load at 16 MiB, or, in a VM that
 * owns PCI functions, one that runs where it prefers.
 */
static int check_bzimage(struct vm_payloads *pl, const struct config *cfg,
			 const struct vm_config *vm, struct diag *d)
{
	const char *why;

	if (bzimage_parse(&pl->kernel, &pl->bz, vm->pci_named_count > 0, &why))
		return 0;
	diag_prop(d, cfg->path, vm->node, "kernel", "'%s' %s", vm->kernel, why);
	return -1;
}

int payload_load(struct vm_payloads *pl, const struct config *cfg,
		 const struct vm_config *vm, uint32_t arch, struct diag *d)
{
	int ret = 0;

	memset(pl, 0, sizeof(*pl));
	if (!vm->kernel ||
	    load_file(&pl->kernel, cfg, vm, "kernel", vm->kernel, d) ||
	    (arch == SHIKIRI_ARCH_X86_64 ? check_bzimage(pl, cfg, vm, d) :
					   check_kernel(pl, cfg, vm, d)))
		ret = -1;
	if (vm->initrd &&
	    load_file(&pl->initrd, cfg, vm, "initrd", vm->initrd, d))
		ret = -1;
	return ret;
}

/**
 * payload_free() - Release what payload_load() read.
 * @pl: the payloads.
 */
void payload_free(struct vm_payloads *pl)
{
	fileio_free(&pl->kernel);
	fileio_free(&pl->initrd);
}
