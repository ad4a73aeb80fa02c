/* SPDX-License-Identifier: MIT */
/*
 * A tiny test library for bare-metal guests (after Hafnium's hftest and
 * the KVM selftests' GUEST_ASSERT).  Each TEST() prints one line,
 *
 *	PASS name
 *	FAIL name: file:line: a != b (0x1 vs 0x2)
 *	SKIP name: why
 *
 * and after the last one: "baremetal: N passed, N failed".  A failed
 * assertion ends its test; an exception nobody expected fails the running
 * test and the next one starts.
 */
#ifndef BAREMETAL_TEST_H
#define BAREMETAL_TEST_H

#include "baremetal/types.h"

/** One registered test; TEST() places these in the .tests section. */
struct test {
	const char *name;
	void (*fn)(void);
	const char *file;
	unsigned line;
};

/**
 * TEST() - Define a test: TEST(name) { body }.  Tests run in the order of
 * their line numbers, file by file in link order.
 */
#define TEST(name)                                                       \
	static void test_fn_##name(void);                                \
	static const struct test test_desc_##name                        \
		__attribute__((used, section(".tests"), aligned(8))) = { \
			#name, test_fn_##name, __FILE_NAME__, __LINE__   \
		};                                                       \
	static void test_fn_##name(void)

#define ASSERT_EQ(a, b)                                                    \
	do {                                                               \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);           \
		if (a_ != b_) {                                            \
			test_fail(__FILE_NAME__, __LINE__,                 \
				  "%s != %s (0x%lx vs 0x%lx)", #a, #b, a_, \
				  b_);                                     \
			return;                                            \
		}                                                          \
	} while (0)

#define ASSERT_NE(a, b)                                                    \
	do {                                                               \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);           \
		if (a_ == b_) {                                            \
			test_fail(__FILE_NAME__, __LINE__,                 \
				  "%s == %s (0x%lx vs 0x%lx)", #a, #b, a_, \
				  b_);                                     \
			return;                                            \
		}                                                          \
	} while (0)

#define ASSERT_TRUE(x)                                                         \
	do {                                                                   \
		if (!(x)) {                                                    \
			test_fail(__FILE_NAME__, __LINE__, "%s is false", #x); \
			return;                                                \
		}                                                              \
	} while (0)

/** SKIP_TEST() - End the running test as skipped, saying why. */
#define SKIP_TEST(...)                  \
	do {                            \
		test_skip(__VA_ARGS__); \
		return;                 \
	} while (0)

/**
 * test_fail() - Fail the running test: prints "FAIL name: @file:@line: "
 * and the message.  The caller then returns from the test.
 */
void test_fail(const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** test_skip() - Mark the running test skipped, with a reason. */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * test_run_all() - Run every TEST() in the image and print the summary.
 *
 * Return: the number of tests that failed.
 */
unsigned test_run_all(void);

#endif /* BAREMETAL_TEST_H */
