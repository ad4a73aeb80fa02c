/* SPDX-License-Identifier: MIT */
/*
 * The guests' seeds (aarch64: /chosen/rng-seed, /chosen/kaslr-seed; x86_64:
 * the SETUP_RNG_SEED setup_data of boot_params), fresh at every start of
 * every VM.  A guest credits them as entropy, so one VM that
 * knows its own seeds must learn nothing of another VM's, nor of its own
 * next life's: they come from ChaCha20 under a key only the hypervisor
 * holds, with a nonce of its own for every VM and every life.  The key is
 * the SHA-256 of the random bytes the loader gave (main.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/chacha20.h"
#include "hv/fdt_format.h"
#include "hv/seed.h"

/**
 * seed_fill() - Fill @len bytes at @out with the seeds of VM @vm for its
 * life number @life.
 * @key: the hypervisor's seed key.
 * @vm: the VM's index.
 * @life: how many times the VM was loaded before; never repeated.
 * @out: where the bytes go.
 * @len: how many.
 */
void seed_fill(const uint8_t key[SEED_KEY_SIZE], uint32_t vm, uint64_t life,
	       void *out, size_t len)
{
	uint8_t nonce[CHACHA20_NONCE_SIZE];

	/* Nonce = vm (32 bits) || life (64 bits), little-endian. */
	for (int i = 0; i < 4; i++)
		nonce[i] = (uint8_t)(vm >> (8 * i));
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(life >> (8 * i));
	memset(out, 0, len);
	chacha20_xor(key, 0, nonce, out, len);
}

/* Copy @len bytes of @src to @dst + @off if they fit in @size bytes. */
static size_t put_seed(uint8_t *dst, uint64_t size, uint32_t off,
		       const uint8_t *src, size_t len)
{
	if (!off || off > size || len > size - off)
		return 0;
	memcpy(dst + off, src, len);
	return len;
}

/**
 * seed_place() - Write a VM's fresh seeds into its copy of a payload.
 * @vm: the VM's plan record.
 * @pl: one of its payloads.
 * @dst: where @pl was copied.
 * @seeds: the RNG seed, then the KASLR seed.
 *
 * Return: how many seed bytes were written.
 */
size_t seed_place(const struct shikiri_plan_vm *vm,
		  const struct shikiri_payload *pl, uint8_t *dst,
		  const uint8_t seeds[SEED_BYTES])
{
	if (pl->kind != SHIKIRI_PAYLOAD_DTB &&
	    pl->kind != SHIKIRI_PAYLOAD_BOOT_PARAMS)
		return 0;
	return put_seed(dst, pl->size, vm->rng_seed_offset, seeds,
			SEED_RNG_BYTES) +
	       put_seed(dst, pl->size, vm->kaslr_seed_offset,
			seeds + SEED_RNG_BYTES, SEED_KASLR_BYTES);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The NUL-terminated string at @off of [@base, @base + @size), or NULL. */
static const char *str_at(const uint8_t *base, size_t size, size_t off)
{
	for (size_t i = off; i < size; i++)
		if (!base[i])
			return (const char *)base + off;
	return NULL;
}

static int str_eq(const char *a, const char *b)
{
	return a && strlen(a) == strlen(b) && !memcmp(a, b, strlen(b));
}

/**
 * seed_hash_fdt() - Hash the values of /chosen/rng-seed and
 * /chosen/kaslr-seed of the flattened device tree at @fdt into @s.
 * @s: the hash that becomes the seed key.
 * @fdt: the loader's device tree.
 * @size: its size.
 *
 * Return: how many bytes of seeds were hashed.
 */
size_t seed_hash_fdt(struct sha256 *s, const void *fdt, size_t size)
{
	const uint8_t *b = fdt;
	size_t off, struct_end, strings, strings_size, found = 0;
	int depth = 0, chosen = 0;

	if (size < 40 || be32(b) != FDT_MAGIC)
		return 0;
	off = be32(b + 8);
	struct_end = off + be32(b + 36);
	strings = be32(b + 12);
	strings_size = be32(b + 32);
	if (struct_end < off || struct_end > size || strings > size ||
	    strings_size > size - strings || (off & 3))
		return 0;
	while (off + 4 <= struct_end) {
		uint32_t token = be32(b + off);

		off += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = str_at(b, struct_end, off);

			if (!name)
				return found;
			/* The root is depth 1, its children depth 2. */
			if (++depth == 2)
				chosen = str_eq(name, "chosen") ||
					 (strlen(name) > 7 &&
					  !memcmp(name, "chosen@", 7));
			off += (strlen(name) + 4) & ~(size_t)3;
		} else if (token == FDT_END_NODE) {
			if (depth-- == 2)
				chosen = 0;
		} else if (token == FDT_PROP) {
			size_t len, name_off;
			const char *name;

			if (off + 8 > struct_end)
				return found;
			len = be32(b + off);
			name_off = be32(b + off + 4);
			off += 8;
			if (len > struct_end - off)
				return found;
			name = name_off < strings_size ?
				       str_at(b + strings, strings_size,
					      name_off) :
				       NULL;
			if (chosen && depth == 2 &&
			    (str_eq(name, "rng-seed") ||
			     str_eq(name, "kaslr-seed"))) {
				sha256_update(s, b + off, len);
				found += len;
			}
			off += (len + 3) & ~(size_t)3;
		} else if (token != FDT_NOP) {
			break;
		}
	}
	return found;
}
