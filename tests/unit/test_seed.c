/* SPDX-License-Identifier: MIT */
/*
 * The guests' seeds (hv/core/seed.c) and the primitives under them:
 * ChaCha20 and SHA-256 against their standards' test vectors, one stream
 * per VM and per life, the loader's seeds found in its device tree, and
 * the attack a VM could mount on the generator used before (splitmix64):
 * from its own seeds, predict another VM's and its own next life's; and
 * where the seeds go: a DTB's or a boot_params' seed offsets, in bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hv/chacha20.h"
#include "hv/seed.h"
#include "hv/sha256.h"


static void unhex(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_hex(const uint8_t *got, const char *hex, size_t len)
{
	uint8_t want[256];

	assert_true(len <= sizeof(want) && strlen(hex) == 2 * len);
	unhex(hex, want, len);
	assert_memory_equal(got, want, len);
}

static void rfc_key(uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
}

/* RFC 8439, 2.3.2: the ChaCha20 block function. */
static void chacha20_block_rfc8439(void **state)
{
	uint8_t key[32], nonce[12], out[64];

	(void)state;
	rfc_key(key);
	unhex("000000090000004a00000000", nonce, 12);
	chacha20_block(key, 1, nonce, out);
	assert_hex(out,
		   "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9a"
		   "c3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9"
		   "cbd083e8a2503c4e",
		   64);
}

/* RFC 8439, 2.4.2: encryption of 114 bytes, over two blocks. */
static void chacha20_encrypt_rfc8439(void **state)
{
	static const char plain[] =
		"Ladies and Gentlemen of the class of '99: If I could offer "
		"you only one tip for the future, sunscreen would be it.";
	uint8_t key[32], nonce[12], buf[sizeof(plain) - 1];

	(void)state;
	rfc_key(key);
	unhex("000000000000004a00000000", nonce, 12);
	memcpy(buf, plain, sizeof(buf));
	chacha20_xor(key, 1, nonce, buf, sizeof(buf));
	assert_hex(buf,
		   "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afcc"
		   "fd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab"
		   "8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d"
		   "16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42"
		   "874d",
		   sizeof(buf));
	chacha20_xor(key, 1, nonce, buf, sizeof(buf));
	assert_memory_equal(buf, plain, sizeof(buf));
}

/* RFC 8439, A.1 test vector 1: all-zero key and nonce. */
static void chacha20_zero_key(void **state)
{
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, out[64];

	(void)state;
	chacha20_block(key, 0, nonce, out);
	assert_hex(out,
		   "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc"
		   "8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11c"
		   "c387b669b2ee6586",
		   64);
}

static void sha256_of(const char *msg, size_t split, uint8_t out[32])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, msg, split);
	sha256_update(&s, msg + split, strlen(msg) - split);
	sha256_final(&s, out);
}

/* FIPS 180-4 examples (NIST CSRC), also fed in two pieces. */
static void sha256_fips(void **state)
{
	static const char two_blocks[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[32];

	(void)state;
	sha256_of("", 0, d);
	assert_hex(d,
		   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		   "7852b855",
		   32);
	sha256_of("abc", 1, d);
	assert_hex(d,
		   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
		   "f20015ad",
		   32);
	for (size_t split = 0; split <= strlen(two_blocks); split += 7) {
		sha256_of(two_blocks, split, d);
		assert_hex(d,
			   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167"
			   "f6ecedd419db06c1",
			   32);
	}
}

static void test_key(uint8_t key[SEED_KEY_SIZE], uint8_t salt)
{
	for (unsigned i = 0; i < SEED_KEY_SIZE; i++)
		key[i] = (uint8_t)(0x5a ^ (i * 37) ^ salt);
}

/* Every (VM, life) has its own stream; the same inputs give the same. */
static void streams_per_vm_and_life(void **state)
{
	enum {
		VMS = 8,
		LIVES = 6
	};
	static uint8_t out[VMS * LIVES][SEED_BYTES];
	uint8_t key[SEED_KEY_SIZE], again[SEED_BYTES];

	(void)state;
	test_key(key, 0);
	for (unsigned vm = 0; vm < VMS; vm++)
		for (unsigned life = 0; life < LIVES; life++)
			seed_fill(key, vm, life, out[vm * LIVES + life],
				  SEED_BYTES);
	for (unsigned a = 0; a < VMS * LIVES; a++)
		for (unsigned b = 0; b < a; b++)
			assert_memory_not_equal(out[a], out[b], SEED_BYTES);
	seed_fill(key, 3, 2, again, SEED_BYTES);
	assert_memory_equal(again, out[3 * LIVES + 2], SEED_BYTES);
	/* A life beyond 32 bits is not a life below it. */
	seed_fill(key, 3, 2 + (1ull << 32), again, SEED_BYTES);
	assert_memory_not_equal(again, out[3 * LIVES + 2], SEED_BYTES);
	/* Another boot's key: other seeds. */
	test_key(key, 1);
	seed_fill(key, 3, 2, again, SEED_BYTES);
	assert_memory_not_equal(again, out[3 * LIVES + 2], SEED_BYTES);
}

/* splitmix64, as load_payloads() used it before, and its inverse. */
#define GOLDEN 0x9e3779b97f4a7c15ull
#define M1 0xbf58476d1ce4e5b9ull
#define M2 0x94d049bb133111ebull

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += GOLDEN);

	z = (z ^ (z >> 30)) * M1;
	z = (z ^ (z >> 27)) * M2;
	return z ^ (z >> 31);
}

