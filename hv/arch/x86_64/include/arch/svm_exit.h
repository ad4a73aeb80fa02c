/* SPDX-License-Identifier: MIT */
#ifndef ARCH_SVM_EXIT_H
#define ARCH_SVM_EXIT_H

#include "hv/types.h"

struct vcpu;
struct vmcb;

/**
 * svm_handle_exit() - Act on the #VMEXIT @vmcb reports for @v, through a
 * table indexed by exit code; the guest's RIP is advanced past what was
 * emulated, or an exception is queued for it.
 */
void svm_handle_exit(struct vcpu *v, struct vmcb *vmcb);

/**
 * svm_inject_exception() - Queue exception @vector (with @error when
 * @has_error) for the next VMRUN of @vmcb.
 */
void svm_inject_exception(struct vmcb *vmcb, uint8_t vector, bool has_error,
			  uint32_t error);

/**
 * svm_wait_interrupt() - @v's guest halted: wait on this CPU, serving its
 * timers, until it has an interrupt to take or must leave the guest.
 */
void svm_wait_interrupt(struct vcpu *v);

#endif /* ARCH_SVM_EXIT_H */
