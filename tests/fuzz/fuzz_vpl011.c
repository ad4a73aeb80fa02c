// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the emulated PL011: every register, with console
 * input arriving, time passing and the guest enabling, taking and ending
 * its UART interrupt. The input is a sequence of guest steps (world.h).
 */
#include "world.h"

static const enum world_act acts[] = { WORLD_MMIO,	WORLD_MMIO,
				       WORLD_RX,	WORLD_TICK,
				       WORLD_GUEST_ACK, WORLD_GUEST_EOI,
				       WORLD_CPU };

static const struct world_profile profile = { "vpl011", acts,
					      sizeof(acts) / sizeof(acts[0]),
					      WORLD_T_UART | WORLD_T_GICD };

WORLD_HARNESS(profile)
