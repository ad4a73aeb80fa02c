// SPDX-License-Identifier: MIT
/*
 * The config-space filter (hv/core/pci_cfg.c, pci_bar.c, pci_cap.c,
 * pci_vm.c) on the fake arch's model: what a VM reads and writes of
 * functions it does not own, of the host bridge, of its own functions'
 * headers, BARs and extended space; the ECAM window, or the VM's virtual
 * bus in its place (Arm); bad accesses; and
 * the functions pci_vm_init() refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pci_fixture.h"

#define ECAM(bdf, off) (((uint64_t)(bdf) << 12) | (off))

static void test_others_read_all_ones(void **state)
{
	static const uint32_t nic[] = { NIC };
	uint32_t bar = fake_pci_cfg32(fake_pci_find(OTHER), 0x10);
	unsigned before;

	(void)state;
	assert_int_equal(own(1, nic), 0);
	before = fake_pci.log_count;
	for (unsigned off = 0; off < 0x100; off += 4) {
		assert_int_equal(rd(OTHER, off, 4), 0xffffffffu);
		assert_int_equal(rd(OLD, off, 4), 0xffffffffu);
		assert_int_equal(rd(ABSENT, off, 4), 0xffffffffu);
	}
	assert_int_equal(rd(OTHER, 0, 2), 0xffffu);
	assert_int_equal(rd(OTHER, 3, 1), 0xffu);
	assert_int_equal(rd(OTHER, 0x804, 4), 0xffffffffu);
	wr(OTHER, 0x10, 4, 0x12340000u);
	wr(OTHER, 0x04, 2, 0);
	wr(PCI_BDF(1, 0, 0), 0x04, 2, 0);
	/* Nothing reached any device. */
	assert_int_equal(fake_pci_find_event(before, FAKE_PCI_CFG_WRITE, ~0u,
					     ~0ull),
			 -1);
	assert_int_equal(fake_pci_cfg32(fake_pci_find(OTHER), 0x10), bar);
	assert_int_equal(fake_pci_cfg32(fake_pci_find(OTHER), 0x04) & 7, 7);
}

static void test_host_bridge_is_bare(void **state)
{
	static const uint32_t nic[] = { NIC };
	unsigned before;

	(void)state;
	assert_int_equal(own(1, nic), 0);
	assert_int_equal(rd(HB, 0x00, 4), 0x29c08086u);
	assert_int_equal(rd(HB, 0x08, 4), 0x06000002u);
	assert_int_equal(rd(HB, 0x2c, 4), 0x11001af4u);
	/* One function, type 0, no capability list, no BARs. */
	assert_int_equal(rd(HB, 0x0e, 1), 0);
	assert_int_equal(rd(HB, 0x06, 2) & 0x10, 0);
	assert_int_equal(rd(HB, 0x34, 1), 0);
	assert_int_equal(rd(HB, 0x10, 4), 0);
	assert_int_equal(rd(HB, 0x40, 4), 0);
	assert_int_equal(rd(HB, 0x3d, 1), 0);
	before = fake_pci.log_count;
	wr(HB, 0x04, 2, 0);
	wr(HB, 0x10, 4, 0xffffffffu);
	wr(HB, 0x48, 4, 0xffffffffu);
	assert_int_equal(
		fake_pci_find_event(before, FAKE_PCI_CFG_WRITE, HB, ~0ull), -1);
	assert_int_equal(rd(HB, 0x04, 2), 0x07);
}

static void test_bars_read_as_firmware_left(void **state)
{
	(void)state;
	assert_int_equal(own_nic_old(), 0);
	assert_int_equal(rd(NIC, 0x10, 4), (uint32_t)NIC_BAR0);
	assert_int_equal(rd(NIC, 0x14, 4), 0);
	assert_int_equal(rd(NIC, 0x18, 4), NIC_IO | 1u);
	assert_int_equal(rd(NIC, 0x1c, 4), 0x0000000cu);
	assert_int_equal(rd(NIC, 0x20, 4), (uint32_t)(NIC_BAR3 >> 32));
	assert_int_equal(rd(NIC, 0x24, 4), 0);
	assert_int_equal(rd(NIC, 0x1a, 2), 0);
	assert_int_equal(rd(NIC, 0x18, 1), 0x01u);
	/* Sizing left the device where it was, decoding as before. */
	assert_int_equal(fake_pci_cfg32(fake_pci_find(NIC), 0x10), NIC_BAR0);
	assert_int_equal(fake_pci_cfg32(fake_pci_find(NIC), 0x04) & 7, 7);
	assert_int_equal(fn_of(NIC)->bar[3].kind, PCI_BAR_MEM64);
	assert_int_equal(fn_of(NIC)->bar[4].kind, PCI_BAR_MEM64_HI);
	assert_int_equal(fn_of(NIC)->bar[3].size, 0x10000);
	assert_int_equal(fn_of(NIC)->bar[2].size, 32);
}

