/* SPDX-License-Identifier: MIT */
#ifndef HV_SEED_H
#define HV_SEED_H

#include <stddef.h>
#include <stdint.h>

#include "hv/sha256.h"
#include "shikiri/plan.h"

#define SEED_KEY_SIZE 32u
#define SEED_RNG_BYTES 32u   /* rng-seed; SETUP_RNG_SEED data */
#define SEED_KASLR_BYTES 8u  /* kaslr-seed */
#define SEED_BYTES (SEED_RNG_BYTES + SEED_KASLR_BYTES)

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

/**
 * seed_place() - Write a VM's fresh seeds into its copy of a payload.
 * @vm: the VM's plan record.
 * @pl: one of its payloads; only the boot-info kinds (DTB, BOOT_PARAMS)
 *      carry seeds.
 * @dst: where @pl was copied, @pl->size bytes.
 * @seeds: SEED_RNG_BYTES of RNG seed, then SEED_KASLR_BYTES of KASLR seed.
 *
 * A seed whose offset is 0 is absent; one that would not lie wholly inside
 * @pl is skipped (plan_check() refuses such plans; this holds without it).
 *
 * Return: how many seed bytes were written.
 */
size_t seed_place(const struct shikiri_plan_vm *vm,
		  const struct shikiri_payload *pl, uint8_t *dst,
		  const uint8_t seeds[SEED_BYTES]);

#endif /* HV_SEED_H */
