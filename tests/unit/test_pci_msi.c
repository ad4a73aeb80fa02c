// SPDX-License-Identifier: MIT
/*
 * MSI and MSI-X emulation (hv/core/pci_msi.c, pci_msix.c) on the fake
 * arch, whose arch_pci_msi_route() sends guest destination d to
 * FAKE_PCI_DEST_BASE + d and refuses vectors below 0x20, other delivery
 * modes and destinations past FAKE_PCI_DESTS: the device holds only
 * translations, the guest reads back what it wrote, a refused message
 * leaves the device disabled or the entry masked, an entry is masked
 * while it is rewritten, and the rest of a trapped page passes through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pci_fixture.h"

#define GUEST_ADDR(dest) (0xfee00000u | (dest) << 12)
#define PHYS_ADDR(dest) (0xfee00000u | (FAKE_PCI_DEST_BASE + (dest)) << 12)
#define ENTRY(i) (NIC_BAR3 + NIC_TABLE + 16u * (i))

static uint32_t mem32(uint64_t pa)
{
	return fake_pci_mem32(fake_pci_find(NIC), pa);
}

static void entry_write(unsigned i, unsigned off, uint32_t v)
{
	uint64_t val = v;

	assert_int_equal(page_access(ENTRY(i) + off, 4, true, &val), 0);
}

static uint32_t entry_read(unsigned i, unsigned off)
{
	uint64_t v = 0;

	assert_int_equal(page_access(ENTRY(i) + off, 4, false, &v), 0);
	return (uint32_t)v;
}

static void test_msi_64_translated(void **state)
{
	(void)state;
	assert_int_equal(own_nic_old(), 0);
	wr(NIC, NIC_MSI + 4, 4, GUEST_ADDR(1));
	wr(NIC, NIC_MSI + 8, 4, 0);
	wr(NIC, NIC_MSI + 12, 2, 0x0041);
	/* Disabled so far: the device was given nothing. */
	assert_int_equal(dev32(NIC, NIC_MSI) >> 16 & 1, 0);
	assert_int_equal(dev32(NIC, NIC_MSI + 4), 0);
	wr(NIC, NIC_MSI + 2, 2, 0x0001);
	assert_int_equal(dev32(NIC, NIC_MSI + 4), PHYS_ADDR(1));
	assert_int_equal(dev32(NIC, NIC_MSI + 8), 0);
	assert_int_equal(dev32(NIC, NIC_MSI + 12) & 0xffff, 0x41);
	assert_int_equal(dev32(NIC, NIC_MSI) >> 16 & 0x71, 0x01);
	/* One vector unmasked on the device; the guest reads its own. */
	assert_int_equal(dev32(NIC, NIC_MSI + 16), 0xe);
	assert_int_equal(rd(NIC, NIC_MSI + 4, 4), GUEST_ADDR(1));
	assert_int_equal(rd(NIC, NIC_MSI + 12, 2), 0x41);
	assert_int_equal(rd(NIC, NIC_MSI + 16, 4), 0);
	/* Control: enabled, 64-bit, maskable; one vector capable. */
	assert_int_equal(rd(NIC, NIC_MSI + 2, 2), 0x0181);
	/* The guest masks its vector; the device's follows. */
	wr(NIC, NIC_MSI + 16, 4, 1);
	assert_int_equal(dev32(NIC, NIC_MSI + 16), 0xf);
	assert_int_equal(rd(NIC, NIC_MSI + 16, 4), 1);
	/* Moved to destination 2 with a 4-byte write of the whole dword. */
	wr(NIC, NIC_MSI + 16, 4, 0);
	wr(NIC, NIC_MSI + 4, 4, GUEST_ADDR(2));
	assert_int_equal(dev32(NIC, NIC_MSI + 4), PHYS_ADDR(2));
	assert_int_equal(fn_of(NIC)->refused, 0);
}

static void test_msi_masked_while_rewritten(void **state)
{
	unsigned from;
	int mask_on, addr, unmask;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	wr(NIC, NIC_MSI + 4, 4, GUEST_ADDR(1));
	wr(NIC, NIC_MSI + 12, 2, 0x0041);
	wr(NIC, NIC_MSI + 2, 2, 0x0001);
	from = fake_pci.log_count;
	wr(NIC, NIC_MSI + 12, 2, 0x0042);
	mask_on = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC,
				      NIC_MSI + 16);
	addr = fake_pci_find_event(from, FAKE_PCI_CFG_WRITE, NIC, NIC_MSI + 12);
	unmask = fake_pci_find_event(mask_on + 1, FAKE_PCI_CFG_WRITE, NIC,
				     NIC_MSI + 16);
	assert_true(mask_on >= 0 && addr > mask_on && unmask > addr);
	assert_int_equal(fake_pci.log[mask_on].val, 0xffffffffu);
	assert_int_equal(dev32(NIC, NIC_MSI + 12) & 0xffff, 0x42);
}

