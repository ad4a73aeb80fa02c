/* SPDX-License-Identifier: MIT */
#ifndef HV_SEED_H
#define HV_SEED_H

#include <stddef.h>
#include <stdint.h>

#include "hv/sha256.h"

#define SEED_KEY_SIZE 32u

/**
 * seed_fill() - Fill @len bytes at @out with the seeds of VM @vm for its
 * life number @life: the ChaCha20 key stream of @key under the nonce
 * (@vm, @life).  Each (VM, life) has a stream of its own, and without
 * @key no stream tells anything about another.
 * @key: the hypervisor's seed key (seed_key_finish()).
 * @vm: the VM's index.
 * @life: how many times the VM was loaded before, since the hypervisor
 *        booted; never the same twice for one VM.
 * @out: where the bytes go.
 * @len: how many; at most 256 GiB.
 */
void seed_fill(const uint8_t key[SEED_KEY_SIZE], uint32_t vm, uint64_t life,
	       void *out, size_t len);

/**
 * seed_hash_fdt() - Hash the values of /chosen/rng-seed and
 * /chosen/kaslr-seed of the flattened device tree at @fdt into @s.
 * @s: the hash that becomes the seed key.
 * @fdt: the loader's device tree.
 * @size: its size, as its header gives it, checked by the caller.
 *
 * A malformed tree is read no further than @size bytes.
 *
 * Return: how many bytes of seeds were hashed (0: none found).
 */
size_t seed_hash_fdt(struct sha256 *s, const void *fdt, size_t size);

#endif /* HV_SEED_H */
