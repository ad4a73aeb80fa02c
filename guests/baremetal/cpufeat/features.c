/* SPDX-License-Identifier: MIT */
/*
 * Every CPU feature a VM may be shown is either given, working, or hidden
 * consistently (docs/isolation.md "CPU features"): for each, the guest
 * reads its ID register field and runs one of its instructions or register
 * accesses.  A field that says present must come with an instruction that
 * runs; a field that says absent with one that is UNDEFINED (ESR_EL1.EC 0),
 * whether the CPU lacks the feature or the hypervisor traps it.  Features
 * whose instructions sit in the hint space (BTI, PAC's hint forms) cannot
 * be UNDEFINED and are not in the table; neither are those without an
 * instruction of their own (LSE2, LPA2, ...).  Part of the sysregs guest
 * (guests/baremetal/baremetal.mk), run by tests/system/test_sysregs.py on
 * cortex-a72, `max` and `max` with the machine's tag memory.
 */
#include "baremetal/exceptions.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"

/* The assembler takes these instructions only with their extensions. */
__asm__(".arch armv8.6-a\n\t.arch_extension sve\n\t.arch_extension sme\n\t"
	".arch_extension memtag\n\t.arch_extension rng\n\t"
	".arch_extension predres\n\t.arch_extension i8mm\n\t"
	".arch_extension bf16\n\t.arch_extension fp16\n\t"
	".arch_extension sha3");

#define CPACR_FPEN (3ull << 20)
#define CPACR_ZEN (3ull << 16)
#define CPACR_SMEN (3ull << 24)

/* The ID registers by encoding: two levels, so the names expand first. */
#define rd(reg) read_sysreg(reg)
#define ID_AA64PFR0 rd(S3_0_C0_C4_0)
#define ID_AA64PFR1 rd(S3_0_C0_C4_1)
#define ID_AA64ISAR0 rd(S3_0_C0_C6_0)
#define ID_AA64ISAR1 rd(S3_0_C0_C6_1)
#define ID_AA64ISAR2 rd(S3_0_C0_C6_2)
#define ID_AA64MMFR0 rd(S3_0_C0_C7_0)

enum id_reg {
	PFR0,
	PFR1,
	ISAR0,
	ISAR1,
	ISAR2,
	MMFR0
};

static uint64_t id_read(enum id_reg r)
{
	switch (r) {
	case PFR0:
		return ID_AA64PFR0;
	case PFR1:
		return ID_AA64PFR1;
	case ISAR0:
		return ID_AA64ISAR0;
	case ISAR1:
		return ID_AA64ISAR1;
	case ISAR2:
		return ID_AA64ISAR2;
	default:
		return ID_AA64MMFR0;
	}
}

#define INSN(fn, text)                                             \
	static void fn(void)                                       \
	{                                                          \
		__asm__ volatile(text : : : "x0", "v0", "memory"); \
	}

INSN(sve_rdvl, "rdvl x0, #1")
INSN(sme_svcr, "mrs x0, svcr")
INSN(sme_smcr, "mrs x0, S3_0_C1_C2_6") /* SMCR_EL1 */
INSN(mte_gcr, "mrs x0, gcr_el1")
INSN(mte_irg, "irg x0, sp")
INSN(pauth_pacga, "pacga x0, x0, x0")
INSN(rndr, "mrs x0, rndr")
INSN(dotprod, "sdot v0.4s, v0.16b, v0.16b")
INSN(fp16, "fadd h0, h0, h0")
INSN(bf16, "bfdot v0.2s, v0.4h, v0.4h")
INSN(i8mm, "smmla v0.4s, v0.16b, v0.16b")
INSN(frintts, "frint32z d0, d0")
INSN(flagm, "cfinv")
INSN(sb, "sb")
INSN(specres, "cfp rctx, x0")
INSN(sha3, "eor3 v0.16b, v0.16b, v0.16b, v0.16b")
INSN(lse, "sub sp, sp, #16\n\tmov x0, sp\n\tswpal xzr, xzr, [x0]\n\t"
	  "add sp, sp, #16")
INSN(ecv_cntpctss, "mrs x0, S3_3_C14_C0_5") /* CNTPCTSS_EL0 */
/* WFIT X0 (gas 2.40 does not know it): a deadline of 0, already past. */
INSN(wfxt, "mov x0, #0\n\t.inst 0xd5031020")

/** One feature: its ID field and what it takes to be present. */
struct feature {
	const char *name;
	enum id_reg reg;
	unsigned shift, min; /* present when field >= min */
	void (*insn)(void);
	bool hidden; /* the VM must never be shown it */
};

static const struct feature features[] = {
	{ "sve", PFR0, 32, 1, sve_rdvl, false },
	{ "sme-svcr", PFR1, 24, 1, sme_svcr, true },
	{ "sme-smcr", PFR1, 24, 1, sme_smcr, true },
	{ "mte2-gcr", PFR1, 8, 2, mte_gcr, false },
	{ "mte-irg", PFR1, 8, 1, mte_irg, false },
	{ "pauth-pacga-qarma5", ISAR1, 28, 1, pauth_pacga, false },
	{ "rndr", ISAR0, 60, 1, rndr, false },
	{ "dotprod", ISAR0, 44, 1, dotprod, false },
	{ "sha3", ISAR0, 32, 1, sha3, false },
	{ "lse", ISAR0, 20, 2, lse, false },
	{ "flagm", ISAR0, 52, 1, flagm, false },
	{ "fp16", PFR0, 16, 1, fp16, false },
	{ "bf16", ISAR1, 44, 1, bf16, false },
	{ "i8mm", ISAR1, 52, 1, i8mm, false },
	{ "frintts", ISAR1, 32, 1, frintts, false },
	{ "sb", ISAR1, 36, 1, sb, false },
	{ "specres", ISAR1, 40, 1, specres, false },
	{ "ecv", MMFR0, 60, 1, ecv_cntpctss, false },
	{ "wfxt", ISAR2, 0, 2, wfxt, false },
};

#define FEATURE_COUNT (sizeof(features) / sizeof(features[0]))

/* Run @f's instruction: true if it ran, false if it was UNDEFINED. */
static bool runs(const struct feature *f, uint64_t *esr)
{
	struct fault flt;

	expect_fault();
	f->insn();
	if (!fault_taken(&flt))
		return true;
	*esr = flt.esr;
	return false;
}

TEST(cpu_features_given_or_hidden)
{
	unsigned given = 0, bad = 0;

	/* Open what EL1 itself traps, so only EL2's walls are left. */
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN |
					CPACR_ZEN | CPACR_SMEN);
	isb();
	for (unsigned i = 0; i < FEATURE_COUNT; i++) {
		const struct feature *f = &features[i];
		unsigned field = (id_read(f->reg) >> f->shift) & 0xf;
		bool present = field >= f->min, ok;
		uint64_t esr = 0;

		/* FP16 lives in the signed FP field: 0xF is no FP at all. */
		if (f->insn == fp16)
			present = field == 1;
		ok = runs(f, &esr);
		printf("features: %s id %u %s, %s\n", f->name, field,
		       present ? "present" : "absent",
		       ok ? "runs" : "undefined");
		if (present != ok || (!ok && ESR_EC(esr) != EC_UNKNOWN) ||
		    (f->hidden && present)) {
			printf("features: %s inconsistent (ESR 0x%lx)\n",
			       f->name, esr);
			bad++;
		}
		given += present;
	}
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) & ~CPACR_SMEN);
	isb();
	printf("features: %u of %u given\n", given, (unsigned)FEATURE_COUNT);
	ASSERT_EQ(bad, 0);
}
