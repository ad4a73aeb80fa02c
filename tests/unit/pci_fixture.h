/* SPDX-License-Identifier: MIT */
/*
 * The machine the PCI unit tests share (hv/core/pci*.c on the fake
 * arch's model, hv/arch/fake/fake_pci.h): a host bridge, a PCIe NIC-like
 * function with every capability the core handles, a plain PCI function
 * with a 32-bit MSI and a PM reset, and a function of another VM's.
 * One VM owns what a test gives it.
 */
#ifndef TESTS_UNIT_PCI_FIXTURE_H
#define TESTS_UNIT_PCI_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../../hv/arch/fake/fake_pci.h"
#include "hv/errno.h"
#include "hv/page_pool.h"
#include "hv/pci.h"
#include "hv/vm.h"

#define HB PCI_BDF(0, 0, 0)
#define NIC PCI_BDF(0, 4, 0)   /* PCIe: FLR, MSI 64 maskable, MSI-X, AER */
#define OLD PCI_BDF(0, 5, 0)   /* PCI: MSI 32, PM reset, I/O BAR */
#define OTHER PCI_BDF(0, 6, 0) /* another VM's */
#define ABSENT PCI_BDF(0, 9, 0)

#define NIC_BAR0 0xc0000000ull	/* 128 KiB */
#define NIC_IO 0x1000u		/* 32 ports */
#define NIC_BAR3 0x800000000ull /* 64-bit, 64 KiB: MSI-X table and PBA */
#define NIC_TABLE 0x0u
#define NIC_PBA 0x3000u
#define NIC_VECS 5u
#define NIC_MSI 0x50u
#define NIC_PCIE 0x70u
#define NIC_MSIX 0xb0u
#define NIC_AER 0x100u
#define OLD_BAR0 0xc0100000ull
#define OLD_IO 0x2000u
#define OLD_MSI 0x48u
#define OLD_PM 0x40u
#define OTHER_BAR0 0xc0200000ull

static struct vm vm;
static struct shikiri_plan_vm rec;
static const struct shikiri_plan_pci board = {
	.ecam_base = 0xb0000000ull,
	.ecam_size = 0x10000000ull,
	.bus_first = 0,
	.bus_last = 0xff,
	.mem = { { 0xc0000000ull, 0x10000000ull },
		 { 0x800000000ull, 0x100000000ull } },
	.io = { 0x1000, 0xf000 },
};
static unsigned char pool_mem[16 * PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE)));
static struct page_pool pool;
static unsigned pool_pages = 16; /* what own() gives pci_vm_init() */
static char last_log[256];
static unsigned logs;

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	logs++;
}

static inline struct fake_pci_fn *add_nic(void)
{
	struct fake_pci_fn *f =
		fake_pci_add(NIC, 0x10d38086u, 0x02000000u, NIC_BAR3);

	fake_pci_bar(f, 0, NIC_BAR0, 0x20000, false, false);
	fake_pci_bar(f, 2, NIC_IO, 32, true, false);
	fake_pci_bar(f, 3, NIC_BAR3, 0x10000, false, true);
	fake_pci_msi(f, NIC_MSI, true, true);
	fake_pci_pcie(f, NIC_PCIE, true);
	fake_pci_msix(f, NIC_MSIX, NIC_VECS, 3, NIC_TABLE, NIC_PBA);
	fake_pci_ext(f, NIC_AER, 0x0001, 0x150);
	fake_pci_ext(f, 0x150, 0x000e, 0); /* ARI: not one to write */
	fake_pci_ready(f);
	return f;
}

static inline struct fake_pci_fn *add_old(void)
{
	struct fake_pci_fn *f =
		fake_pci_add(OLD, 0x29228086u, 0x01060100u, OLD_BAR0);

	fake_pci_bar(f, 0, OLD_BAR0, 0x1000, false, false);
	fake_pci_bar(f, 4, OLD_IO, 32, true, false);
	fake_pci_pm(f, OLD_PM, false);
	fake_pci_msi(f, OLD_MSI, false, false);
	fake_pci_ready(f);
	return f;
}

