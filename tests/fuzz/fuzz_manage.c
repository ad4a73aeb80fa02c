// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the management page: select, command and read any
 * VM, with and without the right to, while the VMs start, stop and
 * restart. The input is a sequence of guest steps (world.h).
 */
#include "world.h"

static const enum world_act acts[] = { WORLD_MMIO, WORLD_MMIO, WORLD_MMIO,
				       WORLD_HVC,  WORLD_TICK, WORLD_CPU };

static const struct world_profile profile = { "manage", acts,
					      sizeof(acts) / sizeof(acts[0]),
					      WORLD_T_MANAGE };

WORLD_HARNESS(profile)