static void test_bar_sizing(void **state)
{
	struct fake_pci_fn *dev;
	unsigned before;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	before = fake_pci.log_count;
	/* 32-bit memory. */
	wr(NIC, 0x10, 4, 0xffffffffu);
	assert_int_equal(rd(NIC, 0x10, 4), 0xfffe0000u);
	wr(NIC, 0x10, 4, (uint32_t)NIC_BAR0);
	assert_int_equal(rd(NIC, 0x10, 4), (uint32_t)NIC_BAR0);
	/* I/O: the mask has its upper half, whatever the device decodes. */
	wr(NIC, 0x18, 4, 0xffffffffu);
	assert_int_equal(rd(NIC, 0x18, 4), 0xffffffe1u);
	wr(NIC, 0x18, 4, NIC_IO | 1u);
	/* 64-bit: both halves, each on its own. */
	wr(NIC, 0x1c, 4, 0xffffffffu);
	assert_int_equal(rd(NIC, 0x1c, 4), 0xffff000cu);
	assert_int_equal(rd(NIC, 0x20, 4), (uint32_t)(NIC_BAR3 >> 32));
	wr(NIC, 0x20, 4, 0xffffffffu);
	assert_int_equal(rd(NIC, 0x20, 4), 0xffffffffu);
	wr(NIC, 0x1c, 4, 0x0000000cu);
	wr(NIC, 0x20, 4, (uint32_t)(NIC_BAR3 >> 32));
	assert_int_equal(rd(NIC, 0x1c, 4), 0x0000000cu);
	assert_int_equal(rd(NIC, 0x20, 4), (uint32_t)(NIC_BAR3 >> 32));
	/* An unimplemented BAR sizes to nothing. */
	wr(NIC, 0x14, 4, 0xffffffffu);
	assert_int_equal(rd(NIC, 0x14, 4), 0);
	/* The device never saw an all-ones BAR. */
	for (unsigned i = before; i < fake_pci.log_count; i++)
		assert_false(fake_pci.log[i].op == FAKE_PCI_CFG_WRITE &&
			     fake_pci.log[i].val == 0xffffffffu);
	assert_int_equal(fake_pci_cfg32(dev, 0x10), NIC_BAR0);
	assert_int_equal(fake_pci_cfg32(dev, 0x20), NIC_BAR3 >> 32);
	assert_int_equal(fn_of(NIC)->refused, 0);
}

static void test_bar_moves_refused(void **state)
{
	struct fake_pci_fn *dev;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	wr(NIC, 0x10, 4, 0xd0000000u);
	assert_int_equal(rd(NIC, 0x10, 4), (uint32_t)NIC_BAR0);
	wr(NIC, 0x20, 4, 0);
	assert_int_equal(rd(NIC, 0x20, 4), (uint32_t)(NIC_BAR3 >> 32));
	wr(NIC, 0x18, 2, 0x3001);
	assert_int_equal(rd(NIC, 0x18, 4), NIC_IO | 1u);
	/* A byte of all-ones is no sizing: the rest stays an address. */
	wr(NIC, 0x13, 1, 0xff);
	assert_int_equal(rd(NIC, 0x10, 4), (uint32_t)NIC_BAR0);
	assert_int_equal(fn_of(NIC)->refused, 4);
	assert_int_equal(fake_pci_cfg32(dev, 0x10), NIC_BAR0);
	assert_int_equal(fake_pci_cfg32(dev, 0x18), NIC_IO | 1u);
	assert_int_equal(fake_pci_cfg32(dev, 0x20), NIC_BAR3 >> 32);
}

