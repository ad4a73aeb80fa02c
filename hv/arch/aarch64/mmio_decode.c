/* SPDX-License-Identifier: MIT */
/*
 * Decode a stage-2 data abort into a load/store description, from the
 * syndrome the CPU provides (Arm ARM D13.2.39, ISS encoding for an exception
 * from a Data Abort).  Pure: host unit tests run this file as is.
 */
#include "arch/mmio_decode.h"
#include "hv/errno.h"

#define ISS_ISV (1u << 24)
#define ISS_SAS_SHIFT 22
#define ISS_SSE (1u << 21)
#define ISS_SRT_SHIFT 16
#define ISS_SF (1u << 15)
#define ISS_WNR (1u << 6)
#define ISS_S1PTW (1u << 7)

int mmio_decode(uint32_t iss, uint64_t hpfar, uint64_t far,
		struct mmio_access *acc)
{
	/*
	 * Without a valid syndrome (load/store pair, writeback, SIMD...) the
	 * access cannot be emulated: the caller reflects it to the guest.  A
	 * fault on a stage-1 table walk is not an MMIO access either.
	 */
	if (!(iss & ISS_ISV) || (iss & ISS_S1PTW))
		return -HV_EINVAL;
	/* HPFAR_EL2.FIPA holds IPA[47:12] in bits [43:4]; FAR gives [11:0]. */
	acc->ipa = ((hpfar & 0xffffffffff0ull) << 8) | (far & 0xfff);
	acc->size = 1u << ((iss >> ISS_SAS_SHIFT) & 3);
	acc->sign_extend = iss & ISS_SSE;
	acc->reg = (iss >> ISS_SRT_SHIFT) & 31;
	acc->reg64 = iss & ISS_SF;
	acc->write = iss & ISS_WNR;
	return 0;
}
