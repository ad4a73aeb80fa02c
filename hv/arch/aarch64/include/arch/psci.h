/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H

struct vcpu;
struct vcpu_regs;

/**
 * psci_handle() - Serve the guest's SMCCC call in @regs (HVC or SMC
 * conduit): PSCI 1.1 for its own vCPUs and its own VM, and the SMCCC
 * discovery calls answered as the platform firmware answers them.  The
 * result goes to x0.  May not return (CPU_OFF, SYSTEM_OFF).
 */
void psci_handle(struct vcpu *vcpu, struct vcpu_regs *regs);

/** psci_probe_firmware() - Ask the firmware what it offers; at boot. */
void psci_probe_firmware(void);

/**
 * psci_cpu_mitigate() - Switch the firmware's dynamic Spectre-v4
 * mitigation (SMCCC_ARCH_WORKAROUND_2) on for this CPU, where the firmware
 * has one; before a vCPU enters the guest on it.
 */
void psci_cpu_mitigate(void);

#endif /* ARCH_PSCI_H */
