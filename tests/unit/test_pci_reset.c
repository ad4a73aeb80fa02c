// SPDX-License-Identifier: MIT
/*
 * Holding and resetting functions (hv/core/pci_reset.c, pci_vm.c) on the
 * fake arch's model, which records every config write, delay and reset in
 * order: pci_vm_hold() turns bus mastering off first, then MSI and MSI-X;
 * pci_vm_reset() holds every function before resetting any, resets each
 * by its method with the spec's waits, then restores the header the
 * firmware left; a guest's FLR or D3hot->D0 is done by the hypervisor and
 * the BARs come back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pci_fixture.h"

/* The guest's driver at work: MSI and MSI-X on, interrupt line set. */
static void drive(void)
{
	uint64_t v = 0xfee01000u;

	wr(NIC, NIC_MSI + 4, 4, 0xfee01000u);
	wr(NIC, NIC_MSI + 12, 2, 0x41);
	wr(NIC, NIC_MSI + 2, 2, 1);
	wr(NIC, NIC_MSIX + 2, 2, 0x8000);
	assert_int_equal(page_access(NIC_BAR3 + 16, 4, true, &v), 0);
	v = 0x42;
	assert_int_equal(page_access(NIC_BAR3 + 24, 8, true, &v), 0);
	wr(NIC, 0x3c, 1, 10);
	wr(NIC, 0x10, 4, 0xffffffffu);
	wr(OLD, OLD_MSI + 2, 2, 1);
}

static void test_boot_log_names_the_reset(void **state)
{
	static const uint32_t nic[] = { NIC };
	static const uint32_t old[] = { OLD };

	(void)state;
	assert_int_equal(own(1, nic), 0);
	assert_non_null(strstr(last_log, "pci 00:04.0 8086:10d3, reset FLR"));
	assert_int_equal(own(1, old), 0);
	assert_non_null(strstr(last_log, "reset D3hot-D0, MSI"));
	assert_string_equal(pci_reset_name(PCI_RESET_AF_FLR), "AF FLR");
	assert_string_equal(pci_reset_name(PCI_RESET_NONE), "none");
}

static void test_hold(void **state)
{
	unsigned from;
	int cmd, msi, msix;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	drive();
	from = fake_pci.log_count;
	pci_vm_hold(&vm.pci);
	cmd = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, 0x04);
	msi = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, NIC_MSI + 2);
	msix = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, NIC_MSIX + 2);
	/* Bus mastering off before anything else. */
	assert_int_equal(cmd, (int)from);
	assert_true(msi > cmd && msix > cmd);
	/* Bus mastering off, INTx disabled; decode as it was. */
	assert_int_equal(dev32(NIC, 0x04) & 0x0407, 0x0403);
	assert_int_equal(dev32(NIC, NIC_MSI) >> 16 & 1, 0);
	assert_int_equal(dev32(NIC, NIC_MSI + 16), 0xf);
	assert_int_equal(dev32(NIC, NIC_MSIX) >> 16 & 0xc000, 0x4000);
	assert_int_equal(dev32(OLD, 0x04) & 0x0404, 0x0400);
	assert_int_equal(dev32(OLD, OLD_MSI) >> 16 & 1, 0);
	/* Held, not reset: nothing else happened. */
	assert_int_equal(fake_pci_find_event(from, FAKE_PCI_RESET, ~0u, ~0ull),
			 -1);
	assert_int_equal(fake_pci_find_event(from, FAKE_PCI_DELAY, ~0u, ~0ull),
			 -1);
}

