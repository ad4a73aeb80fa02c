/* SPDX-License-Identifier: MIT */
#ifndef HV_ARCH_BOOT_H
#define HV_ARCH_BOOT_H

#include "hv/page_pool.h"
#include "hv/types.h"

struct console_uart;
struct sha256;

/*
 * The boot flow is the core's (hv/core/main.c); these are the steps of it
 * that differ by arch, and what the arch's entry code provides.
 *
 * The arch's entry code (aarch64: head.S) runs on the boot CPU with a
 * stack, its bss zeroed, and calls boot_primary(); each CPU started by
 * arch_cpu_start() calls boot_secondary().
 */

/**
 * boot_primary() - The boot flow, on the boot CPU; does not return.
 * @boot_info: what the loader handed over (aarch64: the device tree's
 * address in x0; x86_64: the Multiboot information), 0 when none.
 * @load_base: the physical address the image was loaded at.
 * @footprint: bytes of the hypervisor from @load_base (code, data, bss,
 * stacks, page pool); the boot plan is at the next SHIKIRI_PLAN_ALIGN.
 */
noreturn_fn void boot_primary(uint64_t boot_info, uint64_t load_base,
			      uint64_t footprint);

/** boot_secondary() - CPU @idx came up: set it up and park it. */
noreturn_fn void boot_secondary(unsigned idx);

/** Pages for page tables, the arch's (aarch64: mmu.c), ready after arch_mmu_setup(). */
extern struct page_pool hv_pages;

/**
 * arch_console_uart() - Drive the hypervisor's own UART, the platform's
 * (plat_uart_base: aarch64 a PL011's MMIO base, x86_64 a 16550's I/O
 * port), before anything else is known.  Return: its console callbacks.
 */
const struct console_uart *arch_console_uart(uint64_t base);

/**
 * arch_boot_info_size() - Bytes the loader's hand-over at @boot_info
 * occupies (a device tree, Multiboot information), which the boot plan
 * must keep clear of; 0 when there is none or it is not valid.
 */
uint64_t arch_boot_info_size(uint64_t boot_info);

/**
 * arch_boot_entropy() - Hash into @s every random byte the loader handed
 * over (in @boot_info, of @size bytes as arch_boot_info_size() found it)
 * and some words of the CPU's random number generator, and log how much
 * of each there was; warn when there was none.  The core adds the counter
 * and makes the VMs' seed key of it (hv/seed.h).
 */
void arch_boot_entropy(struct sha256 *s, uint64_t boot_info, uint64_t size);

#endif /* HV_ARCH_BOOT_H */
