/* SPDX-License-Identifier: MIT */
/*
 * The test runner: every TEST() in the image, one result line each, then
 * the summary.  Each test starts from a saved context, so an exception
 * nobody expected fails that test and the runner goes on to the next.
 */
#include "baremetal/context.h"
#include "baremetal/exceptions.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"

#define TEST_MAX 256

extern const struct test __tests_start[], __tests_end[];

static const struct test *current;
static bool current_failed, current_skipped;
static struct context resume;

void test_fail(const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	/* Only the first failure of a test is reported. */
	if (current_failed)
		return;
	current_failed = true;
	printf("FAIL %s: %s:%u: ", current ? current->name : "(no test)", file,
	       line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	if (current_failed || current_skipped)
		return;
	current_skipped = true;
	printf("SKIP %s: ", current ? current->name : "(no test)");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static noreturn_fn void unexpected(const char *what, const struct fault *f)
{
	if (!current_failed) {
		current_failed = true;
		printf("FAIL %s: unexpected %s exception: ESR 0x%lx FAR 0x%lx "
		       "ELR 0x%lx\n",
		       current->name, what, f->esr, f->far, f->elr);
	}
	context_resume(&resume);
}

/*
 * The tests in run order: the .tests section holds each file's tests
 * together, in link order; within a file, order them by line.
 */
static unsigned collect(const struct test **order)
{
	/* The section's bounds are two symbols: count through addresses. */
	size_t total = ((uintptr_t)__tests_end - (uintptr_t)__tests_start) /
		       sizeof(struct test);
	unsigned n = 0;

	for (size_t k = 0; k < total && n < TEST_MAX; k++) {
		const struct test *t = &__tests_start[k];
		unsigned i = n++;

		while (i > 0 && order[i - 1]->file == t->file &&
		       order[i - 1]->line > t->line) {
			order[i] = order[i - 1];
			i--;
		}
		order[i] = t;
	}
	return n;
}

/* Leave no state of one test to the next. */
static void cleanup(void)
{
	struct fault f;

	irq_disable();
	(void)fault_taken(&f);
	exceptions_set_irq_handler(NULL);
}

/* Run @t from a saved context: an unexpected exception comes back here. */
static void run_one(const struct test *t)
{
	current = t;
	current_failed = current_skipped = false;
	if (context_save(&resume) == 0)
		t->fn();
	cleanup();
}

unsigned test_run_all(void)
{
	static const struct test *order[TEST_MAX];
	unsigned count = collect(order);
	unsigned passed = 0, failed = 0, skipped = 0;

	exceptions_set_unexpected(unexpected);
	for (unsigned i = 0; i < count; i++) {
		run_one(order[i]);
		if (current_failed) {
			failed++;
		} else if (current_skipped) {
			skipped++;
		} else {
			passed++;
			printf("PASS %s\n", current->name);
		}
	}
	current = NULL;
	exceptions_set_unexpected(NULL);
	if (skipped)
		printf("baremetal: %u skipped\n", skipped);
	printf("baremetal: %u passed, %u failed\n", passed, failed);
	return failed;
}
