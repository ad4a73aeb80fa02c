/* SPDX-License-Identifier: MIT */
#ifndef HV_SHA256_H
#define HV_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32u

/** A SHA-256 computation under way (FIPS 180-4). */
struct sha256 {
	uint32_t h[8];	 /**< the chaining state */
	uint64_t bytes;	 /**< hashed so far */
	uint8_t buf[64]; /**< a partial block */
};

/** sha256_init() - Start hashing into @s. */
void sha256_init(struct sha256 *s);

/** sha256_update() - Hash @len more bytes from @data into @s. */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/**
 * sha256_final() - The digest of everything hashed into @s, into @out;
 * @s is wiped.
 */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_SIZE]);

#endif /* HV_SHA256_H */
