/* SPDX-License-Identifier: MIT */
#ifndef HV_ARCH_BOOT_H
#define HV_ARCH_BOOT_H

#include "hv/page_pool.h"
#include "hv/types.h"

struct console_uart;
struct sha256;

/*
 * The steps of the boot flow (hv/core/main.c) that differ between
 * architectures: what the loader handed over, the hypervisor's own UART,
 * where random bytes come from.  Each arch implements them.
 *
 * The arch's entry code runs on the boot CPU with a stack and its bss
 * zeroed, and calls boot_primary(); each CPU started by arch_cpu_start()
 * calls boot_secondary().
 */

/**
 * boot_primary() - The boot flow, on the boot CPU; does not return.
 * @info: what the loader handed over (aarch64: the device tree's address
 * in x0; x86_64: the Multiboot information), 0 when none.
 * @load_base: the physical address the image was loaded at.
 * @footprint: bytes of the hypervisor from @load_base (code, data, bss,
 * stacks, page pool); the boot plan is at the next SHIKIRI_PLAN_ALIGN.
 */
noreturn_fn void boot_primary(uint64_t info, uint64_t load_base,
			      uint64_t footprint);

/** boot_secondary() - CPU @idx came up: set it up and park it. */
noreturn_fn void boot_secondary(unsigned idx);

/** Pages for page tables, the arch's, ready after arch_mmu_setup(). */
extern struct page_pool hv_pages;

/** How the running hypervisor names its privilege level ("EL2", ...). */
extern const char arch_hv_level[];

/**
 * arch_boot_console() - Start the board's UART the hypervisor owns
 * (plat_uart_base: a PL011's MMIO base, a 16550's I/O port), before any
 * plan is read (boot CPU).  Return: its console callbacks.
 */
const struct console_uart *arch_boot_console(void);

/**
 * arch_boot_loader_info() - The memory the loader's boot information
 * (@info, as the entry code got it: a device tree, a Multiboot
 * information block) occupies, which no VM may be given.
 * @base: set to its physical base, 0 when there is none; @size: its size.
 */
void arch_boot_loader_info(uint64_t info, uint64_t *base, uint64_t *size);

/**
 * arch_boot_entropy() - Hash the random bytes the loader handed over in
 * @info into @s.  Return: how many bytes were hashed.
 */
size_t arch_boot_entropy(struct sha256 *s, uint64_t info);

/** What the loader's random bytes are called in the boot log. */
extern const char arch_loader_seed_name[];

/** What the CPU's random number instruction is called in the boot log. */
extern const char arch_rng_name[];

#endif /* HV_ARCH_BOOT_H */
