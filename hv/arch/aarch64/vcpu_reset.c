/* SPDX-License-Identifier: MIT */
/*
 * The EL0/EL1 register state a vCPU starts with.  A vCPU owns its CPU's
 * EL1 registers for its whole life (cpu.c), so whatever its previous life
 * left in them is still there at the next start: every register a guest can
 * read is given a fixed value here, at every start, the first included, so
 * a restart looks like a cold boot.  The vGIC CPU interface state (list
 * registers, active priorities, ICH_VMCR_EL2) is reset by vgic_lr_clear().
 *
 * What a CPU has is read from its ID registers (the real ones: EL2 reads
 * are never trapped); a register of a feature it lacks is not touched, as
 * the access would UNDEF at EL2.
 */
#include "arch/mte.h"
#include "arch/vcpu_reset.h"
#include "asm_defs.h"
#include "hv/types.h"
#include "sysreg.h"

/* SCTLR_EL1 at reset for Linux: RES1 bits, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ull

/* PMCR_EL0 (Arm ARM D13.4.7). */
#define PMCR_P (1ull << 1)
#define PMCR_C (1ull << 2)
#define PMCR_LC (1ull << 6)
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)
#define PMU_ALL_COUNTERS 0xffffffffull

/* CPTR_EL2 (HCR_EL2.E2H 0): SVE and FP/SIMD traps. */
#define CPTR_EL2_TZ (1ull << 8)
#define CPTR_EL2_TFP (1ull << 10)

/* ZCR_ELx.LEN: the largest vector length the CPU implements. */
#define ZCR_LEN_MAX 0xfull

/*
 * Registers of optional features, as op0, op1, CRn, CRm, op2: the assembler
 * refuses their names (and encodings) for the base architecture, so they
 * are only ever zeroed, by an MSR of XZR spelt out (Arm ARM C6.2.249).
 */
#define ID_AA64ISAR2_EL1 S3_0_C0_C6_2
#define TPIDR2_EL0 3, 3, 13, 0, 5
#define LORSA_EL1 3, 0, 10, 4, 0
#define LOREA_EL1 3, 0, 10, 4, 1
#define LORN_EL1 3, 0, 10, 4, 2
#define LORC_EL1 3, 0, 10, 4, 3
#define APIAKEYLO_EL1 3, 0, 2, 1, 0
#define APIAKEYHI_EL1 3, 0, 2, 1, 1
#define APIBKEYLO_EL1 3, 0, 2, 1, 2
#define APIBKEYHI_EL1 3, 0, 2, 1, 3
#define APDAKEYLO_EL1 3, 0, 2, 2, 0
#define APDAKEYHI_EL1 3, 0, 2, 2, 1
#define APDBKEYLO_EL1 3, 0, 2, 2, 2
#define APDBKEYHI_EL1 3, 0, 2, 2, 3
#define APGAKEYLO_EL1 3, 0, 2, 3, 0
#define APGAKEYHI_EL1 3, 0, 2, 3, 1
#define RGSR_EL1 3, 0, 1, 0, 5
#define GCR_EL1 3, 0, 1, 0, 6
#define TFSR_EL1 3, 0, 5, 6, 0
#define TFSRE0_EL1 3, 0, 5, 6, 1

#define MSR_XZR(op0, op1, crn, crm, op2)                                      \
	(0xd500001fu | (op0) << 19 | (op1) << 16 | (crn) << 12 | (crm) << 8 | \
	 (op2) << 5)
#define zero_sysreg_(...) \
	__asm__ volatile(".inst %c0" : : "i"(MSR_XZR(__VA_ARGS__)) : "memory")
#define zero_sysreg(reg) zero_sysreg_(reg)

/* A 4-bit ID register field at @shift. */
#define ID_FIELD(reg, shift) ((unsigned)((reg) >> (shift)) & 0xfu)

/* ACTLR_EL1 as the firmware left it, read before any guest ran. */
static uint64_t actlr_at_boot[HV_MAX_CPUS];
static bool actlr_saved[HV_MAX_CPUS];

