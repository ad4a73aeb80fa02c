// SPDX-License-Identifier: MIT
/* Fake x86_64 hypervisor and bzImage files (see x86fake.h). */
#include <stdlib.h>
#include <string.h>

#include "buildtest.h"
#include "x86fake.h"

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/**
 * x86fake_hv() - Write a fake x86_64 hypervisor in the test directory.
 * @name: its file name.
 * @flaw: what to break.
 */
void x86fake_hv(const char *name, enum x86fake_hv_flaw flaw)
{
	uint8_t *b = calloc(1, X86FAKE_HV_SIZE), *mb1 = b + X86FAKE_MB1_AT,
		*mb2 = b + X86FAKE_MB2_AT;
	uint32_t load = X86FAKE_HV_LOAD, flags = 0x00010003u;
	uint32_t end = load + X86FAKE_HV_SIZE;
	uint32_t bss = load + X86FAKE_HV_FOOTPRINT;

	memset(b + 0x100, 0x90, X86FAKE_HV_SIZE - 0x100);
	if (flaw == X86FAKE_HV_NO_ADDRESS)
		flags = 0x3u;
	put(mb1, 0x1badb002u, 4);
	put(mb1 + 4, flags, 4);
	put(mb1 + 8, -(0x1badb002u + flags), 4);
	put(mb1 + 12,
	    load + X86FAKE_MB1_AT + (flaw == X86FAKE_HV_MOVED ? 0x10 : 0), 4);
	put(mb1 + 16, load, 4);
	put(mb1 + 20, end, 4);
	put(mb1 + 24, bss, 4);
	put(mb1 + 28, load + 0x100, 4);
	if (flaw != X86FAKE_HV_NO_MB2) {
		/* Header, address tag, entry tag (padded), end tag. */
		put(mb2, 0xe85250d6u, 4);
		put(mb2 + 8, 64, 4);
		put(mb2 + 12, -(0xe85250d6u + 64u), 4);
		put(mb2 + 16, 2, 2);
		put(mb2 + 20, 24, 4);
		put(mb2 + 24, load + X86FAKE_MB2_AT, 4);
		put(mb2 + 28, load, 4);
		put(mb2 + 32, end, 4);
		put(mb2 + 36, flaw == X86FAKE_HV_DISAGREE ? bss + 0x1000 : bss,
		    4);
		put(mb2 + 40, 3, 2);
		put(mb2 + 44, 12, 4);
		put(mb2 + 48, load + 0x100, 4);
		put(mb2 + 56, 0, 2);
		put(mb2 + 60, 8, 4);
	}
	buildtest_write(name, b, X86FAKE_HV_SIZE);
	free(b);
}

/** x86fake_kernel_default() - The setup header of a Debian-like kernel. */
struct x86fake_kernel x86fake_kernel_default(void)
{
	return (struct x86fake_kernel){
		.version = 0x020f,
		.setup_sects = X86FAKE_SETUP_SECTS,
		.loadflags = 0x01,
		.relocatable = 1,
		.cmdline_size = 2047,
		.pref_address = 0x1000000,
		.kernel_alignment = 0x200000,
	};
}

/**
 * x86fake_bzimage() - Write a fake bzImage in the test directory.
 * @name: its file name.
 * @k: what its setup header says.
 */
void x86fake_bzimage(const char *name, const struct x86fake_kernel *k)
{
	size_t setup = (k->setup_sects + 1u) * 512u;
	size_t size = setup + X86FAKE_PM_SIZE;
	uint8_t *b = calloc(1, size);

	b[0x1f1] = k->setup_sects;
	put(b + 0x1fe, 0xaa55, 2);
	b[0x200] = 0xeb;
	b[0x201] = X86FAKE_HDR_END - 0x202;
	memcpy(b + 0x202, "HdrS", 4);
	put(b + 0x206, k->version, 2);
	b[0x211] = k->loadflags;
	put(b + 0x214, 0x100000, 4);
	put(b + 0x22c, 0x7fffffff, 4);
	put(b + 0x230, k->kernel_alignment, 4);
	b[0x234] = k->relocatable;
	put(b + 0x236, 0x7f, 2);
	put(b + 0x238, k->cmdline_size, 4);
	put(b + 0x258, k->pref_address, 8);
	put(b + 0x260, X86FAKE_INIT_SIZE, 4);
	/* The protected-mode part: recognisable bytes. */
	for (size_t i = setup; i < size; i++)
		b[i] = (uint8_t)(i * 7);
	buildtest_write(name, b, size);
	free(b);
}
