/* SPDX-License-Identifier: MIT */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <stdint.h>

/* A ticket lock: fair, and small enough to embed in every object. */
struct spinlock {
	uint16_t next;
	uint16_t owner;
};

#define SPINLOCK_INIT { 0, 0 }

/** spin_lock() - Take @l; the caller must not already hold it. */
static inline void spin_lock(struct spinlock *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		;
}

/** spin_unlock() - Release @l, taken by spin_lock(). */
static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif /* HV_SPINLOCK_H */
