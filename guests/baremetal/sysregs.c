/* SPDX-License-Identifier: MIT */
/*
 * sysregs: what a guest sees of the system registers the hypervisor traps
 * (tests/system/test_sysregs.py; docs/isolation.md "System registers").
 * RAS error records read as zero and ignore writes, the ID registers show
 * no feature the VM does not get, ACTLR_EL1 cannot be changed, cache
 * maintenance by set/way completes, LORegion registers are UNDEFINED, and
 * no PMU counter counts the hypervisor.  (IMPLEMENTATION DEFINED registers
 * trap too, HCR_EL2.TIDCP, but QEMU 7.2 does not implement that trap.)
 *
 * The guest ends by printing "sysregs: trapped N", the number of accesses
 * it made that the hypervisor must have trapped; the test compares it with
 * the VM's sysreg exit count.
 */
#include "baremetal/exceptions.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"

/* Two levels, so the register names below (S3_...) expand first. */
#define rd(reg) read_sysreg(reg)
#define wr(reg, val) write_sysreg(reg, val)

#define ID_AA64PFR0_EL1 S3_0_C0_C4_0
#define ID_AA64PFR1_EL1 S3_0_C0_C4_1
#define ID_AA64SMFR0_EL1 S3_0_C0_C4_5
#define ID_AA64DFR0_EL1 S3_0_C0_C5_0
#define ID_AA64MMFR0_EL1 S3_0_C0_C7_0
#define ID_AA64MMFR1_EL1 S3_0_C0_C7_1
#define ERRIDR_EL1 S3_0_C5_C3_0
#define ERRSELR_EL1 S3_0_C5_C3_1
#define ERXFR_EL1 S3_0_C5_C4_0
#define ERXCTLR_EL1 S3_0_C5_C4_1
#define ERXSTATUS_EL1 S3_0_C5_C4_2
#define ERXADDR_EL1 S3_0_C5_C4_3
#define ERXMISC0_EL1 S3_0_C5_C5_0
#define ERXMISC1_EL1 S3_0_C5_C5_1

#define FIELD(reg, shift) (((reg) >> (shift)) & 0xfu)

/* PMU (Arm ARM D13.3): PMCR_EL0 E, P, C; filter bits of PMEVTYPER/PMCCFILTR. */
#define PMCR_E BIT(0)
#define PMCR_P BIT(1)
#define PMCR_C BIT(2)
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)
#define FILT_P BIT(31)	 /* do not count EL1 */
#define FILT_U BIT(30)	 /* do not count EL0 */
#define FILT_NSH BIT(27) /* count EL2 */
#define EV_INST_RETIRED 0x08
#define EV_CPU_CYCLES 0x11
#define PMU_HVCS 20000u

/* Accesses made that only reach their emulation through a trap. */
static uint64_t trapped;

#define rd_trapped(reg) (trapped++, rd(reg))
#define wr_trapped(reg, val)  \
	do {                  \
		trapped++;    \
		wr(reg, val); \
	} while (0)

/* Read @insn's result expecting an UNDEFINED exception instead. */
#define ASSERT_UNDEF(insn)                                      \
	do {                                                    \
		struct fault f_;                                \
		uint64_t v_ = 0;                                \
		expect_fault();                                 \
		__asm__ volatile(insn : "=r"(v_) : : "memory"); \
		ASSERT_TRUE(fault_taken(&f_));                  \
		ASSERT_EQ(ESR_EC(f_.esr), EC_UNKNOWN);          \
		(void)v_;                                       \
	} while (0)