static void test_msi_refused_stays_disabled(void **state)
{
	(void)state;
	assert_int_equal(own_nic_old(), 0);
	wr(NIC, NIC_MSI + 4, 4, GUEST_ADDR(0));
	wr(NIC, NIC_MSI + 12, 2, 0x0010); /* a vector the arch refuses */
	wr(NIC, NIC_MSI + 2, 2, 0x0001);
	assert_int_equal(dev32(NIC, NIC_MSI) >> 16 & 1, 0);
	assert_int_equal(fn_of(NIC)->refused, 1);
	/* The guest still reads what it wrote. */
	assert_int_equal(rd(NIC, NIC_MSI + 2, 2) & 1, 1);
	assert_int_equal(rd(NIC, NIC_MSI + 12, 2), 0x10);
	/* NMI delivery, a destination outside the VM: refused too. */
	wr(NIC, NIC_MSI + 12, 2, 0x0430);
	assert_int_equal(dev32(NIC, NIC_MSI) >> 16 & 1, 0);
	wr(NIC, NIC_MSI + 12, 2, 0x0030);
	assert_int_equal(dev32(NIC, NIC_MSI) >> 16 & 1, 1);
	wr(NIC, NIC_MSI + 4, 4, GUEST_ADDR(FAKE_PCI_DESTS));
	assert_int_equal(dev32(NIC, NIC_MSI) >> 16 & 1, 0);
	assert_int_equal(fn_of(NIC)->refused, 3);
	/* Disabling writes no message. */
	wr(NIC, NIC_MSI + 2, 2, 0);
	assert_int_equal(fn_of(NIC)->refused, 3);
	assert_int_equal(rd(NIC, NIC_MSI + 2, 2) & 1, 0);
}

static void test_msi_32_and_one_vector(void **state)
{
	(void)state;
	assert_int_equal(own_nic_old(), 0);
	wr(OLD, OLD_MSI + 4, 4, GUEST_ADDR(3) | 3u); /* low bits reserved */
	wr(OLD, OLD_MSI + 8, 2, 0x0050);
	/* Enable with 8 vectors asked for: the device gets one. */
	wr(OLD, OLD_MSI + 2, 1, 0x31);
	assert_int_equal(dev32(OLD, OLD_MSI + 4), PHYS_ADDR(3));
	assert_int_equal(dev32(OLD, OLD_MSI + 8) & 0xffff, 0x50);
	assert_int_equal(dev32(OLD, OLD_MSI) >> 16 & 0x71, 0x01);
	assert_int_equal(rd(OLD, OLD_MSI + 2, 2), 0x0001);
	assert_int_equal(rd(OLD, OLD_MSI + 4, 4), GUEST_ADDR(3));
	/* The dword after data is no mask register here: read through. */
	assert_int_equal(rd(OLD, OLD_MSI + 12, 4), dev32(OLD, OLD_MSI + 12));
}

static void test_msix_entries_translated(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	assert_int_equal(fn_of(NIC)->msix_entries, NIC_VECS);
	assert_int_equal(fn_of(NIC)->msix_shadowed, NIC_VECS);
	/* Power-on: every entry masked. */
	for (unsigned i = 0; i < NIC_VECS; i++)
		assert_int_equal(entry_read(i, 12), 1);
	wr(NIC, NIC_MSIX + 2, 2, 0x8000);
	entry_write(2, 0, GUEST_ADDR(3));
	entry_write(2, 4, 0);
	entry_write(2, 8, 0x61);
	/* Still masked: the device's entry stays masked. */
	assert_int_equal(mem32(ENTRY(2) + 12), 1);
	entry_write(2, 12, 0);
	assert_int_equal(mem32(ENTRY(2)), PHYS_ADDR(3));
	assert_int_equal(mem32(ENTRY(2) + 4), 0);
	assert_int_equal(mem32(ENTRY(2) + 8), 0x61);
	assert_int_equal(mem32(ENTRY(2) + 12), 0);
	assert_int_equal(entry_read(2, 0), GUEST_ADDR(3));
	assert_int_equal(entry_read(2, 8), 0x61);
	assert_int_equal(entry_read(2, 12), 0);
	/* Qword accesses. */
	v = 0;
	assert_int_equal(page_access(ENTRY(2), 8, false, &v), 0);
	assert_int_equal(v, GUEST_ADDR(3));
	v = GUEST_ADDR(1);
	assert_int_equal(page_access(ENTRY(4), 8, true, &v), 0);
	v = 0x62;
	assert_int_equal(page_access(ENTRY(4) + 8, 8, true, &v), 0);
	assert_int_equal(mem32(ENTRY(4)), PHYS_ADDR(1));
	assert_int_equal(mem32(ENTRY(4) + 8), 0x62);
	assert_int_equal(mem32(ENTRY(4) + 12), 0);
	assert_int_equal(fn_of(NIC)->refused, 0);
}

