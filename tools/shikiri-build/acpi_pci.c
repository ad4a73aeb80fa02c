// SPDX-License-Identifier: MIT
/*
 * The PCI host bridge in the DSDT of a VM that owns PCI functions (ACPI
 * 6.x 6.1, 6.2, 6.4 and PCI Firmware 3.2): Device(PCI0), a PCI Express
 * root (PNP0A08, compatible PNP0A03) of segment 0 whose _CRS is the
 * board's bus range, the configuration ports 0xcf8-0xcff, and the board's
 * I/O and memory windows, as the host bridge forwards them; its _PRT
 * routes each owned root-bus function's INTx pin straight to its GSI (no
 * link devices); and Device(MRES), a PNP0C02 that reserves the ECAM the
 * MCFG names, as Linux wants MMCONFIG reserved.  The VM sees the host's
 * bus numbers, devices and windows unchanged.
 */
#include <stdbool.h>

#include "acpi.h"

/* Resource descriptors (ACPI 6.x 6.4.3). */
#define RES_IO 0x47
#define RES_DWORD_SPACE 0x87
#define RES_WORD_SPACE 0x88
#define RES_QWORD_SPACE 0x8a
#define SPACE_MEMORY 0u
#define SPACE_IO 1u
#define SPACE_BUS 2u
/* General flags: _MAF and _MIF set, positive decode; bit 0 consumer. */
#define FLAGS_PRODUCER 0x0cu
#define FLAGS_CONSUMER 0x0du
#define IO_ENTIRE_RANGE 0x03u /* _RNG: ISA and non-ISA ports */
#define MEM_READ_WRITE 0x01u  /* _RW; _MEM 0: non-cacheable */
#define CF8_PORT 0xcf8u
#define CF8_PORTS 8u

static void put_le(struct aml *r, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		aml_byte(r, (uint8_t)(v >> (8 * i)));
}

/*
 * An address space descriptor of @n-byte fields: granularity 0, [min,
 * min + len), no translation.
 */
static void space(struct aml *r, int n, uint8_t type, uint8_t flags,
		  uint8_t type_flags, uint64_t min, uint64_t len)
{
	static const uint8_t tag[9] = {
		[2] = RES_WORD_SPACE, [4] = RES_DWORD_SPACE, [8] = RES_QWORD_SPACE
	};

	aml_byte(r, tag[n]);
	put_le(r, 3 + 5 * (uint64_t)n, 2);
	aml_byte(r, type);
	aml_byte(r, flags);
	aml_byte(r, type_flags);
	put_le(r, 0, n);
	put_le(r, min, n);
	put_le(r, min + len - 1, n);
	put_le(r, 0, n);
	put_le(r, len, n);
}

/* The host bridge's resources: buses, 0xcf8, windows. */
static void pci0_crs(struct aml *dev, const struct shikiri_plan_pci *seg)
{
	static const uint8_t cf8[] = { RES_IO,
				       0x01, /* 16-bit decode */
				       CF8_PORT & 0xff,
				       CF8_PORT >> 8,
				       CF8_PORT & 0xff,
				       CF8_PORT >> 8,
				       1,
				       CF8_PORTS };
	struct aml r = { .n = 0 };

	space(&r, 2, SPACE_BUS, FLAGS_PRODUCER, 0, seg->bus_first,
	      seg->bus_last - seg->bus_first + 1);
	aml_put(&r, cf8, sizeof(cf8));
	if (seg->io.size)
		space(&r, 2, SPACE_IO, FLAGS_PRODUCER, IO_ENTIRE_RANGE,
		      seg->io.base, seg->io.size);
	for (int w = 0; w < 2; w++) {
		const struct shikiri_range *m = &seg->mem[w];

		if (m->size)
			space(&r, m->base + m->size > 0x100000000ull ? 8 : 4,
			      SPACE_MEMORY, FLAGS_PRODUCER, MEM_READ_WRITE,
			      m->base, m->size);
	}
	aml_crs(dev, r.b, r.n);
}

/* One _PRT entry: Package() { slot << 16 | 0xffff, pin, Zero, GSI }. */
static void prt_entry(struct aml *prt, uint32_t slot, uint32_t pin,
		      uint32_t gsi)
{
	static const uint8_t op[] = { AML_PACKAGE };
	struct aml e = { .n = 0 };

	aml_byte(&e, 4);
	aml_int(&e, (uint64_t)slot << 16 | 0xffff);
	aml_int(&e, pin);
	aml_int(&e, 0);
	aml_int(&e, gsi);
	aml_pkg(prt, op, sizeof(op), &e);
}

/*
 * Name(_PRT, Package() { ... }): the root bus's owned functions with an
 * INTx, one entry per slot and pin (the tool refuses two functions of one
 * slot that differ there).  Functions behind a bridge get theirs from
 * the bridge's pin by the PCI-to-PCI swizzle, as on the host.
 */
static void pci0_prt(struct aml *dev, const struct acpi_pci *pci)
{
	static const uint8_t op[] = {
		AML_NAME, '_', 'P', 'R', 'T', AML_PACKAGE
	};
	struct aml prt = { .n = 1 };
	unsigned int count = 0;

	for (unsigned int i = 0; i < pci->fn_count; i++) {
		const struct shikiri_pci_fn *fn = &pci->fn[i];
		bool dup = false;

		if (fn->intx == SHIKIRI_PCI_NO_INTX ||
		    fn->bdf >> 8 != pci->seg->bus_first)
			continue;
		for (unsigned int j = 0; j < i; j++)
			dup |= pci->fn[j].intx != SHIKIRI_PCI_NO_INTX &&
			       pci->fn[j].bdf >> 3 == fn->bdf >> 3 &&
			       pci->fn[j].intx_pin == fn->intx_pin;
		if (dup)
			continue;
		prt_entry(&prt, fn->bdf >> 3 & 0x1f, fn->intx_pin - 1,
			  fn->intx);
		count++;
	}
	prt.b[0] = (uint8_t)count;
	aml_pkg(dev, op, sizeof(op), &prt);
}

/* Name(@name, @v) with an integer value. */
static void name_int(struct aml *a, const char *name, uint64_t v)
{
	aml_byte(a, AML_NAME);
	aml_put(a, name, 4);
	aml_int(a, v);
}

/**
 * acpi_pci_dsdt() - Append Device(PCI0) and Device(MRES) to \_SB.
 * @sb: the scope's body.
 * @pci: the board's segment and the functions the VM owns.
 */
void acpi_pci_dsdt(struct aml *sb, const struct acpi_pci *pci)
{
	const struct shikiri_plan_pci *seg = pci->seg;
	struct aml dev = { .n = 0 }, res = { .n = 0 };

	aml_name_eisa(&dev, "_HID", "PNP0A08");
	aml_name_eisa(&dev, "_CID", "PNP0A03");
	name_int(&dev, "_UID", 0);
	name_int(&dev, "_SEG", 0);
	name_int(&dev, "_BBN", seg->bus_first);
	pci0_crs(&dev, seg);
	pci0_prt(&dev, pci);
	aml_device(sb, "PCI0", &dev);

	dev.n = 0;
	aml_name_eisa(&dev, "_HID", "PNP0C02");
	name_int(&dev, "_UID", 1);
	space(&res, 8, SPACE_MEMORY, FLAGS_CONSUMER, MEM_READ_WRITE,
	      seg->ecam_base, seg->ecam_size);
	aml_crs(&dev, res.b, res.n);
	aml_device(sb, "MRES", &dev);
}
