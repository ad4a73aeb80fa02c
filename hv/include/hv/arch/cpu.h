/* SPDX-License-Identifier: MIT */
#ifndef HV_ARCH_CPU_H
#define HV_ARCH_CPU_H

#include "hv/page_pool.h"
#include "hv/types.h"

struct vcpu;

/* The architecture interface the core calls; each arch implements it. */

/** arch_pcpu_id() - Index of the physical CPU running this code. */
unsigned arch_pcpu_id(void);

/** arch_kick() - Interrupt physical CPU @pcpu so it looks at its vCPU. */
void arch_kick(unsigned pcpu);

/** arch_system_off() - Power the whole machine off (firmware call). */
noreturn_fn void arch_system_off(void);

/** arch_system_reset() - Reset the whole machine (firmware call). */
noreturn_fn void arch_system_reset(void);

struct pcpu;
struct vm;
struct shikiri_plan_board;
struct shikiri_payload;

/** arch_mmu_setup() - Build the hypervisor's own map; MMU on (boot CPU). */
int arch_mmu_setup(const struct shikiri_plan_board *board, uint64_t hv_base,
		   uint64_t hv_size);

/**
 * arch_cpu_init() - Per-CPU hypervisor set-up for @p (its trap controls,
 * interrupt controller interface, and its vCPU's translation regime), on
 * that CPU.
 */
void arch_cpu_init(struct pcpu *p);

/**
 * arch_cpu_start() - Start physical CPU @idx, whose board ID is @hw_id
 * (aarch64: PSCI CPU_ON to firmware; x86_64: INIT-SIPI-SIPI), so that it
 * enters boot_secondary(@idx).  Return: 0, or the arch's error code.
 */
int arch_cpu_start(unsigned idx, uint64_t hw_id);

/**
 * arch_vm_init() - Arch state of @vm from its checked plan: its
 * guest-physical space (stage 2 / nested paging: RAM and passthrough
 * devices) and its interrupt controller with its passthrough lines.  Boot
 * CPU, before any VM starts.  Return: 0 or a negative error.
 */
int arch_vm_init(struct vm *vm, struct page_pool *pool);

/**
 * arch_vm_reset() - Put @vm's interrupt state back to power-on: virtual
 * state cleared, its physical SPIs disabled, inactive and not pending.
 * While all of its vCPUs are parked.
 */
void arch_vm_reset(struct vm *vm);

/**
 * arch_vm_payload_loaded() - @vm's payload @pl was just copied to @dst
 * (its fresh seeds in): what the arch adjusts in its copy.  aarch64: a
 * DTB's /pmu says "fail" where the PMU is not the guest's.  On one of
 * @vm's CPUs, at every (re)start.
 */
void arch_vm_payload_loaded(struct vm *vm, const struct shikiri_payload *pl,
			    uint8_t *dst);

/**
 * arch_vcpu_start() - Enter @vcpu at @pc with its boot argument @arg (x0
 * on aarch64, ESI on x86_64) in the arch's reset state.  On @vcpu's own
 * CPU.
 */
noreturn_fn void arch_vcpu_start(struct vcpu *vcpu, uint64_t pc, uint64_t arg);

/**
 * arch_idle() - Park this CPU: serve the hypervisor's interrupts and start
 * its vCPU when it is powered on.  Discards the current stack.
 */
noreturn_fn void arch_idle(void);

/** arch_this_pcpu() - This CPU's data (aarch64: TPIDR_EL2). */
struct pcpu *arch_this_pcpu(void);

/**
 * arch_cpu_hw_id() - The calling CPU's ID as the board's CPU list gives it
 * (aarch64: MPIDR affinity; x86_64: local APIC ID).
 */
uint64_t arch_cpu_hw_id(void);

/**
 * arch_plan_rules() - This architecture's plan rules: plan_check() refuses
 * a plan of any other architecture.
 */
const struct plan_arch *arch_plan_rules(void);

/** arch_counter() - The system counter, for entropy and uptimes. */
uint64_t arch_counter(void);

/**
 * arch_platform_init() - Interrupt controller and firmware discovery, after
 * the plan is checked and before any VM is built (boot CPU).
 */
void arch_platform_init(const struct shikiri_plan_board *board,
			unsigned boot_pcpu);

/**
 * arch_iommu_enable() - Every VM is built: turn on the IOMMU that confines
 * their devices' DMA (aarch64: the SMMUv3, hv/arch/aarch64/smmu.c), before
 * any VM starts.  Boot CPU.
 * Return: 0 (also when the board has none), or a negative error when it
 * did not come up: the plan is then refused, no VM runs unconfined.
 */
int arch_iommu_enable(void);

/**
 * arch_timer_arm() - Interrupt this CPU at counter value @deadline (or at
 * an earlier deadline it already waits for); the console and the
 * watchdogs then look at what is due.
 */
void arch_timer_arm(uint64_t deadline);

/**
 * arch_dcache_clean() - Write [@start, @start + @size) back to memory, for
 * a guest that starts with its caches off (nothing to do where caches are
 * coherent with such accesses).
 */
void arch_dcache_clean(const void *start, uint64_t size);

/**
 * arch_mem_scrub() - Zero [@p, @p + @size) of RAM a VM is given, together
 * with what the architecture keeps beside the data and a guest can set
 * (aarch64 with FEAT_MTE2: the allocation tags).  @p and @size are page
 * aligned.  Return: true if done; false where the CPU keeps nothing beside
 * the data (x86_64, aarch64 without MTE2): the caller zeroes the data.
 */
bool arch_mem_scrub(void *p, uint64_t size);

#endif /* HV_ARCH_CPU_H */
