/* SPDX-License-Identifier: MIT */
/*
 * Exceptions taken at EL1.  A probe arms expect_fault() before an access
 * that should abort; the abort is recorded and the guest continues after
 * the faulting instruction.  Interrupts go to the registered IRQ handler.
 * Anything else is unexpected: the test runner reports it as a failure of
 * the running test, or, outside a test, the VM reports it and powers off.
 */
#include "baremetal/exceptions.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"

/* Vector offsets / 0x80 (Arm ARM D1.10.2): current EL with SP_ELx. */
#define VECTOR_SYNC_CUR 4
#define VECTOR_IRQ_CUR 5

static const char *const vector_names[16] = {
	"synchronous (SP_EL0)",
	"IRQ (SP_EL0)",
	"FIQ (SP_EL0)",
	"SError (SP_EL0)",
	"synchronous",
	"IRQ",
	"FIQ",
	"SError",
	"synchronous from EL0",
	"IRQ from EL0",
	"FIQ from EL0",
	"SError from EL0",
	"synchronous from AArch32",
	"IRQ from AArch32",
	"FIQ from AArch32",
	"SError from AArch32",
};

/*
 * Written by the exception handler and read by the interrupted code: the
 * compiler must not keep them in registers across the access in between.
 */
static volatile bool armed, taken;
static volatile struct fault last;
static irq_handler_fn irq_handler;
static unexpected_fn unexpected;

void expect_fault(void)
{
	taken = false;
	armed = true;
	__asm__ volatile("" : : : "memory");
}

bool fault_taken(struct fault *f)
{
	bool t;

	__asm__ volatile("" : : : "memory");
	armed = false;
	t = taken;
	taken = false;
	f->esr = t ? last.esr : 0;
	f->far = t ? last.far : 0;
	f->elr = t ? last.elr : 0;
	return t;
}

void exceptions_set_irq_handler(irq_handler_fn fn)
{
	irq_handler = fn;
}

void exceptions_set_unexpected(unexpected_fn fn)
{
	unexpected = fn;
}

static noreturn_fn void report_and_stop(const char *what, const struct fault *f)
{
	printf("baremetal: unexpected %s exception: ESR 0x%lx FAR 0x%lx "
	       "ELR 0x%lx\n",
	       what, f->esr, f->far, f->elr);
	psci_system_off();
}

void exceptions_entry(struct exception_frame *frame, unsigned vector)
{
	struct fault f = { read_sysreg(esr_el1), read_sysreg(far_el1),
			   frame->elr };
	uint64_t ec = ESR_EC(f.esr);

	if (vector == VECTOR_IRQ_CUR && irq_handler) {
		irq_handler();
		return;
	}
	if (vector == VECTOR_SYNC_CUR && armed) {
		armed = false;
		last.esr = f.esr;
		last.far = f.far;
		last.elr = f.elr;
		taken = true;
		/*
		 * An instruction abort's ELR is the address that could not
		 * execute: go back to the caller that branched there.  For
		 * anything else, skip the instruction (A64: always 4 bytes).
		 */
		if (ec == EC_IABT_CUR)
			frame->elr = frame->x[30];
		else
			frame->elr += 4;
		return;
	}
	if (vector != VECTOR_SYNC_CUR) {
		/* FAR_EL1 is UNKNOWN but for synchronous aborts. */
		f.far = 0;
	}
	(unexpected ? unexpected : report_and_stop)(vector_names[vector & 15],
						    &f);
}
