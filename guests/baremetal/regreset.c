/* SPDX-License-Identifier: MIT */
/*
 * regreset: a restarted vCPU finds nothing of its previous life in its
 * registers (tests/system/test_lifecycle_regreset.py).
 *
 * First life (the management page reports 0 restarts): write a marker into
 * every EL0/EL1 register this CPU has and keeps (what is written reads
 * back), the FP/SIMD and SVE registers included, print which ones took it,
 * and reset the VM with PSCI SYSTEM_RESET.  The hypervisor restarts it
 * (`on-reset = "restart"`); RAM is scrubbed, so the second life knows which
 * it is from the management page alone.  It reads every register back and
 * prints each that still holds its marker, one test per group.
 *
 * A register that UNDEFs (the CPU lacks it, or the hypervisor traps it) is
 * absent.  Exceptions write ESR/ELR/SPSR/FAR_EL1, so the first life plants
 * the table from its end (those four last) and the second life reads it
 * from the start (those four first).  The runtime sets VBAR_EL1, SP_EL1 and
 * the ICC registers it uses before any test runs: they are not in the table.
 */
#include "baremetal/exceptions.h"
#include "baremetal/manage.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"

/* The assembler refuses the names of optional features' registers else. */
__asm__(".arch armv8.5-a\n\t.arch_extension sve\n\t"
	".arch_extension sme\n\t.arch_extension memtag");

#define CPACR_FPEN (3ull << 20)
#define CPACR_ZEN (3ull << 16)
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)
#define MARK(n) (0x5a5a5a5a00000000ull | (n))
/* The largest SVE vector length, in bytes. */
#define SVE_VL_MAX 256

enum group {
	G_EL1,
	G_PAUTH,
	G_PMU,
	G_DEBUG,
	G_GIC,
	G_SVE,
	G_COUNT
};

static const char *const group_names[G_COUNT] = {
	"el1", "pauth", "pmu", "debug", "gic", "sve",
};

struct reg {
	const char *name;
	enum group group;
	unsigned idx; /* of an indexed register, e.g. DBGBVR<idx>_EL1 */
	bool indexed;
	uint64_t marker;
	uint64_t mask; /* the bits that keep what is written */
	bool (*read)(unsigned idx, uint64_t *v);
	void (*write)(unsigned idx, uint64_t v);
};

/* Counts the indexed registers go up to, read at the start of each life. */
static unsigned pmu_counters, breakpoints, watchpoints;

#define SYSREG(fn, enc)                                \
	static bool rd_##fn(unsigned idx, uint64_t *v) \
	{                                              \
		(void)idx;                             \
		*v = read_sysreg(enc);                 \
		return true;                           \
	}                                              \
	static void wr_##fn(unsigned idx, uint64_t v)  \
	{                                              \
		(void)idx;                             \
		write_sysreg(enc, v);                  \
		isb();                                 \
	}

