/* SPDX-License-Identifier: MIT */
/* QEMU's `virt` machine (hw/arm/virt.c memory map). */
#include "hv/platform.h"

const char plat_name[] = "qemu-virt";
const uint64_t plat_uart_base = 0x09000000;
