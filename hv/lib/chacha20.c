// SPDX-License-Identifier: MIT
/*
 * ChaCha20 (RFC 8439): the stream cipher the hypervisor draws its guests'
 * seeds from.  Portable C, one block at a time; no secret-dependent
 * branches or table look-ups, so its timing tells nothing of the key.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/chacha20.h"

static uint32_t rotl(uint32_t v, unsigned n)
{
	return v << n | v >> (32 - n);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 7);
}

/**
 * chacha20_wipe() - Zero @len bytes at @p that held secrets, in a way the
 * compiler may not leave out as a dead store.
 * @p: the bytes.
 * @len: how many.
 */
void chacha20_wipe(void *p, size_t len)
{
	memset(p, 0, len);
	/* The barrier makes the zeros observable, so they are written. */
	__asm__ volatile("" : : "r"(p) : "memory");
}

/**
 * chacha20_block() - One ChaCha20 block (RFC 8439, section 2.3).
 * @key: the 256-bit key.
 * @counter: the 32-bit block counter.
 * @nonce: the 96-bit nonce.
 * @out: the 64-byte key stream block.
 */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE],
		    uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t in[16], x[16];

	/* "expand 32-byte k" */
	in[0] = 0x61707865;
	in[1] = 0x3320646e;
	in[2] = 0x79622d32;
	in[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		in[4 + i] = le32(key + 4 * i);
	in[12] = counter;
	for (int i = 0; i < 3; i++)
		in[13 + i] = le32(nonce + 4 * i);
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];

		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
	chacha20_wipe(in, sizeof(in));
	chacha20_wipe(x, sizeof(x));
}

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
		  size_t len)
{
	uint8_t ks[CHACHA20_BLOCK_SIZE];

	for (size_t off = 0; off < len; off += CHACHA20_BLOCK_SIZE) {
		size_t n = len - off < CHACHA20_BLOCK_SIZE ?
				   len - off :
				   CHACHA20_BLOCK_SIZE;

		chacha20_block(key, counter++, nonce, ks);
		for (size_t i = 0; i < n; i++)
			buf[off + i] ^= ks[i];
	}
	chacha20_wipe(ks, sizeof(ks));
}
