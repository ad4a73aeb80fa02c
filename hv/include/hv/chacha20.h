/* SPDX-License-Identifier: MIT */
#ifndef HV_CHACHA20_H
#define HV_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_SIZE 32u
#define CHACHA20_NONCE_SIZE 12u
#define CHACHA20_BLOCK_SIZE 64u

/**
 * chacha20_block() - One ChaCha20 block (RFC 8439, section 2.3).
 * @key: the 256-bit key.
 * @counter: the 32-bit block counter.
 * @nonce: the 96-bit nonce.
 * @out: the 64-byte key stream block.
 */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE],
		    uint8_t out[CHACHA20_BLOCK_SIZE]);

/**
 * chacha20_xor() - XOR @len bytes of key stream into @buf (RFC 8439,
 * section 2.4: encryption and decryption alike).
 * @key: the 256-bit key.
 * @counter: the block counter of the first block.
 * @nonce: the 96-bit nonce.
 * @buf: the bytes, changed in place; all zeros gives the key stream.
 * @len: how many; at most (2^32 - @counter) blocks.
 */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t *buf,
		  size_t len);

/**
 * chacha20_wipe() - Zero @len bytes at @p that held secrets, in a way the
 * compiler may not leave out as a dead store.
 */
void chacha20_wipe(void *p, size_t len);

#endif /* HV_CHACHA20_H */
