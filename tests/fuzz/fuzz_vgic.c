// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the virtual GIC: distributor and redistributor
 * registers, SGIs by ICC_SGI1R_EL1, passthrough and software interrupts
 * through the list registers to the guest's acknowledge and EOI, and
 * CPU_ON to bring up second vCPUs. The input is a sequence of guest steps
 * (world.h).
 */
#include "world.h"

static const enum world_act acts[] = { WORLD_MMIO,	WORLD_MMIO,
				       WORLD_SYSREG,	WORLD_DEVICE_IRQ,
				       WORLD_GUEST_ACK, WORLD_GUEST_EOI,
				       WORLD_HVC,	WORLD_CPU };

static const struct world_profile profile = { "vgic", acts,
					      sizeof(acts) / sizeof(acts[0]),
					      WORLD_T_GICD | WORLD_T_GICR };

WORLD_HARNESS(profile)
