// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: PSCI and SMCCC by HVC and SMC: CPU_ON/OFF,
 * AFFINITY_INFO, SYSTEM_OFF/RESET/RESET2, FEATURES and the firmware
 * discovery calls, with the VM lives they cause. The input is a sequence
 * of guest steps (world.h).
 */
#include "world.h"

static const enum world_act acts[] = { WORLD_HVC,	WORLD_SMC,
				       WORLD_HVC,	WORLD_SMC,
				       WORLD_TICK,	WORLD_CPU,
				       WORLD_GUEST_ACK, WORLD_GUEST_EOI };

static const struct world_profile profile = { "psci", acts,
					      sizeof(acts) / sizeof(acts[0]),
					      WORLD_T_MANAGE };

WORLD_HARNESS(profile)
