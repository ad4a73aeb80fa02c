/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VCPU_RESET_H
#define ARCH_VCPU_RESET_H

/**
 * vcpu_reset_el1() - Give every EL0/EL1 register a guest can read on this
 * CPU its start value, whatever the previous life of the vCPU left there:
 * the general EL1 state, FP/SIMD and SVE, pointer-authentication keys, PMU,
 * self-hosted debug, and the registers of optional features the CPU has
 * (MTE's among them).
 * The vGIC's part is vgic_lr_clear().  On the vCPU's own CPU, @pcpu, before
 * it enters the guest.
 */
void vcpu_reset_el1(unsigned pcpu);

#endif /* ARCH_VCPU_RESET_H */
