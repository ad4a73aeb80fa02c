// SPDX-License-Identifier: MIT
/*
 * CRC-32 as used by zlib, Ethernet and gzip (IEEE 802.3 polynomial,
 * reflected, initial value and final XOR all ones).  A 16-entry table keeps
 * the hypervisor small while staying fast enough for the host tool to sum
 * whole kernels.
 */
#include <stddef.h>
#include <stdint.h>

#include "hv/plan_check.h"

/* crc_nibble[n] = n shifted through the reflected polynomial 4 times. */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
	0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

/**
 * plan_crc32() - CRC-32 (IEEE 802.3, reflected, as zlib) of @len bytes.
 * @crc: 0 for a fresh CRC, or a previous result to continue one.
 * @data: the bytes.
 * @len: how many.
 *
 * Return: the CRC of everything summed so far.
 */
uint32_t plan_crc32(uint32_t crc, const void *data, uint64_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc_nibble[crc & 0xf];
		crc = (crc >> 4) ^ crc_nibble[crc & 0xf];
	}
	return ~crc;
}
