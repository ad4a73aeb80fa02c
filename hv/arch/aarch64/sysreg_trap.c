/* SPDX-License-Identifier: MIT */
/*
 * Trapped system register and system instruction accesses (ESR_EL2.EC
 * 0x18), emulated from a table of descriptors matched against the ISS.
 * What traps is chosen in cpu.c (HCR_EL2, MDCR_EL2, CPTR_EL2); what each
 * register then looks like to a guest is documented in docs/isolation.md.
 * Anything trapped without a descriptor is UNDEFINED for the guest, as on
 * a CPU without the register; nothing a guest does here stops the
 * hypervisor.
 */
#include "arch/inject.h"
#include "arch/sysreg_hw.h"
#include "arch/sysreg_trap.h"
#include "arch/vgic.h"
#include "hv/arch/cpu.h"
#include "hv/vm.h"
#include "sysreg.h"

/* The ISS of an EC 0x18 exit (Arm ARM D17.2.37): Op0 Op2 Op1 CRn Rt CRm Dir. */
#define ISS_ENC_MASK 0x3ffc1eull
#define ISS_ANY_OP2 (ISS_ENC_MASK & ~(7ull << 17))
#define ISS_ANY_CRM_OP2 (ISS_ANY_OP2 & ~(0xfull << 1))
#define ISS_ENC(op0, op1, crn, crm, op2)                 \
	((uint64_t)(op0) << 20 | (uint64_t)(op2) << 17 | \
	 (uint64_t)(op1) << 14 | (uint64_t)(crn) << 10 | (uint64_t)(crm) << 1)
#define ISS_READ 1ull
#define ISS_RT(iss) ((unsigned)((iss) >> 5) & 31u)
#define ISS_CRM(iss) ((unsigned)((iss) >> 1) & 0xfu)
#define ISS_OP2(iss) ((unsigned)((iss) >> 17) & 7u)
#define ISS_CRM_ID_LAST 7u
#define ISS_CRM_DC_CSW 10u

/** One trapped access: a read returns @val; a write carries it. */
struct sysreg_access {
	uint64_t iss;
	bool read;
	uint64_t val;
};

/* Emulate @a; false makes it UNDEFINED for the guest. */
typedef bool (*sysreg_fn)(struct vcpu *vcpu, struct sysreg_access *a);

/** Registers whose ISS, under @mask, equals @iss are emulated by @fn. */
struct sysreg_desc {
	uint64_t iss;
	uint64_t mask;
	sysreg_fn fn;
};

/* This CPU's facts, from sysreg_trap_init(). */
static struct id_regs_host cpu_host[SHIKIRI_MAX_CPUS];

static bool raz_wi(struct vcpu *vcpu, struct sysreg_access *a)
{
	(void)vcpu;
	a->val = 0;
	return true;
}

static bool ignore_write(struct vcpu *vcpu, struct sysreg_access *a)
{
	(void)vcpu;
	return !a->read;
}

static bool sgi1r(struct vcpu *vcpu, struct sysreg_access *a)
{
	if (a->read)
		return false;
	vgic_send_sgi(vcpu, a->val);
	return true;
}

static bool id_reg(struct vcpu *vcpu, struct sysreg_access *a)
{
	unsigned crm = ISS_CRM(a->iss), op2 = ISS_OP2(a->iss);

	if (!a->read || crm < 1 || crm > ISS_CRM_ID_LAST)
		return false;
	/* Reserved encodings of the ID space are RAZ (Arm ARM D19.1.2). */
	a->val = 0;
	if (id_regs_known(crm, op2))
		a->val = id_regs_guest_value(crm, op2, sysreg_hw_id(crm, op2),
					     &cpu_host[vcpu->pcpu]);
	return true;
}

/*
 * ACTLR_EL1 controls IMPLEMENTATION DEFINED behaviour of the physical core
 * (errata workarounds, prefetchers, coherency): it reads as the value the
 * firmware left, and writes are ignored.
 */
static bool actlr(struct vcpu *vcpu, struct sysreg_access *a)
{
	(void)vcpu;
	if (a->read)
		a->val = sysreg_hw_actlr();
	return true;
}

/*
 * DC ISW/CSW/CISW.  The vCPU runs on this physical CPU for its whole life,
 * so the operation is done here on the same set and way, as one line:
 * constant work per trapped instruction.  An invalidate becomes a clean and
 * invalidate (as HCR_EL2.SWIO does): in a cache level shared with another
 * VM's CPUs the line may hold that VM's dirty data, which must be written
 * back, never dropped.
 */
