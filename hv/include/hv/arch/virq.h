/* SPDX-License-Identifier: MIT */
/*
 * Interrupts of devices the core emulates (shared-memory doorbells,
 * virtio-net): edge-triggered virtual lines of one VM, with no physical
 * interrupt behind them.
 */
#ifndef HV_ARCH_VIRQ_H
#define HV_ARCH_VIRQ_H

#include "hv/types.h"

struct vm;

/**
 * arch_virq_add() - Give @vm the edge-triggered virtual line @irq
 * (aarch64: an SPI's INTID).  Boot time only.
 * Return: 0, or a negative error (taken, out of range, unsupported).
 */
int arch_virq_add(struct vm *vm, uint32_t irq);

/**
 * arch_virq_pulse() - An edge on @vm's line @irq, from any CPU: the guest
 * takes it once when it has it enabled (pending until then).  An edge
 * while the previous one is still being handled (active) is kept pending,
 * as a GIC would, and delivered after its EOI.
 */
void arch_virq_pulse(struct vm *vm, uint32_t irq);

#endif /* HV_ARCH_VIRQ_H */
