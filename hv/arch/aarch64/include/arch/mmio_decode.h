/* SPDX-License-Identifier: MIT */
#ifndef ARCH_MMIO_DECODE_H
#define ARCH_MMIO_DECODE_H

#include <stdint.h>

#include "hv/mmio.h"

/**
 * mmio_decode() - Turn a data abort's ISS, HPFAR_EL2 and FAR_EL2 into @acc.
 * Return: 0, or -HV_EINVAL when the syndrome is not valid for emulation.
 */
int mmio_decode(uint32_t iss, uint64_t hpfar, uint64_t far,
		struct mmio_access *acc);

#endif /* ARCH_MMIO_DECODE_H */