static void test_command_filter(void **state)
{
	struct fake_pci_fn *dev;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	wr(NIC, 0x04, 2, 0xffff);
	/* IO, MEM, BME, PARITY, SERR, INTX_DISABLE; not special cycles,
	 * MWI, VGA snoop, stepping, fast back-to-back. */
	assert_int_equal(fake_pci_cfg32(dev, 0x04) & 0xffff, 0x0547);
	assert_int_equal(rd(NIC, 0x04, 2), 0x0547);
	assert_int_equal(fn_of(NIC)->refused, 1);
	wr(NIC, 0x05, 1, 0x00);
	assert_int_equal(fake_pci_cfg32(dev, 0x04) & 0xffff, 0x0047);
	wr(NIC, 0x04, 4, 0);
	/*
	 * Decode the device has stays on in it (BAR sizing never reaches
	 * it); the guest reads its own view.
	 */
	assert_int_equal(fake_pci_cfg32(dev, 0x04) & 0xffff, 0x0003);
	assert_int_equal(rd(NIC, 0x04, 2), 0);
	assert_int_equal(fn_of(NIC)->refused, 1);
}

static void test_status_cleared_only_when_written(void **state)
{
	struct fake_pci_fn *dev;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	dev->cfg[0x07] |= 0x80; /* Detected Parity Error */
	wr(NIC, 0x04, 2, 0x0007);
	assert_int_equal(dev->cfg[0x07] & 0x80, 0x80);
	wr(NIC, 0x04, 1, 0x07);
	assert_int_equal(dev->cfg[0x07] & 0x80, 0x80);
	wr(NIC, 0x06, 2, 0x8000);
	assert_int_equal(dev->cfg[0x07] & 0x80, 0);
	dev->cfg[0x07] |= 0x80;
	wr(NIC, 0x04, 4, 0x80000007u);
	assert_int_equal(dev->cfg[0x07] & 0x80, 0);
}

static void test_fixed_fields(void **state)
{
	struct fake_pci_fn *dev;
	unsigned before;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	before = fake_pci.log_count;
	/* No expansion ROM, however it is sized. */
	assert_int_equal(rd(NIC, 0x30, 4), 0);
	wr(NIC, 0x30, 4, 0xfffff800u);
	assert_int_equal(rd(NIC, 0x30, 4), 0);
	/* IDs, class, header type, BIST, subsystem, capability pointer. */
	wr(NIC, 0x00, 4, 0);
	wr(NIC, 0x08, 4, 0);
	wr(NIC, 0x0e, 2, 0xffff);
	wr(NIC, 0x2c, 4, 0);
	wr(NIC, 0x34, 1, 0);
	assert_int_equal(fake_pci_find_event(before, FAKE_PCI_CFG_WRITE, NIC,
					     ~0ull),
			 -1);
	/* Cache line size and latency timer pass. */
	wr(NIC, 0x0c, 2, 0x4010);
	assert_int_equal(dev->cfg[0x0c], 0x10);
	assert_int_equal(dev->cfg[0x0d], 0x40);
	assert_int_equal(rd(NIC, 0x00, 4), 0x10d38086u);
}

static void test_interrupt_line_and_pin(void **state)
{
	struct fake_pci_fn *dev;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	dev->cfg[0x3c] = 0x0b;
	wr(NIC, 0x3c, 1, 0x05);
	assert_int_equal(rd(NIC, 0x3c, 1), 0x05);
	assert_int_equal(rd(NIC, 0x3d, 1), 1);
	assert_int_equal(dev->cfg[0x3c], 0x0b);
	/* A function whose pin drives nothing the VM has shows no pin. */
	rec.pci[1].intx = SHIKIRI_PCI_NO_INTX;
	assert_int_equal(rd(OLD, 0x3d, 1), 0);
	assert_int_equal(rd(OLD, 0x3c, 4) >> 8 & 0xff, 0);
}