SYSREG(esr_el1, esr_el1)
SYSREG(elr_el1, elr_el1)
SYSREG(spsr_el1, spsr_el1)
SYSREG(far_el1, far_el1)
SYSREG(cpacr_el1, cpacr_el1)
SYSREG(sctlr_el1, sctlr_el1)
SYSREG(actlr_el1, actlr_el1)
SYSREG(par_el1, par_el1)
SYSREG(afsr0_el1, afsr0_el1)
SYSREG(afsr1_el1, afsr1_el1)
SYSREG(amair_el1, amair_el1)
SYSREG(mair_el1, mair_el1)
SYSREG(tcr_el1, tcr_el1)
SYSREG(ttbr0_el1, ttbr0_el1)
SYSREG(ttbr1_el1, ttbr1_el1)
SYSREG(csselr_el1, csselr_el1)
SYSREG(contextidr_el1, contextidr_el1)
SYSREG(tpidr_el1, tpidr_el1)
SYSREG(tpidr_el0, tpidr_el0)
SYSREG(tpidrro_el0, tpidrro_el0)
SYSREG(tpidr2_el0, tpidr2_el0)
SYSREG(sp_el0, sp_el0)
SYSREG(cntkctl_el1, cntkctl_el1)
SYSREG(cntv_ctl_el0, cntv_ctl_el0)
SYSREG(cntp_ctl_el0, cntp_ctl_el0)
SYSREG(cntv_cval_el0, cntv_cval_el0)
SYSREG(cntp_cval_el0, cntp_cval_el0)
SYSREG(scxtnum_el0, scxtnum_el0)
SYSREG(scxtnum_el1, scxtnum_el1)
SYSREG(tfsr_el1, tfsr_el1)
SYSREG(tfsre0_el1, tfsre0_el1)
SYSREG(gcr_el1, gcr_el1)
SYSREG(rgsr_el1, rgsr_el1)
SYSREG(disr_el1, disr_el1)
SYSREG(lorsa_el1, lorsa_el1)
SYSREG(lorea_el1, lorea_el1)
SYSREG(lorn_el1, lorn_el1)
SYSREG(lorc_el1, lorc_el1)
SYSREG(zcr_el1, zcr_el1)
SYSREG(apiakeylo_el1, apiakeylo_el1)
SYSREG(apiakeyhi_el1, apiakeyhi_el1)
SYSREG(apibkeylo_el1, apibkeylo_el1)
SYSREG(apibkeyhi_el1, apibkeyhi_el1)
SYSREG(apdakeylo_el1, apdakeylo_el1)
SYSREG(apdakeyhi_el1, apdakeyhi_el1)
SYSREG(apdbkeylo_el1, apdbkeylo_el1)
SYSREG(apdbkeyhi_el1, apdbkeyhi_el1)
SYSREG(apgakeylo_el1, apgakeylo_el1)
SYSREG(apgakeyhi_el1, apgakeyhi_el1)
SYSREG(pmcr_el0, pmcr_el0)
SYSREG(pmselr_el0, pmselr_el0)
SYSREG(pmuserenr_el0, pmuserenr_el0)
SYSREG(pmccntr_el0, pmccntr_el0)
SYSREG(pmccfiltr_el0, pmccfiltr_el0)
SYSREG(pmcntenset_el0, pmcntenset_el0)
SYSREG(pmintenset_el1, pmintenset_el1)
SYSREG(pmovsset_el0, pmovsset_el0)
SYSREG(mdscr_el1, mdscr_el1)
SYSREG(mdccint_el1, mdccint_el1)
SYSREG(osdlr_el1, osdlr_el1)
SYSREG(icc_igrpen0_el1, S3_0_C12_C12_6)
SYSREG(icc_bpr0_el1, S3_0_C12_C8_3)
SYSREG(icc_ap0r0_el1, S3_0_C12_C8_4)
SYSREG(icc_ap1r0_el1, S3_0_C12_C9_0)

/* The OS Lock: set through OSLAR_EL1, seen in OSLSR_EL1.OSLK. */
static bool rd_oslk(unsigned idx, uint64_t *v)
{
	(void)idx;
	*v = read_sysreg(oslsr_el1) & 2;
	return true;
}

static void wr_oslk(unsigned idx, uint64_t v)
{
	(void)idx;
	write_sysreg(oslar_el1, v ? 1 : 0);
	isb();
}

/* Claim tags: set through DBGCLAIMSET_EL1, read in DBGCLAIMCLR_EL1. */
static bool rd_dbgclaim(unsigned idx, uint64_t *v)
{
	(void)idx;
	*v = read_sysreg(dbgclaimclr_el1);
	return true;
}

static void wr_dbgclaim(unsigned idx, uint64_t v)
{
	(void)idx;
	write_sysreg(dbgclaimset_el1, v);
	isb();
}

/*
 * Event counter or type register @idx through PMSELR_EL0 (whose own marker
 * is read first and planted last).
 */
#define PMXEV(fn, reg)                                 \
	static bool rd_##fn(unsigned idx, uint64_t *v) \
	{                                              \
		if (idx >= pmu_counters)               \
			return false;                  \
		write_sysreg(pmselr_el0, idx);         \
		isb();                                 \
		*v = read_sysreg(reg);                 \
		return true;                           \
	}                                              \
	static void wr_##fn(unsigned idx, uint64_t v)  \
	{                                              \
		write_sysreg(pmselr_el0, idx);         \
		isb();                                 \
		write_sysreg(reg, v);                  \
	}

