// SPDX-License-Identifier: MIT
/*
 * shikiri-cpu bti: Branch Target Identification from Linux userspace.  A
 * page mapped PROT_BTI (a guarded page) takes an indirect call only onto
 * a landing pad (BTI c); a call onto another instruction there takes
 * SIGILL with ILL_ILLOPC, and the same code in a page without PROT_BTI
 * runs.  The code is written into the pages as instruction words, so the
 * program needs no BTI-built libc.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpuprobe.h"

#define INSN_BTI_C 0xd503245fu
#define INSN_NOP 0xd503201fu
#define INSN_MOV_W0_42 0x52800540u
#define INSN_RET 0xd65f03c0u
#define ANSWER 42

/* The page being called, and what the last SIGILL there was. */
static volatile uintptr_t target;
static volatile sig_atomic_t faults;
static volatile int fault_code;

static void on_sigill(int sig, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	if (uc->uc_mcontext.pc != target) {
		/* Not the call under test: a real crash, not to be hidden. */
		signal(SIGILL, SIG_DFL);
		return;
	}
	faults++;
	fault_code = info->si_code;
	/* Return to the caller with 0 in w0, as if the callee had. */
	uc->uc_mcontext.regs[0] = 0;
	uc->uc_mcontext.pc = uc->uc_mcontext.regs[30];
}

/*
 * Map a page holding @first, mov w0, #42, ret, executable with @prot
 * added, and call it (BLR: a branch a landing pad must take).  Returns
 * what it returned, 0 when it faulted; @ok is false when the page could
 * not be had.
 */
static int call_page(uint32_t first, int prot, bool *ok)
{
	const uint32_t code[] = { first, INSN_MOV_W0_42, INSN_RET };
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int (*volatile fn)(void);
	volatile int got;
	void *mem;

	mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*ok = mem != MAP_FAILED;
	if (!*ok)
		return 0;
	memcpy(mem, code, sizeof(code));
	*ok = mprotect(mem, page, PROT_READ | PROT_EXEC | prot) == 0;
	if (!*ok) {
		munmap(mem, page);
		return 0;
	}
	__builtin___clear_cache((char *)mem, (char *)mem + sizeof(code));
	target = (uintptr_t)mem;
	fn = (int (*)(void))mem;
	got = fn();
	target = 0;
	munmap(mem, page);
	return got;
}

int bti_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigill,
				.sa_flags = SA_SIGINFO };
	struct report r;
	sig_atomic_t before;
	bool ok;
	int got;

	(void)argc;
	(void)argv;
	report_start(&r, "bti");
	if (!report_present(&r, getauxval(AT_HWCAP2) & HWCAP2_BTI, "HWCAP2_BTI",
			    "BTI"))
		return report_end(&r);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, NULL);

	before = faults;
	got = call_page(INSN_BTI_C, PROT_BTI, &ok);
	report_check(&r, ok && got == ANSWER && faults == before, "landing-pad",
		     "call onto BTI c in a PROT_BTI page: %s, returned %d",
		     ok ? "mapped" : "mapping refused", got);

	before = faults;
	got = call_page(INSN_NOP, PROT_BTI, &ok);
	report_check(&r,
		     ok && faults != before && fault_code == ILL_ILLOPC &&
			     got == 0,
		     "no-landing-pad",
		     "call onto a NOP in a PROT_BTI page: %s, si_code %d "
		     "(ILL_ILLOPC %d)",
		     faults != before ? "SIGILL" : "no fault",
		     faults != before ? fault_code : 0, ILL_ILLOPC);

	before = faults;
	got = call_page(INSN_NOP, 0, &ok);
	report_check(&r, ok && got == ANSWER && faults == before, "unguarded",
		     "call onto a NOP in a page without PROT_BTI: %s, "
		     "returned %d",
		     faults != before ? "SIGILL" : "ran", got);
	return report_end(&r);
}
