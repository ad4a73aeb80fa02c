/* SPDX-License-Identifier: MIT */
#ifndef ARCH_INTX_H
#define ARCH_INTX_H

#include "hv/types.h"

struct vm;

/*
 * INTx of passed-through PCI functions (PCI_PLAN.md 4): each GSI a VM's
 * functions drive is a physical I/O APIC pin the hypervisor programs
 * (masked, trigger and polarity from the board) with a vector of its own
 * to the VM's first CPU, and the VM's virtual I/O APIC pin of the same
 * number follows it.  A level interrupt masks the physical pin until the
 * guest's EOI of its virtual pin; the guest's mask of the virtual pin is
 * the physical pin's too.
 */

/**
 * intx_vm_init() - Route the INTx GSIs of @vm's plan.  Boot CPU, after
 * x86_vm_devices_init().  Return: 0, or -HV_EINVAL with the reason logged
 * (a GSI another VM's function or the hypervisor uses, one outside the
 * I/O APIC or among the VM's emulated ISA pins, too many GSIs).
 */
int intx_vm_init(struct vm *vm);

/**
 * intx_irq() - Serve hypervisor vector @vector of an INTx pin (x86_trap(),
 * interrupts off).  Return: false when no pin has it.
 */
bool intx_irq(unsigned vector);

/** intx_vm_hold() - Mask every physical pin of @vm: it is stopping. */
void intx_vm_hold(struct vm *vm);

#endif /* ARCH_INTX_H */