PMXEV(pmevcntr, pmxevcntr_el0)
PMXEV(pmevtyper, pmxevtyper_el0)

#define DBG_CASES(op, crm_op2) \
	op(0, crm_op2);        \
	op(1, crm_op2);        \
	op(2, crm_op2);        \
	op(3, crm_op2);        \
	op(4, crm_op2);        \
	op(5, crm_op2);        \
	op(6, crm_op2);        \
	op(7, crm_op2);        \
	op(8, crm_op2);        \
	op(9, crm_op2);        \
	op(10, crm_op2);       \
	op(11, crm_op2);       \
	op(12, crm_op2);       \
	op(13, crm_op2);       \
	op(14, crm_op2);       \
	op(15, crm_op2)
#define DBG_RD(n, op2)                                  \
	case n:                                         \
		*v = read_sysreg(S2_0_C0_C##n##_##op2); \
		break
#define DBG_WR(n, op2)                                 \
	case n:                                        \
		write_sysreg(S2_0_C0_C##n##_##op2, v); \
		break

/* DBGBVR/DBGBCR/DBGWVR/DBGWCR<idx>_EL1: op2 4, 5, 6, 7 of CRm idx. */
#define DBGREG(fn, op2, count)                         \
	static bool rd_##fn(unsigned idx, uint64_t *v) \
	{                                              \
		if (idx >= (count))                    \
			return false;                  \
		switch (idx) {                         \
			DBG_CASES(DBG_RD, op2);        \
		}                                      \
		return true;                           \
	}                                              \
	static void wr_##fn(unsigned idx, uint64_t v)  \
	{                                              \
		switch (idx) {                         \
			DBG_CASES(DBG_WR, op2);        \
		}                                      \
		isb();                                 \
	}

DBGREG(dbgbvr, 4, breakpoints)
DBGREG(dbgbcr, 5, breakpoints)
DBGREG(dbgwvr, 6, watchpoints)
DBGREG(dbgwcr, 7, watchpoints)

#define REG(g, fn, m)                                        \
	{                                                    \
#fn, g, 0, false, m, ~0ull, rd_##fn, wr_##fn \
	}
#define REGM(g, fn, m, mk)                                \
	{                                                 \
#fn, g, 0, false, m, mk, rd_##fn, wr_##fn \
	}
#define REGI(g, fn, n, m)                                   \
	{                                                   \
#fn, g, n, true, m, ~0ull, rd_##fn, wr_##fn \
	}
#define PMEV(n)                                      \
	REGI(G_PMU, pmevcntr, n, 0x5a5a0000u + (n)), \
		REGI(G_PMU, pmevtyper, n, 0xc0000011u)
#define DBG(n)                                                                \
	REGI(G_DEBUG, dbgbvr, n, 0x00005a5a5a5a0000ull + ((n) << 4)),         \
		REGI(G_DEBUG, dbgbcr, n, 0x1e6),                              \
		REGI(G_DEBUG, dbgwvr, n, 0x00005a5a5a5b0000ull + ((n) << 4)), \
		REGI(G_DEBUG, dbgwcr, n, 0x1ffe)

/*
 * Read from the start, planted from the end: the syndrome registers come
 * first, PMSELR_EL0 before the counters read through it, the OS Lock before
 * the debug registers (planted after them).
 */
static struct reg regs[] = {
	REG(G_EL1, esr_el1, 0x965a5a5a),
	REG(G_EL1, elr_el1, MARK(0x10)),
	/* EL1t: no exception the guest takes (from EL1h) writes this. */
	REG(G_EL1, spsr_el1, 0x900003c4),
	REG(G_EL1, far_el1, MARK(0x18)),
	REGM(G_EL1, cpacr_el1, CPACR_FPEN, CPACR_FPEN),
	REG(G_EL1, sctlr_el1, 0x34d08800),
	REG(G_EL1, actlr_el1, 0x5a),
	REG(G_EL1, par_el1, 0x5a00005a5a5a5a80),
	REG(G_EL1, afsr0_el1, 0x5a5a5a5a),
	REG(G_EL1, afsr1_el1, 0x5a5a5a5b),
	REG(G_EL1, amair_el1, MARK(0x20)),
	REG(G_EL1, mair_el1, MARK(0x21)),
	REG(G_EL1, tcr_el1, 0x25b5103510),
	REG(G_EL1, ttbr0_el1, 0x5a5a5a5a5000),
	REG(G_EL1, ttbr1_el1, 0x5a5a5a5a6000),
	REG(G_EL1, csselr_el1, 2),
	REG(G_EL1, contextidr_el1, 0x5a5a5a5a),
	REG(G_EL1, tpidr_el1, MARK(0x30)),
	REG(G_EL1, tpidr_el0, MARK(0x31)),
	REG(G_EL1, tpidrro_el0, MARK(0x32)),
	REG(G_EL1, tpidr2_el0, MARK(0x33)),
	REG(G_EL1, sp_el0, MARK(0x40)),
	REG(G_EL1, cntkctl_el1, 3),
	REGM(G_EL1, cntv_ctl_el0, 3, 3),
	REGM(G_EL1, cntp_ctl_el0, 3, 3),
	REG(G_EL1, cntv_cval_el0, MARK(0x50)),
	REG(G_EL1, cntp_cval_el0, MARK(0x51)),
	REG(G_EL1, scxtnum_el0, MARK(0x60)),
	REG(G_EL1, scxtnum_el1, MARK(0x61)),
	REG(G_EL1, tfsr_el1, 1),
	REG(G_EL1, tfsre0_el1, 1),
	REG(G_EL1, gcr_el1, 0x5a5a),
	REG(G_EL1, rgsr_el1, 0x5a5a05),
	REG(G_EL1, disr_el1, 0x80000000),
	REG(G_EL1, lorsa_el1, 0x5a5a0000),
	REG(G_EL1, lorea_el1, 0x5a5b0000),
	REG(G_EL1, lorn_el1, 5),
	REG(G_EL1, lorc_el1, 1),
	REG(G_SVE, zcr_el1, 1),
	REG(G_PAUTH, apiakeylo_el1, MARK(0x70)),
	REG(G_PAUTH, apiakeyhi_el1, MARK(0x71)),
	REG(G_PAUTH, apibkeylo_el1, MARK(0x72)),
	REG(G_PAUTH, apibkeyhi_el1, MARK(0x73)),
	REG(G_PAUTH, apdakeylo_el1, MARK(0x74)),
	REG(G_PAUTH, apdakeyhi_el1, MARK(0x75)),
	REG(G_PAUTH, apdbkeylo_el1, MARK(0x76)),
	REG(G_PAUTH, apdbkeyhi_el1, MARK(0x77)),
	REG(G_PAUTH, apgakeylo_el1, MARK(0x78)),
	REG(G_PAUTH, apgakeyhi_el1, MARK(0x79)),
	/* D, X, DP, LC; not E: nothing counts. */
	REGM(G_PMU, pmcr_el0, 0x78, 0x7f),
	REG(G_PMU, pmselr_el0, 3),
	REG(G_PMU, pmuserenr_el0, 0xf),
	REG(G_PMU, pmccntr_el0, 0x5a5a5a5a5a),
	REG(G_PMU, pmccfiltr_el0, 0xc0000000),
	REG(G_PMU, pmcntenset_el0, 0x2),
	REG(G_PMU, pmintenset_el1, 0x4),
	REG(G_PMU, pmovsset_el0, 0x8),
	PMEV(0),
	PMEV(1),
	PMEV(2),
	PMEV(3),
	PMEV(4),
	PMEV(5),
	PMEV(6),
	PMEV(7),
	PMEV(8),
	PMEV(9),
	PMEV(10),
	PMEV(11),
	PMEV(12),
	PMEV(13),
	PMEV(14),
	PMEV(15),
	PMEV(16),
	PMEV(17),
	PMEV(18),
	PMEV(19),
	PMEV(20),
	PMEV(21),
	PMEV(22),
	PMEV(23),
	PMEV(24),
	PMEV(25),
	PMEV(26),
	PMEV(27),
	PMEV(28),
	PMEV(29),
	PMEV(30),
	REGM(G_DEBUG, oslk, 2, 2),
	REG(G_DEBUG, osdlr_el1, 1),
	REG(G_DEBUG, mdscr_el1, 0x9000),
	REG(G_DEBUG, mdccint_el1, 0x60000000),
	REGM(G_DEBUG, dbgclaim, 5, 0xff),
	DBG(0),
	DBG(1),
	DBG(2),
	DBG(3),
	DBG(4),
	DBG(5),
	DBG(6),
	DBG(7),
	DBG(8),
	DBG(9),
	DBG(10),
	DBG(11),
	DBG(12),
	DBG(13),
	DBG(14),
	DBG(15),
	REG(G_GIC, icc_igrpen0_el1, 1),
	REG(G_GIC, icc_bpr0_el1, 5),
	REG(G_GIC, icc_ap0r0_el1, 1),
	REG(G_GIC, icc_ap1r0_el1, 2),
};

/* What the second life read: value, and whether the register is there. */
static uint64_t seen[ARRAY_SIZE(regs)];
static bool seen_present[ARRAY_SIZE(regs)];

/* FP/SIMD and SVE: V<n> and Z<n> hold MARK(0x100 + n) in every lane. */
static bool have_sve;
static uint64_t vl; /* bytes */
static uint64_t vbuf[32][2] __attribute__((aligned(16)));
static uint64_t fpcr, fpsr;
static uint8_t zbuf[32][SVE_VL_MAX] __attribute__((aligned(16)));
static uint8_t pbuf[17][SVE_VL_MAX / 8]; /* P0-P15, then FFR */

#define FPCR_MARK 0x03800000ull /* DN, FZ, RMode 2 */
#define FPSR_MARK 0x0800009full /* QC, IDC, IXC, UFC, OFC, DZC, IOC */

static bool reg_read(const struct reg *r, uint64_t *v)
{
	struct fault f;
	bool ok;

	expect_fault();
	ok = r->read(r->idx, v);
	return !fault_taken(&f) && ok;
}

static bool reg_write(const struct reg *r, uint64_t v)
{
	struct fault f;

	expect_fault();
	r->write(r->idx, v);
	return !fault_taken(&f);
}

static void print_reg(const struct reg *r)
{
	if (r->indexed)
		printf(" %s%u", r->name, r->idx);
	else
		printf(" %s", r->name);
}

/* PMCR_EL0.N and the breakpoint and watchpoint counts (ID_AA64DFR0_EL1). */
static void count_indexed(void)
{
	uint64_t pmcr, dfr0 = read_sysreg(id_aa64dfr0_el1);
	const struct reg *r = NULL;

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i].read == rd_pmcr_el0)
			r = &regs[i];
	pmu_counters = r && reg_read(r, &pmcr) ? PMCR_N(pmcr) : 0;
	breakpoints = ((dfr0 >> 12) & 0xf) + 1;
	watchpoints = ((dfr0 >> 20) & 0xf) + 1;
}