static void test_vm_reset_sequence(void **state)
{
	unsigned from;
	int bme_nic, bme_old, flr, wait, reset_nic, bar, cmd, d3, reset_old;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	drive();
	/* What the driver left behind a reset would clear. */
	fake_pci_find(NIC)->tp_reads = 2;
	from = fake_pci.log_count;
	pci_vm_reset(&vm.pci);
	bme_nic = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, 0x04);
	bme_old = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, OLD, 0x04);
	flr = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, NIC_PCIE + 8);
	wait = fake_pci_find_event(flr, FAKE_PCI_DELAY, ~0u, ~0ull);
	reset_nic = fake_pci_find_event(from, FAKE_PCI_RESET, NIC, ~0ull);
	bar = fake_pci_find_event(reset_nic, FAKE_PCI_CFG_WRITE, NIC, 0x10);
	cmd = fake_pci_find_event(bar, FAKE_PCI_CFG_WRITE, NIC, 0x04);
	d3 = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, OLD, OLD_PM + 4);
	reset_old = fake_pci_find_event(from, FAKE_PCI_RESET, OLD, ~0ull);
	/* Every function held before the first reset. */
	assert_true(bme_nic >= 0 && bme_old >= 0);
	assert_true(bme_nic < flr && bme_old < flr);
	/* Transactions Pending polled away first, then FLR, then 100 ms. */
	assert_int_equal(fake_pci.log[flr - 1].op, FAKE_PCI_DELAY);
	assert_true(reset_nic > flr - 1);
	assert_true(wait > flr);
	assert_int_equal(fake_pci.log[wait].val, 100000);
	/* The header after the reset, the command register last. */
	assert_true(bar > reset_nic && cmd > bar);
	assert_int_equal(dev32(NIC, 0x10), NIC_BAR0);
	assert_int_equal(dev32(NIC, 0x18), NIC_IO | 1u);
	assert_int_equal(dev32(NIC, 0x1c), 0x0000000cu);
	assert_int_equal(dev32(NIC, 0x20), NIC_BAR3 >> 32);
	/* Decode as the firmware left it; bus mastering is the driver's. */
	assert_int_equal(dev32(NIC, 0x04) & 0xffff, 0x0003);
	/* OLD by D3hot and back, 10 ms each. */
	assert_true(d3 > bme_old && reset_old > d3);
	assert_int_equal(fake_pci.log[d3].val & 3, 3);
	assert_int_equal(fake_pci.log[d3 + 1].op, FAKE_PCI_DELAY);
	assert_int_equal(fake_pci.log[d3 + 1].val, 10000);
	assert_int_equal(dev32(OLD, 0x10), OLD_BAR0);
	assert_int_equal(dev32(OLD, 0x20), OLD_IO | 1u);
	assert_int_equal(fake_pci_find(NIC)->resets, 1);
	assert_int_equal(fake_pci_find(OLD)->resets, 1);
	/* The guest's view is power-on too. */
	assert_int_equal(rd(NIC, NIC_MSI + 2, 2) & 1, 0);
	assert_int_equal(rd(NIC, NIC_MSI + 4, 4), 0);
	assert_int_equal(rd(NIC, 0x3c, 1), 0);
	assert_int_equal(rd(NIC, 0x10, 4), (uint32_t)NIC_BAR0);
	assert_int_equal(fake_pci_mem32(fake_pci_find(NIC), NIC_BAR3 + 28), 1);
	{
		uint64_t v = 0;

		assert_int_equal(page_access(NIC_BAR3 + 16, 4, false, &v), 0);
		assert_int_equal(v, 0);
		assert_int_equal(page_access(NIC_BAR3 + 28, 4, false, &v), 0);
		assert_int_equal(v, 1);
	}
}

static void test_transactions_pending_bounded(void **state)
{
	static const uint32_t nic[] = { NIC };

	(void)state;
	assert_int_equal(own(1, nic), 0);
	/* A device that never finishes: the wait ends anyway. */
	fake_pci_find(NIC)->tp_reads = 1000000;
	pci_vm_reset(&vm.pci);
	assert_int_equal(fake_pci_find(NIC)->resets, 1);
	assert_true(fake_pci.delay_us <= 100000 + 100000 + 900000);
}

static void test_no_reset_and_af_flr(void **state)
{
	static const uint32_t other[] = { OTHER };
	struct fake_pci_fn *f;
	unsigned from;

	(void)state;
	fake_pci_msix(fake_pci_find(OTHER), 0x40, 4, 0, 0, 0x1000);
	assert_int_equal(own(1, other), 0);
	assert_int_equal(fn_of(OTHER)->reset, PCI_RESET_NONE);
	wr(OTHER, 0x42, 2, 0x8000);
	from = fake_pci.log_count;
	pci_vm_reset(&vm.pci);
	assert_int_equal(fake_pci_find(OTHER)->resets, 0);
	assert_int_equal(fake_pci_find_event(from, FAKE_PCI_DELAY, ~0u, ~0ull),
			 -1);
	assert_int_equal(dev32(OTHER, 0x04) & 0xffff, 0x0003);
	/* Held with Function Mask, then left as at power-on. */
	assert_true(fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, OTHER,
					0x42) >= 0);
	assert_int_equal(dev32(OTHER, 0x40) >> 16 & 0xc000, 0);
	/* Advanced Features FLR. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_af(f, 0x40);
	fake_pci_ready(f);
	assert_int_equal(own(1, other), 0);
	assert_int_equal(fn_of(OTHER)->reset, PCI_RESET_AF_FLR);
	pci_vm_reset(&vm.pci);
	assert_int_equal(f->resets, 1);
	assert_int_equal(dev32(OTHER, 0x10), OTHER_BAR0);
	/* PM with No_Soft_Reset: a D3hot round trip resets nothing; the
	 * function left in D3hot comes back in D0 all the same. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_pm(f, 0x40, true);
	fake_pci_ready(f);
	assert_int_equal(own(1, other), 0);
	assert_int_equal(fn_of(OTHER)->reset, PCI_RESET_NONE);
	wr(OTHER, 0x44, 2, 0x0003);
	assert_int_equal(f->cfg[0x44] & 3, 3);
	pci_vm_reset(&vm.pci);
	assert_int_equal(f->cfg[0x44] & 3, 0);
	assert_int_equal(f->resets, 0);
}

static void test_flr_from_d3hot(void **state)
{
	struct fake_pci_fn *f;
	static const uint32_t other[] = { OTHER };
	int d0, flr;

	(void)state;
	f = fake_pci_find(OTHER);
	fake_pci_pm(f, 0x40, true);
	fake_pci_pcie(f, 0x50, true);
	fake_pci_ready(f);
	assert_int_equal(own(1, other), 0);
	assert_int_equal(fn_of(OTHER)->reset, PCI_RESET_FLR);
	wr(OTHER, 0x44, 2, 0x0003);
	pci_vm_reset(&vm.pci);
	/* D0 first, then the FLR. */
	d0 = fake_pci_find_event(0, FAKE_PCI_CFG_WRITE, OTHER, 0x44);
	d0 = fake_pci_find_event(d0 + 1, FAKE_PCI_CFG_WRITE, OTHER, 0x44);
	flr = fake_pci_find_event(0, FAKE_PCI_CFG_WRITE, OTHER, 0x58);
	assert_true(d0 >= 0 && flr > d0);
	assert_int_equal(fake_pci.log[d0].val & 3, 0);
	assert_int_equal(f->resets, 1);
}

