/* SPDX-License-Identifier: MIT */
/*
 * PSCI (DEN0022) for guests.  A guest can only power its own vCPUs on and
 * off and only switch its own VM off or reset it; nothing it asks reaches
 * the firmware except the SMCCC discovery calls, which get the firmware's
 * own answers so the guest picks the same mitigations as on bare metal.
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
#define PSCI_64 0x40000000u
#define PSCI_RESET2_SYSTEM_WARM 0u /* SMC64 variant of a function ID */
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

/* Whether the firmware implements SMCCC_VERSION (so SMCCC 1.1+ calls). */
static bool firmware_smccc;

void psci_probe_firmware(void)
{
	int64_t ret = (int64_t)arch_smc(PSCI_FEATURES, SMCCC_VERSION, 0, 0);

	firmware_smccc = ret >= 0;
}

/* The vCPU with MPIDR @mpidr in @vm (affinity 0.0.0.n), or NULL. */
static struct vcpu *vcpu_of(struct vm *vm, uint64_t mpidr)
{
	uint64_t aff = mpidr & 0xff00ffffffull;

	return aff < vm->vcpu_count ? &vm->vcpu[aff] : NULL;
}

static int64_t cpu_on(struct vcpu *caller, uint64_t target, uint64_t pc,
		      uint64_t ctx)
{
	struct vcpu *v = vcpu_of(caller->vm, target);
	enum vcpu_power expected = VCPU_OFF;

	if (!v)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!vm_ram_pa(caller->vm, pc, 4))
		return PSCI_RET_INVALID_ADDRESS;
	v->boot_pc = pc;
	v->boot_ctx = ctx;
	if (!__atomic_compare_exchange_n(&v->power, &expected, VCPU_ON_PENDING,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return expected == VCPU_ON ? PSCI_RET_ALREADY_ON :
					     PSCI_RET_ON_PENDING;
	arch_kick(v->pcpu);
	return PSCI_RET_SUCCESS;
}

static int64_t affinity_info(struct vcpu *caller, uint64_t target,
			     uint64_t level)
{
	struct vcpu *v = vcpu_of(caller->vm, target);

	if (!v || level != 0)
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

static bool implemented(uint32_t fid)
{
	switch (fid & ~PSCI_64) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case PSCI_SYSTEM_RESET2:
		return true;
	default:
		return false;
	}
}

static int64_t features(uint32_t fid)
{
	if (fid == SMCCC_VERSION)
		return firmware_smccc ? PSCI_RET_SUCCESS :
					PSCI_RET_NOT_SUPPORTED;
	return implemented(fid) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
}

void psci_handle(struct vcpu *vcpu, struct vcpu_regs *regs)
{
	uint32_t fid = (uint32_t)regs->x[0];
	uint64_t *x = regs->x;
	int64_t ret;

	switch (fid) {
	case PSCI_VERSION:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | PSCI_64:
		ret = cpu_on(vcpu, x[1], x[2], x[3]);
		break;
	case PSCI_CPU_OFF:
		__atomic_store_n(&vcpu->power, VCPU_OFF, __ATOMIC_RELEASE);
		arch_idle();
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | PSCI_64:
		ret = affinity_info(vcpu, x[1], x[2]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = MIGRATE_NOT_REQUIRED;
		break;
	case PSCI_FEATURES:
		ret = features((uint32_t)x[1]);
		break;
	case PSCI_SYSTEM_OFF:
		vm_request_policy(vcpu->vm, VM_CAUSE_GUEST_POWEROFF);
		arch_idle();
	case PSCI_SYSTEM_RESET:
		vm_request_policy(vcpu->vm, VM_CAUSE_GUEST_RESET);
		arch_idle();
	case PSCI_SYSTEM_RESET2:
	case PSCI_SYSTEM_RESET2 | PSCI_64:
		/*
		 * Linux booted with reboot=panic_warm resets with SYSTEM_RESET2
		 * (warm) only when it panics: that is how a crash shows.
		 */
		vm_request_policy(vcpu->vm, x[1] == PSCI_RESET2_SYSTEM_WARM ?
						    VM_CAUSE_CRASH :
						    VM_CAUSE_GUEST_RESET);
		arch_idle();
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_2:
	case SMCCC_ARCH_WORKAROUND_3:
		ret = firmware_smccc ?
			      (int64_t)arch_smc(fid, x[1], x[2], x[3]) :
			      PSCI_RET_NOT_SUPPORTED;
		break;
	default:
		ret = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	x[0] = (uint64_t)ret;
}
