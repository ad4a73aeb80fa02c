/* SPDX-License-Identifier: MIT */
/*
 * Fake x86_64 inputs for the shikiri-build unit tests: a hypervisor binary
 * with Multiboot 1 and 2 headers, and a bzImage with a setup header.
 */
#ifndef SHIKIRI_TESTS_X86FAKE_H
#define SHIKIRI_TESTS_X86FAKE_H

#include <stdint.h>

#define X86FAKE_HV_LOAD 0x1000000u
#define X86FAKE_HV_SIZE 0x3000u
#define X86FAKE_HV_FOOTPRINT 0x40000u
#define X86FAKE_MB1_AT 8u
#define X86FAKE_MB2_AT 0x30u
#define X86FAKE_SETUP_SECTS 4u
#define X86FAKE_PM_SIZE 0x10000u
#define X86FAKE_INIT_SIZE 0x800000u
#define X86FAKE_HDR_END 0x268u

/** How a fake hypervisor's headers are broken (0: not at all). */
enum x86fake_hv_flaw {
	X86FAKE_HV_OK,
	X86FAKE_HV_NO_MB2,
	X86FAKE_HV_NO_ADDRESS, /* Multiboot 1 without flag 16 */
	X86FAKE_HV_DISAGREE,   /* the two headers' bss_end_addr differ */
	X86FAKE_HV_MOVED,      /* header_addr is not where the header is */
};

/** x86fake_hv() - Write a fake x86_64 hypervisor as @name in the test dir. */
void x86fake_hv(const char *name, enum x86fake_hv_flaw flaw);

/**
 * struct x86fake_kernel - What a fake bzImage's setup header says.
 * Defaults (x86fake_kernel_default()): protocol 2.15, LOADED_HIGH,
 * relocatable, 2 MiB alignment, pref_address 16 MiB, 2047-byte command
 * lines, initrd_addr_max 0x7fffffff, init_size X86FAKE_INIT_SIZE.
 */
struct x86fake_kernel {
	uint16_t version;
	uint8_t setup_sects;
	uint8_t loadflags;
	uint8_t relocatable;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t kernel_alignment;
};

/** x86fake_kernel_default() - The setup header of a Debian-like kernel. */
struct x86fake_kernel x86fake_kernel_default(void);

/** x86fake_bzimage() - Write a fake bzImage as @name in the test dir. */
void x86fake_bzimage(const char *name, const struct x86fake_kernel *k);

#endif /* SHIKIRI_TESTS_X86FAKE_H */