static void fp_load(const uint64_t (*src)[2])
{
	__asm__ volatile(
		"ldp q0, q1, [%0, #0]\n\tldp q2, q3, [%0, #32]\n\t"
		"ldp q4, q5, [%0, #64]\n\tldp q6, q7, [%0, #96]\n\t"
		"ldp q8, q9, [%0, #128]\n\tldp q10, q11, [%0, #160]\n\t"
		"ldp q12, q13, [%0, #192]\n\tldp q14, q15, [%0, #224]\n\t"
		"ldp q16, q17, [%0, #256]\n\tldp q18, q19, [%0, #288]\n\t"
		"ldp q20, q21, [%0, #320]\n\tldp q22, q23, [%0, #352]\n\t"
		"ldp q24, q25, [%0, #384]\n\tldp q26, q27, [%0, #416]\n\t"
		"ldp q28, q29, [%0, #448]\n\tldp q30, q31, [%0, #480]"
		:
		: "r"(src)
		: "memory");
}

static void fp_store(uint64_t (*dst)[2])
{
	__asm__ volatile(
		"stp q0, q1, [%0, #0]\n\tstp q2, q3, [%0, #32]\n\t"
		"stp q4, q5, [%0, #64]\n\tstp q6, q7, [%0, #96]\n\t"
		"stp q8, q9, [%0, #128]\n\tstp q10, q11, [%0, #160]\n\t"
		"stp q12, q13, [%0, #192]\n\tstp q14, q15, [%0, #224]\n\t"
		"stp q16, q17, [%0, #256]\n\tstp q18, q19, [%0, #288]\n\t"
		"stp q20, q21, [%0, #320]\n\tstp q22, q23, [%0, #352]\n\t"
		"stp q24, q25, [%0, #384]\n\tstp q26, q27, [%0, #416]\n\t"
		"stp q28, q29, [%0, #448]\n\tstp q30, q31, [%0, #480]"
		:
		: "r"(dst)
		: "memory");
}

