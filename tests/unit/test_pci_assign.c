// SPDX-License-Identifier: MIT
/*
 * BAR assignment (hv/core/pci_assign.c) on the fake arch's model of PCI
 * functions whose BARs no firmware set: memory BARs placed largest first,
 * aligned to their size, in the first window and then the second, 32-bit
 * ones below 4 GiB; I/O BARs and ROMs off, memory decode on; a BAR that
 * does not fit refuses the VM; functions that are not there are left to
 * pci_vm_init().  Then pci_vm_init() on a board that says
 * SHIKIRI_PCI_BOARD_ASSIGN_BARS takes the functions where they were put,
 * without their I/O BARs, and pci_vm_maps() lists exactly those ranges;
 * on a board whose firmware set the BARs (tests/unit/pci_fixture.h's),
 * none moves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../hv/core/pci_int.h"
#include "pci_fixture.h"

#define MIB 0x100000ull
#define KIB 0x400ull
/* virtio-blk-pci as QEMU builds it: MSI-X page BAR 1, 64-bit BAR 4. */
#define BLK PCI_BDF(0, 2, 0)
/* edu: a 1 MiB 32-bit BAR; here with 32 I/O ports and a ROM too. */
#define EDU PCI_BDF(0, 4, 0)
#define WIN 0x10000000ull

static struct shikiri_pci_fn fns[3];

/* Functions as QEMU virt leaves them: no BAR set, decode on. */
static void bare_machine(void)
{
	struct fake_pci_fn *f;

	fake_pci_reset();
	last_log[0] = '\0';
	logs = 0;
	f = fake_pci_add(BLK, 0x10421af4u, 0x01000001u, 0);
	fake_pci_bar(f, 1, 0, 4 * KIB, false, false);
	fake_pci_bar(f, 4, 0, 16 * KIB, false, true);
	f->cfg[0x10 + 4 * 4] |= 0x8; /* prefetchable, as QEMU's */
	fake_pci_ready(f);
	f = fake_pci_add(EDU, 0x11e81234u, 0x00ff0010u, 0);
	fake_pci_bar(f, 0, 0, 1 * MIB, false, false);
	fake_pci_bar(f, 2, 0, 32, true, false);
	/* An enabled expansion ROM at an address no one gave it. */
	f->cfg[0x30] = 0x01;
	f->cfg[0x32] = 0xfe;
	f->wmask[0x30] = 0x01;
	f->wmask[0x32] = f->wmask[0x33] = 0xff;
	fake_pci_ready(f);
	for (unsigned i = 0; i < fake_pci.count; i++)
		fake_pci.fn[i].cfg[0x04] = 0x03; /* I/O and memory decode */
	fns[0] = (struct shikiri_pci_fn){ BLK, 37, 1, 0 };
	fns[1] = (struct shikiri_pci_fn){ EDU, 38, 1, 0 };
	fns[2] = (struct shikiri_pci_fn){ ABSENT, SHIKIRI_PCI_NO_INTX, 0, 0 };
}

static uint64_t bar64(uint32_t bdf, unsigned i)
{
	const struct fake_pci_fn *f = fake_pci_find(bdf);

	return (uint64_t)fake_pci_cfg32(f, 0x10 + 4 * (i + 1)) << 32 |
	       (fake_pci_cfg32(f, 0x10 + 4 * i) & ~0xfu);
}

static uint32_t cfg(uint32_t bdf, unsigned off)
{
	return dev32(bdf, off);
}

static void test_largest_first(void **state)
{
	const struct shikiri_range win[2] = { { WIN, 8 * MIB }, { 0, 0 } };

	(void)state;
	bare_machine();
	assert_int_equal(pci_assign_bars("linux1", fns, 3, win), 0);
	/* 1 MiB, then 16 KiB right after it, then the 4 KiB page. */
	assert_int_equal(cfg(EDU, 0x10), WIN);
	assert_int_equal(bar64(BLK, 4), WIN + 1 * MIB);
	assert_int_equal(fake_pci_cfg32(fake_pci_find(BLK), 0x10 + 16) & 0xf,
			 0xc); /* 64-bit prefetchable, kept */
	assert_int_equal(cfg(BLK, 0x14), WIN + 1 * MIB + 16 * KIB);
	/* The I/O BAR reads as a port BAR at 0, the ROM is disabled, and
	 * only memory decode is on. */
	assert_int_equal(cfg(EDU, 0x18), 0x1);
	assert_int_equal(cfg(EDU, 0x30) & 1, 0);
	assert_int_equal(cfg(EDU, 0x04) & 0x7, 0x2);
	assert_int_equal(cfg(BLK, 0x04) & 0x7, 0x2);
	/* The absent function saw nothing. */
	assert_int_equal(
		fake_pci_find_event(0, FAKE_PCI_CFG_WRITE, ABSENT, ~0ull), -1);
}

