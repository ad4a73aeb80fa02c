// SPDX-License-Identifier: MIT
/*
 * plan_check()'s common checks of PCI (hv/core/plan_check.c): the
 * board's PCI segment (bus range, ECAM, windows) and each VM's functions
 * (on the board's buses, in one VM only, INTx lines in the arch's range
 * and nobody else's), checked with a minimal arch whose interrupts are
 * GSIs 0..23, so only the common rules speak.  A valid plan with three
 * functions in one VM is accepted; every damage is refused with its
 * message and VM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/errno.h"
#include "hv/plan_check.h"
#include "plan_fixture.h"

#define VM_COUNT 2u
#define PLAN_BYTES                     \
	(sizeof(struct shikiri_plan) + \
	 VM_COUNT * sizeof(struct shikiri_plan_vm))
#define MIB 0x100000ull
#define GSIS 24u

static const char *no_rule(const struct shikiri_plan *plan)
{
	(void)plan;
	return NULL;
}

static const char *no_vm_rule(const struct shikiri_plan *plan, unsigned i)
{
	(void)plan;
	(void)i;
	return NULL;
}

static bool no_device(const struct shikiri_plan_board *b, uint64_t base,
		      uint64_t size)
{
	(void)b;
	(void)base;
	(void)size;
	return false;
}

static bool no_vm_device(const struct shikiri_plan_vm *vm, uint64_t ipa,
			 uint64_t size)
{
	(void)vm;
	(void)ipa;
	(void)size;
	return false;
}

static bool gsi_ok(const struct shikiri_plan_board *b, uint32_t irq)
{
	(void)b;
	return irq < GSIS;
}

/* An arch that adds nothing but its interrupt range. */
static const struct plan_arch rules = {
	.arch = SHIKIRI_ARCH_X86_64,
	.name = "test",
	.max_cpus = SHIKIRI_MAX_CPUS,
	.boot_info_kind = SHIKIRI_PAYLOAD_KERNEL,
	.needed_kinds = 1u << SHIKIRI_PAYLOAD_KERNEL,
	.allowed_kinds = 1u << SHIKIRI_PAYLOAD_KERNEL,
	.board = no_rule,
	.vm = no_vm_rule,
	.hv_device = no_device,
	.vm_device = no_vm_device,
	.irq_ok = gsi_ok,
};

static struct shikiri_plan *plan;

/* VM @i: CPU @i, 64 MiB at @pa, a kernel payload that is its boot info. */
static void vm_at(unsigned i, const char *name, uint64_t pa)
{
	struct shikiri_plan_vm *vm = &plan->vm[i];

	strcpy(vm->name, name);
	vm->cpu_mask = 1ull << i;
	vm->ram_count = 1;
	vm->ram[0] = (struct shikiri_region){ pa, pa, 64 * MIB };
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_KERNEL, 0x10000 * (i + 1),
			     0x1000, pa);
	vm->entry_ipa = pa;
	vm->boot_info_ipa = pa;
	vm->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
	vm->console_irq = 4;
	vm->on_reset = SHIKIRI_POLICY_RESTART;
	vm->on_poweroff = SHIKIRI_POLICY_STOP;
	vm->on_crash = SHIKIRI_POLICY_STOP;
	vm->on_fault = SHIKIRI_POLICY_STOP;
}

/* q35-like: 2 GiB RAM, ECAM at 0xb0000000, linux1 owns three functions. */
static int setup(void **state)
{
	struct shikiri_plan_board *b;

	(void)state;
	plan = malloc(PLAN_BYTES);
	plan_fixture_header(plan, PLAN_BYTES, VM_COUNT, 0x100000,
			    SHIKIRI_ARCH_X86_64);
	b = &plan->board;
	b->cpu_count = 2;
	b->cpu_id[1] = 1;
	b->ram_count = 1;
	b->ram[0] = (struct shikiri_range){ 0, 0x80000000ull };
	b->uart_base = 0x3f8;
	b->uart_irq = 3;
	b->pci = (struct shikiri_plan_pci){
		.ecam_base = 0xb0000000ull,
		.ecam_size = 256 * MIB,
		.bus_first = 0,
		.bus_last = 0xff,
		.mem = { { 0xc0000000ull, 0x3ec00000ull },
			 { 0x800000000ull, 0x800000000ull } },
		.io = { 0x1000, 0xf000 },
	};
	vm_at(0, "linux0", 0x10000000);
	vm_at(1, "linux1", 0x20000000);
	plan->vm[1].pci_count = 3;
	plan->vm[1].pci[0] = (struct shikiri_pci_fn){ 0x20, 16, 1, 0 };
	plan->vm[1].pci[1] = (struct shikiri_pci_fn){ 0x28, 17, 1, 0 };
	plan->vm[1].pci[2] = (struct shikiri_pci_fn){ 0x30, 16, 2, 0 };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(plan);
	return 0;
}

