/* SPDX-License-Identifier: MIT */
/* Accesses that are expected to abort, and the checks on the abort. */
#include "baremetal/probe.h"
#include "baremetal/test.h"

/* What a probing store writes: easy to recognise if it lands somewhere. */
#define PROBE_MARKER 0x5348494b49524921ull /* "SHIKIRI!" */

static const char *const kind_names[] = {
	[PROBE_LOAD] = "load from",
	[PROBE_STORE] = "store to",
	[PROBE_EXEC] = "execute at",
};

bool probe(enum probe_kind kind, uint64_t addr, struct fault *f)
{
	expect_fault();
	switch (kind) {
	case PROBE_LOAD:
		(void)mmio_read64(addr);
		break;
	case PROBE_STORE:
		mmio_write64(addr, PROBE_MARKER);
		break;
	case PROBE_EXEC:
		/* An abort resumes at the return address (exceptions.c). */
		((void (*)(void))(uintptr_t)addr)();
		break;
	}
	return fault_taken(f);
}

static uint64_t expected_esr(enum probe_kind kind)
{
	if (kind == PROBE_EXEC)
		return (uint64_t)EC_IABT_CUR << 26 | ESR_IL | FSC_SYNC_EXTERNAL;
	return (uint64_t)EC_DABT_CUR << 26 | ESR_IL |
	       (kind == PROBE_STORE ? ESR_WNR : 0) | FSC_SYNC_EXTERNAL;
}

bool probe_expect_abort(enum probe_kind kind, uint64_t addr, const char *file,
			unsigned line)
{
	uint64_t want = expected_esr(kind);
	struct fault f;

	if (!probe(kind, addr, &f)) {
		test_fail(file, line, "%s 0x%lx did not abort",
			  kind_names[kind], addr);
		return false;
	}
	if ((f.esr & PROBE_ESR_MASK) != want || f.far != addr) {
		test_fail(file, line,
			  "%s 0x%lx: ESR 0x%lx FAR 0x%lx, expected ESR 0x%lx "
			  "FAR 0x%lx",
			  kind_names[kind], addr, f.esr, f.far, want, addr);
		return false;
	}
	return true;
}

bool probe_expect_ok(enum probe_kind kind, uint64_t addr, const char *file,
		     unsigned line)
{
	struct fault f;

	if (probe(kind, addr, &f)) {
		test_fail(file, line, "%s 0x%lx aborted: ESR 0x%lx FAR 0x%lx",
			  kind_names[kind], addr, f.esr, f.far);
		return false;
	}
	return true;
}
