/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_EXCEPTIONS_H
#define BAREMETAL_EXCEPTIONS_H

#include "baremetal/types.h"

/** What start.S saves on the stack for every exception. */
struct exception_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

/** A synchronous exception the guest took: its ESR_EL1, FAR_EL1, ELR_EL1. */
struct fault {
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
};

/** Called for an interrupt taken at EL1 (PSTATE.I clear). */
typedef void (*irq_handler_fn)(void);

/**
 * Called for an exception nobody expected, with a one-line description;
 * it does not return (it reports and moves on, or powers off).
 */
typedef noreturn_fn void (*unexpected_fn)(const char *what,
					  const struct fault *f);

/**
 * expect_fault() - The next synchronous exception is expected.
 *
 * It is recorded (fault_taken() returns it) and execution continues after
 * the instruction that took it; for an instruction abort, at the address in
 * x30, so a probe can branch-and-link into memory that should not execute.
 * Any other synchronous exception, or one while not armed, is unexpected.
 */
void expect_fault(void);

/**
 * fault_taken() - Disarm expect_fault(); report what it caught.
 * @f: filled with the exception when one was taken, else zeroed.
 *
 * Return: whether a synchronous exception was taken since expect_fault().
 */
bool fault_taken(struct fault *f);

/** exceptions_set_irq_handler() - Call @fn for each IRQ taken (NULL: none). */
void exceptions_set_irq_handler(irq_handler_fn fn);

/**
 * exceptions_set_unexpected() - Call @fn for an unexpected exception; NULL
 * restores the default (report on the console and power the VM off).
 */
void exceptions_set_unexpected(unexpected_fn fn);

/** exceptions_entry() - Called by the vectors in start.S. */
void exceptions_entry(struct exception_frame *frame, unsigned vector);

#endif /* BAREMETAL_EXCEPTIONS_H */
