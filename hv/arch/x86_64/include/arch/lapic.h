/* SPDX-License-Identifier: MIT */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include "hv/types.h"

struct console_clock;

/** lapic_init() - Enable this CPU's local APIC (xAPIC mode) at @base. */
void lapic_init(uint64_t base);

/** lapic_id() - This CPU's local APIC ID. */
uint32_t lapic_id(void);

/** lapic_eoi() - End of the interrupt being served. */
void lapic_eoi(void);

/** lapic_send_ipi() - Fixed IPI @vector to the CPU with APIC ID @apic_id. */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);

/**
 * lapic_start_ap() - INIT-SIPI-SIPI to @apic_id, starting it in real mode
 * at @trampoline (4 KiB aligned, below 1 MiB).
 */
void lapic_start_ap(uint32_t apic_id, uint64_t trampoline);

/**
 * lapic_calibrate() - Measure the TSC and local APIC timer frequencies
 * against PIT channel 2 (boot CPU, before the other CPUs run).
 */
void lapic_calibrate(void);

/** lapic_tsc_hz() - The TSC's frequency, from lapic_calibrate(). */
uint64_t lapic_tsc_hz(void);

/** lapic_timer_expired() - The timer vector came: serve what is due. */
void lapic_timer_expired(void);

/** lapic_console_clock() - The TSC as the console's clock. */
const struct console_clock *lapic_console_clock(void);

/** lapic_delay_us() - Busy-wait @us microseconds on the TSC. */
void lapic_delay_us(uint64_t us);

#endif /* ARCH_LAPIC_H */
