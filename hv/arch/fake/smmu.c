/* SPDX-License-Identifier: MIT */
/*
 * The fake machine has no SMMU: host builds of the trap handlers (the
 * fuzzers) link this instead of hv/arch/aarch64/smmu.c, which
 * tests/unit/test_smmuv3.c runs against its own model of the device.
 */
#include "arch/smmu.h"

bool smmu_irq(uint32_t intid)
{
	(void)intid;
	return false;
}
