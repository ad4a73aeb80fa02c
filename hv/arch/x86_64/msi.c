/* SPDX-License-Identifier: MIT */
/*
 * The translation of a guest's MSI message into the one its device gets:
 * the guest names its own vCPUs (APIC ID = vCPU index), the device must
 * name the physical CPU that runs one of them.  Pure: the vlapics say
 * whom the guest's destination names, the caller says where each vCPU
 * runs.
 */
#include "arch/msi.h"
#include "asm_defs.h"
#include "hv/errno.h"

bool msi_vector_passable(unsigned vector)
{
	return vector >= VEC_GUEST_FIRST && vector < VEC_INTX_FIRST;
}

int msi_translate(const struct vlapic_vm *lapics, const uint64_t *apic_id,
		  uint64_t addr, uint32_t data, uint64_t *paddr,
		  uint32_t *pdata)
{
	unsigned mode = (data >> MSI_DATA_MODE_SHIFT) & 7;
	struct vlapic_msg msg = {
		.vector = (uint8_t)(data & MSI_DATA_VECTOR),
		.mode = (uint8_t)mode,
		.dest = (uint8_t)(addr >> MSI_ADDR_DEST_SHIFT),
		.logical = (addr & MSI_ADDR_DM) != 0,
	};
	uint64_t mask;
	unsigned idx;

	/*
	 * Only the interrupt range of the address space: the upper half
	 * would be an extended destination ID, which no guest is offered.
	 */
	if ((addr & ~0xffffffffull) ||
	    (addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE)
		return -HV_EPERM;
	/* NMI, SMI, INIT, SIPI and ExtINT would reach past the vLAPIC. */
	if (mode != VLAPIC_FIXED && mode != VLAPIC_LOWEST)
		return -HV_EPERM;
	if (!msi_vector_passable(msg.vector))
		return -HV_EPERM;
	mask = vlapic_targets(lapics, &msg);
	if (!mask)
		return -HV_EPERM;
	/*
	 * One CPU gets it: a message reaches one local APIC per physical
	 * destination, so a set (lowest priority, the redirection hint, or
	 * a logical fixed one naming several) goes to its first vCPU.
	 */
	idx = (unsigned)__builtin_ctzll(mask);
	*paddr = MSI_ADDR_BASE | (uint64_t)(apic_id[idx] & 0xff)
					 << MSI_ADDR_DEST_SHIFT;
	*pdata = MSI_DATA_ASSERT | msg.vector;
	return 0;
}
