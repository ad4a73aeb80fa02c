/* SPDX-License-Identifier: MIT */
/*
 * The ITS side of MSIs on aarch64: the command encodings the hypervisor
 * writes into the GICv3 ITS command queue (checked field by field against
 * IHI0069 6.3), the ring's free-space rule, the LPI numbering, and
 * arch_pci_msi_route(): only the VM's own MBI doorbell and INTIDs become
 * a message, and the device gets the ITS doorbell and the event number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/gicv3_regs.h"
#include "arch/its_cmd.h"
#include "hv/arch/pci.h"
#include "hv/vm.h"

#define GICD 0x08000000ull
#define TRANSLATER 0x08090040ull

static uint64_t field(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) &
	       ((hi - lo == 63) ? ~0ull : (1ull << (hi - lo + 1)) - 1);
}

static void mapd_encodes_device_itt_and_size(void **state)
{
	struct its_cmd c = its_cmd_mapd(0x1234, 0x40a0b00ull, 5);

	(void)state;
	assert_int_equal(field(c.dw[0], 7, 0), 0x08);
	assert_int_equal(field(c.dw[0], 63, 32), 0x1234);
	assert_int_equal(field(c.dw[1], 4, 0), 4); /* EventID bits - 1 */
	assert_int_equal(field(c.dw[2], 51, 8), 0x40a0b00ull >> 8);
	assert_int_equal(field(c.dw[2], 63, 63), 1);
	assert_int_equal(field(c.dw[2], 7, 0), 0);
	assert_int_equal(c.dw[3], 0);
}

static void mapc_encodes_collection_and_target(void **state)
{
	struct its_cmd c = its_cmd_mapc(3, 0x2);

	(void)state;
	assert_int_equal(field(c.dw[0], 7, 0), 0x09);
	assert_int_equal(c.dw[1], 0);
	assert_int_equal(field(c.dw[2], 15, 0), 3);
	assert_int_equal(field(c.dw[2], 51, 16), 2);
	assert_int_equal(field(c.dw[2], 63, 63), 1);
	/* An address target (GITS_TYPER.PTA): bits [51:16] of it. */
	c = its_cmd_mapc(0, 0x080a0000ull >> 16);
	assert_int_equal(c.dw[2] & 0x000fffffffff0000ull, 0x080a0000ull);
}

static void mapti_encodes_event_lpi_and_collection(void **state)
{
	struct its_cmd c = its_cmd_mapti(0x18, 31, its_lpi_of(2, 31), 5);

	(void)state;
	assert_int_equal(field(c.dw[0], 7, 0), 0x0a);
	assert_int_equal(field(c.dw[0], 63, 32), 0x18);
	assert_int_equal(field(c.dw[1], 31, 0), 31);
	assert_int_equal(field(c.dw[1], 63, 32), 8192 + 2 * 64 + 31);
	assert_int_equal(c.dw[2], 5);
	assert_int_equal(c.dw[3], 0);
}

static void sync_invall_and_int(void **state)
{
	struct its_cmd s = its_cmd_sync(7), i = its_cmd_invall(9),
		       n = its_cmd_int(0x20, 4);

	(void)state;
	assert_int_equal(s.dw[0], 0x05);
	assert_int_equal(field(s.dw[2], 51, 16), 7);
	assert_int_equal(field(s.dw[2], 63, 63), 0);
	assert_int_equal(i.dw[0], 0x0d);
	assert_int_equal(i.dw[2], 9);
	assert_int_equal(field(n.dw[0], 7, 0), 0x03);
	assert_int_equal(field(n.dw[0], 63, 32), 0x20);
	assert_int_equal(n.dw[1], 4);
}

static void event_bits_cover_every_event(void **state)
{
	(void)state;
	assert_int_equal(its_event_bits(0), 1);
	assert_int_equal(its_event_bits(1), 1);
	assert_int_equal(its_event_bits(2), 1);
	assert_int_equal(its_event_bits(3), 2);
	assert_int_equal(its_event_bits(32), 5);
	assert_int_equal(its_event_bits(33), 6);
	assert_int_equal(its_event_bits(ITS_MAX_MSIS), 6);
	for (uint32_t n = 1; n <= 4096; n++)
		assert_true((1ull << its_event_bits(n)) >= n);
}

