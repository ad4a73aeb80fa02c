/* SPDX-License-Identifier: MIT */
#ifndef ARCH_INJECT_H
#define ARCH_INJECT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu_regs;

/**
 * inject_abort() - Reflect a stage-2 abort into the guest as a synchronous
 * external abort at EL1, as if the access had failed on a bus: the guest
 * sees ESR_EL1 with EC data/instruction abort and DFSC/IFSC 0x10, FAR_EL1 =
 * @far, and continues at its own vector.  @esr is the ESR_EL2 of the exit.
 */
void inject_abort(struct vcpu_regs *regs, uint64_t esr, uint64_t far,
		  bool data);

/** inject_undef() - An undefined-instruction exception into the guest. */
void inject_undef(struct vcpu_regs *regs);

#endif /* ARCH_INJECT_H */
