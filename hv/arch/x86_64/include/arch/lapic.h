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

/**
 * lapic_timer_backstop() - Make this CPU's timer periodic, its period at
 * most @max_us microseconds and no later than the deadline armed (but at
 * least 50 microseconds), until
 * its next expiry is served: if one expiry's interrupt is lost, the next
 * one comes a period later.  For entering a guest in a state where QEMU's
 * TCG can lose an interrupt request (svm.c, "Lost wakeups").
 */
void lapic_timer_backstop(uint64_t max_us);

/**
 * lapic_timer_backstops() - How many expiries CPU @cpu served while its
 * timer was a backstop: each is a guest that did not open its interrupt
 * window in time, or a deadline that came first.
 */
uint64_t lapic_timer_backstops(unsigned cpu);

/** lapic_timer_expired() - The timer vector came: serve what is due. */
void lapic_timer_expired(void);

/** lapic_console_clock() - The TSC as the console's clock. */
const struct console_clock *lapic_console_clock(void);

/** lapic_delay_us() - Busy-wait @us microseconds on the TSC. */
void lapic_delay_us(uint64_t us);

#endif /* ARCH_LAPIC_H */
