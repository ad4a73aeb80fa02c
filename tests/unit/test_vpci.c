/* SPDX-License-Identifier: MIT */
/*
 * A VM's virtual PCI bus (hv/core/vpci.c) as its guest reaches it through
 * the emulated ECAM: absent functions read all-ones, the type-0 header
 * shows what the function set, BARs can be sized but not moved, the
 * command register keeps exactly its memory, bus-master and INTx-disable
 * bits, the status register shows the line, and no access of any size or
 * place faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/errno.h"
#include "hv/vm.h"
#include "hv/vpci.h"

#define ECAM 0xffe00000ull
#define SLOT1 0x08u /* device 1 */
#define SLOT2 0x10u
#define CFG(devfn, off) (ECAM + ((uint64_t)(devfn) << 12) + (off))

static struct vm vm;
static struct vpci_fn fn1, fn2;
static bool line;
static unsigned command_calls;
static uint16_t command_old;

static bool intx(struct vpci_fn *fn)
{
	(void)fn;
	return line;
}

static void command(struct vpci_fn *fn, uint16_t old)
{
	(void)fn;
	command_calls++;
	command_old = old;
}

static const struct vpci_ops hdr_ops = { .intx = intx, .command = command };

/* A function that answers its config space itself (as passthrough will). */
static uint32_t own_read(struct vpci_fn *fn, uint32_t off, unsigned size)
{
	(void)fn;
	return off == 0 ? 0x12345678u >> (32 - size * 8) : 0x5a;
}

static uint32_t own_written;

static void own_write(struct vpci_fn *fn, uint32_t off, unsigned size,
		      uint32_t val)
{
	(void)fn;
	(void)off;
	(void)size;
	own_written = val;
}

static const struct vpci_ops own_ops = { .read = own_read, .write = own_write };

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	line = false;
	command_calls = 0;
	assert_int_equal(vpci_init(&vm.vpci, &vm, ECAM), 0);
	fn1 = (struct vpci_fn){
		.devfn = SLOT1,
		.ops = &hdr_ops,
		.hdr = {
			.vendor = 0x1af4,
			.device = 0x1110,
			.class_rev = 0x05000001,
			.subsys_vendor = 0x1af4,
			.subsys_id = 0x534b,
			.int_pin = 1,
			.bar[0] = { 0xfff00000, 0x1000, 0 },
			.bar[2] = { 0x7fffe00000, 0x200000,
				    VPCI_BAR_MEM64 | VPCI_BAR_PREFETCH },
		},
	};
	fn2 = (struct vpci_fn){ .devfn = SLOT2, .ops = &own_ops };
	assert_int_equal(vpci_add(&vm.vpci, &fn1), 0);
	assert_int_equal(vpci_add(&vm.vpci, &fn2), 0);
	return 0;
}

static uint64_t rd(uint64_t ipa, unsigned size)
{
	struct mmio_access a = {
		.ipa = ipa, .size = size, .reg = 0, .reg64 = true
	};
	uint64_t regs[31];

	memset(regs, 0xee, sizeof(regs));
	assert_int_equal(mmio_dispatch(&vm.mmio, NULL, &a, regs), 0);
	return regs[0];
}

static void wr(uint64_t ipa, unsigned size, uint64_t val)
{
	struct mmio_access a = {
		.ipa = ipa, .size = size, .reg = 1, .write = true
	};
	uint64_t regs[31] = { 0 };

	regs[1] = val;
	assert_int_equal(mmio_dispatch(&vm.mmio, NULL, &a, regs), 0);
}

static void absent_functions_read_all_ones(void **state)
{
	(void)state;
	assert_int_equal(rd(CFG(0, 0), 4), 0xffffffffu); /* no host bridge */
	assert_int_equal(rd(CFG(SLOT1 + 1, 0), 4), 0xffffffffu);
	assert_int_equal(rd(CFG(0xff, 0xffc), 4), 0xffffffffu);
	assert_int_equal(rd(CFG(0x18, 2), 2), 0xffffu);
	assert_int_equal(rd(CFG(0x18, 3), 1), 0xffu);
	wr(CFG(0x18, 4), 4, 0xffffffff); /* ignored, no fault */
	assert_int_equal(rd(CFG(0x18, 4), 4), 0xffffffffu);
}

