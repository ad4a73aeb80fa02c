/* SPDX-License-Identifier: MIT */
/*
 * The fake machine has no SMMU: host builds of the trap handlers (the
 * fuzzers) and of the boot flow link this instead of
 * hv/arch/aarch64/smmu.c, which tests/unit/test_smmuv3.c runs against its
 * own model of the device.  smmu_attach() records the streams it is given
 * (fake.h) and answers what the test says; smmu_map_msi() succeeds (the
 * fake board has no ITS, so it is never asked).
 */
#include "arch/smmu.h"
#include "fake.h"

struct fake_smmu fake_smmu;

int smmu_attach(struct vm *vm, uint32_t sid)
{
	if (fake_smmu.count < FAKE_SMMU_STREAMS) {
		fake_smmu.vm[fake_smmu.count] = vm;
		fake_smmu.sid[fake_smmu.count++] = sid;
	}
	return fake_smmu.attach_ret;
}

int smmu_map_msi(struct vm *vm, uint64_t iova, uint64_t pa)
{
	(void)vm;
	(void)iova;
	(void)pa;
	return 0;
}

bool smmu_irq(uint32_t intid)
{
	(void)intid;
	return false;
}
