/* SPDX-License-Identifier: MIT */
/*
 * Probing an address: load, store or execute there with an abort
 * expected, and check the abort is the one shikiri reflects for a
 * guest access outside what it owns: a synchronous external abort taken
 * from the current EL (ESR_EL1.EC 0x25 data / 0x21 instruction, FSC 0x10),
 * with FAR_EL1 the address (the MMU is off, so VA = IPA).
 */
#ifndef BAREMETAL_PROBE_H
#define BAREMETAL_PROBE_H

#include "baremetal/exceptions.h"
#include "baremetal/sysreg.h"

enum probe_kind {
	PROBE_LOAD,  /**< 8-byte load */
	PROBE_STORE, /**< 8-byte store of a marker value */
	PROBE_EXEC,  /**< branch with link */
};

/** The ESR_EL1 fields a reflected abort is checked on. */
#define PROBE_ESR_MASK (0x3full << 26 | ESR_IL | ESR_WNR | 0x3full)

/**
 * probe() - Access @addr as @kind, expecting it may abort.
 * @f: the fault, if one was taken.
 *
 * Return: whether a synchronous exception was taken.
 */
bool probe(enum probe_kind kind, uint64_t addr, struct fault *f);

/**
 * probe_expect_abort() - Probe @addr as @kind; fail the running test
 * (reporting @file:@line) unless it took exactly the abort described
 * above.
 *
 * Return: true if it did.
 */
bool probe_expect_abort(enum probe_kind kind, uint64_t addr, const char *file,
			unsigned line);

/**
 * probe_expect_ok() - Probe @addr as @kind; fail the running test unless
 * the access completed without an exception.
 */
bool probe_expect_ok(enum probe_kind kind, uint64_t addr, const char *file,
		     unsigned line);

#define ASSERT_ABORTS(kind, addr)                                             \
	do {                                                                  \
		if (!probe_expect_abort(kind, addr, __FILE_NAME__, __LINE__)) \
			return;                                               \
	} while (0)

#define ASSERT_LOAD_ABORTS(addr) ASSERT_ABORTS(PROBE_LOAD, addr)
#define ASSERT_STORE_ABORTS(addr) ASSERT_ABORTS(PROBE_STORE, addr)
#define ASSERT_EXEC_ABORTS(addr) ASSERT_ABORTS(PROBE_EXEC, addr)

#define ASSERT_ACCESS_OK(kind, addr)                                       \
	do {                                                               \
		if (!probe_expect_ok(kind, addr, __FILE_NAME__, __LINE__)) \
			return;                                            \
	} while (0)

#endif /* BAREMETAL_PROBE_H */
