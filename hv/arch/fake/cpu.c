/* SPDX-License-Identifier: MIT */
/*
 * The rest of the arch interface (hv/arch/cpu.h) for host builds of the
 * whole hypervisor core with the aarch64 trap handlers: the test drives
 * the CPUs (fake_cpu.pcpu is the one running), the counter and the
 * firmware, and decides where a CPU that parks (arch_idle) goes on.
 * Whatever the test did not provide for is a hypervisor bug: abort.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fake.h"
#include "hv/arch/boot.h"
#include "hv/arch/cpu.h"
#include "hv/plan_check.h"
#include "hv/vm.h"

struct fake_hv fake_hv;

/* The fake runs the aarch64 trap handlers, so it names their level. */
const char arch_hv_level[] = "EL2";

struct pcpu *arch_this_pcpu(void)
{
	return &pcpus[fake_cpu.pcpu];
}

uint64_t arch_cpu_hw_id(void)
{
	return fake_cpu.hw_id[fake_cpu.pcpu];
}

/* The fake CPUs run the aarch64 trap handlers, so they take its plans. */
const struct plan_arch *arch_plan_rules(void)
{
	return &plan_arch_aarch64;
}

uint64_t arch_counter(void)
{
	return fake_hv.counter;
}

void arch_idle(void)
{
	if (!fake_hv.idle) {
		fprintf(stderr, "fake arch: arch_idle() with nowhere to go\n");
		abort();
	}
	longjmp(*fake_hv.idle, 1);
}

void arch_system_off(void)
{
	if (fake_hv.system_off)
		fake_hv.system_off();
	fprintf(stderr, "fake arch: the machine was powered off\n");
	abort();
}

void arch_system_reset(void)
{
	fprintf(stderr, "fake arch: the machine was reset\n");
	abort();
}

void arch_dcache_clean(const void *start, uint64_t size)
{
	(void)start;
	(void)size;
}

bool arch_mem_scrub(void *p, uint64_t size)
{
	/* The host's memory: data only, which the core zeroes. */
	(void)p;
	(void)size;
	return false;
}

uint64_t arch_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	fake_hv.smc_calls++;
	if (fake_hv.smc)
		return fake_hv.smc(fid, a1, a2, a3);
	return (uint64_t)-1; /* NOT_SUPPORTED */
}
