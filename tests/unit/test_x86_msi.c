/* SPDX-License-Identifier: MIT */
/*
 * MSI translation (hv/arch/x86_64/msi.c): what a device may be given for a
 * message a guest wrote.  Every accepted message must be fixed, edge, the
 * guest's vector, and name the physical CPU of a vCPU the guest named;
 * everything that could reach outside the VM or the hypervisor's vectors
 * is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/msi.h"
#include "hv/errno.h"
#include "xorshift.h"

#define NCPU 4

/* The physical APIC IDs of the CPUs that run vCPUs 0..3. */
static const uint64_t apic_id[NCPU] = { 2, 3, 6, 7 };

static void nop_kick(void *ctx, unsigned i)
{
	(void)ctx;
	(void)i;
}

static const struct vlapic_ops ops = { .kick = nop_kick };

struct world {
	struct vlapic_vm vm;
	struct vlapic cpu[NCPU];
};

static void wr(struct vlapic *v, uint32_t off, uint32_t val)
{
	assert_int_equal(vlapic_write(v, off, 4, 0, val), 0);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	vlapic_vm_init(&w->vm, &ops, w);
	for (unsigned i = 0; i < NCPU; i++) {
		assert_int_equal(vlapic_init(&w->cpu[i], &w->vm, i), 0);
		wr(&w->cpu[i], 0xf0, 0x1ff);
	}
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint64_t addr_of(unsigned dest, bool logical, bool rh)
{
	return 0xfee00000u | dest << 12 | (logical ? 4u : 0) | (rh ? 8u : 0);
}

static int xlate(struct world *w, uint64_t addr, uint32_t data, uint64_t *pa,
		 uint32_t *pd)
{
	*pa = 0xdead;
	*pd = 0xdead;
	return msi_translate(&w->vm, apic_id, addr, data, pa, pd);
}

static void physical_destination(void **state)
{
	struct world *w = *state;
	uint64_t pa;
	uint32_t pd;

	for (unsigned i = 0; i < NCPU; i++) {
		assert_int_equal(xlate(w, addr_of(i, false, false), 0x4041, &pa,
				       &pd),
				 0);
		assert_int_equal(pa, 0xfee00000u | apic_id[i] << 12);
		assert_int_equal(pd, 0x4041);
	}
	/* A level-triggered request still goes out as an edge. */
	assert_int_equal(xlate(w, addr_of(1, false, false), 0xc055, &pa, &pd),
			 0);
	assert_int_equal(pd, 0x4055);
}

static void lowest_priority_goes_to_first(void **state)
{
	struct world *w = *state;
	uint64_t pa;
	uint32_t pd;

	/* Flat logical: vCPU i answers to bit i. */
	for (unsigned i = 0; i < NCPU; i++)
		wr(&w->cpu[i], 0xd0, 1u << (24 + i));
	assert_int_equal(xlate(w, addr_of(0x0c, true, true), 0x4130, &pa, &pd),
			 0);
	assert_int_equal(pa, 0xfee00000u | apic_id[2] << 12);
	assert_int_equal(pd, 0x4030);
	/* Fixed, logical, several named: one CPU, the first. */
	assert_int_equal(xlate(w, addr_of(0x0a, true, false), 0x40e0, &pa, &pd),
			 0);
	assert_int_equal(pa, 0xfee00000u | apic_id[1] << 12);
	assert_int_equal(pd, 0x40e0);
	/* Cluster model: cluster 1, member bit 1 is vCPU 3's LDR. */
	for (unsigned i = 0; i < NCPU; i++)
		wr(&w->cpu[i], 0xe0, 0x0fffffff);
	wr(&w->cpu[3], 0xd0, 0x12u << 24);
	assert_int_equal(xlate(w, addr_of(0x12, true, false), 0x4022, &pa, &pd),
			 0);
	assert_int_equal(pa, 0xfee00000u | apic_id[3] << 12);
}

static void refused(void **state)
{
	struct world *w = *state;
	uint64_t pa;
	uint32_t pd;
	static const uint32_t modes[] = { 2, 3, 4, 5, 6, 7 };
	static const unsigned vectors[] = { 0,	  2,	0x1f, 0xec, 0xfb,
					    0xfc, 0xfd, 0xfe, 0xff };

	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		assert_int_equal(xlate(w, addr_of(0, false, false),
				       modes[i] << 8 | 0x41, &pa, &pd),
				 -HV_EPERM);
	for (unsigned i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		assert_int_equal(xlate(w, addr_of(0, false, false),
				       0x4000 | vectors[i], &pa, &pd),
				 -HV_EPERM);
	/* No such vCPU: physical 4 and 0xfe, logical bits nobody has. */
	assert_int_equal(xlate(w, addr_of(4, false, false), 0x41, &pa, &pd),
			 -HV_EPERM);
	assert_int_equal(xlate(w, addr_of(0xfe, false, false), 0x41, &pa, &pd),
			 -HV_EPERM);
	assert_int_equal(xlate(w, addr_of(0x01, true, false), 0x41, &pa, &pd),
			 -HV_EPERM); /* LDRs are all 0 after reset */
	/* Not the interrupt range; an extended destination ID. */
	assert_int_equal(xlate(w, 0xfed00000u, 0x41, &pa, &pd), -HV_EPERM);
	assert_int_equal(xlate(w, 0x1fee00000ull, 0x41, &pa, &pd), -HV_EPERM);
	assert_int_equal(pa, 0xdead);
	assert_int_equal(pd, 0xdead);
}

static void vector_edges(void **state)
{
	struct world *w = *state;
	uint64_t pa;
	uint32_t pd;

	assert_int_equal(xlate(w, addr_of(0, false, false), 0x20, &pa, &pd), 0);
	assert_int_equal(pd, 0x4020);
	assert_int_equal(xlate(w, addr_of(0, false, false), 0xeb, &pa, &pd), 0);
	assert_int_equal(pd, 0x40eb);
}

/*
 * Whatever the guest writes, an accepted message is fixed, edge,
 * asserted, a device vector, and names a CPU of the VM, the one of a vCPU
 * the guest's destination names.
 */
static void random_messages(void **state)
{
	struct world *w = *state;
	uint64_t seed = 0x5eed;
	unsigned accepted = 0;

	for (unsigned i = 0; i < NCPU; i++)
		wr(&w->cpu[i], 0xd0, 1u << (24 + i));
	for (unsigned n = 0; n < 200000; n++) {
		uint64_t r = xorshift64(&seed), pa;
		uint64_t addr = (r & 1) ? (0xfee00000u | (r >> 8 & 0xff00c)) :
					  (r >> 16);
		uint32_t data = (uint32_t)(r >> 32), pd;
		unsigned dest = (addr >> 12) & 0xff, vec = data & 0xff;
		bool ok = false;

		if (xlate(w, addr, data, &pa, &pd))
			continue;
		accepted++;
		assert_int_equal(addr >> 20, 0xfee);
		assert_int_equal(pd, 0x4000 | vec);
		assert_true(vec >= 0x20 && vec < 0xec);
		assert_true(((data >> 8) & 7) <= 1);
		for (unsigned i = 0; i < NCPU; i++) {
			bool named = (addr & 4) ? (dest >> i) & 1 :
						  dest == i || dest == 0xff;

			if (pa == (0xfee00000u | apic_id[i] << 12)) {
				assert_true(named);
				ok = true;
			}
		}
		assert_true(ok);
	}
	/* The draw reaches both outcomes often enough to mean something. */
	assert_true(accepted > 1000 && accepted < 190000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(physical_destination, setup,
						teardown),
		cmocka_unit_test_setup_teardown(lowest_priority_goes_to_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(refused, setup, teardown),
		cmocka_unit_test_setup_teardown(vector_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(random_messages, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
