/* SPDX-License-Identifier: MIT */
/* The virtual I/O APIC, delivering to real vlapics of one VM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/vioapic.h"
#include "arch/vlapic.h"
#include "hv/errno.h"
#include "xorshift.h"

#define NCPU 2
/* The VM owns every pin but 5 and 20. */
#define OWNED (0xffffffu & ~(1u << 5) & ~(1u << 20))

struct world {
	struct vioapic io;
	struct vlapic_vm vm;
	struct vlapic cpu[NCPU];
	unsigned sent, reached;
	/* What the physical-pin callbacks saw. */
	unsigned hw_masks, hw_eois;
	bool hw_masked[VIOAPIC_PINS];
};

/* The hypervisor's side: messages go to this VM's vlapics only. */
static void deliver(void *ctx, const struct vlapic_msg *msg)
{
	struct world *w = ctx;

	w->sent++;
	w->reached += vlapic_deliver(&w->vm, msg);
}

static void eoi(void *ctx, uint8_t vector)
{
	vioapic_eoi(&((struct world *)ctx)->io, vector);
}

static const struct vlapic_ops ops = { .eoi = eoi };

static uint32_t ioread(struct world *w, uint8_t reg)
{
	uint64_t v;

	assert_int_equal(vioapic_write(&w->io, 0x00, 4, reg), 0);
	assert_int_equal(vioapic_read(&w->io, 0x10, 4, &v), 0);
	return (uint32_t)v;
}

static void iowrite(struct world *w, uint8_t reg, uint32_t val)
{
	assert_int_equal(vioapic_write(&w->io, 0x00, 4, reg), 0);
	assert_int_equal(vioapic_write(&w->io, 0x10, 4, val), 0);
}

static void route(struct world *w, unsigned pin, uint32_t lo, uint8_t dest)
{
	iowrite(w, (uint8_t)(0x11 + 2 * pin), (uint32_t)dest << 24);
	iowrite(w, (uint8_t)(0x10 + 2 * pin), lo);
}

static bool irr(struct vlapic *v, unsigned vec)
{
	return (v->irr[vec / 32] >> (vec % 32)) & 1;
}

/* The vCPU takes the interrupt and ends it, as a guest handler does. */
static void handle(struct vlapic *v, unsigned vec)
{
	assert_int_equal(vlapic_pending(v), (int)vec);
	vlapic_accept(v, (uint8_t)vec);
	assert_int_equal(vlapic_write(v, 0xb0, 4, 0, 0), 0);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	vlapic_vm_init(&w->vm, &ops, w);
	for (unsigned i = 0; i < NCPU; i++) {
		assert_int_equal(vlapic_init(&w->cpu[i], &w->vm, i), 0);
		assert_int_equal(vlapic_write(&w->cpu[i], 0xf0, 4, 0, 0x1ff),
				 0);
	}
	vioapic_init(&w->io, NCPU, OWNED, deliver, w);
	*state = w;
	return 0;
}

static void hw_mask(void *ctx, unsigned pin, bool masked)
{
	struct world *w = ctx;

	assert_true(pin < VIOAPIC_PINS);
	w->hw_masks++;
	w->hw_masked[pin] = masked;
}

static void hw_eoi(void *ctx, unsigned pin)
{
	struct world *w = ctx;

	assert_int_equal(pin, 16);
	w->hw_eois++;
}

static const struct vioapic_hw_ops hw_ops = { hw_mask, hw_eoi };

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void identity_registers(void **state)
{
	struct world *w = *state;
	uint64_t v;

	assert_int_equal(ioread(w, 0), NCPU << 24);
	assert_int_equal(ioread(w, 1), 0x00170011);
	assert_int_equal(ioread(w, 2), NCPU << 24);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		assert_int_equal(ioread(w, (uint8_t)(0x10 + 2 * pin)), 0x10000);
		assert_int_equal(ioread(w, (uint8_t)(0x11 + 2 * pin)), 0);
	}
	assert_int_equal(ioread(w, 0x40), 0xffffffff);
	assert_int_equal(ioread(w, 0x03), 0xffffffff);
	assert_int_equal(vioapic_read(&w->io, 0x00, 4, &v), 0);
	assert_int_equal(v, 0x03);
	assert_int_equal(vioapic_read(&w->io, 0x1000, 4, &v), -HV_ERANGE);
	assert_int_equal(vioapic_write(&w->io, 0x1000, 4, 0), -HV_ERANGE);
	assert_int_equal(vioapic_read(&w->io, 0x20, 4, &v), 0);
	assert_int_equal(v, 0);
	/* The ID is writable (Linux may renumber it), four bits. */
	iowrite(w, 0, 0xff000000);
	assert_int_equal(ioread(w, 0), 0x0f000000);
}