static int check(struct plan_error *err)
{
	plan->crc32 = plan_compute_crc(plan);
	return plan_check(plan, PLAN_BYTES, &rules, NULL, err);
}

static void test_valid(void **state)
{
	struct plan_error err = { "stale", 3 };

	(void)state;
	assert_int_equal(check(&err), 0);
	assert_null(err.what);
	/* A function without INTx (pin and flags then mean nothing), one
	 * behind a bridge on bus 1. */
	plan->vm[0].pci_count = 1;
	plan->vm[0].pci[0] = (struct shikiri_pci_fn){ 0x100,
						      SHIKIRI_PCI_NO_INTX, 1,
						      SHIKIRI_PCI_INTX_EDGE };
	assert_int_equal(check(&err), 0);
	/* No PCI at all: a board without ECAM or windows. */
	plan->vm[0].pci_count = 0;
	plan->vm[0].pci[0] = (struct shikiri_pci_fn){ 0 };
	plan->vm[1].pci_count = 0;
	memset(plan->vm[1].pci, 0, sizeof(plan->vm[1].pci));
	memset(&plan->board.pci, 0, sizeof(plan->board.pci));
	assert_int_equal(check(&err), 0);
}

struct refusal {
	const char *name;
	void (*damage)(void);
	const char *what;
	int vm;
};

#define P (plan->board.pci)
#define V0 (plan->vm[0])
#define V1 (plan->vm[1])
#define FN(bdf, intx, pin, flags) \
	((struct shikiri_pci_fn){ (bdf), (intx), (pin), (flags) })
#define DAMAGE(fn, ...)      \
	static void fn(void) \
	{                    \
		__VA_ARGS__; \
	}

DAMAGE(bus_range_reversed, P.bus_first = 2; P.bus_last = 1)
DAMAGE(bus_range_high, P.bus_last = 0x100)
DAMAGE(ecam_short, P.ecam_size = 16 * MIB)
DAMAGE(ecam_wraps, P.ecam_base = ~0ull - MIB + 1)
DAMAGE(ecam_on_ram, P.ecam_base = 0x70000000)
DAMAGE(window_misaligned, P.mem[0].base += 0x10)
DAMAGE(window_wraps, P.mem[1].base = ~0ull - 0xfff; P.mem[1].size = 0x2000)
DAMAGE(window_on_ram, P.mem[0].base = 0x7ff00000)
DAMAGE(window_on_ecam, P.mem[0].base = 0xa0000000; P.mem[0].size = 512 * MIB)
DAMAGE(windows_overlap, P.mem[1] = P.mem[0])
DAMAGE(io_window_past_64k, P.io.size = 0xf001)
DAMAGE(io_window_base, P.io.base = 0x10000; P.io.size = 1)
DAMAGE(too_many, V1.pci_count = SHIKIRI_MAX_PCI + 1)
DAMAGE(reserved3, V1.reserved3 = 1)
DAMAGE(tail_entry, V1.pci[3] = FN(0x38, 18, 1, 0))
DAMAGE(no_ecam, P.ecam_size = 0)
DAMAGE(bdf_huge, V1.pci[1].bdf = 0x10000)
DAMAGE(bus_outside, P.bus_last = 0; V1.pci[1].bdf = 0x100)
DAMAGE(bus_below, P.bus_first = 1; V1.pci[1].bdf = 0x0)
DAMAGE(flags_unknown, V1.pci[1].flags = 4)
DAMAGE(intx_out_of_range, V1.pci[1].intx = GSIS)
DAMAGE(pin_zero, V1.pci[1].intx_pin = 0)
DAMAGE(pin_five, V1.pci[1].intx_pin = 5)
DAMAGE(intx_hv_uart, V1.pci[1].intx = 3)
DAMAGE(intx_console, V1.pci[1].intx = 4)
DAMAGE(intx_also_irq, V1.irq_count = 1;
       V1.irq[0] = (struct shikiri_irq){ 17, 17 })
DAMAGE(twice, V1.pci[2].bdf = 0x20)
DAMAGE(shared_flags, V1.pci[2].flags = SHIKIRI_PCI_INTX_ACTIVE_LOW)
DAMAGE(two_vms, V0.pci_count = 1; V0.pci[0] = FN(0x28, 18, 1, 0))
DAMAGE(intx_shared_between_vms, V0.pci_count = 1;
       V0.pci[0] = FN(0x40, 17, 1, 0))