TEST(id_registers_show_only_what_the_vm_gets)
{
	uint64_t pfr0 = rd_trapped(ID_AA64PFR0_EL1);
	uint64_t pfr1 = rd_trapped(ID_AA64PFR1_EL1);
	uint64_t dfr0 = rd_trapped(ID_AA64DFR0_EL1);
	uint64_t mmfr0 = rd_trapped(ID_AA64MMFR0_EL1);
	uint64_t mmfr1 = rd_trapped(ID_AA64MMFR1_EL1);

	printf("sysregs: pfr0 0x%lx pfr1 0x%lx dfr0 0x%lx mmfr0 0x%lx "
	       "mmfr1 0x%lx\n",
	       pfr0, pfr1, dfr0, mmfr0, mmfr1);
	ASSERT_EQ(FIELD(pfr0, 8), 0);	  /* EL2: no nested virtualization */
	ASSERT_EQ(FIELD(pfr0, 12), 0);	  /* EL3 */
	ASSERT_EQ(FIELD(pfr0, 40), 0);	  /* MPAM */
	ASSERT_EQ(FIELD(pfr0, 44), 0);	  /* AMU */
	ASSERT_TRUE(FIELD(pfr1, 8) <= 3); /* MTE: the CPU's (features.c) */
	ASSERT_EQ(FIELD(pfr1, 52), 0);	  /* MTEX */
	ASSERT_EQ(FIELD(pfr1, 24), 0);	  /* SME */
	ASSERT_EQ(rd_trapped(ID_AA64SMFR0_EL1), 0);
	ASSERT_EQ(FIELD(dfr0, 4), 0);	/* TraceVer */
	ASSERT_EQ(FIELD(dfr0, 32), 0);	/* PMSVer: SPE */
	ASSERT_EQ(FIELD(dfr0, 40), 0);	/* TraceFilt */
	ASSERT_EQ(FIELD(dfr0, 44), 0);	/* TraceBuffer: TRBE */
	ASSERT_EQ(FIELD(mmfr0, 56), 0); /* FGT */
	ASSERT_EQ(FIELD(mmfr1, 8), 0);	/* VH */
	ASSERT_EQ(FIELD(mmfr1, 16), 0); /* LO */
	ASSERT_EQ(FIELD(mmfr1, 40), 0); /* HCX */
	/* Reserved encodings of the ID space read as zero. */
	ASSERT_EQ(rd_trapped(S3_0_C0_C3_3), 0);
	ASSERT_EQ(rd_trapped(S3_0_C0_C7_7), 0);
}

/*
 * Write @val to error record register @reg and read it back: with no
 * records (ERRIDR_EL1.NUM 0) the register is RAZ/WI or UNDEFINED (QEMU's
 * choice), never holding what was written.
 */