static void reset_fpsimd(void)
{
	__asm__ volatile(
		"movi v0.16b, #0\n\tmovi v1.16b, #0\n\tmovi v2.16b, #0\n\t"
		"movi v3.16b, #0\n\tmovi v4.16b, #0\n\tmovi v5.16b, #0\n\t"
		"movi v6.16b, #0\n\tmovi v7.16b, #0\n\tmovi v8.16b, #0\n\t"
		"movi v9.16b, #0\n\tmovi v10.16b, #0\n\tmovi v11.16b, #0\n\t"
		"movi v12.16b, #0\n\tmovi v13.16b, #0\n\tmovi v14.16b, #0\n\t"
		"movi v15.16b, #0\n\tmovi v16.16b, #0\n\tmovi v17.16b, #0\n\t"
		"movi v18.16b, #0\n\tmovi v19.16b, #0\n\tmovi v20.16b, #0\n\t"
		"movi v21.16b, #0\n\tmovi v22.16b, #0\n\tmovi v23.16b, #0\n\t"
		"movi v24.16b, #0\n\tmovi v25.16b, #0\n\tmovi v26.16b, #0\n\t"
		"movi v27.16b, #0\n\tmovi v28.16b, #0\n\tmovi v29.16b, #0\n\t"
		"movi v30.16b, #0\n\tmovi v31.16b, #0\n\t"
		"msr fpcr, xzr\n\tmsr fpsr, xzr" ::
			: "memory");
}

/*
 * The guest's vector length is at most ZCR_EL2's, which is set to the
 * largest the CPU has before the registers are zeroed at that length: no
 * bit the guest can reach is left out.
 */
static void reset_sve(void)
{
	__asm__ volatile(".arch_extension sve\n\t"
			 "msr zcr_el2, %0\n\tisb"
			 :
			 : "r"(ZCR_LEN_MAX)
			 : "memory");
	__asm__ volatile("dup z0.b, #0\n\tdup z1.b, #0\n\tdup z2.b, #0\n\t"
			 "dup z3.b, #0\n\tdup z4.b, #0\n\tdup z5.b, #0\n\t"
			 "dup z6.b, #0\n\tdup z7.b, #0\n\tdup z8.b, #0\n\t"
			 "dup z9.b, #0\n\tdup z10.b, #0\n\tdup z11.b, #0\n\t"
			 "dup z12.b, #0\n\tdup z13.b, #0\n\tdup z14.b, #0\n\t"
			 "dup z15.b, #0\n\tdup z16.b, #0\n\tdup z17.b, #0\n\t"
			 "dup z18.b, #0\n\tdup z19.b, #0\n\tdup z20.b, #0\n\t"
			 "dup z21.b, #0\n\tdup z22.b, #0\n\tdup z23.b, #0\n\t"
			 "dup z24.b, #0\n\tdup z25.b, #0\n\tdup z26.b, #0\n\t"
			 "dup z27.b, #0\n\tdup z28.b, #0\n\tdup z29.b, #0\n\t"
			 "dup z30.b, #0\n\tdup z31.b, #0\n\t"
			 "pfalse p0.b\n\twrffr p0.b\n\tpfalse p1.b\n\t"
			 "pfalse p2.b\n\tpfalse p3.b\n\tpfalse p4.b\n\t"
			 "pfalse p5.b\n\tpfalse p6.b\n\tpfalse p7.b\n\t"
			 "pfalse p8.b\n\tpfalse p9.b\n\tpfalse p10.b\n\t"
			 "pfalse p11.b\n\tpfalse p12.b\n\tpfalse p13.b\n\t"
			 "pfalse p14.b\n\tpfalse p15.b" ::
				 : "memory");
	__asm__ volatile("msr zcr_el1, xzr" ::: "memory");
}