static void test_msix_masked_while_rewritten(void **state)
{
	unsigned from;
	int mask_on, addr, data, unmask;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	wr(NIC, NIC_MSIX + 2, 2, 0x8000);
	entry_write(0, 0, GUEST_ADDR(0));
	entry_write(0, 8, 0x40);
	entry_write(0, 12, 0);
	from = fake_pci.log_count;
	entry_write(0, 0, GUEST_ADDR(2));
	mask_on = fake_pci_find_event(from, FAKE_PCI_MMIO_WRITE, ~0u,
				      ENTRY(0) + 12);
	addr = fake_pci_find_event(from, FAKE_PCI_MMIO_WRITE, ~0u, ENTRY(0));
	data = fake_pci_find_event(from, FAKE_PCI_MMIO_WRITE, ~0u,
				   ENTRY(0) + 8);
	unmask = fake_pci_find_event(mask_on + 1, FAKE_PCI_MMIO_WRITE, ~0u,
				     ENTRY(0) + 12);
	assert_true(mask_on >= 0 && addr > mask_on && data > mask_on &&
		    unmask > addr && unmask > data);
	assert_int_equal(fake_pci.log[mask_on].val, 1);
	assert_int_equal(fake_pci.log[unmask].val, 0);
	assert_int_equal(mem32(ENTRY(0)), PHYS_ADDR(2));
}

static void test_msix_refused_stays_masked(void **state)
{
	(void)state;
	assert_int_equal(own_nic_old(), 0);
	wr(NIC, NIC_MSIX + 2, 2, 0x8000);
	entry_write(1, 0, GUEST_ADDR(0));
	entry_write(1, 8, 0x05);
	entry_write(1, 12, 0);
	assert_int_equal(mem32(ENTRY(1) + 12), 1);
	assert_int_equal(fn_of(NIC)->refused, 1);
	assert_int_equal(entry_read(1, 12), 0);
	entry_write(1, 8, 0x45);
	assert_int_equal(mem32(ENTRY(1) + 12), 0);
	assert_int_equal(mem32(ENTRY(1) + 8), 0x45);
	/* A high address dword that leaves the APIC page. */
	entry_write(1, 4, 1);
	assert_int_equal(mem32(ENTRY(1) + 12), 1);
	assert_int_equal(fn_of(NIC)->refused, 2);
}

static void test_msix_enable_and_function_mask(void **state)
{
	struct fake_pci_fn *dev;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	/* Firmware (or a write lost with decode off) left an entry open. */
	dev->mem[ENTRY(3) - NIC_BAR3 + 12] = 0;
	wr(NIC, NIC_MSIX + 2, 2, 0xc000);
	assert_int_equal(mem32(ENTRY(3) + 12), 1);
	assert_int_equal(dev32(NIC, NIC_MSIX) >> 16 & 0xc000, 0xc000);
	assert_int_equal(rd(NIC, NIC_MSIX + 2, 2), 0xc000 | (NIC_VECS - 1));
	wr(NIC, NIC_MSIX + 3, 1, 0x80);
	assert_int_equal(dev32(NIC, NIC_MSIX) >> 16 & 0xc000, 0x8000);
	/* Table and PBA locations are read-only. */
	wr(NIC, NIC_MSIX + 4, 4, 0x1000 | 3);
	assert_int_equal(rd(NIC, NIC_MSIX + 4, 4), NIC_TABLE | 3);
	/* The table size field cannot be grown. */
	wr(NIC, NIC_MSIX + 2, 2, 0x87ff);
	assert_int_equal(rd(NIC, NIC_MSIX + 2, 2) & 0x7ff, NIC_VECS - 1);
}

