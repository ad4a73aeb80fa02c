/* SPDX-License-Identifier: MIT */
/*
 * The Arm steps of the boot flow (hv/arch/boot.h): the console on the
 * platform's PL011, and the loader's device tree, as a loader enters an
 * arm64 Linux Image (Documentation/arch/arm64/booting.rst: x0 = its
 * physical address).
 */
#include "hv/arch/boot.h"
#include "hv/arch/rng.h"
#include "hv/chacha20.h"
#include "hv/drivers/pl011.h"
#include "hv/fdt_format.h"
#include "hv/print.h"
#include "hv/seed.h"
#include "hv/sha256.h"

#define FDT_MAX_SIZE 0x200000u
#define RNDR_WORDS 4u

static uint32_t be32(const void *p)
{
	const unsigned char *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

const struct console_uart *arch_console_uart(uint64_t base)
{
	return pl011_init(base);
}

uint64_t arch_boot_info_size(uint64_t fdt)
{
	uint32_t size;

	if (!fdt || (fdt & 7) || be32((void *)(uintptr_t)fdt) != FDT_MAGIC)
		return 0;
	size = be32((void *)(uintptr_t)(fdt + 4));
	return size <= FDT_MAX_SIZE ? size : 0;
}

/*
 * The loader's device tree carries fresh random bytes on every boot
 * (QEMU's /chosen/rng-seed and kaslr-seed, as U-Boot and UEFI stubs give
 * them too); the CPU's RNDR adds its own where FEAT_RNG exists.
 */
void arch_boot_entropy(struct sha256 *s, uint64_t fdt, uint64_t size)
{
	uint64_t v;
	size_t dt = 0;
	unsigned rndr = 0;

	if (size)
		dt = seed_hash_fdt(s, (const void *)(uintptr_t)fdt, size);
	for (unsigned i = 0; i < RNDR_WORDS; i++)
		if (arch_random(&v)) {
			sha256_update(s, &v, sizeof(v));
			rndr++;
		}
	chacha20_wipe(&v, sizeof(v));
	if (!dt && !rndr)
		hv_log("WARNING: no random bytes from the loader (no "
		       "/chosen/rng-seed) nor the CPU (no RNDR): the VMs' "
		       "seeds are guessable");
	else
		hv_log("seeds: keyed from %lu bytes of the loader's DT seeds "
		       "and %u RNDR words",
		       (unsigned long)dt, rndr);
}