static void reset_pauth(void)
{
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);
	uint64_t isar2 = read_sysreg(ID_AA64ISAR2_EL1);
	bool address = ID_FIELD(isar1, 4) || ID_FIELD(isar1, 8) ||
		       ID_FIELD(isar2, 12);
	bool generic = ID_FIELD(isar1, 24) || ID_FIELD(isar1, 28) ||
		       ID_FIELD(isar2, 8);

	/* SCTLR_EL1_RESET leaves the keys unused until the guest sets its own. */
	if (address) {
		zero_sysreg(APIAKEYLO_EL1);
		zero_sysreg(APIAKEYHI_EL1);
		zero_sysreg(APIBKEYLO_EL1);
		zero_sysreg(APIBKEYHI_EL1);
		zero_sysreg(APDAKEYLO_EL1);
		zero_sysreg(APDAKEYHI_EL1);
		zero_sysreg(APDBKEYLO_EL1);
		zero_sysreg(APDBKEYHI_EL1);
	}
	if (generic) {
		zero_sysreg(APGAKEYLO_EL1);
		zero_sysreg(APGAKEYHI_EL1);
	}
}

static void reset_pmu(uint64_t dfr0, uint64_t pfr0)
{
	unsigned ver = ID_FIELD(dfr0, 8), n;
	uint64_t pmcr = 0;

	if (ver == 0 || ver == 0xf)
		return;
	n = PMCR_N(read_sysreg(pmcr_el0));
	/* As KVM: a 64-bit cycle counter unless EL0 can run AArch32. */
	if (ID_FIELD(pfr0, 0) == 1)
		pmcr |= PMCR_LC;
	write_sysreg(pmcr_el0, pmcr | PMCR_P | PMCR_C);
	write_sysreg(pmcntenclr_el0, PMU_ALL_COUNTERS);
	write_sysreg(pmintenclr_el1, PMU_ALL_COUNTERS);
	write_sysreg(pmovsclr_el0, PMU_ALL_COUNTERS);
	write_sysreg(pmuserenr_el0, 0);
	write_sysreg(pmccfiltr_el0, 0);
	write_sysreg(pmccntr_el0, 0);
	for (unsigned i = 0; i < n; i++) {
		write_sysreg(pmselr_el0, i);
		isb();
		write_sysreg(pmxevtyper_el0, 0);
		write_sysreg(pmxevcntr_el0, 0);
	}
	write_sysreg(pmselr_el0, 0);
}