static void header_shows_the_function(void **state)
{
	(void)state;
	assert_int_equal(rd(CFG(SLOT1, 0), 4), 0x11101af4u);
	assert_int_equal(rd(CFG(SLOT1, 0), 2), 0x1af4u);
	assert_int_equal(rd(CFG(SLOT1, 2), 2), 0x1110u);
	assert_int_equal(rd(CFG(SLOT1, 3), 1), 0x11u);
	assert_int_equal(rd(CFG(SLOT1, 8), 4), 0x05000001u);
	assert_int_equal(rd(CFG(SLOT1, 0xe), 1), 0); /* type 0, one function */
	assert_int_equal(rd(CFG(SLOT1, 0x2c), 4), 0x534b1af4u);
	assert_int_equal(rd(CFG(SLOT1, 0x3c), 4), 0x1ffu); /* pin A, line ? */
	assert_int_equal(rd(CFG(SLOT1, 0x3d), 1), 1);
	assert_int_equal(rd(CFG(SLOT1, 0x34), 1), 0); /* no capabilities */
	assert_int_equal(rd(CFG(SLOT1, 6), 2) & 0x10, 0);
	assert_int_equal(rd(CFG(SLOT1, 0x30), 4), 0); /* no ROM */
	/* BARs: 0 a 32-bit page, 1 absent, 2-3 64-bit prefetchable. */
	assert_int_equal(rd(CFG(SLOT1, 0x10), 4), 0xfff00000u);
	assert_int_equal(rd(CFG(SLOT1, 0x14), 4), 0);
	assert_int_equal(rd(CFG(SLOT1, 0x18), 4), 0xffe0000cu);
	assert_int_equal(rd(CFG(SLOT1, 0x1c), 4), 0x7fu);
	assert_int_equal(rd(CFG(SLOT1, 0x20), 4), 0);
	/* Extended config space: nothing there. */
	assert_int_equal(rd(CFG(SLOT1, 0x100), 4), 0);
	assert_int_equal(rd(CFG(SLOT1, 0xffc), 4), 0);
}

static void bars_size_but_do_not_move(void **state)
{
	(void)state;
	wr(CFG(SLOT1, 0x10), 4, 0xffffffff);
	assert_int_equal(rd(CFG(SLOT1, 0x10), 4), 0xfffff000u);
	wr(CFG(SLOT1, 0x10), 4, 0xfff00000);
	assert_int_equal(rd(CFG(SLOT1, 0x10), 4), 0xfff00000u);
	/* 64-bit: both halves sized, then restored (Linux's __pci_read_base). */
	wr(CFG(SLOT1, 0x18), 4, 0xffffffff);
	wr(CFG(SLOT1, 0x1c), 4, 0xffffffff);
	assert_int_equal(rd(CFG(SLOT1, 0x18), 4), 0xffe0000cu);
	assert_int_equal(rd(CFG(SLOT1, 0x1c), 4), 0xffffffffu);
	wr(CFG(SLOT1, 0x18), 4, 0xffe00000);
	wr(CFG(SLOT1, 0x1c), 4, 0x7f);
	assert_int_equal(rd(CFG(SLOT1, 0x18), 4), 0xffe0000cu);
	assert_int_equal(rd(CFG(SLOT1, 0x1c), 4), 0x7fu);
	/* A move, even right after sizing, leaves the BAR where it is. */
	wr(CFG(SLOT1, 0x10), 4, 0xffffffff);
	wr(CFG(SLOT1, 0x10), 4, 0x10000000);
	assert_int_equal(rd(CFG(SLOT1, 0x10), 4), 0xfff00000u);
	wr(CFG(SLOT1, 0x18), 2, 0xffff);
	assert_int_equal(rd(CFG(SLOT1, 0x18), 4), 0xffe0000cu);
	/* The absent BAR 1 sizes to nothing. */
	wr(CFG(SLOT1, 0x14), 4, 0xffffffff);
	assert_int_equal(rd(CFG(SLOT1, 0x14), 4), 0);
	/* Reset ends a sizing left half-way. */
	wr(CFG(SLOT1, 0x10), 4, 0xffffffff);
	vpci_reset(&vm.vpci);
	assert_int_equal(rd(CFG(SLOT1, 0x10), 4), 0xfff00000u);
}

static void command_keeps_its_three_bits(void **state)
{
	(void)state;
	wr(CFG(SLOT1, 4), 2, 0xffff);
	assert_int_equal(rd(CFG(SLOT1, 4), 2), 0x0406);
	assert_int_equal(vpci_command(&fn1), 0x0406);
	assert_int_equal(command_calls, 1);
	assert_int_equal(command_old, 0);
	/* The same value again is no change. */
	wr(CFG(SLOT1, 4), 4, 0x0406);
	assert_int_equal(command_calls, 1);
	/* A byte write to the high half: INTx-disable alone. */
	wr(CFG(SLOT1, 5), 1, 0);
	assert_int_equal(vpci_command(&fn1), 0x0006);
	assert_int_equal(command_calls, 2);
	assert_int_equal(command_old, 0x0406);
	/* The status half of a dword write changes nothing. */
	wr(CFG(SLOT1, 4), 4, 0xffff0000u | 0x0002);
	assert_int_equal(rd(CFG(SLOT1, 4), 4), 0x0002);
	/* A write to status alone (2 bytes at 6) leaves command alone. */
	wr(CFG(SLOT1, 6), 2, 0xffff);
	assert_int_equal(vpci_command(&fn1), 0x0002);
	assert_int_equal(command_calls, 3);
	vpci_reset(&vm.vpci);
	assert_int_equal(vpci_command(&fn1), 0);
}