static void test_capabilities_and_extended_space(void **state)
{
	struct fake_pci_fn *dev;
	unsigned before;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	dev = fake_pci_find(NIC);
	assert_int_equal(fn_of(NIC)->msi_cap, NIC_MSI);
	assert_int_equal(fn_of(NIC)->pcie_cap, NIC_PCIE);
	assert_int_equal(fn_of(NIC)->msix_cap, NIC_MSIX);
	assert_int_equal(fn_of(NIC)->aer_cap, NIC_AER);
	assert_int_equal(fn_of(NIC)->reset, PCI_RESET_FLR);
	assert_int_equal(fn_of(OLD)->pm_cap, OLD_PM);
	assert_int_equal(fn_of(OLD)->reset, PCI_RESET_PM);
	/* Extended space reads through... */
	assert_int_equal(rd(NIC, 0x100, 2), 0x0001);
	assert_int_equal(rd(NIC, 0x150, 4), fake_pci_cfg32(dev, 0x150));
	/* ...and is written only inside AER. */
	before = fake_pci.log_count;
	wr(NIC, 0x154, 4, 0xffffffffu);
	wr(NIC, 0xffc, 4, 0xffffffffu);
	assert_int_equal(fake_pci_find_event(before, FAKE_PCI_CFG_WRITE, NIC,
					     ~0ull),
			 -1);
	assert_int_equal(fn_of(NIC)->refused, 2);
	wr(NIC, 0x108, 4, 0x00000010u);
	assert_int_equal(fake_pci_cfg32(dev, 0x108), 0x10);
	/* Other registers of 0x40..0xff pass: PCIe Device Control. */
	wr(NIC, NIC_PCIE + 8, 2, 0x2810);
	assert_int_equal(fake_pci_cfg32(dev, NIC_PCIE + 8) & 0xffff, 0x2810);
}

static void test_bad_accesses(void **state)
{
	unsigned before;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	before = fake_pci.log_count;
	assert_int_equal(rd(NIC, 0x01, 2), 0xffffffffu);
	assert_int_equal(rd(NIC, 0x02, 4), 0xffffffffu);
	assert_int_equal(rd(NIC, 0x00, 3), 0xffffffffu);
	assert_int_equal(rd(NIC, 0x00, 8), 0xffffffffu);
	assert_int_equal(rd(NIC, 0x00, 0), 0xffffffffu);
	assert_int_equal(rd(NIC, 0x1000, 4), 0xffffffffu);
	assert_int_equal(rd(NIC, 0xfffffffcu, 4), 0xffffffffu);
	wr(NIC, 0x05, 2, 0);
	wr(NIC, 0x04, 3, 0);
	wr(NIC, 0x04, 8, 0);
	wr(NIC, 0x1000, 4, 0);
	wr(NIC, 0xfffffffcu, 1, 0);
	assert_int_equal(fake_pci_find_event(before, FAKE_PCI_CFG_WRITE, ~0u,
					     ~0ull),
			 -1);
	assert_int_equal(fn_of(NIC)->refused, 5);
}

static void test_ecam_window(void **state)
{
	const struct mmio_region *r;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	r = mmio_find(&vm.mmio, board.ecam_base, 4);
	assert_non_null(r);
	assert_int_equal(r->size, board.ecam_size);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(NIC, 0), 4, &v), 0);
	assert_int_equal(v, 0x10d38086u);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(NIC, 2), 2, &v), 0);
	assert_int_equal(v, 0x10d3);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(OTHER, 0), 4, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(NIC, 0), 8, &v), 0);
	assert_int_equal(v, ~0ull);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(NIC, 1), 4, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(r->ops->write(NULL, r->priv, ECAM(NIC, 0x10), 4,
				       0xffffffffu),
			 0);
	assert_int_equal(rd(NIC, 0x10, 4), 0xfffe0000u);
	assert_int_equal(
		r->ops->write(NULL, r->priv, ECAM(NIC, 0x10), 4, NIC_BAR0), 0);
	/* A config write reaches no other function through the window. */
	assert_int_equal(r->ops->write(NULL, r->priv, ECAM(OTHER, 4), 2, 0), 0);
	assert_int_equal(cfg_writes_to(OTHER), 0);
	/* A VM without functions has no window: a touch is outside it. */
	assert_int_equal(own(0, NULL), 0);
	assert_null(mmio_find(&vm.mmio, board.ecam_base, 4));
}

/*
 * Arm: a VM with a virtual PCI bus reaches its functions there, at their
 * own devfn and through the same filter, and never through the board's
 * ECAM window, which stays untrapped.
 */
