/* SPDX-License-Identifier: MIT */
/*
 * QEMU virt's PL031 real-time clock (Arm DDI0224), a passed-through device
 * whose level-triggered match interrupt a guest can raise and lower at
 * will: the test guests' hardware SPI.
 */
#ifndef BAREMETAL_RTC_H
#define BAREMETAL_RTC_H

#include "baremetal/types.h"

/* PL031 registers. */
#define RTCDR 0x00
#define RTCMR 0x04
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCMIS 0x18
#define RTCICR 0x1c

/**
 * rtc_find() - The VM's RTC (device tree node /pl031): its MMIO base in
 * @base and the GIC INTID of its interrupt in @intid.
 *
 * Return: false when the VM has none, or its node is malformed.
 */
bool rtc_find(uint64_t *base, uint32_t *intid);

/**
 * rtc_assert() - Raise the RTC at @base's match interrupt and keep it
 * asserted (mask set, never cleared).
 *
 * Return: whether the line is asserted (RTCMIS).
 */
bool rtc_assert(uint64_t base);

/** rtc_deassert() - Lower the RTC at @base's interrupt line. */
void rtc_deassert(uint64_t base);

#endif /* BAREMETAL_RTC_H */
