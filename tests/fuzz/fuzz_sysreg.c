// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: trapped system register accesses (EC 0x18) and every
 * other exception class a guest can cause, with the interrupts they
 * raise. The input is a sequence of guest steps (world.h).
 */
#include "world.h"

static const enum world_act acts[] = { WORLD_SYSREG,	WORLD_SYSREG,
				       WORLD_TRAP,	WORLD_GUEST_ACK,
				       WORLD_GUEST_EOI, WORLD_CPU };

static const struct world_profile profile = { "sysreg", acts,
					      sizeof(acts) / sizeof(acts[0]),
					      WORLD_T_GICD };

WORLD_HARNESS(profile)