static bool dc_sw(struct vcpu *vcpu, struct sysreg_access *a)
{
	(void)vcpu;
	if (a->read)
		return false;
	sysreg_hw_dc_sw(a->val, ISS_CRM(a->iss) != ISS_CRM_DC_CSW);
	return true;
}

/*
 * PMCR_EL0, trapped (MDCR_EL2.TPMCR) on PMUv3p1..p4 only: DP stays set, so
 * the cycle counter stops wherever MDCR_EL2.HPMD stops the event counters,
 * EL2 included.  Under MDCR_EL2.TPM (PMU hidden) it is UNDEFINED.
 */
static bool pmcr(struct vcpu *vcpu, struct sysreg_access *a)
{
	if (cpu_host[vcpu->pcpu].pmu != ID_REGS_PMU_DP)
		return false;
	if (a->read)
		a->val = sysreg_hw_pmcr();
	else
		sysreg_hw_set_pmcr(a->val | PMCR_DP);
	return true;
}

static const struct sysreg_desc sysreg_descs[] = {
	/* GICv3 SGI generation (ICH_HCR_EL2.TC is clear, ICC_SGI*R trap). */
	{ ISS_ENC(3, 0, 12, 11, 5), ISS_ENC_MASK, sgi1r }, /* ICC_SGI1R */
	{ ISS_ENC(3, 0, 12, 11, 6), ISS_ENC_MASK, sgi1r }, /* ICC_ASGI1R */
	/* Group 0 does not exist for the guest. */
	{ ISS_ENC(3, 0, 12, 11, 7), ISS_ENC_MASK, ignore_write },
	/* RAS error records (HCR_EL2.TERR): none, as KVM shows them. */
	{ ISS_ENC(3, 0, 5, 3, 0), ISS_ENC_MASK, raz_wi }, /* ERRIDR */
	{ ISS_ENC(3, 0, 5, 3, 1), ISS_ENC_MASK, raz_wi }, /* ERRSELR */
	{ ISS_ENC(3, 0, 5, 4, 0), ISS_ANY_OP2, raz_wi },  /* ERXFR..PFGCDN */
	{ ISS_ENC(3, 0, 5, 5, 0), ISS_ANY_OP2, raz_wi },  /* ERXMISC0..3 */
	/* ID registers (HCR_EL2.TID3). */
	{ ISS_ENC(3, 0, 0, 0, 0), ISS_ANY_CRM_OP2, id_reg },
	{ ISS_ENC(3, 0, 1, 0, 1), ISS_ENC_MASK, actlr }, /* HCR_EL2.TACR */
	/* Cache maintenance by set/way (HCR_EL2.TSW). */
	{ ISS_ENC(1, 0, 7, 6, 2), ISS_ENC_MASK, dc_sw },  /* DC ISW */
	{ ISS_ENC(1, 0, 7, 10, 2), ISS_ENC_MASK, dc_sw }, /* DC CSW */
	{ ISS_ENC(1, 0, 7, 14, 2), ISS_ENC_MASK, dc_sw }, /* DC CISW */
	{ ISS_ENC(3, 3, 9, 12, 0), ISS_ENC_MASK, pmcr },  /* PMCR_EL0 */
};

#define SYSREG_DESC_COUNT (sizeof(sysreg_descs) / sizeof(sysreg_descs[0]))

void sysreg_trap_handle(struct vcpu *vcpu, struct vcpu_regs *regs, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	unsigned rt = ISS_RT(iss);
	struct sysreg_access a = { .iss = iss, .read = iss & ISS_READ };
	const struct sysreg_desc *d = 0;

	vcpu->stats.exits[ARCH_EXIT_SYSREG]++;
	for (unsigned i = 0; i < SYSREG_DESC_COUNT && !d; i++)
		if ((iss & sysreg_descs[i].mask) == sysreg_descs[i].iss)
			d = &sysreg_descs[i];
	/* Rt 31 is XZR: it reads as zero and a value written to it is lost. */
	if (!a.read && rt < 31)
		a.val = regs->x[rt];
	if (!d || !d->fn(vcpu, &a)) {
		inject_undef(regs);
		return;
	}
	if (a.read && rt < 31)
		regs->x[rt] = a.val;
	regs->elr += (esr & ESR_IL) ? 4 : 2;
}

struct id_regs_host sysreg_trap_init(void)
{
	/* ID_AA64PFR0_EL1 and ID_AA64DFR0_EL1. */
	struct id_regs_host host =
		id_regs_host_of(sysreg_hw_id(4, 0), sysreg_hw_id(5, 0));

	cpu_host[arch_pcpu_id()] = host;
	return host;
}