/* Each SVE predicate register P0-P15; each vector register Z0-Z31. */
#define P_EACH(op)                                                          \
	op(0); op(1); op(2); op(3); op(4); op(5); op(6); op(7); op(8);      \
	op(9); op(10); op(11); op(12); op(13); op(14); op(15)
#define Z_EACH(op)                                                          \
	P_EACH(op); op(16); op(17); op(18); op(19); op(20); op(21); op(22); \
	op(23); op(24); op(25); op(26); op(27); op(28); op(29); op(30); op(31)
#define Z_SET(n) __asm__ volatile("dup z" #n ".d, %0" : : "r"(MARK(0x100 + n)))
#define Z_GET(n) \
	__asm__ volatile("str z" #n ", [%0]" : : "r"(zbuf[n]) : "memory")
#define P_SET(n) __asm__ volatile("ptrue p" #n ".b")
#define P_GET(n) \
	__asm__ volatile("str p" #n ", [%0]" : : "r"(pbuf[n]) : "memory")

/* Whether SVE is usable at EL1 (CPACR_EL1.ZEN set): RDVL does not UNDEF. */
static bool sve_probe(void)
{
	struct fault f;

	expect_fault();
	__asm__ volatile("rdvl %0, #1" : "=r"(vl));
	return !fault_taken(&f) && vl >= 16 && vl <= SVE_VL_MAX;
}

static void plant_vector_registers(void)
{
	for (unsigned n = 0; n < 32; n++)
		vbuf[n][0] = vbuf[n][1] = MARK(0x100 + n);
	fp_load(vbuf);
	__asm__ volatile("msr fpcr, %0\n\tmsr fpsr, %1"
			 :
			 : "r"(FPCR_MARK), "r"(FPSR_MARK));
	if (!have_sve)
		return;
	Z_EACH(Z_SET);
	P_EACH(P_SET);
	__asm__ volatile("setffr");
}

static void read_vector_registers(void)
{
	fp_store(vbuf);
	__asm__ volatile("mrs %0, fpcr\n\tmrs %1, fpsr"
			 : "=r"(fpcr), "=r"(fpsr));
	if (!have_sve)
		return;
	Z_EACH(Z_GET);
	P_EACH(P_GET);
	__asm__ volatile("rdffr p0.b\n\tstr p0, [%0]"
			 :
			 : "r"(pbuf[16])
			 : "memory");
}

static void enable_fp(void)
{
	write_sysreg(cpacr_el1,
		     read_sysreg(cpacr_el1) | CPACR_FPEN | CPACR_ZEN);
	isb();
	have_sve = sve_probe();
}

static noreturn_fn void first_life(void)
{
	unsigned planted = 0;

	enable_fp();
	plant_vector_registers();
	printf("regreset: planted v0-v31 fpcr fpsr%s\n",
	       have_sve ? " z0-z31 p0-p15 ffr" : "");
	for (unsigned i = ARRAY_SIZE(regs); i-- > 0;) {
		const struct reg *r = &regs[i];
		uint64_t v;

		/* Read first: an indexed register may be beyond the count. */
		if (!reg_read(r, &v) || !reg_write(r, r->marker) ||
		    !reg_read(r, &v) || (v & r->mask) != (r->marker & r->mask))
			continue;
		/* Short lines: the console cuts long ones. */
		if (planted % 8 == 0)
			printf("%sregreset: planted", planted ? "\n" : "");
		print_reg(r);
		planted++;
	}
	printf("\nregreset: %u registers hold markers, sve %s, resetting\n",
	       planted, have_sve ? "yes" : "no");
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		wfi();
}

static void second_life(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		seen_present[i] = reg_read(&regs[i], &seen[i]);
	enable_fp();
	/* ZCR_EL1 UNDEFs until CPACR_EL1.ZEN is set (read above first). */
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i].group == G_SVE)
			seen_present[i] = reg_read(&regs[i], &seen[i]);
	read_vector_registers();
}