static void status_shows_the_line(void **state)
{
	(void)state;
	assert_int_equal(rd(CFG(SLOT1, 6), 2), 0);
	line = true;
	assert_int_equal(rd(CFG(SLOT1, 6), 2), 0x08);
	assert_int_equal(rd(CFG(SLOT1, 4), 4), 0x00080000u);
	/* INTx-disable does not hide it (PCI LB 3.0 6.2.3). */
	wr(CFG(SLOT1, 4), 2, 0x0400);
	assert_int_equal(rd(CFG(SLOT1, 4), 4), 0x00080400u);
}

static void other_header_writes_are_ignored(void **state)
{
	(void)state;
	wr(CFG(SLOT1, 0), 4, 0);
	wr(CFG(SLOT1, 8), 4, 0);
	wr(CFG(SLOT1, 0x2c), 4, 0);
	wr(CFG(SLOT1, 0x3c), 1, 42); /* the interrupt line stays unknown */
	wr(CFG(SLOT1, 0x30), 4, 0xfffff800);
	assert_int_equal(rd(CFG(SLOT1, 0), 4), 0x11101af4u);
	assert_int_equal(rd(CFG(SLOT1, 8), 4), 0x05000001u);
	assert_int_equal(rd(CFG(SLOT1, 0x2c), 4), 0x534b1af4u);
	assert_int_equal(rd(CFG(SLOT1, 0x3c), 4), 0x1ffu);
	assert_int_equal(rd(CFG(SLOT1, 0x30), 4), 0);
}

static void odd_accesses_read_zero_and_do_nothing(void **state)
{
	(void)state;
	assert_int_equal(rd(CFG(SLOT1, 0), 8), 0);
	assert_int_equal(rd(CFG(SLOT1, 1), 2), 0);
	assert_int_equal(rd(CFG(SLOT1, 2), 4), 0);
	assert_int_equal(rd(CFG(0x18, 0), 8), 0); /* even where absent */
	wr(CFG(SLOT1, 4), 8, 0xffff);
	wr(CFG(SLOT1, 3), 2, 0xffff);
	wr(CFG(SLOT1, 0x12), 4, 0xffffffff);
	assert_int_equal(vpci_command(&fn1), 0);
	assert_int_equal(rd(CFG(SLOT1, 0x10), 4), 0xfff00000u);
}

static void a_function_may_answer_itself(void **state)
{
	(void)state;
	assert_int_equal(rd(CFG(SLOT2, 0), 4), 0x12345678u);
	assert_int_equal(rd(CFG(SLOT2, 0x40), 1), 0x5a);
	wr(CFG(SLOT2, 0x44), 4, 0xabcd);
	assert_int_equal(own_written, 0xabcd);
}

static void bus_refuses_bad_additions(void **state)
{
	struct vpci_fn more[VPCI_MAX_FNS];
	struct vpci_bus none;
	struct vm other;

	(void)state;
	fn2.devfn = SLOT1;
	assert_int_equal(vpci_add(&vm.vpci, &fn2), -HV_EINVAL);
	for (unsigned i = 2; i < VPCI_MAX_FNS; i++) {
		more[i] = (struct vpci_fn){ .devfn = (uint8_t)(0x20 + i * 8),
					    .ops = &hdr_ops };
		assert_int_equal(vpci_add(&vm.vpci, &more[i]), 0);
	}
	more[0] = (struct vpci_fn){ .devfn = 0xf8, .ops = &hdr_ops };
	assert_int_equal(vpci_add(&vm.vpci, &more[0]), -HV_ENOMEM);
	/* A VM without a bus has no ECAM and takes no function. */
	memset(&other, 0, sizeof(other));
	assert_int_equal(vpci_init(&none, &other, 0), 0);
	assert_int_equal(other.mmio.count, 0);
	assert_int_equal(vpci_add(&none, &more[0]), -HV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(absent_functions_read_all_ones, setup),
		cmocka_unit_test_setup(header_shows_the_function, setup),
		cmocka_unit_test_setup(bars_size_but_do_not_move, setup),
		cmocka_unit_test_setup(command_keeps_its_three_bits, setup),
		cmocka_unit_test_setup(status_shows_the_line, setup),
		cmocka_unit_test_setup(other_header_writes_are_ignored, setup),
		cmocka_unit_test_setup(odd_accesses_read_zero_and_do_nothing,
				       setup),
		cmocka_unit_test_setup(a_function_may_answer_itself, setup),
		cmocka_unit_test_setup(bus_refuses_bad_additions, setup),
	};

	return cmocka_run_group_tests_name("vpci", tests, NULL, NULL);
}