DAMAGE(intx_other_vms_irq, V0.irq_count = 1;
       V0.irq[0] = (struct shikiri_irq){ 9, 16 })
DAMAGE(intx_later_vms_irq, V0.pci_count = 1; V0.pci[0] = FN(0x40, 19, 1, 0);
       V1.irq_count = 1; V1.irq[0] = (struct shikiri_irq){ 9, 19 })

static const struct refusal refusals[] = {
	{ "bus range reversed", bus_range_reversed, "bad board PCI bus range",
	  -1 },
	{ "bus 256", bus_range_high, "bad board PCI bus range", -1 },
	{ "ECAM short", ecam_short, "board ECAM does not cover its buses", -1 },
	{ "ECAM wraps", ecam_wraps, "board ECAM does not cover its buses", -1 },
	{ "ECAM on RAM", ecam_on_ram, "board ECAM overlaps board RAM", -1 },
	{ "window misaligned", window_misaligned, "bad board PCI window", -1 },
	{ "window wraps", window_wraps, "bad board PCI window", -1 },
	{ "window on RAM", window_on_ram, "board PCI window overlaps board RAM",
	  -1 },
	{ "window on ECAM", window_on_ecam, "board PCI window overlaps ECAM",
	  -1 },
	{ "windows overlap", windows_overlap, "board PCI windows overlap", -1 },
	{ "I/O window past 64K", io_window_past_64k, "bad board PCI I/O window",
	  -1 },
	{ "I/O window base", io_window_base, "bad board PCI I/O window", -1 },
	{ "too many", too_many, "too many PCI functions", 1 },
	{ "reserved3", reserved3, "reserved field not zero", 1 },
	{ "entry past the count", tail_entry, "reserved field not zero", 1 },
	{ "no ECAM", no_ecam, "PCI functions without a board ECAM", 1 },
	{ "BDF 0x10000", bdf_huge, "bad PCI function", 1 },
	{ "bus past the last", bus_outside,
	  "PCI function outside the board's buses", 1 },
	{ "bus before the first", bus_below,
	  "PCI function outside the board's buses", 1 },
	{ "flags", flags_unknown, "unknown PCI flags", 1 },
	{ "INTx out of range", intx_out_of_range, "PCI INTx out of range", 1 },
	{ "pin 0", pin_zero, "bad PCI INTx pin", 1 },
	{ "pin 5", pin_five, "bad PCI INTx pin", 1 },
	{ "INTx of the hv UART", intx_hv_uart,
	  "PCI INTx belongs to the hypervisor", 1 },
	{ "INTx of the console", intx_console,
	  "PCI INTx clashes with the console", 1 },
	{ "INTx also an IRQ", intx_also_irq,
	  "PCI INTx also passed through as an IRQ", 1 },
	{ "function twice", twice, "PCI function given twice", 1 },
	{ "shared INTx, other flags", shared_flags,
	  "PCI functions share an INTx line with different flags", 1 },
	{ "function in two VMs", two_vms, "PCI function owned by another VM",
	  1 },
	{ "INTx in two VMs", intx_shared_between_vms,
	  "PCI INTx shared with another VM", 1 },
	{ "INTx another VM's IRQ", intx_other_vms_irq,
	  "PCI INTx owned by another VM", 1 },
	{ "INTx a later VM's IRQ", intx_later_vms_irq,
	  "PCI INTx owned by another VM", 0 },
};

static void test_refusal(void **state)
{
	const struct refusal *r = *state;
	struct plan_error err = { NULL, 0 };
	int ret;

	setup(NULL);
	r->damage();
	ret = check(&err);
	plan_fixture_refused(r->name, ret, &err, r->what, r->vm);
	teardown(NULL);
}

int main(void)
{
	const size_t n = sizeof(refusals) / sizeof(refusals[0]);
	const struct CMUnitTest basics[] = {
		cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
	};
	struct CMUnitTest each[sizeof(refusals) / sizeof(refusals[0])];
	int failed;

	for (size_t i = 0; i < n; i++)
		each[i] = (struct CMUnitTest){ .name = refusals[i].name,
					       .test_func = test_refusal,
					       .initial_state =
						       (void *)&refusals[i] };
	failed = cmocka_run_group_tests_name("PCI plan", basics, NULL, NULL);
	failed += _cmocka_run_group_tests("PCI plan refusals", each, n, NULL,
					  NULL);
	return failed ? 1 : 0;
}
