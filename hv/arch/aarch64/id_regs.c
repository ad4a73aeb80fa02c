/* SPDX-License-Identifier: MIT */
/*
 * The ID registers a guest reads (HCR_EL2.TID3 traps them all): a table of
 * per-field limits, one row per register.  A field reads as the smaller of
 * the hardware's value and the limit, so a limit of 0 hides a feature and F
 * passes it; signed fields (where 0xF means "not implemented", Arm ARM
 * D19.1.3) compare as signed, with 7 passing them.  Pure C: the host unit
 * tests run exactly this file.
 */
#include "arch/id_regs.h"

#define FIELDS 16u
#define FIELD_SHIFT(n) (4u * (n))
#define FIELD_BIT(n) (1u << (n))

#define PFR0_EL0 0u
#define DFR0_PMUVER 2u
#define ID_DFR0_PERFMON 6u
#define PMUVER_V3 1u
#define PMUVER_V3P1 4u
#define PMUVER_V3P5 6u
#define PMUVER_IMPDEF 0xfu
#define EL0_AARCH32 2u

/** One ID register: its encoding, its limits, and what is special. */
struct id_reg_desc {
	uint8_t crm, op2;
	uint16_t signed_fields; /* bit n: field n is signed */
	uint8_t pmu_field;	/* field holding the PMU version, or FIELDS */
	bool aarch32;		/* zero without AArch32 at EL0 */
	uint64_t limit;		/* field n in bits [4n+3:4n] */
};

#define ID_REG(c, o, lim)                                             \
	{                                                             \
		.crm = c, .op2 = o, .pmu_field = FIELDS, .limit = lim \
	}
#define AA32_REG(c, o, lim)                                               \
	{                                                                 \
		.crm = c, .op2 = o, .pmu_field = FIELDS, .aarch32 = true, \
		.limit = lim                                              \
	}
#define PASS 0xffffffffffffffffull

/*
 * Fields named from the most significant; what is capped and why is in
 * docs/isolation.md "ID registers".  Registers not listed here (ID_AFR0,
 * ID_DFR1, ID_AA64PFR2, ID_AA64SMFR0, ID_AA64FPFR0, ID_AA64DFR1,
 * ID_AA64AFR0/1, ID_AA64ISAR3, ID_AA64MMFR3/4 and every reserved encoding)
 * read as zero: they describe features the VM does not get (SME, FPMR, MTE
 * extensions, BRBE, IMPLEMENTATION DEFINED facts) or that need enables in
 * HCRX_EL2 that stay off.
 */
static const struct id_reg_desc id_regs[] = {
	/* ID_PFR0: RAS, DIT, AMU 0, CSV2, State3..0. */
	AA32_REG(1, 0, 0xff0fffffull),
	/* ID_PFR1: GIC, Virt_frac 0, Sec_frac 0, GenTimer, Virt 0, MPM, Sec 0, ProgMod. */
	AA32_REG(1, 1, 0xf00f0f0full),
	/* ID_DFR0: TraceFilt 0, PerfMon, MProfDbg/MMapTrc/CopTrc 0, debug. */
	{ .crm = 1,
	  .op2 = 2,
	  .pmu_field = ID_DFR0_PERFMON,
	  .aarch32 = true,
	  .limit = 0x0f000fffull },
	AA32_REG(1, 4, PASS), /* ID_MMFR0..3 */
	AA32_REG(1, 5, PASS),
	AA32_REG(1, 6, PASS),
	AA32_REG(1, 7, PASS),
	AA32_REG(2, 0, PASS), /* ID_ISAR0..5, ID_MMFR4, ID_ISAR6 */
	AA32_REG(2, 1, PASS),
	AA32_REG(2, 2, PASS),
	AA32_REG(2, 3, PASS),
	AA32_REG(2, 4, PASS),
	AA32_REG(2, 5, PASS),
	AA32_REG(2, 6, PASS),
	AA32_REG(2, 7, PASS),
	AA32_REG(3, 0, PASS), /* MVFR0..2 */
	AA32_REG(3, 1, PASS),
	AA32_REG(3, 2, PASS),
	AA32_REG(3, 4, 0xfffull), /* ID_PFR2: RAS_frac, SSBS, CSV3 */
	AA32_REG(3, 6, PASS),	  /* ID_MMFR5: ETS */
	/*
	 * ID_AA64PFR0: CSV3, CSV2, RME 0, DIT, AMU 0, MPAM 0, SEL2 0, SVE,
	 * RAS, GIC, AdvSIMD, FP, EL3 0, EL2 0, EL1 AArch64 only, EL0.
	 */
	{ .crm = 4,
	  .op2 = 0,
	  .pmu_field = FIELDS,
	  .signed_fields = FIELD_BIT(4) | FIELD_BIT(5),
	  .limit = 0xff0f000fff77001full },
	/*
	 * ID_AA64PFR1: MTE_frac and MTE (at most 3) as the CPU has them
	 * (HCR_EL2.ATA is set with MTE2, mte.c); CSV2_frac; RNDR_trap, SME,
	 * MPAM_frac and the newer fields (NMI, GCS, THE, MTEX...) 0;
	 * RAS_frac, SSBS, BT.
	 */
	ID_REG(4, 1, 0x00000f0f0000f3ffull),
	ID_REG(4, 4, PASS), /* ID_AA64ZFR0: SVE is the guest's */
	/*
	 * ID_AA64DFR0: HPMN0, ExtTrcBuff, BRBE, MTPMU, TraceBuffer,
	 * TraceFilt 0; DoubleLock; PMSVer 0; CTX_CMPs; SEBEP 0; WRPs; PMSS 0;
	 * BRPs; PMUVer (by the PMU mode); TraceVer 0; DebugVer.
	 */
	{ .crm = 5,
	  .op2 = 0,
	  .pmu_field = DFR0_PMUVER,
	  .signed_fields = FIELD_BIT(9),
	  .limit = 0x00000070f0f0ff0full },
	/* ID_AA64ISAR0: TME 0, the rest EL0/EL1 instructions. */
	ID_REG(6, 0, 0xfffffffff0ffffffull),
	/* ID_AA64ISAR1: LS64 0 (needs HCRX_EL2 enables). */
	ID_REG(6, 1, 0x0fffffffffffffffull),
	/*
	 * ID_AA64ISAR2: ATS1A 0, LUT, CSSC, RPRFM, -, PRFMSLC, SYSINSTR_128 0,
	 * SYSREG_128 0, CLRBHB, PAC_frac, BC, MOPS 0 (HCRX_EL2.MSCEn stays
	 * 0), APA3, GPA3, RPRES, WFxT.
	 */
	ID_REG(6, 2, 0x0fff0f00fff0ffffull),
	/*
	 * ID_AA64MMFR0: ECV at most 1 (the EL0/EL1 part), FGT 0, ExS,
	 * TGran*_2 0 (no EL2 in the VM), TGran4, TGran64, TGran16,
	 * BigEndEL0, SNSMem, BigEnd, ASIDBits, PARange at most 40 bits (the
	 * stage-2 input range is 39).
	 */
	{ .crm = 7,
	  .op2 = 0,
	  .pmu_field = FIELDS,
	  .signed_fields = FIELD_BIT(6) | FIELD_BIT(7),
	  .limit = 0x1000f00077fffff2ull },
	/*
	 * ID_AA64MMFR1: ECBHB, CMOW, TIDCP1, nTLBPA, AFP, HCX 0, ETS, TWED 0,
	 * XNX 0, SpecSEI, PAN, LO 0 (LOR regs UNDEF), HPDS, VH 0, VMIDBits 0,
	 * HAFDBS.
	 */
	ID_REG(7, 1, 0xfffff0f00ff0f00full),
	/*
	 * ID_AA64MMFR2: E0PD, EVT 0, BBM, TTL, -, FWB 0, IDS, AT, ST, NV 0,
	 * CCIDX, VARange, IESB, LSM, UAO, CnP.
	 */
	ID_REG(7, 2, 0xf0ff00fff0ffffffull),
};