static void edge_delivers_on_rising_edge(void **state)
{
	struct world *w = *state;

	route(w, 4, 0x34, 1); /* COM1: edge, fixed, vector 0x34 to CPU 1 */
	assert_int_equal(ioread(w, 0x18), 0x34);
	assert_int_equal(ioread(w, 0x19), 1u << 24);
	vioapic_set_irq(&w->io, 4, true);
	assert_true(irr(&w->cpu[1], 0x34));
	assert_false(irr(&w->cpu[0], 0x34));
	assert_int_equal(w->sent, 1);
	/* Still high: no second edge. */
	vioapic_set_irq(&w->io, 4, true);
	assert_int_equal(w->sent, 1);
	handle(&w->cpu[1], 0x34);
	vioapic_set_irq(&w->io, 4, false);
	vioapic_set_irq(&w->io, 4, true);
	assert_int_equal(w->sent, 2);
	/* Edge interrupts have no remote IRR. */
	assert_int_equal(ioread(w, 0x18) & (1u << 14), 0);
}

static void level_waits_for_eoi(void **state)
{
	struct world *w = *state;
	struct vlapic *v = &w->cpu[0];

	route(w, 9, 0xa000 | 0x59, 0); /* SCI: level, active high */
	vioapic_set_irq(&w->io, 9, true);
	assert_int_equal(w->sent, 1);
	assert_true(ioread(w, 0x22) & (1u << 14)); /* remote IRR */
	/* Raised again while in service: nothing until the EOI. */
	vioapic_set_irq(&w->io, 9, true);
	vioapic_set_irq(&w->io, 9, false);
	vioapic_set_irq(&w->io, 9, true);
	assert_int_equal(w->sent, 1);
	/* EOI with the line still high: sent again. */
	handle(v, 0x59);
	assert_int_equal(w->sent, 2);
	assert_true(irr(v, 0x59));
	/* Line low before the EOI: the EOI only clears remote IRR. */
	vioapic_set_irq(&w->io, 9, false);
	handle(v, 0x59);
	assert_int_equal(w->sent, 2);
	assert_int_equal(ioread(w, 0x22) & (1u << 14), 0);
	assert_int_equal(vlapic_pending(v), -1);
}

static void masking(void **state)
{
	struct world *w = *state;

	/* An edge while masked is lost. */
	route(w, 2, 0x10000 | 0x30, 0);
	vioapic_set_irq(&w->io, 2, true);
	vioapic_set_irq(&w->io, 2, false);
	route(w, 2, 0x30, 0);
	assert_int_equal(w->sent, 0);
	/* A level line held while masked goes out on unmask. */
	route(w, 10, 0x1a000 | 0x3a, 0);
	vioapic_set_irq(&w->io, 10, true);
	assert_int_equal(w->sent, 0);
	route(w, 10, 0xa000 | 0x3a, 0);
	assert_int_equal(w->sent, 1);
	assert_true(irr(&w->cpu[0], 0x3a));
	/* The guest cannot set remote IRR; edge mode clears it. */
	route(w, 11, 0x1c000 | 0x3b, 0);
	assert_int_equal(ioread(w, 0x26) & (1u << 14), 0);
	route(w, 10, 0x3a, 0);
	assert_int_equal(ioread(w, 0x24) & (1u << 14), 0);
}

static void pins_not_owned(void **state)
{
	struct world *w = *state;

	route(w, 5, 0x45, 0);
	route(w, 20, 0xa046, 0);
	assert_int_equal(ioread(w, 0x10 + 10), 0x10000);
	assert_int_equal(ioread(w, 0x11 + 10), 0);
	assert_int_equal(ioread(w, 0x10 + 40), 0x10000);
	vioapic_set_irq(&w->io, 5, true);
	vioapic_set_irq(&w->io, 20, true);
	vioapic_set_irq(&w->io, 24, true);
	vioapic_set_irq(&w->io, 0xffffffffu, true);
	assert_int_equal(w->sent, 0);
	assert_int_equal(w->io.line, 0);
}

