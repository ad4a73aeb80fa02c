/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_CONTEXT_H
#define BAREMETAL_CONTEXT_H

#include "baremetal/types.h"

/** A saved execution context: x19..x30 and SP (context.S). */
struct context {
	uint64_t x19_x30[12];
	uint64_t sp;
};

/**
 * context_save() - Save the caller's context in @c.
 *
 * Return: 0 now; 1 when context_resume(@c) comes back here.  The caller's
 * frame must still be live then.
 */
__attribute__((returns_twice)) int context_save(struct context *c);

/** context_resume() - Continue at the context_save() that filled @c. */
noreturn_fn void context_resume(const struct context *c);

#endif /* BAREMETAL_CONTEXT_H */