#define ASSERT_RECORD_REG_EMPTY(reg, val)                                  \
	do {                                                               \
		struct fault f_;                                           \
		uint64_t v_ = ~0ull;                                       \
		bool undef_;                                               \
		expect_fault();                                            \
		__asm__ volatile("msr " #reg ", %0"                        \
				 :                                         \
				 : "r"((uint64_t)(val))                    \
				 : "memory");                              \
		undef_ = fault_taken(&f_);                                 \
		if (undef_)                                                \
			ASSERT_EQ(ESR_EC(f_.esr), EC_UNKNOWN);             \
		expect_fault();                                            \
		__asm__ volatile("mrs %0, " #reg : "+r"(v_) : : "memory"); \
		ASSERT_EQ(fault_taken(&f_), undef_);                       \
		if (!undef_)                                               \
			ASSERT_EQ(v_, 0);                                  \
	} while (0)
/* Expands the register's name before ASSERT_RECORD_REG_EMPTY quotes it. */
#define RECORD_REG_EMPTY(reg, val) ASSERT_RECORD_REG_EMPTY(reg, val)

TEST(ras_error_records_read_as_zero_and_ignore_writes)
{
	if (!FIELD(rd_trapped(ID_AA64PFR0_EL1), 28))
		SKIP_TEST("no RAS on this CPU: the records are UNDEFINED");
	/* No error record is the guest's (KVM shows the same). */
	ASSERT_EQ(rd_trapped(ERRIDR_EL1), 0);
	RECORD_REG_EMPTY(ERRSELR_EL1, 1);
	RECORD_REG_EMPTY(ERXCTLR_EL1, ~0ull);
	RECORD_REG_EMPTY(ERXSTATUS_EL1, ~0ull);
	RECORD_REG_EMPTY(ERXADDR_EL1, ~0ull);
	RECORD_REG_EMPTY(ERXMISC0_EL1, ~0ull);
	RECORD_REG_EMPTY(ERXMISC1_EL1, ~0ull);
}

TEST(actlr_el1_cannot_be_changed)
{
	uint64_t boot = rd_trapped(actlr_el1);

	wr_trapped(actlr_el1, ~boot);
	ASSERT_EQ(rd_trapped(actlr_el1), boot);
	wr_trapped(actlr_el1, 0);
	ASSERT_EQ(rd_trapped(actlr_el1), boot);
}

TEST(lor_registers_are_undefined)
{
	/* ID_AA64MMFR1_EL1.LO reads 0: LORegions are not the guest's. */
	/* Not counted as trapped: a CPU without LOR UNDEFs it at EL1. */
	ASSERT_UNDEF("mrs %0, S3_0_C10_C4_7"); /* LORID_EL1 */
}

enum dc_sw_op {
	DC_CISW,
	DC_CSW,
	DC_ISW
};

static void dc_sw(enum dc_sw_op op, uint64_t v)
{
	if (op == DC_CISW)
		__asm__ volatile("dc cisw, %0" : : "r"(v) : "memory");
	else if (op == DC_CSW)
		__asm__ volatile("dc csw, %0" : : "r"(v) : "memory");
	else
		__asm__ volatile("dc isw, %0" : : "r"(v) : "memory");
	trapped++;
}

/* @op on every line of every data cache, as firmware flushes them. */
static void dc_sw_all(enum dc_sw_op op)
{
	uint64_t clidr = rd(clidr_el1);

	for (unsigned l = 0; l < 7; l++) {
		uint64_t ccsidr;
		unsigned sets, ways, lshift, wshift;

		if (((clidr >> (3 * l)) & 7) < 2)
			continue; /* no data or unified cache at this level */
		wr(csselr_el1, l << 1);
		isb();
		ccsidr = rd(ccsidr_el1);
		lshift = (ccsidr & 7) + 4;
		ways = ((ccsidr >> 3) & 0x3ff) + 1;
		sets = ((ccsidr >> 13) & 0x7fff) + 1;
		wshift = ways > 1 ? __builtin_clz(ways - 1) : 0;
		for (unsigned w = 0; w < ways; w++)
			for (unsigned s = 0; s < sets; s++)
				dc_sw(op, (uint64_t)w << wshift |
						  (uint64_t)s << lshift |
						  l << 1);
	}
	dsb(sy);
}

TEST(cache_maintenance_by_set_way_completes)
{
	static volatile uint64_t marker = 0x5e7a5e7a;

	dc_sw_all(DC_CISW);
	dc_sw_all(DC_CSW);
	dc_sw_all(DC_ISW);
	/* Out-of-range set, way and level: still no fault, no hang. */
	dc_sw(DC_CISW, ~0ull);
	/* An invalidate by set/way never drops dirty data: it is cleaned. */
	ASSERT_EQ(marker, 0x5e7a5e7a);
}

static uint64_t pmu_count_across_hvcs(uint64_t filter)
{
	wr(pmccfiltr_el0, filter);
	wr(pmselr_el0, 0);
	isb();
	wr(pmxevtyper_el0, filter | EV_INST_RETIRED);
	wr(pmcntenset_el0, BIT(31) | BIT(0));
	wr(pmcr_el0, PMCR_E | PMCR_P | PMCR_C);
	isb();
	for (unsigned i = 0; i < PMU_HVCS; i++)
		psci_call(PSCI_VERSION, 0, 0, 0);
	wr(pmcr_el0, 0);
	isb();
	wr(pmselr_el0, 0);
	isb();
	return rd(pmccntr_el0) + rd(pmxevcntr_el0);
}

TEST(pmu_counters_never_count_the_hypervisor)
{
	uint64_t pmuver = FIELD(rd_trapped(ID_AA64DFR0_EL1), 8);

	if (pmuver == 0) {
		/* Hidden: every PMU register is UNDEFINED. */
		ASSERT_UNDEF("mrs %0, pmcr_el0");
		trapped++;
		ASSERT_UNDEF("mrs %0, pmccntr_el0");
		trapped++;
		return;
	}
	ASSERT_TRUE(PMCR_N(rd(pmcr_el0)) >= 1);
	/* The counters do count this VM's EL1: the check below means something. */
	ASSERT_NE(pmu_count_across_hvcs(FILT_U), 0);
	/* Counting EL2 only, across thousands of exits to it: nothing. */
	ASSERT_EQ(pmu_count_across_hvcs(FILT_P | FILT_U | FILT_NSH), 0);
}

TEST(report_trapped_accesses)
{
	printf("sysregs: trapped %lu\n", trapped);
}