static void test_virtual_bus(void **state)
{
	static struct vpci_bus bus;
	const struct mmio_region *r;
	const uint64_t vecam = 0x3f000000ull;
	uint64_t v = 0;

	(void)state;
	rec.vpci_ecam_ipa = vecam;
	assert_int_equal(own_nic_old(), 0);
	assert_null(mmio_find(&vm.mmio, board.ecam_base, 4));
	assert_int_equal(vpci_init(&bus, &vm, vecam), 0);
	assert_int_equal(pci_vm_plug(&vm.pci, &bus), 0);
	assert_int_equal(bus.count, 2);
	r = mmio_find(&vm.mmio, vecam, 4);
	assert_non_null(r);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(NIC, 0), 4, &v), 0);
	assert_int_equal(v, 0x10d38086u);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(OLD, 0x10), 4, &v),
			 0);
	assert_int_equal(v, OLD_BAR0);
	/* Not the VM's, and the host bridge: absent on its bus. */
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(OTHER, 0), 4, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(r->ops->read(NULL, r->priv, ECAM(HB, 0), 4, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	/* Sizing through the filter, and a move refused. */
	assert_int_equal(r->ops->write(NULL, r->priv, ECAM(NIC, 0x10), 4,
				       0xffffffffu),
			 0);
	assert_int_equal(vpci_config_read(&bus, NIC & 0xff, 0x10, 4),
			 0xfffe0000u);
	assert_int_equal(r->ops->write(NULL, r->priv, ECAM(NIC, 0x10), 4,
				       0xd0000000u),
			 0);
	assert_int_equal(dev32(NIC, 0x10), NIC_BAR0);
	assert_int_equal(fn_of(NIC)->refused, 1);
	assert_int_equal(r->ops->write(NULL, r->priv, ECAM(OTHER, 4), 2, 0), 0);
	assert_int_equal(cfg_writes_to(OTHER), 0);
	/* Its slot taken twice (a plan the checks would refuse): refused. */
	assert_int_equal(pci_vm_plug(&vm.pci, &bus), -HV_EINVAL);
	/* No virtual bus (x86): nothing is plugged. */
	bus = (struct vpci_bus){ 0 };
	assert_int_equal(pci_vm_plug(&vm.pci, &bus), 0);
	assert_int_equal(bus.count, 0);
}

static void test_maps_leave_msix_pages_out(void **state)
{
	struct pci_map m[PCI_MAX_MAPS];
	unsigned n;

	(void)state;
	assert_int_equal(own_nic_old(), 0);
	n = pci_vm_maps(&vm.pci, m, PCI_MAX_MAPS);
	/* NIC: BAR0, I/O, BAR3 less its table page and PBA page; OLD:
	 * BAR0, I/O. */
	assert_int_equal(n, 6);
	assert_true(m[0].base == NIC_BAR0 && m[0].size == 0x20000 && !m[0].io);
	assert_true(m[1].base == NIC_IO && m[1].size == 32 && m[1].io);
	assert_true(m[2].base == NIC_BAR3 + 0x1000 && m[2].size == 0x2000);
	assert_true(m[3].base == NIC_BAR3 + 0x4000 && m[3].size == 0xc000);
	assert_true(m[4].base == OLD_BAR0 && m[4].size == 0x1000);
	assert_true(m[5].base == OLD_IO && m[5].io);
	assert_non_null(mmio_find(&vm.mmio, NIC_BAR3, 4));
	assert_non_null(mmio_find(&vm.mmio, NIC_BAR3 + NIC_PBA, 8));
	assert_null(mmio_find(&vm.mmio, NIC_BAR3 + 0x1000, 4));
	/* A short array is filled, not overrun. */
	assert_int_equal(pci_vm_maps(&vm.pci, m, 3), 3);
}

static void test_init_refuses(void **state)
{
	static const uint32_t absent[] = { ABSENT };
	static const uint32_t other[] = { OTHER };
	struct fake_pci_fn *f;

	(void)state;
	assert_int_equal(own(1, absent), -HV_ENOENT);
	/* A BAR outside the board's windows. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_bar(f, 0, 0xa0000000ull, 0x4000, false, false);
	assert_int_equal(own(1, other), -HV_EINVAL);
	assert_non_null(strstr(last_log, "cannot be given"));
	/* A memory BAR smaller than a page. */
	machine();
	fake_pci_bar(fake_pci_find(OTHER), 0, OTHER_BAR0, 0x100, false, false);
	assert_int_equal(own(1, other), -HV_EINVAL);
	/* A bridge. */
	machine();
	fake_pci_find(OTHER)->cfg[0x0e] = 0x01;
	assert_int_equal(own(1, other), -HV_EINVAL);
	assert_non_null(strstr(last_log, "cannot be given"));
	/* A 64-bit BAR in the last slot. */
	machine();
	fake_pci_bar(fake_pci_find(OTHER), 5, OTHER_BAR0, 0x4000, false, false);
	fake_pci_find(OTHER)->cfg[0x24] |= 0x4;
	assert_int_equal(own(1, other), -HV_EINVAL);
	/* An MSI-X table past the end of its BAR. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_msix(f, 0x40, 2048, 0, 0, 0x3000);
	assert_int_equal(own(1, other), -HV_EINVAL);
	/* ...or in a BAR that is not there. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_msix(f, 0x40, 4, 7, 0, 0x100);
	assert_int_equal(own(1, other), -HV_EINVAL);
}

static void test_capability_lists_that_loop(void **state)
{
	static const uint32_t other[] = { OTHER };
	struct fake_pci_fn *f;
	unsigned reads;

	(void)state;
	f = fake_pci_find(OTHER);
	fake_pci_msi(f, 0x40, false, false);
	fake_pci_pm(f, 0x50, false);
	fake_pci_pcie(f, 0x60, false);
	f->cfg[0x61] = 0x43; /* back to MSI; the low bits are ignored */
	/* Extended: 0x100 -> 0x200 -> 0x100. */
	fake_pci_ext(f, 0x100, 0x0003, 0x200);
	fake_pci_ext(f, 0x200, 0x0001, 0x100);
	reads = fake_pci.cfg_reads;
	assert_int_equal(own(1, other), 0);
	assert_true(fake_pci.cfg_reads - reads < 200);
	assert_int_equal(fn_of(OTHER)->msi_cap, 0x40);
	assert_int_equal(fn_of(OTHER)->pm_cap, 0x50);
	assert_int_equal(fn_of(OTHER)->pcie_cap, 0x60);
	assert_int_equal(fn_of(OTHER)->aer_cap, 0x200);
	/* A pointer into the header ends the walk. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_msi(f, 0x40, false, false);
	f->cfg[0x41] = 0x10;
	assert_int_equal(own(1, other), 0);
	assert_int_equal(fn_of(OTHER)->msi_cap, 0x40);
	/* Two MSI capabilities: the second would be the guest's. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_msi(f, 0x40, false, false);
	fake_pci_msi(f, 0x50, true, false);
	assert_int_equal(own(1, other), -HV_EINVAL);
	/* MSI-X inside MSI's registers. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_msi(f, 0x40, true, true);
	fake_pci_msix(f, 0x50, 4, 0, 0, 0x1000);
	assert_int_equal(own(1, other), -HV_EINVAL);
	/* An MSI capability that would run past 0x100 is refused. */
	machine();
	f = fake_pci_find(OTHER);
	fake_pci_msi(f, 0xf0, true, true);
	assert_int_equal(own(1, other), -HV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_others_read_all_ones, setup),
		cmocka_unit_test_setup(test_host_bridge_is_bare, setup),
		cmocka_unit_test_setup(test_bars_read_as_firmware_left, setup),
		cmocka_unit_test_setup(test_bar_sizing, setup),
		cmocka_unit_test_setup(test_bar_moves_refused, setup),
		cmocka_unit_test_setup(test_command_filter, setup),
		cmocka_unit_test_setup(test_status_cleared_only_when_written,
				       setup),
		cmocka_unit_test_setup(test_fixed_fields, setup),
		cmocka_unit_test_setup(test_interrupt_line_and_pin, setup),
		cmocka_unit_test_setup(test_capabilities_and_extended_space,
				       setup),
		cmocka_unit_test_setup(test_bad_accesses, setup),
		cmocka_unit_test_setup(test_ecam_window, setup),
		cmocka_unit_test_setup(test_virtual_bus, setup),
		cmocka_unit_test_setup(test_maps_leave_msix_pages_out, setup),
		cmocka_unit_test_setup(test_init_refuses, setup),
		cmocka_unit_test_setup(test_capability_lists_that_loop, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
