/* SPDX-License-Identifier: MIT */
#ifndef ARCH_WALLCLOCK_H
#define ARCH_WALLCLOCK_H

#include "hv/types.h"

/**
 * wallclock_init() - Read the machine's CMOS RTC once, on the boot CPU
 * before any VM exists (the local APIC timer already calibrated), and log
 * the time it gives, or that the VMs' clocks start at 1970 when it gives
 * none.  After this the hypervisor never touches ports 0x70/0x71 again.
 */
void wallclock_init(void);

/**
 * wallclock_base() - Unix time in @epoch_s at x86_now_ns() @at_ns: what
 * the RTC read at boot, and when; each VM's RTC counts on from it.
 */
void wallclock_base(uint64_t *epoch_s, uint64_t *at_ns);

#endif /* ARCH_WALLCLOCK_H */