/* The machine with firmware state: command MEM|IO|BME, as SeaBIOS. */
static inline void machine(void)
{
	struct fake_pci_fn *f;

	fake_pci_reset();
	memset(&vm, 0, sizeof(vm));
	memset(&rec, 0, sizeof(rec));
	last_log[0] = '\0';
	logs = 0;
	pool_pages = 16;
	f = fake_pci_add(HB, 0x29c08086u, 0x06000002u, 0xe0000000ull);
	f->cfg[0x0e] = 0x80; /* multi-function, which the VM must not see */
	fake_pci_pcie(f, 0x40, false);
	fake_pci_bar(f, 0, 0xe0000000ull, 0x1000, false, false);
	fake_pci_ready(f);
	add_nic();
	add_old();
	f = fake_pci_add(OTHER, 0x000d1b36u, 0x0c033000u, OTHER_BAR0);
	fake_pci_bar(f, 0, OTHER_BAR0, 0x4000, false, false);
	fake_pci_ready(f);
	for (unsigned i = 0; i < fake_pci.count; i++)
		fake_pci.fn[i].cfg[0x04] = 0x07;
}

/* VM owns @n functions of @bdfs; Return: pci_vm_init()'s result. */
static inline int own(unsigned n, const uint32_t *bdfs)
{
	strcpy(vm.name, "linux1");
	vm.plan = &rec;
	memset(&vm.mmio, 0, sizeof(vm.mmio));
	rec.pci_count = n;
	for (unsigned i = 0; i < n; i++)
		rec.pci[i] = (struct shikiri_pci_fn){ .bdf = bdfs[i],
						      .intx = 16 + i,
						      .intx_pin = 1 };
	page_pool_init(&pool, pool_mem, pool_pages);
	memset(pool_mem, 0, sizeof(pool_mem));
	return pci_vm_init(&vm.pci, &vm, &board, &pool);
}

static inline int own_nic_old(void)
{
	static const uint32_t both[] = { NIC, OLD };

	return own(2, both);
}

static inline uint32_t rd(uint32_t bdf, unsigned off, unsigned size)
{
	return pci_cfg_read(&vm.pci, bdf, off, size);
}

static inline void wr(uint32_t bdf, unsigned off, unsigned size, uint32_t val)
{
	pci_cfg_write(&vm.pci, bdf, off, size, val);
}

static inline struct pci_fn *fn_of(uint32_t bdf)
{
	for (unsigned i = 0; i < vm.pci.count; i++)
		if (vm.pci.fn[i].bdf == bdf)
			return &vm.pci.fn[i];
	return NULL;
}

static inline unsigned cfg_writes_to(uint32_t bdf)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fake_pci.log_count; i++)
		n += fake_pci.log[i].op == FAKE_PCI_CFG_WRITE &&
		     fake_pci.log[i].bdf == bdf;
	return n;
}

/* A cmocka setup: the machine afresh. */
static inline int setup(void **state)
{
	(void)state;
	machine();
	return 0;
}

/* Dword @off of @bdf's config space as the device has it now. */
static inline uint32_t dev32(uint32_t bdf, unsigned off)
{
	return fake_pci_cfg32(fake_pci_find(bdf), off);
}

/* The trapped MSI-X page access at @pa, as the arch would dispatch it. */
static inline int page_access(uint64_t pa, unsigned size, bool write,
			      uint64_t *v)
{
	const struct mmio_region *r = mmio_find(&vm.mmio, pa, size);

	if (!r)
		return -HV_ENOENT;
	if (write)
		return r->ops->write(NULL, r->priv, pa - r->base, size, *v);
	return r->ops->read(NULL, r->priv, pa - r->base, size, v);
}

#endif /* TESTS_UNIT_PCI_FIXTURE_H */