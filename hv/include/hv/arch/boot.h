/* SPDX-License-Identifier: MIT */
#ifndef HV_ARCH_BOOT_H
#define HV_ARCH_BOOT_H

#include "hv/types.h"

struct console_uart;
struct sha256;

/*
 * The steps of the boot flow (hv/core/main.c) that differ between
 * architectures: what the loader handed over, the hypervisor's own UART,
 * where random bytes come from.  Each arch implements them.
 */

/** How the running hypervisor names its privilege level ("EL2", ...). */
extern const char arch_hv_level[];

/**
 * arch_boot_console() - Start the board's UART the hypervisor owns, before
 * any plan is read (boot CPU).  Return: its console callbacks.
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