/*
 * First life: plant the markers and reset, never returning.  After the
 * restart: read everything, before any other test can disturb it.
 */
TEST(restarted_once)
{
	uint64_t page = manage_base();
	uint32_t restarts;

	ASSERT_NE(page, 0);
	restarts = manage_own_restarts(page);
	count_indexed();
	if (restarts == 0)
		first_life();
	second_life();
	ASSERT_EQ(restarts, 1);
}

/* Registers of @g that still hold their markers, each printed. */
static unsigned markers_left(enum group g)
{
	unsigned n = 0, looked = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		const struct reg *r = &regs[i];

		if (r->group != g || !seen_present[i])
			continue;
		looked++;
		if ((seen[i] & r->mask) != (r->marker & r->mask))
			continue;
		printf("regreset: still holds its marker:");
		print_reg(r);
		printf(" = 0x%lx\n", seen[i]);
		n++;
	}
	printf("regreset: %s: %u registers looked at\n", group_names[g],
	       looked);
	return n;
}

TEST(el1_registers)
{
	ASSERT_EQ(markers_left(G_EL1), 0);
}

TEST(pointer_auth_keys)
{
	ASSERT_EQ(markers_left(G_PAUTH), 0);
}

TEST(pmu)
{
	ASSERT_EQ(markers_left(G_PMU), 0);
}