static void test_second_window(void **state)
{
	/* The 1 MiB BAR does not fit the first window; the others do. */
	const struct shikiri_range win[2] = { { WIN, 64 * KIB },
					      { WIN + 16 * MIB, 2 * MIB } };

	(void)state;
	bare_machine();
	assert_int_equal(pci_assign_bars("linux1", fns, 2, win), 0);
	assert_int_equal(cfg(EDU, 0x10), WIN + 16 * MIB);
	assert_int_equal(bar64(BLK, 4), WIN);
	assert_int_equal(cfg(BLK, 0x14), WIN + 16 * KIB);
}

static void test_32bit_below_4g(void **state)
{
	/* A first window above 4 GiB takes only the 64-bit BAR. */
	const struct shikiri_range win[2] = { { 0x4000000000ull, 16 * MIB },
					      { WIN, 16 * MIB } };

	(void)state;
	bare_machine();
	assert_int_equal(pci_assign_bars("linux1", fns, 2, win), 0);
	assert_int_equal(bar64(BLK, 4), 0x4000000000ull);
	assert_int_equal(cfg(EDU, 0x10), WIN);
	assert_int_equal(cfg(BLK, 0x14), WIN + 1 * MIB);
}

static void test_does_not_fit(void **state)
{
	const struct shikiri_range win[2] = { { WIN, 1 * MIB },
					      { WIN + 2 * MIB, 16 * KIB } };
	const struct shikiri_range none[2] = { { 0, 0 }, { 0, 0 } };

	(void)state;
	bare_machine();
	/* 1 MiB and 16 KiB fill both windows: the page has no room. */
	assert_int_equal(pci_assign_bars("linux1", fns, 2, win), -HV_ENOMEM);
	assert_non_null(strstr(last_log, "pci 00:02.0 BAR 1 (4 KiB) does "
					 "not fit"));
	bare_machine();
	assert_int_equal(pci_assign_bars("linux1", fns, 2, none), -HV_EINVAL);
	assert_int_equal(pci_assign_bars("linux1", fns, 2, NULL), -HV_EINVAL);
	assert_non_null(strstr(last_log, "no PCI window"));
}

static void test_pci_vm_init_takes_them(void **state)
{
	const struct shikiri_plan_pci arm = {
		.ecam_base = 0x4010000000ull,
		.ecam_size = 256 * MIB,
		.bus_last = 0xff,
		.mem = { { WIN, 0x2eff0000ull } },
		.flags = SHIKIRI_PCI_BOARD_ASSIGN_BARS,
	};
	struct pci_map maps[PCI_MAX_MAPS];

	(void)state;
	bare_machine();
	memset(&vm, 0, sizeof(vm));
	memset(&rec, 0, sizeof(rec));
	strcpy(vm.name, "linux1");
	vm.plan = &rec;
	rec.pci_count = 2;
	memcpy(rec.pci, fns, 2 * sizeof(fns[0]));
	rec.arch.aarch64.pci_mem[0] = (struct shikiri_range){ WIN, 8 * MIB };
	page_pool_init(&pool, pool_mem, pool_pages);
	assert_int_equal(pci_vm_init(&vm.pci, &vm, &arm, &pool), 0);
	/* Its BARs where assignment put them, in BAR order, no I/O. */
	assert_int_equal(pci_vm_maps(&vm.pci, maps, PCI_MAX_MAPS), 3);
	assert_int_equal(maps[0].base, WIN + 1 * MIB + 16 * KIB);
	assert_int_equal(maps[0].size, 4 * KIB);
	assert_int_equal(maps[1].base, WIN + 1 * MIB);
	assert_int_equal(maps[1].size, 16 * KIB);
	assert_int_equal(maps[2].base, WIN);
	assert_int_equal(maps[2].size, 1 * MIB);
	for (unsigned i = 0; i < 3; i++)
		assert_false(maps[i].io);
	/* The guest reads the I/O BAR as none. */
	assert_int_equal(rd(EDU, 0x18, 4), 0);
	assert_int_equal(rd(EDU, 0x10, 4), WIN);
	/* No window: the VM is refused. */
	bare_machine();
	memset(&rec.arch, 0, sizeof(rec.arch));
	page_pool_init(&pool, pool_mem, pool_pages);
	assert_int_equal(pci_vm_init(&vm.pci, &vm, &arm, &pool), -HV_EINVAL);
}

/* A board whose firmware set the BARs: pci_vm_init() moves none. */
static void test_firmware_bars_stay(void **state)
{
	(void)state;
	machine();
	rec.arch.aarch64.pci_mem[0] = (struct shikiri_range){ WIN, 8 * MIB };
	assert_int_equal(own_nic_old(), 0);
	assert_int_equal(dev32(NIC, 0x10), NIC_BAR0);
	assert_int_equal(dev32(OLD, 0x10), OLD_BAR0);
	assert_int_equal(dev32(OLD, 0x20), OLD_IO | 1);
	assert_int_equal(fn_of(OLD)->bar[4].kind, PCI_BAR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_largest_first),
		cmocka_unit_test(test_second_window),
		cmocka_unit_test(test_32bit_below_4g),
		cmocka_unit_test(test_does_not_fit),
		cmocka_unit_test(test_pci_vm_init_takes_them),
		cmocka_unit_test(test_firmware_bars_stay),
	};

	return cmocka_run_group_tests_name("PCI BAR assignment", tests, NULL,
					   NULL);
}
