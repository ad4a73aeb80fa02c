/* SPDX-License-Identifier: MIT */
/*
 * The Arm steps of the boot flow (hv/arch/boot.h): the loader hands over a
 * device tree in x0 (Documentation/arch/arm64/booting.rst), whose
 * /chosen/rng-seed and kaslr-seed carry fresh random bytes on every boot;
 * the hypervisor's UART is the platform's PL011.
 */
#include "hv/arch/boot.h"
#include "hv/drivers/pl011.h"
#include "hv/platform.h"
#include "hv/seed.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_SIZE 0x200000u

const char arch_hv_level[] = "EL2";
const char arch_loader_seed_name[] = "DT seeds";
const char arch_rng_name[] = "RNDR";

static uint32_t be32(const void *p)
{
	const unsigned char *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* Size of the loader's device tree, or 0 when there is none at @fdt. */
static uint64_t fdt_size(uint64_t fdt)
{
	uint32_t size;

	if (!fdt || (fdt & 7) || be32((void *)(uintptr_t)fdt) != FDT_MAGIC)
		return 0;
	size = be32((void *)(uintptr_t)(fdt + 4));
	return size <= FDT_MAX_SIZE ? size : 0;
}

const struct console_uart *arch_boot_console(void)
{
	return pl011_init(plat_uart_base);
}

void arch_boot_loader_info(uint64_t info, uint64_t *base, uint64_t *size)
{
	*size = fdt_size(info);
	*base = *size ? info : 0;
}

size_t arch_boot_entropy(struct sha256 *s, uint64_t info)
{
	uint64_t size = fdt_size(info);

	return size ? seed_hash_fdt(s, (const void *)(uintptr_t)info, size) : 0;
}
