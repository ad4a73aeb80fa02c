/* SPDX-License-Identifier: MIT */
/*
 * PSCI (DEN0022) for guests.  A guest can only power its own vCPUs on and
 * off and only switch its own VM off or reset it; nothing it asks reaches
 * the firmware except SMCCC_VERSION and the WORKAROUND_1/3 calls the
 * firmware offers.  The SMCCC discovery calls get the firmware's own
 * answers, so the guest picks the same mitigations as on bare metal, but
 * WORKAROUND_2 (Spectre v4), which would switch the mitigation off for
 * EL2 too, is kept on by the hypervisor and not offered (as KVM does).
 */
#include "arch/psci.h"
#include "hv/arch/cpu.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "sysreg.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_SYSTEM_RESET2 0x84000012u
#define PSCI_64 0x40000000u /* SMC64 variant of a function ID */
#define PSCI_RESET2_SYSTEM_WARM 0u
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INVALID_ADDRESS (-9)

#define PSCI_VERSION_1_1 0x10001
#define AFFINITY_ON 0
#define AFFINITY_OFF 1
#define AFFINITY_ON_PENDING 2
#define MIGRATE_NOT_REQUIRED 2

#define SMCCC_RET_NOT_REQUIRED (-2)
#define SMCCC_RET_UNAFFECTED 1
#define SMCCC_WA2_ENABLE 1

/* Whether the firmware implements SMCCC_VERSION (so SMCCC 1.1+ calls). */
static bool firmware_smccc;
/* The firmware's SMCCC_ARCH_FEATURES answers for WORKAROUND_1/2/3. */
static int64_t firmware_wa1 = PSCI_RET_NOT_SUPPORTED;
static int64_t firmware_wa2 = PSCI_RET_NOT_SUPPORTED;
static int64_t firmware_wa3 = PSCI_RET_NOT_SUPPORTED;

void psci_probe_firmware(void)
{
	int64_t ret = (int64_t)arch_smc(PSCI_FEATURES, SMCCC_VERSION, 0, 0);

	firmware_smccc = ret >= 0;
	if (!firmware_smccc)
		return;
	firmware_wa1 = (int64_t)arch_smc(SMCCC_ARCH_FEATURES,
					 SMCCC_ARCH_WORKAROUND_1, 0, 0);
	firmware_wa2 = (int64_t)arch_smc(SMCCC_ARCH_FEATURES,
					 SMCCC_ARCH_WORKAROUND_2, 0, 0);
	firmware_wa3 = (int64_t)arch_smc(SMCCC_ARCH_FEATURES,
					 SMCCC_ARCH_WORKAROUND_3, 0, 0);
}

void psci_cpu_mitigate(void)
{
	/*
	 * The dynamic Spectre-v4 mitigation is the firmware's to switch per
	 * CPU: on, for this CPU's EL2 and its guest alike.  No guest call
	 * turns it off (WORKAROUND_2 is not passed on).
	 */
	if (firmware_wa2 == PSCI_RET_SUCCESS)
		arch_smc(SMCCC_ARCH_WORKAROUND_2, SMCCC_WA2_ENABLE, 0, 0);
}

/* The vCPU with MPIDR @mpidr in @vm (affinity 0.0.0.n), or NULL. */
static struct vcpu *vcpu_of(struct vm *vm, uint64_t mpidr)
{
	uint64_t aff = mpidr & 0xff00ffffffull;

	return aff < vm->vcpu_count ? &vm->vcpu[aff] : NULL;
}

/*
 * Claim the target (OFF to ON_PENDING) before its entry is written, so a
 * second CPU_ON racing this one fails without touching it; and do both
 * under the VM's lock, which vm_vcpu_idle() holds when it sees ON_PENDING,
 * so the target never enters with the entry of a call still being written.
 */
static int64_t cpu_on(struct vcpu *caller, const uint64_t *x)
{
	struct vcpu *v = vcpu_of(caller->vm, x[1]);
	enum vcpu_power expected = VCPU_OFF;
	bool claimed;

	if (!v)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!vm_ram_pa(caller->vm, x[2], 4))
		return PSCI_RET_INVALID_ADDRESS;
	spin_lock(&caller->vm->lock);
	claimed = __atomic_compare_exchange_n(&v->power, &expected,
					      VCPU_ON_PENDING, false,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE);
	if (claimed) {
		v->boot_pc = x[2];
		v->boot_ctx = x[3];
	}
	spin_unlock(&caller->vm->lock);
	if (!claimed)
		return expected == VCPU_ON ? PSCI_RET_ALREADY_ON :
					     PSCI_RET_ON_PENDING;
	arch_kick(v->pcpu);
	return PSCI_RET_SUCCESS;
}

static int64_t affinity_info(struct vcpu *caller, const uint64_t *x)
{
	struct vcpu *v = vcpu_of(caller->vm, x[1]);

	if (!v || x[2] != 0)
		return PSCI_RET_INVALID_PARAMETERS;
	switch (__atomic_load_n(&v->power, __ATOMIC_ACQUIRE)) {
	case VCPU_ON:
		return AFFINITY_ON;
	case VCPU_ON_PENDING:
		return AFFINITY_ON_PENDING;
	default:
		return AFFINITY_OFF;
	}
}

static int64_t version(struct vcpu *caller, const uint64_t *x)
{
	(void)caller;
	(void)x;
	return PSCI_VERSION_1_1;
}

static int64_t migrate_info_type(struct vcpu *caller, const uint64_t *x)
{
	(void)caller;
	(void)x;
	return MIGRATE_NOT_REQUIRED;
}

