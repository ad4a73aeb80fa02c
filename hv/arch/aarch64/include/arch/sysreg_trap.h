/* SPDX-License-Identifier: MIT */
#ifndef ARCH_SYSREG_TRAP_H
#define ARCH_SYSREG_TRAP_H

#include <stdint.h>

#include "arch/id_regs.h"

struct vcpu;
struct vcpu_regs;

/**
 * sysreg_trap_handle() - Emulate the trapped MSR, MRS or SYS instruction
 * (ESR_EL2.EC 0x18) described by @esr for @vcpu: a register with a
 * descriptor is emulated and the guest continues after the instruction;
 * any other gets an UNDEFINED exception, as on a CPU without it.
 */
void sysreg_trap_handle(struct vcpu *vcpu, struct vcpu_regs *regs,
			uint64_t esr);

/**
 * sysreg_trap_init() - Learn this CPU's features (ID registers, PMU mode)
 * for the emulation; on each CPU from arch_cpu_init(), before its vCPU runs.
 *
 * Return: what the guests of this CPU are shown of it.
 */
struct id_regs_host sysreg_trap_init(void);

#endif /* ARCH_SYSREG_TRAP_H */
