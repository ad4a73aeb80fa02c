// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the PCI config-space handler (hv/core/pci*.c) as a
 * hostile guest and a hostile device reach it, on the fake arch's model
 * with the unit tests' machine (tests/unit/pci_fixture.h): the VM owns
 * NIC (00:04.0) and OLD (00:05.0); the host bridge and OTHER are not its.
 *
 * Input: a count byte, then that many (mod 9) 3-byte pokes into the
 * devices' config space before the hypervisor takes them (function,
 * offset, value: a device that lies about its capabilities, BARs, table
 * sizes), then 8-byte steps:
 *
 *   byte 0     action (mod 8): config read, config write, ECAM read,
 *              ECAM write, MSI-X page read, MSI-X page write, hold, reset
 *   byte 1     bits 0-2 the function (host bridge, NIC, OLD, OTHER, an
 *              absent one, one on bus 1, NIC, NIC); bits 4-7 the size
 *              (config: as it is; ECAM and pages: 1 << (size & 3))
 *   bytes 2-3  the offset (config, ECAM: any; pages: into NIC's BAR 3)
 *   bytes 4-7  the value (pages: repeated in both halves of 8 bytes)
 *
 * After each step the invariants a guest must not break are checked; a
 * broken one aborts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../unit/pci_fixture.h"
#include "fuzz_check.h"

#define POKES_MAX 9u
#define PASS_BITS 0x0547u /* hv/core/pci_int.h PCI_CMD_PASS */

static const uint32_t targets[8] = { HB,    NIC,    OLD,
				     OTHER, ABSENT, PCI_BDF(1, 0, 0),
				     NIC,   NIC };

static void poke(const uint8_t *p)
{
	static const uint32_t fns[4] = { NIC, OLD, OTHER, HB };
	struct fake_pci_fn *f = fake_pci_find(fns[p[0] & 3]);

	/* Built that way: its power-on image has it too. */
	f->cfg[p[1]] = p[2];
	f->power_on[p[1]] = p[2] & ~f->wmask[p[1]];
}

static bool route_image(uint64_t addr, uint32_t data)
{
	unsigned dest = (addr >> 12) & 0xffu;

	return (addr & ~0xff000ull) == 0xfee00000ull &&
	       dest >= FAKE_PCI_DEST_BASE &&
	       dest < FAKE_PCI_DEST_BASE + FAKE_PCI_DESTS && data >= 0x20 &&
	       data <= 0xff;
}

static bool in_traps(uint64_t pa, unsigned size)
{
	for (unsigned i = 0; i < vm.pci.count; i++)
		for (unsigned k = 0; k < 2; k++) {
			const struct pci_trap *t = &vm.pci.fn[i].trap[k];

			if (t->size && pa >= t->base &&
			    pa - t->base <= t->size - size)
				return true;
		}
	return false;
}

static void check_msi(const struct pci_fn *fn, const struct fake_pci_fn *f)
{
	unsigned c = fn->msi_cap;
	bool is64 = fn->msi_dev_ctrl & 0x80;
	uint32_t ctrl = fake_pci_cfg32(f, c) >> 16;

	if (!c || !(ctrl & 1))
		return;
	CHECK((ctrl & 0x70) == 0);
	CHECK(route_image((is64 ? (uint64_t)fake_pci_cfg32(f, c + 8) << 32 :
				  0) |
				  fake_pci_cfg32(f, c + 4),
			  fake_pci_cfg32(f, c + (is64 ? 12 : 8)) & 0xffff));
}

static void check_msix(const struct pci_fn *fn, const struct fake_pci_fn *f)
{
	uint32_t ctrl;
	uint64_t tbl;

	if (!fn->msix_cap)
		return;
	ctrl = fake_pci_cfg32(f, fn->msix_cap) >> 16;
	tbl = fn->bar[fn->msix_table_bar].base + fn->msix_table_off;
	/* The whole table traps, whatever the guest can reach. */
	CHECK(in_traps(tbl, fn->msix_entries * 16u));
	if (!(ctrl & 0x8000) || (ctrl & 0x4000) || tbl < f->mem_base)
		return;
	for (unsigned i = 0; i < fn->msix_entries; i++) {
		uint64_t e = tbl + 16u * i;

		if (e + 16 - f->mem_base > FAKE_PCI_MEM)
			break;
		if (fake_pci_mem32(f, e + 12) & 1)
			continue;
		CHECK(route_image((uint64_t)fake_pci_mem32(f, e + 4) << 32 |
					  fake_pci_mem32(f, e),
				  fake_pci_mem32(f, e + 8)));
	}
}

static void check(void)
{
	for (unsigned i = 0; i < fake_pci.log_count; i++) {
		const struct fake_pci_event *e = &fake_pci.log[i];
		const struct pci_fn *fn = fn_of(e->bdf);

		if (e->op == FAKE_PCI_MMIO_WRITE)
			CHECK(in_traps(e->off, e->size));
		if (e->op != FAKE_PCI_CFG_WRITE)
			continue;
		/* Nothing but the VM's functions is ever written... */
		CHECK(fn != NULL);
		/* ...and above 0x100 only its AER registers. */
		CHECK(e->off < 0x100 ||
		      (fn->aer_cap && e->off >= fn->aer_cap &&
		       e->off + e->size <= fn->aer_cap + 0x48u));
	}
	fake_pci.log_count = 0;
	for (unsigned i = 0; i < vm.pci.count; i++) {
		const struct pci_fn *fn = &vm.pci.fn[i];
		const struct fake_pci_fn *f = fake_pci_find(fn->bdf);
		uint16_t fw_cmd = fn->header[4] | fn->header[5] << 8;

		/* BARs never move. */
		for (unsigned o = 0x10; o < 0x28; o++)
			CHECK(f->cfg[o] == fn->header[o]);
		CHECK(((f->cfg[4] | f->cfg[5] << 8) & ~PASS_BITS & ~fw_cmd) ==
		      0);
		check_msi(fn, f);
		check_msix(fn, f);
	}
}

static void step(const uint8_t *s)
{
	uint32_t bdf = targets[s[1] & 7];
	unsigned size = s[1] >> 4;
	unsigned off = s[2] | s[3] << 8;
	uint32_t val = s[4] | s[5] << 8 | s[6] << 16 | (uint32_t)s[7] << 24;
	uint64_t v = (uint64_t)val << 32 | val;
	const struct mmio_region *r;

	switch (s[0] % 8) {
	case 0:
		(void)pci_cfg_read(&vm.pci, bdf, off, size);
		break;
	case 1:
		pci_cfg_write(&vm.pci, bdf, off, size, val);
		break;
	case 2:
	case 3:
		r = mmio_find(&vm.mmio, board.ecam_base, 4);
		CHECK(r != NULL);
		off = (uint32_t)(bdf - board.bus_first * 256) << 12 |
		      (off & 0xfffu);
		/* Sizes the arch's decoder gives: 1, 2, 4, 8. */
		size = 1u << (size & 3);
		if (s[0] % 8 == 2)
			CHECK(r->ops->read(NULL, r->priv, off, size, &v) == 0);
		else
			CHECK(r->ops->write(NULL, r->priv, off, size, v) == 0);
		break;
	case 4:
	case 5:
		(void)page_access(NIC_BAR3 + off, 1u << (size & 3),
				  s[0] % 8 == 5, &v);
		break;
	case 6:
		pci_vm_hold(&vm.pci);
		break;
	default:
		pci_vm_reset(&vm.pci);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at = 1;
	unsigned pokes;

	machine();
	pokes = size ? data[0] % POKES_MAX : 0;
	for (unsigned i = 0; i < pokes && at + 3 <= size; i++, at += 3)
		poke(data + at);
	if (own_nic_old())
		return 0;
	/* The VM's first start (vm.c reload()) resets its functions. */
	pci_vm_reset(&vm.pci);
	check();
	for (; at + 8 <= size; at += 8) {
		step(data + at);
		check();
	}
	return 0;
}