static int64_t cpu_off(struct vcpu *caller, const uint64_t *x)
{
	(void)x;
	__atomic_store_n(&caller->power, VCPU_OFF, __ATOMIC_RELEASE);
	arch_idle();
}

static int64_t system_off(struct vcpu *caller, const uint64_t *x)
{
	(void)x;
	vm_request_policy(caller->vm, VM_CAUSE_GUEST_POWEROFF);
	arch_idle();
}

static int64_t system_reset(struct vcpu *caller, const uint64_t *x)
{
	(void)x;
	vm_request_policy(caller->vm, VM_CAUSE_GUEST_RESET);
	arch_idle();
}

static int64_t system_reset2(struct vcpu *caller, const uint64_t *x)
{
	/*
	 * Linux booted with reboot=panic_warm resets with SYSTEM_RESET2
	 * (warm) only when it panics: that is how a crash shows.
	 */
	vm_request_policy(caller->vm, x[1] == PSCI_RESET2_SYSTEM_WARM ?
					      VM_CAUSE_CRASH :
					      VM_CAUSE_GUEST_RESET);
	arch_idle();
}

static int64_t smccc_version(struct vcpu *caller, const uint64_t *x)
{
	(void)caller;
	(void)x;
	return (int64_t)arch_smc(SMCCC_VERSION, 0, 0, 0);
}

/*
 * As KVM answers (arch/arm64/kvm/hypercalls.c): the firmware's state of
 * each mitigation.  WORKAROUND_2 is never offered for the guest to switch:
 * where the firmware has the dynamic mitigation, the hypervisor keeps it on
 * (psci_cpu_mitigate()) and the guest is told it is not required, as for a
 * CPU that is not affected.
 */
static int64_t arch_features(struct vcpu *caller, const uint64_t *x)
{
	(void)caller;
	switch ((uint32_t)x[1]) {
	case SMCCC_ARCH_WORKAROUND_1:
		return firmware_wa1;
	case SMCCC_ARCH_WORKAROUND_3:
		return firmware_wa3;
	case SMCCC_ARCH_WORKAROUND_2:
		return firmware_wa2 == PSCI_RET_SUCCESS ||
				       firmware_wa2 == SMCCC_RET_UNAFFECTED ||
				       firmware_wa2 == SMCCC_RET_NOT_REQUIRED ?
			       SMCCC_RET_NOT_REQUIRED :
			       PSCI_RET_NOT_SUPPORTED;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/* WORKAROUND_1 and _3 act on this CPU only: the firmware does them. */
static int64_t workaround(struct vcpu *caller, const uint64_t *x)
{
	int64_t offered = x[0] == SMCCC_ARCH_WORKAROUND_1 ? firmware_wa1 :
							    firmware_wa3;

	(void)caller;
	if (offered != PSCI_RET_SUCCESS)
		return PSCI_RET_NOT_SUPPORTED;
	return (int64_t)arch_smc((uint32_t)x[0], 0, 0, 0);
}

static int64_t features(struct vcpu *caller, const uint64_t *x);

typedef int64_t (*psci_fn)(struct vcpu *caller, const uint64_t *x);

/*
 * Every function a guest can call, each SMC32/SMC64 variant apart: what is
 * not here is NOT_SUPPORTED, to a call and to PSCI_FEATURES alike.  The
 * SMCCC ones only exist when the firmware has SMCCC 1.1.
 */
static const struct psci_call {
	uint32_t fid;
	bool smccc;
	psci_fn fn;
} psci_calls[] = {
	{ PSCI_VERSION, false, version },
	{ PSCI_CPU_OFF, false, cpu_off },
	{ PSCI_CPU_ON, false, cpu_on },
	{ PSCI_CPU_ON | PSCI_64, false, cpu_on },
	{ PSCI_AFFINITY_INFO, false, affinity_info },
	{ PSCI_AFFINITY_INFO | PSCI_64, false, affinity_info },
	{ PSCI_MIGRATE_INFO_TYPE, false, migrate_info_type },
	{ PSCI_SYSTEM_OFF, false, system_off },
	{ PSCI_SYSTEM_RESET, false, system_reset },
	{ PSCI_FEATURES, false, features },
	{ PSCI_SYSTEM_RESET2, false, system_reset2 },
	{ PSCI_SYSTEM_RESET2 | PSCI_64, false, system_reset2 },
	{ SMCCC_VERSION, true, smccc_version },
	{ SMCCC_ARCH_FEATURES, true, arch_features },
	{ SMCCC_ARCH_WORKAROUND_1, true, workaround },
	{ SMCCC_ARCH_WORKAROUND_3, true, workaround },
};

static psci_fn lookup(uint32_t fid)
{
	for (unsigned i = 0; i < sizeof(psci_calls) / sizeof(psci_calls[0]);
	     i++)
		if (psci_calls[i].fid == fid &&
		    (!psci_calls[i].smccc || firmware_smccc))
			return psci_calls[i].fn;
	return NULL;
}

/* PSCI_FEATURES answers for PSCI functions and SMCCC_VERSION only. */
static int64_t features(struct vcpu *caller, const uint64_t *x)
{
	uint32_t fid = (uint32_t)x[1];
	bool psci = (fid & ~PSCI_64 & ~0x1fu) == PSCI_VERSION;

	(void)caller;
	if (!psci && fid != SMCCC_VERSION)
		return PSCI_RET_NOT_SUPPORTED;
	return lookup(fid) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
}

void psci_handle(struct vcpu *vcpu, struct vcpu_regs *regs)
{
	psci_fn fn = lookup((uint32_t)regs->x[0]);

	regs->x[0] =
		(uint64_t)(fn ? fn(vcpu, regs->x) : PSCI_RET_NOT_SUPPORTED);
}
