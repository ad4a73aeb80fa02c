/* SPDX-License-Identifier: MIT */
/* The virtual xAPIC: registers, priorities, IPIs inside one VM, timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/vlapic.h"
#include "hv/errno.h"
#include "xorshift.h"

#define NCPU 4

/* What the vlapics asked of the "hypervisor". */
struct world {
	struct vlapic_vm vm;
	struct vlapic cpu[NCPU];
	unsigned kicks[NCPU], nmis[NCPU], inits[NCPU], sipis[NCPU];
	uint8_t sipi_vec[NCPU];
	unsigned eois;
	uint8_t eoi_vec;
};

static void kick(void *ctx, unsigned i)
{
	((struct world *)ctx)->kicks[i]++;
}

static void nmi(void *ctx, unsigned i)
{
	((struct world *)ctx)->nmis[i]++;
}

static void init(void *ctx, unsigned i)
{
	((struct world *)ctx)->inits[i]++;
}

static void sipi(void *ctx, unsigned i, uint8_t vec)
{
	struct world *w = ctx;

	w->sipis[i]++;
	w->sipi_vec[i] = vec;
}

static void eoi_cb(void *ctx, uint8_t vec)
{
	struct world *w = ctx;

	w->eois++;
	w->eoi_vec = vec;
}

static const struct vlapic_ops ops = { kick, nmi, init, sipi, eoi_cb };

static uint32_t rd(struct vlapic *v, uint32_t off, uint64_t now)
{
	uint64_t val;

	assert_int_equal(vlapic_read(v, off, 4, now, &val), 0);
	return (uint32_t)val;
}

static void wr(struct vlapic *v, uint32_t off, uint32_t val, uint64_t now)
{
	assert_int_equal(vlapic_write(v, off, 4, now, val), 0);
}