#define ID_REG_COUNT (sizeof(id_regs) / sizeof(id_regs[0]))

enum id_regs_pmu id_regs_pmu_mode(uint64_t dfr0)
{
	unsigned v = (unsigned)(dfr0 >> FIELD_SHIFT(DFR0_PMUVER)) & 0xfu;

	if (v == 0)
		return ID_REGS_PMU_NONE;
	/*
	 * Before PMUv3p1 there is no MDCR_EL2.HPMD: a guest that sets
	 * PMEVTYPER<n>_EL0.NSH would count the hypervisor's work.
	 */
	if (v == PMUVER_IMPDEF || v < PMUVER_V3P1)
		return ID_REGS_PMU_HIDDEN;
	return v < PMUVER_V3P5 ? ID_REGS_PMU_DP : ID_REGS_PMU_FULL;
}

struct id_regs_host id_regs_host_of(uint64_t pfr0, uint64_t dfr0)
{
	unsigned el0 = (unsigned)(pfr0 >> FIELD_SHIFT(PFR0_EL0)) & 0xfu;
	unsigned pmu = (unsigned)(dfr0 >> FIELD_SHIFT(DFR0_PMUVER)) & 0xfu;

	return (struct id_regs_host){ .aarch32_el0 = el0 == EL0_AARCH32,
				      .pmuv3 = pmu && pmu != PMUVER_IMPDEF,
				      .pmu = id_regs_pmu_mode(dfr0) };
}

static const struct id_reg_desc *find(unsigned crm, unsigned op2)
{
	for (unsigned i = 0; i < ID_REG_COUNT; i++)
		if (id_regs[i].crm == crm && id_regs[i].op2 == op2)
			return &id_regs[i];
	return 0;
}

bool id_regs_known(unsigned crm, unsigned op2)
{
	return find(crm, op2) != 0;
}

static unsigned field_min(unsigned hw, unsigned limit, bool is_signed)
{
	if (is_signed) {
		int h = hw >= 8 ? (int)hw - 16 : (int)hw;
		int l = limit >= 8 ? (int)limit - 16 : (int)limit;

		return (unsigned)(h < l ? h : l) & 0xfu;
	}
	return hw < limit ? hw : limit;
}

uint64_t id_regs_guest_value(unsigned crm, unsigned op2, uint64_t hw,
			     const struct id_regs_host *host)
{
	const struct id_reg_desc *d = find(crm, op2);
	uint64_t out = 0;

	if (!d || (d->aarch32 && !host->aarch32_el0))
		return 0;
	for (unsigned n = 0; n < FIELDS; n++) {
		unsigned h = (unsigned)(hw >> FIELD_SHIFT(n)) & 0xfu;
		unsigned l = (unsigned)(d->limit >> FIELD_SHIFT(n)) & 0xfu;
		unsigned v = field_min(h, l, d->signed_fields & FIELD_BIT(n));

		/* A PMU the guest may not use reads as no PMU at all. */
		if (n == d->pmu_field && host->pmu == ID_REGS_PMU_HIDDEN)
			v = 0;
		out |= (uint64_t)v << FIELD_SHIFT(n);
	}
	return out;
}