static void lpi_blocks_of_vms_are_apart(void **state)
{
	(void)state;
	assert_int_equal(its_lpi_of(0, 0), ITS_LPI_BASE);
	assert_int_equal(its_lpi_of(1, 0), its_lpi_of(0, ITS_MAX_MSIS - 1) + 1);
	/* The last VM's last LPI stays below 2^14 (the property table). */
	assert_true(its_lpi_of(SHIKIRI_MAX_VMS - 1, ITS_MAX_MSIS - 1) <
		    (1u << 14));
}

static void queue_keeps_one_slot_empty(void **state)
{
	(void)state;
	/* 4 KiB: 128 commands, 127 usable. */
	assert_int_equal(its_queue_free(4096, 0, 0), 127);
	assert_int_equal(its_queue_free(4096, 0, 4096 - 32), 0);
	assert_int_equal(its_queue_free(4096, 64, 32), 0);
	assert_int_equal(its_queue_free(4096, 64, 64), 127);
	/* The writer wrapped round below the reader. */
	assert_int_equal(its_queue_free(4096, 4064, 32), 125);
}

static struct vm vm;
static struct shikiri_plan_vm rec;

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	memset(&rec, 0, sizeof(rec));
	rec.arch.aarch64.msi_intid = 96;
	rec.arch.aarch64.msi_count = 32;
	vm.plan = &rec;
	vm.arch.vgic.gicd_ipa = GICD;
	vm.arch.msi_doorbell = TRANSLATER;
	return 0;
}

static void route_gives_doorbell_and_event(void **state)
{
	uint64_t pa = 0;
	uint32_t pd = ~0u;

	(void)state;
	assert_true(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 96, &pa, &pd));
	assert_int_equal(pa, TRANSLATER);
	assert_int_equal(pd, 0);
	assert_true(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 127, &pa, &pd));
	assert_int_equal(pd, 31);
	/* With an SMMU the doorbell is the vGICD page's IOVA itself. */
	vm.arch.msi_doorbell = GICD + GICD_SETSPI_NSR;
	assert_true(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 100, &pa, &pd));
	assert_int_equal(pa, GICD + GICD_SETSPI_NSR);
	assert_int_equal(pd, 4);
}

static void route_refuses_other_intids(void **state)
{
	uint64_t pa = 0x55;
	uint32_t pd = 0x66;

	(void)state;
	assert_false(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 95, &pa, &pd));
	assert_false(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 128, &pa, &pd));
	assert_false(arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR,
					0xffffffffu, &pa, &pd));
	assert_false(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 0, &pa, &pd));
	/* Nothing written on refusal. */
	assert_int_equal(pa, 0x55);
	assert_int_equal(pd, 0x66);
}

static void route_refuses_other_addresses(void **state)
{
	uint64_t pa;
	uint32_t pd;

	(void)state;
	/* The ITS itself, CLRSPI, another page: all refused. */
	assert_false(arch_pci_msi_route(&vm, TRANSLATER, 96, &pa, &pd));
	assert_false(
		arch_pci_msi_route(&vm, GICD + GICD_CLRSPI_NSR, 96, &pa, &pd));
	assert_false(arch_pci_msi_route(&vm, GICD + 0x10040, 96, &pa, &pd));
	assert_false(arch_pci_msi_route(&vm, (1ull << 32) + GICD + 0x40, 96,
					&pa, &pd));
	assert_false(arch_pci_msi_route(&vm, 0xfee00000ull, 96, &pa, &pd));
}

static void route_refuses_without_msis(void **state)
{
	uint64_t pa;
	uint32_t pd;

	(void)state;
	/* No ITS behind the VM (or msi_count 0): INTx only. */
	vm.arch.msi_doorbell = 0;
	assert_false(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 96, &pa, &pd));
	vm.arch.msi_doorbell = TRANSLATER;
	rec.arch.aarch64.msi_count = 0;
	assert_false(
		arch_pci_msi_route(&vm, GICD + GICD_SETSPI_NSR, 96, &pa, &pd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mapd_encodes_device_itt_and_size),
		cmocka_unit_test(mapc_encodes_collection_and_target),
		cmocka_unit_test(mapti_encodes_event_lpi_and_collection),
		cmocka_unit_test(sync_invall_and_int),
		cmocka_unit_test(event_bits_cover_every_event),
		cmocka_unit_test(lpi_blocks_of_vms_are_apart),
		cmocka_unit_test(queue_keeps_one_slot_empty),
		cmocka_unit_test_setup(route_gives_doorbell_and_event, setup),
		cmocka_unit_test_setup(route_refuses_other_intids, setup),
		cmocka_unit_test_setup(route_refuses_other_addresses, setup),
		cmocka_unit_test_setup(route_refuses_without_msis, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
