// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the emulated SBSA watchdog: control and refresh
 * frames, time passing to expiry, and the VM restarts and power-offs it
 * causes. The input is a sequence of guest steps (world.h).
 */
#include "world.h"

static const enum world_act acts[] = { WORLD_MMIO, WORLD_MMIO, WORLD_TICK,
				       WORLD_HVC, WORLD_CPU };

static const struct world_profile profile = { "vwdt", acts,
					      sizeof(acts) / sizeof(acts[0]),
					      WORLD_T_WDT };

WORLD_HARNESS(profile)
