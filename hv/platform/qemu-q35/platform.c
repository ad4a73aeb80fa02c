/* SPDX-License-Identifier: MIT */
/* QEMU's `q35` machine: the hypervisor's console is COM1. */
#include "hv/platform.h"

const char plat_name[] = "qemu-q35";
const uint64_t plat_uart_base = 0x3f8;
