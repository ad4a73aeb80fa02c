// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: data aborts: the syndrome decode and the dispatch to
 * every emulated device, at any address, and raw ESR, FAR and HPFAR
 * values. The input is a sequence of guest steps (world.h).
 */
#include "world.h"

static const enum world_act acts[] = { WORLD_MMIO, WORLD_MMIO, WORLD_MMIO,
				       WORLD_TRAP, WORLD_CPU };

static const struct world_profile profile = {
	"mmio", acts, sizeof(acts) / sizeof(acts[0]),
	WORLD_T_GICD | WORLD_T_GICR | WORLD_T_UART | WORLD_T_WDT |
		WORLD_T_MANAGE | WORLD_T_ANY
};

WORLD_HARNESS(profile)