static void test_msix_page_passes_through(void **state)
{
	struct fake_pci_fn *dev;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	dev->mem[NIC_PBA] = 0x5a;
	dev->mem[NIC_TABLE + 0x800] = 0xa5;
	assert_int_equal(page_access(NIC_BAR3 + NIC_PBA, 8, false, &v), 0);
	assert_int_equal(v, 0x5a);
	assert_int_equal(page_access(NIC_BAR3 + NIC_PBA + 1, 1, false, &v), 0);
	assert_int_equal(v, 0);
	/* Past the table's last entry, in its page: the device's. */
	assert_int_equal(page_access(NIC_BAR3 + 0x800, 1, false, &v), 0);
	assert_int_equal(v, 0xa5);
	v = 0x1234;
	assert_int_equal(page_access(NIC_BAR3 + 0x802, 2, true, &v), 0);
	assert_int_equal(dev->mem[0x802], 0x34);
	assert_int_equal(dev->mem[0x803], 0x12);
	/* Inside the table only aligned dwords and qwords are defined. */
	assert_int_equal(page_access(ENTRY(0), 2, false, &v), -HV_EINVAL);
	assert_int_equal(page_access(ENTRY(0) + 12, 1, true, &v), -HV_EINVAL);
	assert_int_equal(page_access(ENTRY(0) + 2, 4, false, &v), -HV_EINVAL);
	assert_int_equal(page_access(ENTRY(0) + 4, 8, false, &v), -HV_EINVAL);
	assert_int_equal(page_access(ENTRY(0), 3, false, &v), -HV_EINVAL);
	assert_int_equal(mem32(ENTRY(0) + 12), 1);
}

static void test_msix_huge_table(void **state)
{
	static const uint32_t other[] = { OTHER };
	struct fake_pci_fn *f;
	uint64_t v;
	const struct mmio_region *r;

	(void)state;
	f = fake_pci_find(OTHER);
	fake_pci_bar(f, 0, OTHER_BAR0, 0x10000, false, false);
	fake_pci_msix(f, 0x40, PCI_MSIX_MAX, 0, 0, 0x8000);
	fake_pci_ready(f);
	/* Three pages for 2048 entries: 768 shadowed, the rest masked. */
	pool_pages = 3;
	assert_int_equal(own(1, other), 0);
	assert_int_equal(fn_of(OTHER)->msix_entries, PCI_MSIX_MAX);
	assert_int_equal(fn_of(OTHER)->msix_shadowed, 768);
	assert_non_null(strstr(last_log, "reset none, MSI-X"));
	r = mmio_find(&vm.mmio, OTHER_BAR0, 4);
	assert_non_null(r);
	assert_int_equal(r->size, 0x9000); /* table and PBA pages, one trap */
	f->mem[16 * 1000 + 12] = 0;
	f->mem[16 * 700 + 12] = 0;
	pci_cfg_write(&vm.pci, OTHER, 0x42, 2, 0x8000);
	assert_int_equal(fake_pci_mem32(f, OTHER_BAR0 + 16 * 1000 + 12), 1);
	assert_int_equal(fake_pci_mem32(f, OTHER_BAR0 + 16 * 700 + 12), 1);
	v = GUEST_ADDR(0);
	assert_int_equal(r->ops->write(NULL, r->priv, 16 * 1000, 4, v), 0);
	assert_int_equal(fn_of(OTHER)->refused, 1);
	assert_int_equal(r->ops->read(NULL, r->priv, 16 * 1000 + 12, 4, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(r->ops->read(NULL, r->priv, 16 * 1000, 4, &v), 0);
	assert_int_equal(v, 0);
	/* No pool at all: every entry stays masked, nothing breaks. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_bar(f, 0, OTHER_BAR0, 0x10000, false, false);
	fake_pci_msix(f, 0x40, 8, 0, 0, 0x1000);
	pool_pages = 0;
	assert_int_equal(own(1, other), 0);
	assert_int_equal(fn_of(OTHER)->msix_shadowed, 0);
	r = mmio_find(&vm.mmio, OTHER_BAR0, 4);
	assert_non_null(r);
	assert_int_equal(r->size, 0x2000); /* adjacent pages, one trap */
	assert_int_equal(r->ops->write(NULL, r->priv, 12, 4, 0), 0);
	assert_int_equal(fake_pci_mem32(f, OTHER_BAR0 + 12), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_msi_64_translated, setup),
		cmocka_unit_test_setup(test_msi_masked_while_rewritten, setup),
		cmocka_unit_test_setup(test_msi_refused_stays_disabled, setup),
		cmocka_unit_test_setup(test_msi_32_and_one_vector, setup),
		cmocka_unit_test_setup(test_msix_entries_translated, setup),
		cmocka_unit_test_setup(test_msix_masked_while_rewritten, setup),
		cmocka_unit_test_setup(test_msix_refused_stays_masked, setup),
		cmocka_unit_test_setup(test_msix_enable_and_function_mask,
				       setup),
		cmocka_unit_test_setup(test_msix_page_passes_through, setup),
		cmocka_unit_test_setup(test_msix_huge_table, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
