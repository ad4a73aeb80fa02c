/* SPDX-License-Identifier: MIT */
/* The world's insides, shared by world.c and its invariants (check.c). */
#ifndef FUZZ_WORLD_INT_H
#define FUZZ_WORLD_INT_H

#include <stdbool.h>

#include "../../hv/arch/fake/fake.h"
#include "hv/vm.h"
#include "world.h"

#define WORLD_VMS 3u
#define WORLD_CPUS 5u

/** Everything a step may change, kept apart to see what changed. */
struct world_snapshot {
	struct vm vm[WORLD_VMS];
	struct pcpu pcpu[WORLD_CPUS];
	struct fake_gic gic;
	struct fake_cpu cpu;
	struct fake_sysregs sysregs[WORLD_CPUS];
};

/** The world: the plan it was built from and what the model adds. */
struct world {
	const struct shikiri_plan *plan;
	/* Physical SPI owners: VM index, -1 nobody, -2 the hypervisor. */
	int owner[FAKE_INTIDS];
	bool in_guest[WORLD_CPUS];	   /* running guest code */
	struct vcpu_regs regs[WORLD_CPUS]; /* the guest's, per CPU */
	unsigned starts[WORLD_CPUS];	   /* vCPU entries from reset */
	struct mmio_map boot_mmio[WORLD_VMS];
	unsigned steps;
	/*
	 * Physical SPIs active because their guest set them so
	 * (GICD_ISACTIVER): not lost, until it or the VM's reset ends them.
	 */
	bool guest_active[FAKE_INTIDS];
};

extern struct world world;

/** check_fail() - Report a broken invariant and abort. */
noreturn_fn void check_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/** check_snapshot() - Remember the whole state before a step. */
void check_snapshot(struct world_snapshot *s);

/**
 * check_isolation() - VM @actor's exit (and nothing else) happened since
 * @before: no other VM, CPU or physical interrupt of another VM changed,
 * except the life of a VM @actor may manage.
 */
void check_isolation(const struct world_snapshot *before, unsigned actor);

/**
 * check_tick() - Only time passed since @before: a running VM whose
 * watchdog was not enabled is still running, not restarted.
 */
void check_tick(const struct world_snapshot *before);

/**
 * check_regs() - A trap changed no general register of the guest from
 * @was to @now but x@rt (31: none).
 */
void check_regs(const struct vcpu_regs *was, const struct vcpu_regs *now,
		unsigned rt);

/**
 * check_manage_read() - @vm loaded @val from guest address @ipa: from its
 * management page, nothing about a VM it may not see.
 */
void check_manage_read(const struct vm *vm, uint64_t ipa, uint64_t val);

/** check_all() - The invariants that hold between any two steps. */
void check_all(void);

#endif /* FUZZ_WORLD_INT_H */
