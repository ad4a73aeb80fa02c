// SPDX-License-Identifier: MIT
/*
 * shikiri-cpu pauth: pointer authentication from Linux userspace
 * (Documentation/arm64/pointer-authentication.rst).  Pointers signed with
 * the instruction A key (PACIA) carry a code and authenticate (AUTIA) back
 * to themselves; with another modifier they do not (a fault with FEAT_FPAC,
 * SIGILL, else a pointer with an error code); after PR_PAC_RESET_KEYS gives
 * the process new keys, the same pointers sign differently and the old
 * signatures fail; the generic key (PACGA) changes its codes likewise.  So
 * the keys are real, per process, and the CPU uses the ones the kernel set.
 *
 * Only the functions holding the instructions are compiled for them (a
 * target pragma), so the program runs on any arm64 CPU and says "not
 * present" where the kernel found none (HWCAP_PACA clear).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/prctl.h>

#include "cpuprobe.h"

/*
 * A code has few bits (7 with 48-bit addresses and the top byte ignored),
 * so about one pointer in 128 gets a code of 0, or authenticates with a
 * wrong modifier, by chance: of 64, 8 may (0.5 expected, 9 or more about
 * once in 10^8 runs).
 */
#define POINTERS 64u
#define BY_CHANCE 8u
#define MODIFIER 0x5348494b49524921ull

/*
 * AUTIA at a known address, so that the SIGILL of a failed check (with
 * FEAT_FPAC) steps over it and leaves the signed pointer in x0.
 */
uint64_t pauth_probe_aut(uint64_t p, uint64_t modifier);

__asm__(".text\n"
	".p2align 2\n"
	".globl pauth_probe_aut\n"
	".type pauth_probe_aut, %function\n"
	"pauth_probe_aut:\n"
	"	.inst	0xdac11020\n" /* autia x0, x1 */
	"	ret\n"
	".size pauth_probe_aut, . - pauth_probe_aut\n");

static volatile sig_atomic_t faults;

static void on_sigill(int sig, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)info;
	if (uc->uc_mcontext.pc != (uintptr_t)pauth_probe_aut) {
		/* Not the probe: a real crash, which must not be hidden. */
		signal(SIGILL, SIG_DFL);
		return;
	}
	faults++;
	uc->uc_mcontext.pc += 4;
}

/*
 * Volatile: the same pointer signed before and after new keys must be
 * signed twice, not once.
 */
#pragma GCC push_options
#pragma GCC target("arch=armv8.3-a")

static uint64_t pacia(uint64_t p, uint64_t modifier)
{
	__asm__ volatile("pacia %0, %1" : "+r"(p) : "r"(modifier));
	return p;
}

static uint64_t pacga(uint64_t v, uint64_t modifier)
{
	uint64_t code;

	__asm__ volatile("pacga %0, %1, %2"
			 : "=r"(code)
			 : "r"(v), "r"(modifier));
	return code;
}
#pragma GCC pop_options

/* Whether @signed_p authenticates with @modifier back to @p. */
static bool authenticates(uint64_t signed_p, uint64_t modifier, uint64_t p)
{
	sig_atomic_t before = faults;
	uint64_t got = pauth_probe_aut(signed_p, modifier);

	return faults == before && got == p;
}

int pauth_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigill,
				.sa_flags = SA_SIGINFO };
	uint64_t p[POINTERS], s[POINTERS], g[POINTERS];
	unsigned coded = 0, back = 0, wrong = 0, changed = 0, stale = 0,
		 gchanged = 0;
	struct report r;
	bool generic;

	(void)argc;
	(void)argv;
	report_start(&r, "pauth");
	if (!report_present(&r, getauxval(AT_HWCAP) & HWCAP_PACA, "HWCAP_PACA",
			    "pointer authentication"))
		return report_end(&r);
	generic = getauxval(AT_HWCAP) & HWCAP_PACG;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, NULL);

	for (unsigned i = 0; i < POINTERS; i++) {
		/* Below the stack: addresses the process could have. */
		p[i] = (uintptr_t)&p[0] - (uint64_t)i * 0x10000;
		s[i] = pacia(p[i], MODIFIER);
		coded += s[i] != p[i];
		back += authenticates(s[i], MODIFIER, p[i]);
		wrong += !authenticates(s[i], MODIFIER + 1, p[i]);
		g[i] = generic ? pacga(p[i], MODIFIER) : 0;
	}
	report_check(&r, coded + BY_CHANCE >= POINTERS && back == POINTERS,
		     "sign",
		     "%u of %u pointers got a code, %u authenticated back",
		     coded, POINTERS, back);
	report_check(&r, wrong + BY_CHANCE >= POINTERS, "wrong-modifier",
		     "%u of %u failed to authenticate with another modifier "
		     "(%u by SIGILL)",
		     wrong, POINTERS, (unsigned)faults);

	if (!report_check(&r,
			  prctl(PR_PAC_RESET_KEYS,
				PR_PAC_APIAKEY | (generic ? PR_PAC_APGAKEY : 0),
				0, 0, 0) == 0,
			  "reset-keys", "PR_PAC_RESET_KEYS: %s", "new keys"))
		return report_end(&r);
	for (unsigned i = 0; i < POINTERS; i++) {
		changed += pacia(p[i], MODIFIER) != s[i];
		stale += !authenticates(s[i], MODIFIER, p[i]);
		if (generic)
			gchanged += pacga(p[i], MODIFIER) != g[i];
	}
	report_check(&r,
		     changed + BY_CHANCE >= POINTERS &&
			     stale + BY_CHANCE >= POINTERS,
		     "new-keys",
		     "under new keys %u of %u pointers signed differently, %u "
		     "old signatures failed",
		     changed, POINTERS, stale);
	if (generic)
		report_check(&r, gchanged + BY_CHANCE >= POINTERS, "generic",
			     "PACGA: %u of %u codes changed with the key",
			     gchanged, POINTERS);
	return report_end(&r);
}
