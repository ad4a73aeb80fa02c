/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_PLATFORM_H
#define BAREMETAL_PLATFORM_H

#include "baremetal/types.h"

/** What the VM was given, as its device tree says. */
struct platform {
	const void *dtb;
	uint64_t ram_base, ram_size;
	uint64_t uart_base, uart_size;
	uint32_t uart_intid;
	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size;
	unsigned cpu_count;
	const char *bootargs; /**< /chosen/bootargs, "" if none */
	const char *vm_name;  /**< /chosen/shikiri,vm-name, "" if none */
};

/** The facts platform_init() read. */
extern struct platform platform;

/**
 * platform_init() - Read the facts from the device tree at @dtb.
 *
 * Return: NULL, or what is missing or malformed (the caller reports it).
 */
const char *platform_init(const void *dtb);

/** platform_image_end() - First byte after this guest's image and stack. */
uint64_t platform_image_end(void);

#endif /* BAREMETAL_PLATFORM_H */
