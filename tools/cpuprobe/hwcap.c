// SPDX-License-Identifier: MIT
/*
 * shikiri-cpu hwcap: the CPU features Linux found, as it tells programs
 * (the AT_HWCAP and AT_HWCAP2 auxiliary vector entries), named and
 * ordered as its /proc/cpuinfo "Features" line names them (Linux 6.1,
 * arch/arm64/kernel/cpuinfo.c; bit numbers from the uapi asm/hwcap.h).
 * A bit this table does not name prints as hwcap_bitN or hwcap2_bitN, so
 * a newer kernel's features still show.
 *
 *   hwcap: AT_HWCAP 0x... AT_HWCAP2 0x...
 *   hwcap: features fp asimd ...  at most PER_LINE names a line
 *   hwcap: NAME yes|no            for each NAME asked about
 *
 * Short lines, because a console may break long ones (the hypervisor's
 * console prefixes and splits what a VM prints).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#include "cpuprobe.h"

#define BITS 64
#define PER_LINE 8

static const char *const hwcap_names[BITS] = {
	"fp",	    "asimd", "evtstrm", "aes",	  "pmull",   "sha1",
	"sha2",	    "crc32", "atomics", "fphp",	  "asimdhp", "cpuid",
	"asimdrdm", "jscvt", "fcma",	"lrcpc",  "dcpop",   "sha3",
	"sm3",	    "sm4",   "asimddp", "sha512", "sve",     "asimdfhm",
	"dit",	    "uscat", "ilrcpc",	"flagm",  "ssbs",    "sb",
	"paca",	    "pacg",
};

static const char *const hwcap2_names[BITS] = {
	"dcpodp",    "sve2",	 "sveaes",    "svepmull",  "svebitperm",
	"svesha3",   "svesm4",	 "flagm2",    "frint",	   "svei8mm",
	"svef32mm",  "svef64mm", "svebf16",   "i8mm",	   "bf16",
	"dgh",	     "rng",	 "bti",	      "mte",	   "ecv",
	"afp",	     "rpres",	 "mte3",      "sme",	   "smei16i64",
	"smef64f64", "smei8i32", "smef16f32", "smeb16f32", "smef32f32",
	"smefa64",   "wfxt",	 "ebf16",     "sveebf16",
};

/* The name of bit @bit of AT_HWCAP (@word 0) or AT_HWCAP2 (@word 1). */
static const char *bit_name(unsigned word, unsigned bit, char *buf, size_t size)
{
	const char *name = (word ? hwcap2_names : hwcap_names)[bit];

	if (name)
		return name;
	snprintf(buf, size, "hwcap%s_bit%u", word ? "2" : "", bit);
	return buf;
}

/* Whether feature @name is among @caps (AT_HWCAP, AT_HWCAP2). */
static bool has(const uint64_t caps[2], const char *name)
{
	char buf[32];

	for (unsigned word = 0; word < 2; word++)
		for (unsigned bit = 0; bit < BITS; bit++)
			if ((caps[word] >> bit & 1) &&
			    strcmp(bit_name(word, bit, buf, sizeof(buf)),
				   name) == 0)
				return true;
	return false;
}

int hwcap_main(int argc, char **argv)
{
	const uint64_t caps[2] = { getauxval(AT_HWCAP), getauxval(AT_HWCAP2) };
	unsigned count = 0;
	char buf[32];
	int status = 0;

	printf("hwcap: AT_HWCAP 0x%llx AT_HWCAP2 0x%llx\n",
	       (unsigned long long)caps[0], (unsigned long long)caps[1]);
	for (unsigned word = 0; word < 2; word++)
		for (unsigned bit = 0; bit < BITS; bit++) {
			if (!(caps[word] >> bit & 1))
				continue;
			printf("%s %s",
			       count % PER_LINE ? "" : "hwcap: features",
			       bit_name(word, bit, buf, sizeof(buf)));
			if (++count % PER_LINE == 0)
				putchar('\n');
		}
	if (count % PER_LINE)
		putchar('\n');
	for (int i = 1; i < argc; i++) {
		bool yes = has(caps, argv[i]);

		printf("hwcap: %s %s\n", argv[i], yes ? "yes" : "no");
		if (!yes)
			status = 1;
	}
	return status;
}
