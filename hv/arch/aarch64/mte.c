/* SPDX-License-Identifier: MIT */
/*
 * Memory tagging (FEAT_MTE2 and later) is the guest's where the CPU has
 * it: HCR_EL2.ATA lets the guest reach its tag registers and tag
 * instructions (cpu.c), the ID registers show MTE as the CPU has it
 * (id_regs.c), and stage 2 maps RAM Normal write-back, which allows tags
 * (Arm ARM D10.5.2: stage 2 only takes tags away from memory it makes
 * other than Normal Inner and Outer Write-Back).
 *
 * What the hypervisor adds is the tags' share of every scrub: each 16-byte
 * granule of RAM carries a 4-bit allocation tag beside its data, so a VM's
 * RAM is given back with data and tags zeroed, and no life sees the tags
 * of the one before (or of whatever the previous boot of the machine left
 * there).  For that EL2 maps board RAM Normal Tagged (MAIR attribute 0xf0)
 * and sets SCTLR_EL2.ATA; its own accesses are never tag-checked
 * (SCTLR_EL2.TCF stays 0, and TCR_EL2.TBI is clear).
 *
 * Firmware must set SCR_EL3.ATA on such a CPU (Linux's booting.rst asks
 * the same of it for a kernel entered at EL2); QEMU has no EL3 here.
 */
#include "arch/mte.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/types.h"
#include "sysreg.h"

#define PFR1_MTE 8
#define MTE2 2
#define SCTLR_EL2_ATA (1ull << 43)
#define MAIR_ATTR1_MASK 0xff00ull
#define MAIR_ATTR1_TAGGED 0xf000ull
#define GMID_EL1 S3_1_C0_C0_4
#define DCZID_BS(dczid) ((dczid)&0xfu)
#define DCZID_DZP (1u << 4)
#define GMID_BS(gmid) ((gmid)&0xfu)
#define GRANULE 16u
/*
 * The assembler takes the tag instructions only with MTE on, in each
 * statement: the compiler restates the base architecture at the top.
 */
#define MTE_ASM ".arch armv8.5-a\n\t.arch_extension memtag\n\t"

bool mte_present(void)
{
	return ID_FIELD(read_sysreg(id_aa64pfr1_el1), PFR1_MTE) >= MTE2;
}

uint64_t mte_el2_mair(uint64_t mair)
{
	if (!mte_present())
		return mair;
	return (mair & ~MAIR_ATTR1_MASK) | MAIR_ATTR1_TAGGED;
}

uint64_t mte_el2_sctlr(uint64_t sctlr)
{
	return mte_present() ? sctlr | SCTLR_EL2_ATA : sctlr;
}

static bool data_zero(const uint64_t *p, uint64_t size)
{
	for (const uint64_t *end = p + size / 8; p < end; p += 8)
		if (p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7])
			return false;
	return true;
}

/* LDGM reads the tags of a whole GMID_EL1.BS block, one nibble each. */
static bool tags_zero(uintptr_t a, uint64_t size, uint64_t gm)
{
	for (uintptr_t end = a + size; a < end; a += gm) {
		uint64_t tags;

		__asm__ volatile(MTE_ASM "ldgm %0, [%1]" : "=r"(tags) : "r"(a));
		if (tags)
			return false;
	}
	return true;
}

/* One granule at a time: data and tag zeroed by STZG. */
static void zero_granules(uintptr_t a, uint64_t size)
{
	for (uintptr_t end = a + size; a < end; a += GRANULE)
		__asm__ volatile(MTE_ASM "stzg %0, [%0]" : : "r"(a) : "memory");
}

bool arch_mem_scrub(void *p, uint64_t size)
{
	uint64_t dczid, dcz, gm, chunk;
	uintptr_t a = (uintptr_t)p;

	/* GMID_EL1 and the tag instructions UNDEF without MTE2. */
	if (!mte_present())
		return false;
	dczid = read_sysreg(dczid_el0);
	dcz = 4ull << DCZID_BS(dczid);
	gm = 4ull << GMID_BS(read_sysreg_s(GMID_EL1));
	chunk = MAX(MAX(dcz, gm), 64);
	if (!IS_ALIGNED(a | size, chunk) || (dczid & DCZID_DZP)) {
		zero_granules(a, size);
		dsb(ish);
		return true;
	}
	/*
	 * As the plain scrub (hv/core/vm.c), only what is not zero already
	 * is written: under an emulator the first write to a page makes the
	 * host allocate it, data and tag storage alike.  DC GZVA zeroes a
	 * whole DCZID_EL0.BS block, data and tags.
	 */
	for (uintptr_t end = a + size; a < end; a += chunk) {
		if (data_zero((const uint64_t *)a, chunk) &&
		    tags_zero(a, chunk, gm))
			continue;
		for (uintptr_t b = a; b < a + chunk; b += dcz)
			__asm__ volatile(MTE_ASM "dc gzva, %0"
					 :
					 : "r"(b)
					 : "memory");
	}
	dsb(ish);
	return true;
}