static bool irr(struct vlapic *v, unsigned vec)
{
	return (rd(v, 0x200 + vec / 32 * 0x10, 0) >> (vec % 32)) & 1;
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	vlapic_vm_init(&w->vm, &ops, w);
	for (unsigned i = 0; i < NCPU; i++) {
		assert_int_equal(vlapic_init(&w->cpu[i], &w->vm, i), 0);
		wr(&w->cpu[i], 0xf0, 0x1ff, 0); /* software enable */
	}
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void reset_values(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[2];

	vlapic_reset(v);
	assert_int_equal(rd(v, 0x20, 0), 2u << 24);
	assert_int_equal(rd(v, 0x30, 0), 0x00050014);
	assert_int_equal(rd(v, 0xe0, 0), 0xffffffff);
	assert_int_equal(rd(v, 0xf0, 0), 0xff);
	for (uint32_t off = 0x320; off <= 0x370; off += 0x10)
		assert_int_equal(rd(v, off, 0), 0x10000);
	assert_int_equal(rd(v, 0xa0, 0), 0);
	assert_int_equal(vlapic_timer_deadline(v), VLAPIC_NO_DEADLINE);
	/* The ID is fixed by the layout: writes are ignored. */
	wr(v, 0x20, 7u << 24, 0);
	assert_int_equal(rd(v, 0x20, 0), 2u << 24);
	assert_int_equal(vlapic_init(&w->cpu[2], &w->vm, 2), -HV_EINVAL);
	assert_int_equal(vlapic_init(&w->cpu[2], &w->vm, 64), -HV_EINVAL);
}

static void fixed_ipi_physical(void **state)
{
	struct world *w = *state;

	wr(&w->cpu[0], 0x310, 2u << 24, 0);
	wr(&w->cpu[0], 0x300, 0x40, 0);
	assert_true(irr(&w->cpu[2], 0x40));
	assert_int_equal(w->kicks[2], 1);
	for (unsigned i = 0; i < NCPU; i++) {
		if (i != 2) {
			assert_false(irr(&w->cpu[i], 0x40));
			assert_int_equal(w->kicks[i], 0);
		}
	}
	assert_int_equal(vlapic_pending(&w->cpu[2]), 0x40);
	/* Delivery status reads idle at once. */
	assert_int_equal(rd(&w->cpu[0], 0x300, 0) & (1u << 12), 0);
}

static void ipi_outside_vm_goes_nowhere(void **state)
{
	struct world *w = *state;

	/* APIC IDs 4..0xfe are not this VM's: nothing, anywhere. */
	for (unsigned dest = NCPU; dest < 0xff; dest++) {
		wr(&w->cpu[1], 0x310, dest << 24, 0);
		wr(&w->cpu[1], 0x300, 0x40, 0);	  /* fixed */
		wr(&w->cpu[1], 0x300, 0x4400, 0); /* NMI */
		wr(&w->cpu[1], 0x300, 0x4500, 0); /* INIT */
		wr(&w->cpu[1], 0x300, 0x4699, 0); /* SIPI */
	}
	for (unsigned i = 0; i < NCPU; i++) {
		assert_int_equal(w->kicks[i] + w->nmis[i] + w->inits[i] +
					 w->sipis[i],
				 0);
		assert_int_equal(vlapic_pending(&w->cpu[i]), -1);
	}
	assert_int_equal(w->vm.dropped, 4 * (0xff - NCPU));
	/* Logical mode with no LDR set matches nobody either. */
	wr(&w->cpu[1], 0x310, 0x0f000000, 0);
	wr(&w->cpu[1], 0x300, 0x840, 0);
	assert_int_equal(w->kicks[0] + w->kicks[2], 0);
}

static void shorthands(void **state)
{
	struct world *w = *state;

	wr(&w->cpu[1], 0x300, 0x40000 | 0x41, 0); /* self */
	assert_true(irr(&w->cpu[1], 0x41));
	assert_false(irr(&w->cpu[0], 0x41));
	wr(&w->cpu[1], 0x300, 0x80000 | 0x42, 0); /* all including self */
	for (unsigned i = 0; i < NCPU; i++)
		assert_true(irr(&w->cpu[i], 0x42));
	wr(&w->cpu[1], 0x300, 0xc0000 | 0x43, 0); /* all but self */
	for (unsigned i = 0; i < NCPU; i++)
		assert_int_equal(irr(&w->cpu[i], 0x43), i != 1);
	/* Broadcast destination 0xff in physical mode: everyone. */
	wr(&w->cpu[3], 0x310, 0xff000000, 0);
	wr(&w->cpu[3], 0x300, 0x44, 0);
	for (unsigned i = 0; i < NCPU; i++)
		assert_true(irr(&w->cpu[i], 0x44));
}

static void logical_flat_and_cluster(void **state)
{
	struct world *w = *state;

	/* Flat: LDR bit per CPU, as Linux's default. */
	for (unsigned i = 0; i < NCPU; i++)
		wr(&w->cpu[i], 0xd0, (1u << i) << 24, 0);
	wr(&w->cpu[0], 0x310, 0x0a000000, 0); /* CPUs 1 and 3 */
	wr(&w->cpu[0], 0x300, 0x850, 0);
	for (unsigned i = 0; i < NCPU; i++)
		assert_int_equal(irr(&w->cpu[i], 0x50), i == 1 || i == 3);
	/* Cluster: DFR model 0; cluster 1 members 1 and 2 (bits 0, 1). */
	for (unsigned i = 0; i < NCPU; i++) {
		wr(&w->cpu[i], 0xe0, 0x0fffffff, 0);
		wr(&w->cpu[i], 0xd0,
		   (i == 0 ? 0x21 : (0x10 | (1u << (i - 1)))) << 24, 0);
	}
	assert_int_equal(rd(&w->cpu[1], 0xe0, 0), 0x0fffffff);
	wr(&w->cpu[0], 0x310, 0x13000000, 0);
	wr(&w->cpu[0], 0x300, 0x851, 0);
	for (unsigned i = 0; i < NCPU; i++)
		assert_int_equal(irr(&w->cpu[i], 0x51), i == 1 || i == 2);
	/* Cluster 2 member 0 is CPU 0 only. */
	wr(&w->cpu[3], 0x310, 0x21000000, 0);
	wr(&w->cpu[3], 0x300, 0x852, 0);
	for (unsigned i = 0; i < NCPU; i++)
		assert_int_equal(irr(&w->cpu[i], 0x52), i == 0);
}

static void lowest_priority_picks_one(void **state)
{
	struct world *w = *state;
	unsigned hits[NCPU] = { 0 };

	/* CPU 2 has the lowest TPR: it takes every one. */
	for (unsigned i = 0; i < NCPU; i++)
		wr(&w->cpu[i], 0x80, i == 2 ? 0x10 : 0x20, 0);
	for (unsigned n = 0; n < 3; n++) {
		wr(&w->cpu[0], 0x310, 0xff000000, 0);
		wr(&w->cpu[0], 0x300, 0x160 + n, 0);
		for (unsigned i = 0; i < NCPU; i++)
			assert_int_equal(irr(&w->cpu[i], 0x60 + n), i == 2);
	}
	/* Ties go round: four messages, four different vCPUs. */
	for (unsigned i = 0; i < NCPU; i++)
		wr(&w->cpu[i], 0x80, 0, 0);
	for (unsigned n = 0; n < NCPU; n++) {
		struct vlapic_msg m = { .vector = 0x70,
					.mode = VLAPIC_LOWEST,
					.dest = 0xff };

		assert_int_equal(vlapic_deliver(&w->vm, &m), 1);
	}
	for (unsigned i = 0; i < NCPU; i++) {
		hits[i] = irr(&w->cpu[i], 0x70);
		assert_int_equal(hits[i], 1);
	}
	/* A software-disabled APIC is never the one chosen. */
	wr(&w->cpu[0], 0xf0, 0xff, 0);
	for (unsigned n = 0; n < 2 * NCPU; n++) {
		struct vlapic_msg m = { .vector = 0x72,
					.mode = VLAPIC_LOWEST,
					.dest = 0xff };

		assert_int_equal(vlapic_deliver(&w->vm, &m), 1);
	}
	assert_false(irr(&w->cpu[0], 0x72));
	wr(&w->cpu[0], 0xf0, 0x1ff, 0);
	/* Lowest priority with the self shorthand is invalid: dropped. */
	wr(&w->cpu[1], 0x300, 0x40000 | 0x171, 0);
	assert_false(irr(&w->cpu[1], 0x71));
}

static void init_sipi_sequence(void **state)
{
	struct world *w = *state;
	struct vlapic *bsp = &w->cpu[0], *ap = &w->cpu[3];

	wr(ap, 0x80, 0x30, 0);
	/* Linux's wakeup_secondary_cpu_via_init(): INIT assert, de-assert, SIPI x2. */
	wr(bsp, 0x310, 3u << 24, 0);
	wr(bsp, 0x300, 0xc500, 0);
	assert_int_equal(w->inits[3], 1);
	assert_int_equal(rd(ap, 0x80, 0), 0); /* INIT reset its APIC */
	assert_int_equal(rd(ap, 0xf0, 0), 0xff);
	assert_int_equal(rd(ap, 0x20, 0), 3u << 24);
	wr(bsp, 0x310, 3u << 24, 0);
	wr(bsp, 0x300, 0x8500, 0); /* level de-assert */
	assert_int_equal(w->inits[3], 1);
	wr(bsp, 0x310, 3u << 24, 0);
	wr(bsp, 0x300, 0x0699, 0);
	wr(bsp, 0x300, 0x0699, 0);
	assert_int_equal(w->sipis[3], 2);
	assert_int_equal(w->sipi_vec[3], 0x99);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(w->inits[i] + w->sipis[i], 0);
	/* NMI to CPU 1. */
	wr(bsp, 0x310, 1u << 24, 0);
	wr(bsp, 0x300, 0x0400, 0);
	assert_int_equal(w->nmis[1], 1);
	assert_int_equal(w->nmis[0] + w->nmis[2] + w->nmis[3], 0);
}

static void priorities_and_eoi(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[0];
	struct vlapic_msg m = { .dest = 0, .mode = VLAPIC_FIXED };

	m.vector = 0x31;
	vlapic_deliver(&w->vm, &m);
	m.vector = 0x55;
	vlapic_deliver(&w->vm, &m);
	/* TPR 0x50 blocks class 5 and below. */
	wr(v, 0x80, 0x50, 0);
	assert_int_equal(vlapic_pending(v), -1);
	assert_int_equal(rd(v, 0xa0, 0), 0x50);
	wr(v, 0x80, 0x40, 0);
	assert_int_equal(vlapic_pending(v), 0x55);
	vlapic_accept(v, 0x55);
	assert_false(irr(v, 0x55));
	assert_true((rd(v, 0x100 + 0x55 / 32 * 0x10, 0) >> (0x55 % 32)) & 1);
	/* PPR is now the ISR's class: 0x31 waits. */
	assert_int_equal(rd(v, 0xa0, 0), 0x50);
	assert_int_equal(vlapic_pending(v), -1);
	/* A higher class preempts. */
	m.vector = 0x62;
	vlapic_deliver(&w->vm, &m);
	assert_int_equal(vlapic_pending(v), 0x62);
	vlapic_accept(v, 0x62);
	assert_int_equal(rd(v, 0xa0, 0), 0x60);
	/* EOI ends the highest in service first. */
	wr(v, 0xb0, 0, 0);
	assert_int_equal(rd(v, 0xa0, 0), 0x50);
	wr(v, 0xb0, 0, 0);
	assert_int_equal(rd(v, 0xa0, 0), 0x40);
	wr(v, 0x80, 0, 0);
	assert_int_equal(vlapic_pending(v), 0x31);
	/* Edge-triggered: no EOI broadcast. */
	assert_int_equal(w->eois, 0);
	/* Accepting a vector not pending changes nothing. */
	vlapic_accept(v, 0x99);
	assert_int_equal(rd(v, 0xa0, 0), 0);
}

static void level_eoi_broadcast(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[1];
	struct vlapic_msg m = { .vector = 0x91, .dest = 1, .level = true };

	assert_int_equal(vlapic_deliver(&w->vm, &m), 1);
	assert_true((rd(v, 0x180 + 0x91 / 32 * 0x10, 0) >> (0x91 % 32)) & 1);
	vlapic_accept(v, 0x91);
	wr(v, 0xb0, 0, 0);
	assert_int_equal(w->eois, 1);
	assert_int_equal(w->eoi_vec, 0x91);
	/* An EOI with nothing in service does nothing. */
	wr(v, 0xb0, 0, 0);
	assert_int_equal(w->eois, 1);
}

static void esr_and_illegal_vectors(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[0];
	struct vlapic_msg m = { .vector = 3, .dest = 0 };

	wr(v, 0x370, 0xfe, 0); /* error LVT unmasked, vector 0xfe */
	wr(v, 0x310, 1u << 24, 0);
	wr(v, 0x300, 0x05, 0); /* send illegal vector 5 */
	assert_false(irr(&w->cpu[1], 5));
	assert_int_equal(rd(v, 0x280, 0), 0); /* until ESR is written */
	wr(v, 0x280, 0, 0);
	assert_int_equal(rd(v, 0x280, 0), 0x20);
	assert_true(irr(v, 0xfe));
	vlapic_deliver(&w->vm, &m); /* receive illegal vector 3 */
	wr(v, 0x280, 0, 0);
	assert_int_equal(rd(v, 0x280, 0), 0x40);
	wr(v, 0x280, 0, 0);
	assert_int_equal(rd(v, 0x280, 0), 0);
	/* A write to no register: illegal register address. */
	wr(v, 0x3f0, 1, 0);
	wr(v, 0x280, 0, 0);
	assert_int_equal(rd(v, 0x280, 0), 0x80);
}

static void software_disable(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[2];
	struct vlapic_msg m = { .vector = 0x40, .dest = 2 };

	wr(v, 0x320, 0x20030, 0);
	wr(v, 0xf0, 0xff, 0);
	assert_int_equal(rd(v, 0x320, 0), 0x30030); /* masked now */
	wr(v, 0x320, 0x30, 0);
	assert_int_equal(rd(v, 0x320, 0), 0x10030); /* and stays masked */
	assert_int_equal(vlapic_deliver(&w->vm, &m), 0);
	assert_false(irr(v, 0x40));
	/* INIT, NMI and SIPI still reach it. */
	m.mode = VLAPIC_NMI;
	assert_int_equal(vlapic_deliver(&w->vm, &m), 1);
	wr(v, 0xf0, 0x1ff, 0);
	wr(v, 0x320, 0x30, 0);
	assert_int_equal(rd(v, 0x320, 0), 0x30);
}

static void timer_one_shot(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[0];
	uint64_t t = 1000000;

	wr(v, 0x3e0, 0xb, t);	/* divide by 1 */
	wr(v, 0x320, 0xef, t);	/* one-shot, vector 0xef */
	wr(v, 0x380, 10000, t); /* 10 us */
	assert_int_equal(rd(v, 0x380, t), 10000);
	assert_int_equal(vlapic_timer_deadline(v), t + 10000);
	assert_int_equal(rd(v, 0x390, t + 4000), 6000);
	assert_int_equal(rd(v, 0x390, t + 9999), 1);
	vlapic_timer_update(v, t + 9999);
	assert_int_equal(vlapic_pending(v), -1);
	vlapic_timer_update(v, t + 10000);
	assert_int_equal(vlapic_pending(v), 0xef);
	assert_int_equal(rd(v, 0x390, t + 10001), 0);
	assert_int_equal(vlapic_timer_deadline(v), VLAPIC_NO_DEADLINE);
	/* Divide by 16 (TDCR 3): one count per 16 ns. */
	wr(v, 0x3e0, 0x3, t);
	wr(v, 0x380, 100, t);
	assert_int_equal(vlapic_timer_deadline(v), t + 1600);
	assert_int_equal(rd(v, 0x390, t + 160), 90);
	/* Divide by 128 (TDCR 0xa). */
	wr(v, 0x3e0, 0xa, t);
	assert_int_equal(vlapic_timer_deadline(v), t + 12800);
	/* TMICT 0 stops it. */
	wr(v, 0x380, 0, t);
	assert_int_equal(vlapic_timer_deadline(v), VLAPIC_NO_DEADLINE);
	assert_int_equal(rd(v, 0x390, t + 5), 0);
}

static void timer_periodic_reload(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[1];
	uint64_t t = 5000, p = 1000000; /* 1 ms at divide by 1 */

	wr(v, 0x3e0, 0xb, t);
	wr(v, 0x320, 0x200ec, t);
	wr(v, 0x380, (uint32_t)p, t);
	assert_int_equal(vlapic_timer_deadline(v), t + p);
	vlapic_timer_update(v, t + p);
	assert_int_equal(vlapic_pending(v), 0xec);
	vlapic_accept(v, 0xec);
	wr(v, 0xb0, 0, t + p);
	assert_int_equal(vlapic_timer_deadline(v), t + 2 * p);
	/* TMCCT counts down again from TMICT within each period. */
	assert_int_equal(rd(v, 0x390, t + p + 250000), p - 250000);
	/* Five periods missed: one interrupt, the deadline ahead of now. */
	vlapic_timer_update(v, t + 6 * p + 10);
	assert_int_equal(vlapic_pending(v), 0xec);
	assert_int_equal(vlapic_timer_deadline(v), t + 7 * p);
	vlapic_accept(v, 0xec);
	assert_int_equal(vlapic_pending(v), -1);
	/* Masked: no interrupt, but the period goes on. */
	wr(v, 0x320, 0x300ec, t + 6 * p + 20);
	wr(v, 0xb0, 0, t + 6 * p + 30);
	vlapic_timer_update(v, t + 7 * p);
	assert_int_equal(vlapic_pending(v), -1);
	assert_int_equal(vlapic_timer_deadline(v), t + 8 * p);
	/* A tiny period is raised to the floor. */
	wr(v, 0x320, 0x200ec, 0);
	wr(v, 0x380, 1, 0);
	assert_int_equal(vlapic_timer_deadline(v), VLAPIC_MIN_PERIOD_NS);
	/* Back to one-shot: the timer restarts with the real count. */
	wr(v, 0x320, 0x000ec, 50);
	assert_int_equal(vlapic_timer_deadline(v), 51);
}

static void access_bounds(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[0];
	uint64_t val = 0x1234;

	assert_int_equal(vlapic_read(v, 0x1000, 4, 0, &val), -HV_ERANGE);
	assert_int_equal(val, 0x1234);
	assert_int_equal(vlapic_write(v, 0x1000, 4, 0, 1), -HV_ERANGE);
	assert_int_equal(vlapic_read(v, 0, 0, 0, &val), -HV_ERANGE);
	/* Partial reads of a register; bytes 4-15 of a slot read 0. */
	assert_int_equal(vlapic_read(v, 0x32, 2, 0, &val), 0);
	assert_int_equal(val, 0x0005);
	assert_int_equal(vlapic_read(v, 0x30, 1, 0, &val), 0);
	assert_int_equal(val, 0x14);
	assert_int_equal(vlapic_read(v, 0x34, 4, 0, &val), 0);
	assert_int_equal(val, 0);
	/* Unaligned or narrow writes change nothing. */
	assert_int_equal(vlapic_write(v, 0x81, 4, 0, 0xff), 0);
	assert_int_equal(vlapic_write(v, 0x80, 2, 0, 0xff), 0);
	assert_int_equal(rd(v, 0x80, 0), 0);
	/* IRR/ISR/TMR are read-only. */
	wr(v, 0x200 + 0x20, 0xffffffff, 0);
	assert_int_equal(vlapic_pending(v), -1);
}

/* Any register, any value, any time: nothing breaks, bounds hold. */
static void random_writes_are_safe(void **state)
{
	struct world *w = *state;
	uint64_t x = 88172645463325252ull, now = 0;

	for (unsigned n = 0; n < 200000; n++) {
		struct vlapic *v = &w->cpu[n % NCPU];
		uint64_t val;
		int vec;

		xorshift64(&x);
		now += x % 5000;
		if (x & 1) {
			assert_int_equal(vlapic_write(v, (x >> 8) & 0xff0, 4,
						      now, x >> 32),
					 0);
		} else {
			assert_int_equal(vlapic_read(v, (x >> 8) & 0xfff,
						     1u << ((x >> 20) & 3), now,
						     &val),
					 0);
		}
		vlapic_timer_update(v, now);
		vec = vlapic_pending(v);
		assert_true(vec == -1 || (vec >= 16 && vec < 256));
		if (vec > 0)
			vlapic_accept(v, (uint8_t)vec);
		assert_true(vlapic_timer_deadline(v) == VLAPIC_NO_DEADLINE ||
			    vlapic_timer_deadline(v) > now);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(reset_values),
		T(fixed_ipi_physical),
		T(ipi_outside_vm_goes_nowhere),
		T(shorthands),
		T(logical_flat_and_cluster),
		T(lowest_priority_picks_one),
		T(init_sipi_sequence),
		T(priorities_and_eoi),
		T(level_eoi_broadcast),
		T(esr_and_illegal_vectors),
		T(software_disable),
		T(timer_one_shot),
		T(timer_periodic_reload),
		T(access_bounds),
		T(random_writes_are_safe),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