/* The inverse of an odd number modulo 2^64 (Newton's iteration). */
static uint64_t inverse(uint64_t a)
{
	uint64_t x = a;

	for (int i = 0; i < 6; i++)
		x *= 2 - a * x;
	return x;
}

/* The inverse of z ^= z >> n. */
static uint64_t unshift(uint64_t z, unsigned n)
{
	for (unsigned s = n; s < 64; s += n)
		z ^= z >> s;
	return z;
}

static uint64_t unmix(uint64_t z)
{
	z = unshift(z, 31) * inverse(M2);
	z = unshift(z, 27) * inverse(M1);
	return unshift(z, 30);
}

/* The seeds the splitmix generator gave VM @vm in life @life. */
static void splitmix_seeds(uint64_t entropy, uint32_t vm, uint64_t life,
			   uint8_t out[SEED_BYTES])
{
	uint64_t s = entropy ^ (uint64_t)vm << 56 ^ life << 40;

	for (unsigned i = 0; i < SEED_BYTES; i += 8) {
		uint64_t r = splitmix(&s);

		memcpy(out + i, &r, 8);
	}
}

/*
 * The attack: VM @vm reads its own seeds @mine of life @life, inverts the
 * generator to its starting state, and from it predicts the seeds of VM
 * @other in life @other_life.  The counter the old code mixed in is taken
 * as equal for both: VMs load at once, and a few thousand guesses of the
 * difference cost a VM nothing.
 */
static void predict(const uint8_t mine[SEED_BYTES], uint32_t vm, uint64_t life,
		    uint32_t other, uint64_t other_life,
		    uint8_t guess[SEED_BYTES])
{
	uint64_t first, entropy;

	memcpy(&first, mine, 8);
	entropy = (unmix(first) - GOLDEN) ^ (uint64_t)vm << 56 ^ life << 40;
	splitmix_seeds(entropy, other, other_life, guess);
}

/* The attack works on splitmix: this test would catch its return. */
static void attack_breaks_splitmix(void **state)
{
	uint8_t vm0[SEED_BYTES], vm1[SEED_BYTES], next[SEED_BYTES];
	uint8_t guess[SEED_BYTES];

	(void)state;
	splitmix_seeds(0x0123456789abcdefull, 0, 0, vm0);
	splitmix_seeds(0x0123456789abcdefull, 1, 0, vm1);
	splitmix_seeds(0x0123456789abcdefull, 0, 1, next);
	predict(vm0, 0, 0, 1, 0, guess);
	assert_memory_equal(guess, vm1, SEED_BYTES);
	predict(vm0, 0, 0, 0, 1, guess);
	assert_memory_equal(guess, next, SEED_BYTES);
}

/* The same attack on the hypervisor's seeds predicts nothing. */
static void attack_fails_on_seeds(void **state)
{
	uint8_t key[SEED_KEY_SIZE], vm0[SEED_BYTES], vm1[SEED_BYTES];
	uint8_t next[SEED_BYTES], guess[SEED_BYTES];

	(void)state;
	test_key(key, 0);
	seed_fill(key, 0, 0, vm0, SEED_BYTES);
	seed_fill(key, 1, 0, vm1, SEED_BYTES);
	seed_fill(key, 0, 1, next, SEED_BYTES);
	predict(vm0, 0, 0, 1, 0, guess);
	for (unsigned i = 0; i < SEED_BYTES; i += 8)
		assert_memory_not_equal(guess + i, vm1 + i, 8);
	predict(vm0, 0, 0, 0, 1, guess);
	for (unsigned i = 0; i < SEED_BYTES; i += 8)
		assert_memory_not_equal(guess + i, next + i, 8);
}