static void only_fixed_and_lowest_go_out(void **state)
{
	struct world *w = *state;
	static const uint32_t modes[] = { 2, 3, 4, 5, 6, 7 };

	for (unsigned i = 0; i < 6; i++) {
		route(w, 3, modes[i] << 8 | 0x33, 0);
		vioapic_set_irq(&w->io, 3, true);
		vioapic_set_irq(&w->io, 3, false);
	}
	assert_int_equal(w->sent, 0);
	assert_int_equal(w->io.dropped, 6);
	/* Lowest priority, logical broadcast: one vCPU gets it. */
	route(w, 3, 0x900 | 0x33, 0xff);
	vioapic_set_irq(&w->io, 3, true);
	assert_int_equal(w->sent, 1);
	assert_int_equal(w->reached, 1);
	assert_true(irr(&w->cpu[0], 0x33) != irr(&w->cpu[1], 0x33));
}

static void destination_outside_vm(void **state)
{
	struct world *w = *state;

	route(w, 7, 0x37, 9); /* physical APIC ID 9: not this VM's */
	vioapic_set_irq(&w->io, 7, true);
	assert_int_equal(w->sent, 1);
	assert_int_equal(w->reached, 0);
	assert_int_equal(w->vm.dropped, 1);
	assert_false(irr(&w->cpu[0], 0x37) || irr(&w->cpu[1], 0x37));
}

static void reset_masks_all(void **state)
{
	struct world *w = *state;

	route(w, 4, 0x34, 1);
	iowrite(w, 0, 0x05000000);
	vioapic_reset(&w->io);
	assert_int_equal(ioread(w, 0x18), 0x10000);
	vioapic_set_irq(&w->io, 4, true);
	assert_int_equal(w->sent, 0);
}

static void random_accesses_are_safe(void **state)
{
	struct world *w = *state;
	uint64_t x = 0x2545f4914f6cdd1dull, v;

	for (unsigned n = 0; n < 200000; n++) {
		xorshift64(&x);
		switch (x & 3) {
		case 0:
			vioapic_write(&w->io, (x >> 8) & 0x1f, 4, x >> 32);
			break;
		case 1:
			assert_int_equal(vioapic_read(&w->io, (x >> 8) & 0xfff,
						      1u << ((x >> 20) & 3),
						      &v),
					 0);
			break;
		case 2:
			vioapic_set_irq(&w->io, (x >> 8) % 32, (x >> 16) & 1);
			break;
		default: {
			struct vlapic *c = &w->cpu[(x >> 8) & 1];
			int vec = vlapic_pending(c);

			if (vec >= 0) {
				vlapic_accept(c, (uint8_t)vec);
				vlapic_write(c, 0xb0, 4, 0, 0);
			}
		}
		}
		assert_int_equal(w->io.line & ~OWNED, 0);
		for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
			if (!(OWNED & (1u << pin)))
				assert_int_equal(w->io.redir[pin], 0x10000);
		}
	}
	assert_true(w->sent > 0);
}

/*
 * A pin following a physical line (a passed-through INTx): the guest's
 * mask is reported, its EOI deasserts the line and is reported, and no
 * second interrupt comes from the stale line.
 */
static void physical_pin(void **state)
{
	struct world *w = *state;

	vioapic_set_hw(&w->io, 1u << 16 | 1u << 20, &hw_ops);
	assert_int_equal(w->io.hw, 1u << 16); /* 20 is not the VM's */
	route(w, 16, 0x8051, 0);	      /* level, unmasked */
	assert_int_equal(w->hw_masks, 1);
	assert_false(w->hw_masked[16]);
	route(w, 16, 0x8051, 1); /* same mask: nothing to report */
	assert_int_equal(w->hw_masks, 1);
	vioapic_set_irq(&w->io, 16, true);
	assert_true(irr(&w->cpu[1], 0x51));
	handle(&w->cpu[1], 0x51);
	assert_int_equal(w->hw_eois, 1);
	assert_int_equal(w->io.line & (1u << 16), 0);
	assert_false(irr(&w->cpu[1], 0x51));
	assert_int_equal(w->sent, 1);
	/* Asserted again by the next physical interrupt: sent again. */
	vioapic_set_irq(&w->io, 16, true);
	assert_int_equal(w->sent, 2);
	route(w, 16, 0x18051, 1);
	assert_true(w->hw_masked[16]);
	assert_int_equal(w->hw_masks, 2);
	route(w, 16, 0x8051, 1);
	vioapic_reset(&w->io);
	assert_true(w->hw_masked[16]);
	assert_int_equal(w->io.line & (1u << 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(identity_registers),	     T(edge_delivers_on_rising_edge),
		T(level_waits_for_eoi),	     T(masking),
		T(pins_not_owned),	     T(only_fixed_and_lowest_go_out),
		T(destination_outside_vm),   T(reset_masks_all),
		T(random_accesses_are_safe), T(physical_pin),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
