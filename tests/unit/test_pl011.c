/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's PL011 driver (hv/drivers/pl011.c) against a model of the
 * receive side of QEMU's PL011 (7.2, as in CI): a 16-deep FIFO whose RX
 * interrupt is raised when a character brings the count to the trigger
 * level (1), lowered when a read brings it below, and cleared by UARTICR;
 * there is no receive timeout.  Characters arrive between any two register
 * accesses, as they do from QEMU's I/O thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/mmio_reg.h"
#include "hv/console.h"
#include "hv/drivers/pl011.h"

#define BASE 0x9000000u
#define DR 0x000
#define FR 0x018
#define IMSC 0x038
#define ICR 0x044
#define FR_RXFE (1u << 4)
#define INT_RX (1u << 4)
#define DEPTH 16u
/* What console_rx_poll() takes per interrupt (RX_BUDGET in console.c). */
#define BUDGET 64u
#define TYPED 400u

static struct {
	char fifo[DEPTH];
	unsigned pos, count, level, imsc;
	/* Typed and not yet in the FIFO (QEMU takes one when there is room). */
	char line[TYPED];
	unsigned line_pos, line_len;
	/* How many characters arrive after each access; NULL: none. */
	unsigned (*arrivals)(unsigned access);
	unsigned accesses;
} u;

static const struct console_uart *drv;

/* One character from the line into the FIFO, if the FIFO has room. */
static void arrive(void)
{
	if (u.line_pos == u.line_len || u.count == DEPTH)
		return;
	u.fifo[(u.pos + u.count++) % DEPTH] = u.line[u.line_pos++];
	if (u.count == 1)
		u.level |= INT_RX;
}

static void after_access(void)
{
	unsigned n = u.arrivals ? u.arrivals(u.accesses) : 0;

	u.accesses++;
	while (n--)
		arrive();
}

uint32_t fake_mmio_reg_read(uint64_t addr)
{
	uint32_t val = 0;

	if (addr == BASE + FR) {
		val = u.count ? 0 : FR_RXFE;
	} else if (addr == BASE + DR && u.count) {
		val = (uint8_t)u.fifo[u.pos];
		u.pos = (u.pos + 1) % DEPTH;
		if (--u.count == 0)
			u.level &= ~INT_RX;
	}
	after_access();
	return val;
}

void fake_mmio_reg_write(uint64_t addr, uint32_t val)
{
	if (addr == BASE + IMSC)
		u.imsc = val;
	else if (addr == BASE + ICR)
		u.level &= ~val;
	after_access();
}

static bool irq_raised(void)
{
	return u.level & u.imsc & INT_RX;
}

static void type(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		u.line[u.line_len++] = (char)('a' + i % 26);
}

static int setup(void **state)
{
	(void)state;
	memset(&u, 0, sizeof(u));
	drv = pl011_init(BASE);
	return 0;
}

/* Two characters land between the look that finds the FIFO empty and
 * whatever the driver does next. */
static unsigned burst_after_first(unsigned access)
{
	return access == 0 ? 2 : 0;
}

static void waiting_input_keeps_its_interrupt(void **state)
{
	(void)state;
	type(2);
	u.arrivals = burst_after_first;
	u.accesses = 0;
	(void)drv->getc();
	/* The caller may stop here (its budget): what waits must still be
	 * signalled, or nothing would ever read it. */
	assert_true(u.count == 0 || irq_raised());
}

/*
 * Typing comes in bursts: in every 256 accesses, a quiet stretch that lets
 * the FIFO empty, then 1 to 3 characters after each access.  Where the
 * bursts start against the driver's accesses varies with @seed.
 */
static unsigned seed, rand_state;

static unsigned bursts(unsigned access)
{
	rand_state = rand_state * 1103515245u + 12345u;
	if ((access + seed) % 256 < 40 + seed % 64)
		return 0;
	return 1 + (rand_state >> 16) % 3;
}

/*
 * Interrupts are served while the line is raised, each taking up to BUDGET
 * characters as console_rx_poll() does; between them, characters keep
 * arriving.  Input has stalled when characters wait and no interrupt is
 * raised.
 */
static void every_typed_character_is_read(void **state)
{
	(void)state;
	for (seed = 1; seed <= 200; seed++) {
		char got[TYPED];
		unsigned n = 0;

		memset(&u, 0, sizeof(u));
		drv = pl011_init(BASE);
		type(TYPED);
		u.arrivals = bursts;
		rand_state = seed;
		arrive();
		while (n < TYPED) {
			if (!irq_raised()) {
				bool stalled = u.count == DEPTH ||
					       u.line_pos == u.line_len;

				assert_false(stalled);
				arrive();
				continue;
			}
			for (unsigned k = 0; k < BUDGET && n < TYPED; k++) {
				int c = drv->getc();

				if (c < 0)
					break;
				got[n++] = (char)c;
			}
		}
		assert_memory_equal(got, u.line, TYPED);
		assert_int_equal(drv->getc(), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(waiting_input_keeps_its_interrupt,
				       setup),
		cmocka_unit_test(every_typed_character_is_read),
	};

	return cmocka_run_group_tests_name("pl011", tests, NULL, NULL);
}