/* A device tree with seeds in /chosen (in this order), decoys elsewhere. */
static size_t make_dtb(uint8_t *buf, size_t size, bool seeds)
{
	static const uint8_t rng[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t kaslr[8] = { 0xaa, 0xbb };
	static const uint8_t decoy[32] = { 0xde, 0xc0 };

	assert_int_equal(fdt_create(buf, (int)size), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_property(buf, "rng-seed", decoy, 32), 0);
	assert_int_equal(fdt_begin_node(buf, "other"), 0);
	assert_int_equal(fdt_property(buf, "kaslr-seed", decoy, 8), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "chosen"), 0);
	assert_int_equal(fdt_property_string(buf, "bootargs", "x"), 0);
	if (seeds) {
		assert_int_equal(fdt_property(buf, "rng-seed", rng, 32), 0);
		assert_int_equal(fdt_property(buf, "kaslr-seed", kaslr, 8), 0);
		assert_int_equal(fdt_begin_node(buf, "sub"), 0);
		assert_int_equal(fdt_property(buf, "rng-seed", decoy, 32), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

static void hash_of_fdt(const uint8_t *dtb, size_t size, size_t want,
			uint8_t out[32])
{
	struct sha256 s;

	sha256_init(&s);
	assert_int_equal(seed_hash_fdt(&s, dtb, size), want);
	sha256_final(&s, out);
}

/* Exactly /chosen's rng-seed and kaslr-seed are hashed, in full. */
static void fdt_seeds_found(void **state)
{
	static uint8_t dtb[4096];
	static const uint8_t rng[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t kaslr[8] = { 0xaa, 0xbb };
	uint8_t got[32], want[32];
	struct sha256 s;
	size_t size;

	(void)state;
	size = make_dtb(dtb, sizeof(dtb), true);
	hash_of_fdt(dtb, size, 40, got);
	sha256_init(&s);
	sha256_update(&s, rng, sizeof(rng));
	sha256_update(&s, kaslr, sizeof(kaslr));
	sha256_final(&s, want);
	assert_memory_equal(got, want, 32);

	size = make_dtb(dtb, sizeof(dtb), false);
	hash_of_fdt(dtb, size, 0, got);
	/* Cut short or not a tree: nothing read beyond what is there. */
	for (size_t cut = 0; cut < size; cut += 13)
		hash_of_fdt(dtb, cut, 0, got);
	memset(dtb, 0xff, sizeof(dtb));
	hash_of_fdt(dtb, sizeof(dtb), 0, got);
}

/* A payload of @kind and @size, and a record with the given seed offsets. */
static void place_in(uint32_t kind, uint64_t size, uint32_t rng,
		     uint32_t kaslr, uint8_t *buf, size_t *written)
{
	struct shikiri_plan_vm vm = { .rng_seed_offset = rng,
				      .kaslr_seed_offset = kaslr };
	struct shikiri_payload pl = { .size = size, .kind = kind };
	uint8_t seeds[SEED_BYTES];

	for (unsigned int i = 0; i < SEED_BYTES; i++)
		seeds[i] = (uint8_t)(0x80 + i);
	memset(buf, 0, 0x2100);
	*written = seed_place(&vm, &pl, buf, seeds);
}

static void seeds_placed_in_boot_info(void **state)
{
	static uint8_t buf[0x2100];
	size_t n;

	(void)state;
	/* x86_64: the SETUP_RNG_SEED data in boot_params, no KASLR seed. */
	place_in(SHIKIRI_PAYLOAD_BOOT_PARAMS, 0x2030, 0x2010, 0, buf, &n);
	assert_int_equal(n, SEED_RNG_BYTES);
	assert_int_equal(buf[0x2010], 0x80);
	assert_int_equal(buf[0x202f], 0x80 + 31);
	assert_int_equal(buf[0x2030], 0);
	assert_int_equal(buf[0x200f], 0);
	/* aarch64: both seeds in the DTB. */
	place_in(SHIKIRI_PAYLOAD_DTB, 0x1000, 0x100, 0x120, buf, &n);
	assert_int_equal(n, SEED_BYTES);
	assert_int_equal(buf[0x100], 0x80);
	assert_int_equal(buf[0x120], 0x80 + SEED_RNG_BYTES);
	assert_int_equal(buf[0x127], 0x80 + SEED_BYTES - 1);
	assert_int_equal(buf[0x128], 0);
	/* Kernels, initrds and ACPI tables carry none. */
	place_in(SHIKIRI_PAYLOAD_KERNEL, 0x1000, 0x100, 0x120, buf, &n);
	assert_int_equal(n, 0);
	place_in(SHIKIRI_PAYLOAD_ACPI, 0x1000, 0x100, 0, buf, &n);
	assert_int_equal(n, 0);
	assert_int_equal(buf[0x100], 0);
	/* Past the end, even by one byte, or at a wrapping offset: nothing. */
	place_in(SHIKIRI_PAYLOAD_BOOT_PARAMS, 0x2030, 0x2011, 0, buf, &n);
	assert_int_equal(n, 0);
	place_in(SHIKIRI_PAYLOAD_DTB, 0x1000, 0xffffffe0u, 0x1000 - 8, buf,
		 &n);
	assert_int_equal(n, SEED_KASLR_BYTES);
	assert_int_equal(buf[0xff8], 0x80 + SEED_RNG_BYTES);
	place_in(SHIKIRI_PAYLOAD_DTB, 0x1000, 0x1000, 0x1000 - 7, buf, &n);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chacha20_block_rfc8439),
		cmocka_unit_test(chacha20_encrypt_rfc8439),
		cmocka_unit_test(chacha20_zero_key),
		cmocka_unit_test(sha256_fips),
		cmocka_unit_test(streams_per_vm_and_life),
		cmocka_unit_test(attack_breaks_splitmix),
		cmocka_unit_test(attack_fails_on_seeds),
		cmocka_unit_test(fdt_seeds_found),
		cmocka_unit_test(seeds_placed_in_boot_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
