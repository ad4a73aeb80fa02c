/* SPDX-License-Identifier: MIT */
/*
 * A VM of two vCPUs (on physical CPUs 2 and 3) with a virtual GICv3, for
 * test_vgic.c and test_vgic_state.c: its own hardware SPI, its console's
 * software level line, a core device's edge line, and helpers that play
 * the guest's register accesses and look at vCPU 0's list registers.
 * Runs vgic_v3.c against the fake architecture (hv/arch/fake).
 */
#ifndef TESTS_UNIT_VGIC_FIXTURE_H
#define TESTS_UNIT_VGIC_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../hv/arch/fake/fake.h"
#include "arch/sysreg_access.h"
#include "arch/vgic.h"
#include "hv/arch/virq.h"
#include "hv/errno.h"
#include "hv/vm.h"

struct pcpu pcpus[SHIKIRI_MAX_CPUS];
struct fake_hv fake_hv; /* the counter sysreg.c reads */
static struct vm vm;
static struct shikiri_plan_vm rec;
static bool line_high;

#define GICD 0x08000000ull
#define GICR 0x080a0000ull
#define OWNED_HW 48 /* physical 78 */
#define OWNED_SW 33 /* the console */
#define FOREIGN 40
#define OTHER_HW 49 /* physical 79, added by the tests that need it */
#define VTIMER 27
#define PMU_PPI 23 /* QEMU virt's PMU overflow interrupt */
#define EDGE 100   /* a core device's edge line (a doorbell) */
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (1ull << 63)

static inline bool resample(struct vm *v)
{
	(void)v;
	return line_high;
}

static inline int setup(void **state)
{
	(void)state;
	fake_reset();
	memset(&vm, 0, sizeof(vm));
	memset(&rec, 0, sizeof(rec));
	memset(pcpus, 0, sizeof(pcpus));
	for (unsigned i = 0; i < SHIKIRI_MAX_CPUS; i++)
		pcpus[i] = (struct pcpu){ .id = i, .hw_id = 0x100 + i };
	vm.plan = &rec;
	vm.vcpu_count = 2;
	for (unsigned i = 0; i < 2; i++)
		vm.vcpu[i] = (struct vcpu){ .vm = &vm, .id = i, .pcpu = 2 + i };
	fake_cpu.pcpu = 2;
	fake_sysreg_reset();
	assert_int_equal(vgic_init(&vm, GICD, GICR), 0);
	assert_int_equal(vgic_add_hw_spi(&vm, OWNED_HW, 78), 0);
	assert_int_equal(vgic_add_sw_spi(&vm, OWNED_SW, resample), 0);
	assert_int_equal(arch_virq_add(&vm, EDGE), 0);
	line_high = false;
	fake_gic.calls = 0;
	return 0;
}

/* A read by vCPU @v, on its own CPU (where its list registers are). */
static inline uint64_t rd_as(unsigned v, uint64_t ipa, unsigned size)
{
	struct mmio_access a = {
		.ipa = ipa, .size = size, .reg = 0, .reg64 = true
	};
	uint64_t regs[31] = { 0 };
	unsigned was = fake_cpu.pcpu;

	fake_cpu.pcpu = vm.vcpu[v].pcpu;
	assert_int_equal(mmio_dispatch(&vm.mmio, &vm.vcpu[v], &a, regs), 0);
	fake_cpu.pcpu = was;
	return regs[0];
}

static inline uint64_t rd(uint64_t ipa, unsigned size)
{
	return rd_as(0, ipa, size);
}

/* A write by vCPU @v, on its own CPU. */
static inline int wr_as(unsigned v, uint64_t ipa, unsigned size, uint64_t val)
{
	struct mmio_access a = {
		.ipa = ipa, .size = size, .reg = 1, .write = true
	};
	uint64_t regs[31] = { 0 };
	unsigned was = fake_cpu.pcpu;
	int ret;

	regs[1] = val;
	fake_cpu.pcpu = vm.vcpu[v].pcpu;
	ret = mmio_dispatch(&vm.mmio, &vm.vcpu[v], &a, regs);
	fake_cpu.pcpu = was;
	return ret;
}

static inline int wr(uint64_t ipa, unsigned size, uint64_t val)
{
	return wr_as(0, ipa, size, val);
}

static inline unsigned queued(unsigned vcpu)
{
	return vm.vcpu[vcpu].arch.vgic.queue_len;
}

/* The guest enables SPI @v in its distributor, routed to vCPU @target. */
static inline void enable_spi(uint32_t v, unsigned target)
{
	assert_int_equal(wr(GICD + 0x6000 + v * 8, 8, target), 0);
	assert_int_equal(wr(GICD + 0x100 + (v / 32) * 4, 4, 1u << (v % 32)), 0);
}

/* List register @n of vCPU 0's CPU. */
static inline uint64_t *lr0(unsigned n)
{
	return &fake_sysregs[2].lr[n];
}

static inline unsigned lrs_holding(uint32_t vintid)
{
	unsigned count = 0;

	for (unsigned n = 0; n < FAKE_LRS; n++)
		count += (*lr0(n) & (LR_PENDING | LR_ACTIVE)) &&
			 (uint32_t)*lr0(n) == vintid;
	return count;
}

#endif /* TESTS_UNIT_VGIC_FIXTURE_H */