static void test_guest_flr(void **state)
{
	struct fake_pci_fn *dev;
	unsigned from;
	int flr;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	drive();
	from = fake_pci.log_count;
	wr(NIC, NIC_PCIE + 8, 2, 0x8000);
	flr = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, NIC_PCIE + 8);
	assert_true(flr >
		    fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, 0x04));
	assert_int_equal(dev->resets, 1);
	assert_true(fake_pci.delay_us >= 100000);
	/* The BARs are back, decoding off as after any reset. */
	assert_int_equal(dev32(NIC, 0x10), NIC_BAR0);
	assert_int_equal(dev32(NIC, 0x1c), 0x0000000cu);
	assert_int_equal(dev32(NIC, 0x20), NIC_BAR3 >> 32);
	assert_int_equal(dev32(NIC, 0x04) & 0xffff, 0);
	assert_int_equal(rd(NIC, NIC_MSI + 2, 2) & 1, 0);
	assert_int_equal(rd(NIC, 0x10, 4), (uint32_t)NIC_BAR0);
	/* Its driver restores its state: the same addresses are taken. */
	wr(NIC, 0x10, 4, (uint32_t)NIC_BAR0);
	wr(NIC, 0x04, 2, 0x0006);
	assert_int_equal(dev32(NIC, 0x04) & 0xffff, 0x0006);
	assert_int_equal(fn_of(NIC)->refused, 0);
	/* Other Device Control bits pass without a reset. */
	wr(NIC, NIC_PCIE + 8, 2, 0x0010);
	assert_int_equal(dev->resets, 1);
	assert_int_equal(dev32(NIC, NIC_PCIE + 8) & 0xffff, 0x0010);
	assert_int_equal(dev32(OLD, 0x10), OLD_BAR0);
}

static void test_guest_d3hot_to_d0(void **state)
{
	struct fake_pci_fn *dev;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(OLD);
	wr(OLD, OLD_PM + 4, 2, 0x0003);
	assert_int_equal(dev->resets, 0);
	assert_int_equal(dev->cfg[OLD_PM + 4] & 3, 3);
	wr(OLD, OLD_PM + 4, 2, 0x0000);
	assert_int_equal(dev->resets, 1);
	assert_int_equal(dev32(OLD, 0x10), OLD_BAR0);
	assert_int_equal(dev32(OLD, 0x20), OLD_IO | 1u);
	assert_true(fake_pci.delay_us >= 10000);
	/* D0 to D0 restores nothing. */
	fake_pci.delay_us = 0;
	wr(OLD, OLD_PM + 4, 2, 0x0000);
	assert_int_equal(dev->resets, 1);
	assert_int_equal(fake_pci.delay_us, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_boot_log_names_the_reset, setup),
		cmocka_unit_test_setup(test_hold, setup),
		cmocka_unit_test_setup(test_vm_reset_sequence, setup),
		cmocka_unit_test_setup(test_transactions_pending_bounded,
				       setup),
		cmocka_unit_test_setup(test_no_reset_and_af_flr, setup),
		cmocka_unit_test_setup(test_flr_from_d3hot, setup),
		cmocka_unit_test_setup(test_guest_flr, setup),
		cmocka_unit_test_setup(test_guest_d3hot_to_d0, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