#define DBG_CASE(n, op2a, op2b)                         \
	case n:                                         \
		write_sysreg(S2_0_C0_C##n##_##op2a, 0); \
		write_sysreg(S2_0_C0_C##n##_##op2b, 0); \
		break
#define DBG_SWITCH(n, op2a, op2b)         \
	switch (n) {                      \
		DBG_CASE(0, op2a, op2b);  \
		DBG_CASE(1, op2a, op2b);  \
		DBG_CASE(2, op2a, op2b);  \
		DBG_CASE(3, op2a, op2b);  \
		DBG_CASE(4, op2a, op2b);  \
		DBG_CASE(5, op2a, op2b);  \
		DBG_CASE(6, op2a, op2b);  \
		DBG_CASE(7, op2a, op2b);  \
		DBG_CASE(8, op2a, op2b);  \
		DBG_CASE(9, op2a, op2b);  \
		DBG_CASE(10, op2a, op2b); \
		DBG_CASE(11, op2a, op2b); \
		DBG_CASE(12, op2a, op2b); \
		DBG_CASE(13, op2a, op2b); \
		DBG_CASE(14, op2a, op2b); \
		DBG_CASE(15, op2a, op2b); \
	}

/* Breakpoint (value op2 4, control 5) or watchpoint (6, 7) number @n. */
static void reset_debug_pair(unsigned n, bool watchpoint)
{
	if (watchpoint)
		DBG_SWITCH(n, 6, 7)
	else
		DBG_SWITCH(n, 4, 5)
}

static void reset_debug(uint64_t dfr0)
{
	unsigned brps = ID_FIELD(dfr0, 12) + 1, wrps = ID_FIELD(dfr0, 20) + 1;

	write_sysreg(mdscr_el1, 0);
	for (unsigned i = 0; i < brps; i++)
		reset_debug_pair(i, false);
	for (unsigned i = 0; i < wrps; i++)
		reset_debug_pair(i, true);
	write_sysreg(mdccint_el1, 0);
	/*
	 * The claim tags (DBGCLAIM*_EL1) are left alone: QEMU 7.2 lacks them
	 * and the access would fault at EL2; they are 8 bits without effect.
	 */
	if (ID_FIELD(dfr0, 36) != 0xf)
		write_sysreg(osdlr_el1, 0);
	/* Unlocked, as KVM resets it: the guest's own debug code decides. */
	write_sysreg(oslar_el1, 0);
}

/* Registers of optional features, each only where the CPU has it. */
static void reset_optional(uint64_t pfr0, uint64_t pfr1)
{
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);

	/*
	 * TPIDR2_EL0 is not behind the SME traps: a guest reaches it anyway.
	 * Firmware for SME sets SCR_EL3.EnTP2 (Linux's booting.rst asks it).
	 */
	if (ID_FIELD(pfr1, 24))
		zero_sysreg(TPIDR2_EL0);
	/*
	 * The MTE registers, where the guest has them (HCR_EL2.ATA, mte.c):
	 * no tag exclusion or random seed of the last life, no tag check
	 * fault it left pending.  SCTLR_EL1_RESET has ATA, ATA0, TCF and TCF0
	 * clear, so nothing is checked until the guest asks.
	 */
	if (mte_present()) {
		zero_sysreg(GCR_EL1);
		zero_sysreg(RGSR_EL1);
		zero_sysreg(TFSR_EL1);
		zero_sysreg(TFSRE0_EL1);
	}
	/*
	 * SCXTNUM_EL0/EL1 are not reset: the guest cannot reach them
	 * (HCR_EL2.EnSCXT clear), and on a machine whose firmware leaves
	 * SCR_EL3.EnSCXT clear an EL2 access would trap to EL3.
	 */
	/* A guest's DISR_EL1 is VDISR_EL2 while HCR_EL2.AMO is set. */
	if (ID_FIELD(pfr0, 28)) {
		write_sysreg_s(VDISR_EL2, 0);
		write_sysreg_s(VSESR_EL2, 0);
	}
	if (ID_FIELD(mmfr1, 16)) {
		zero_sysreg(LORC_EL1);
		zero_sysreg(LORSA_EL1);
		zero_sysreg(LOREA_EL1);
		zero_sysreg(LORN_EL1);
	}
}

static void reset_el1_base(unsigned pcpu)
{
	if (pcpu < HV_MAX_CPUS && !actlr_saved[pcpu]) {
		actlr_at_boot[pcpu] = read_sysreg(actlr_el1);
		actlr_saved[pcpu] = true;
	}
	if (pcpu < HV_MAX_CPUS)
		write_sysreg(actlr_el1, actlr_at_boot[pcpu]);
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(vbar_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(amair_el1, 0);
	write_sysreg(cpacr_el1, 0);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(par_el1, 0);
	write_sysreg(afsr0_el1, 0);
	write_sysreg(afsr1_el1, 0);
	write_sysreg(csselr_el1, 0);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntp_cval_el0, 0);
}

void vcpu_reset_el1(unsigned pcpu)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	uint64_t cptr = read_sysreg(cptr_el2);

	reset_el1_base(pcpu);
	/* What CPTR_EL2 traps, EL2 cannot touch either, nor can the guest. */
	if (ID_FIELD(pfr0, 16) != 0xf && !(cptr & CPTR_EL2_TFP))
		reset_fpsimd();
	if (ID_FIELD(pfr0, 32) && !(cptr & (CPTR_EL2_TFP | CPTR_EL2_TZ)))
		reset_sve();
	reset_pauth();
	reset_pmu(dfr0, pfr0);
	reset_debug(dfr0);
	reset_optional(pfr0, pfr1);
	isb();
}