TEST(debug)
{
	ASSERT_EQ(markers_left(G_DEBUG), 0);
}

TEST(gic_cpu_interface)
{
	ASSERT_EQ(markers_left(G_GIC), 0);
}

TEST(fpsimd)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 32; i++) {
		if (vbuf[i][0] != MARK(0x100 + i) &&
		    vbuf[i][1] != MARK(0x100 + i))
			continue;
		printf("regreset: still holds its marker: v%u\n", i);
		n++;
	}
	if (fpcr == FPCR_MARK) {
		printf("regreset: still holds its marker: fpcr\n");
		n++;
	}
	if (fpsr == FPSR_MARK) {
		printf("regreset: still holds its marker: fpsr\n");
		n++;
	}
	ASSERT_EQ(n, 0);
}

TEST(sve)
{
	unsigned n = markers_left(G_SVE);

	if (!have_sve)
		SKIP_TEST("no SVE");
	for (unsigned i = 0; i < 32; i++) {
		for (unsigned b = 0; b < vl; b += 8) {
			if (*(uint64_t *)&zbuf[i][b] != MARK(0x100 + i))
				continue;
			printf("regreset: still holds its marker: z%u "
			       "(byte %u)\n",
			       i, b);
			n++;
			break;
		}
	}
	for (unsigned i = 0; i < 17; i++) {
		bool all = true;

		for (unsigned b = 0; b < vl / 8; b++)
			all = all && pbuf[i][b] == 0xff;
		if (!all)
			continue;
		if (i < 16)
			printf("regreset: still holds its marker: p%u\n", i);
		else
			printf("regreset: still holds its marker: ffr\n");
		n++;
	}
	printf("regreset: sve: vector length %lu bytes\n", vl);
	ASSERT_EQ(n, 0);
}
