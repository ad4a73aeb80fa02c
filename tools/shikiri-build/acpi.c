// SPDX-License-Identifier: MIT
/*
 * The ACPI tables every x86_64 VM gets, describing the virtual PC of
 * shikiri/x86_layout.h (ACPI 6.x: RSDP 5.2.5, XSDT 5.2.8, FADT 5.2.9,
 * FACS 5.2.10, DSDT 5.2.11.1, MADT 5.2.12): its vCPUs' local APICs, its
 * I/O APIC and interrupt overrides, the PM1 event, control and timer
 * blocks, the 0xcf9 reset register, \_S5 for power-off, COM1 and QEMU's
 * pvpanic device.  A Debian kernel needs ACPI to find the CPUs and the
 * way to power off.  A VM that owns PCI functions also gets an MCFG
 * (5.2.6, PCI Firmware 3.2 4.1.2) and the host bridge in its DSDT
 * (acpi_pci.c); the others get no PCI at all.
 */
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "aml.h"
#include "shikiri/x86_layout.h"

#define HDR 36u /* the common header of every table but RSDP and FACS */
#define OEM_ID "SHIKRI"
#define OEM_TABLE_ID "SHIKIRI "
#define CREATOR_ID "SKRI"

/* FADT fields (ACPI 6.x table 5.9). */
#define FADT_FACS 36
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_PM1A_EVT 56
#define FADT_PM1A_CNT 64
#define FADT_PM_TMR 76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_P_LVL2_LAT 96
#define FADT_P_LVL3_LAT 98
#define FADT_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR 131
#define FADT_X_DSDT 140
#define FADT_X_PM1A_EVT 148
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM_TMR 208
#define FADT_HYPERVISOR_ID 268
#define BOOT_LEGACY_DEVICES 0x0001u /* no 8042: keyboard reset port only */
#define BOOT_NO_VGA 0x0004u
#define FLAG_WBINVD (1u << 0)
#define FLAG_C1 (1u << 2)
#define FLAG_PWR_BUTTON (1u << 4) /* none as a fixed feature */
#define FLAG_SLP_BUTTON (1u << 5)
#define FLAG_TMR_VAL_EXT (1u << 8)
#define FLAG_RESET_REG_SUP (1u << 10)
#define GAS_IO 1u

/* MADT entries (ACPI 6.x 5.2.12). */
#define MADT_PCAT_COMPAT 1u
#define MADT_LAPIC 0u
#define MADT_IOAPIC 1u
#define MADT_ISO 2u
#define MADT_LAPIC_NMI 4u
#define ISO_HIGH_LEVEL 0x000du /* active high (01), level (11 << 2) */

/* MCFG (PCI Firmware 3.2 4.1.2): header, 8 reserved, one allocation. */
#define MCFG_SIZE (HDR + 8 + 16)

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/**
 * acpi_checksum() - The byte sum of @len bytes at @p.
 * @p: a table.
 * @len: its length.
 *
 * Return: 0 for a table with a valid checksum.
 */
uint8_t acpi_checksum(const uint8_t *p, uint64_t len)
{
	uint8_t sum = 0;

	for (uint64_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

/* The common header; the checksum is set last, by seal(). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put(t + 4, len, 4);
	t[8] = rev;
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put(t + 24, 1, 4);
	memcpy(t + 28, CREATOR_ID, 4);
	put(t + 32, 1, 4);
}

static void seal(uint8_t *t)
{
	uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 |
		       (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;

	t[9] = 0;
	t[9] = (uint8_t)-acpi_checksum(t, len);
}

/* A Generic Address Structure in system I/O space. */
static void gas_io(uint8_t *g, uint8_t bits, uint8_t access, uint64_t port)
{
	g[0] = GAS_IO;
	g[1] = bits;
	g[2] = 0;
	g[3] = access;
	put(g + 4, port, 8);
}

static void fadt(uint8_t *t, uint64_t dsdt)
{
	const uint64_t facs = X86_LAYOUT_ACPI + ACPI_FACS_AT;

	header(t, "FACP", ACPI_FADT_SIZE, 6);
	put(t + FADT_FACS, facs, 4);
	put(t + FADT_DSDT, dsdt, 4);
	put(t + FADT_SCI_INT, X86_LAYOUT_SCI_GSI, 2);
	put(t + FADT_PM1A_EVT, X86_LAYOUT_PM1A_EVT, 4);
	put(t + FADT_PM1A_CNT, X86_LAYOUT_PM1A_CNT, 4);
	put(t + FADT_PM_TMR, X86_LAYOUT_PM_TMR, 4);
	t[FADT_PM1_EVT_LEN] = 4;
	t[FADT_PM1_CNT_LEN] = 2;
	t[FADT_PM_TMR_LEN] = 4;
	/* Latencies above 100 and 1000 us: no C2, no C3. */
	put(t + FADT_P_LVL2_LAT, 101, 2);
	put(t + FADT_P_LVL3_LAT, 1001, 2);
	put(t + FADT_BOOT_ARCH, BOOT_LEGACY_DEVICES | BOOT_NO_VGA, 2);
	put(t + FADT_FLAGS,
	    FLAG_WBINVD | FLAG_C1 | FLAG_PWR_BUTTON | FLAG_SLP_BUTTON |
		    FLAG_TMR_VAL_EXT | FLAG_RESET_REG_SUP,
	    4);
	gas_io(t + FADT_RESET_REG, 8, 1, X86_LAYOUT_RESET);
	t[FADT_RESET_VALUE] = X86_LAYOUT_RESET_VALUE;
	t[FADT_MINOR] = 0;
	put(t + FADT_X_DSDT, dsdt, 8);
	gas_io(t + FADT_X_PM1A_EVT, 32, 0, X86_LAYOUT_PM1A_EVT);
	gas_io(t + FADT_X_PM1A_CNT, 16, 0, X86_LAYOUT_PM1A_CNT);
	gas_io(t + FADT_X_PM_TMR, 32, 0, X86_LAYOUT_PM_TMR);
	memcpy(t + FADT_HYPERVISOR_ID, "shikiri", 7);
	seal(t);
}

/* Device(COM1): the 16550 at 0x3f8, IRQ 4 (PNP0501). */
static void dsdt_com1(struct aml *a)
{
	static const uint8_t op[] = { AML_EXT, AML_DEVICE };
	static const uint8_t body[] = {
		'C',
		'O',
		'M',
		'1',
		/* Name(_HID, EisaId("PNP0501")) */
		AML_NAME,
		'_',
		'H',
		'I',
		'D',
		AML_DWORD,
		0x41,
		0xd0,
		0x05,
		0x01,
		/* Name(_UID, One) */
		AML_NAME,
		'_',
		'U',
		'I',
		'D',
		AML_ONE,
	};
	static const uint8_t res[] = {
		/* IO(Decode16, 0x3f8, 0x3f8, 1, 8) */
		0x47,
		0x01,
		0xf8,
		0x03,
		0xf8,
		0x03,
		0x01,
		0x08,
		/* IRQNoFlags() { 4 } */
		0x22,
		0x10,
		0x00,
	};
	struct aml dev = { .n = 0 };

	aml_put(&dev, body, sizeof(body));
	aml_crs(&dev, res, sizeof(res));
	aml_pkg(a, op, sizeof(op), &dev);
}

/* Device(PEVT): QEMU's pvpanic (QEMU0001) at port 0x505. */
static void dsdt_pvpanic(struct aml *a)
{
	static const uint8_t op[] = { AML_EXT, AML_DEVICE };
	static const uint8_t body[] = {
		'P',
		'E',
		'V',
		'T',
		/* Name(_HID, "QEMU0001") */
		AML_NAME,
		'_',
		'H',
		'I',
		'D',
		AML_STRING,
		'Q',
		'E',
		'M',
		'U',
		'0',
		'0',
		'0',
		'1',
		0x00,
	};
	static const uint8_t res[] = {
		/* IO(Decode16, 0x505, 0x505, 1, 1) */
		0x47, 0x01, 0x05, 0x05, 0x05, 0x05, 0x01, 0x01,
	};
	struct aml dev = { .n = 0 };

	aml_put(&dev, body, sizeof(body));
	aml_crs(&dev, res, sizeof(res));
	aml_pkg(a, op, sizeof(op), &dev);
}

/* The DSDT's AML: \_S5 and \_SB with COM1, pvpanic and any PCI. */
static void dsdt_aml(struct aml *a, const struct acpi_pci *pci)
{
	/*
	 * Name(_S5, Package(4) { 5, 5, 0, 0 }): SLP_TYP for PM1a/b.  At
	 * the DSDT's top level a name is in the root: no "\\" prefix, as
	 * iasl compiles it.
	 */
	static const uint8_t s5_name[] = { AML_NAME, '_', 'S',
					   '5',	     '_', AML_PACKAGE };
	static const uint8_t s5_body[] = { 4,
					   AML_BYTE,
					   X86_LAYOUT_SLP_TYP_S5,
					   AML_BYTE,
					   X86_LAYOUT_SLP_TYP_S5,
					   0,
					   0 };
	static const uint8_t scope[] = { AML_SCOPE };
	struct aml pkg = { .n = 0 }, sb = { .n = 0 };

	aml_put(&pkg, s5_body, sizeof(s5_body));
	aml_pkg(a, s5_name, sizeof(s5_name), &pkg);
	aml_put(&sb, (const uint8_t[]){ '_', 'S', 'B', '_' }, 4);
	dsdt_com1(&sb);
	dsdt_pvpanic(&sb);
	if (pci)
		acpi_pci_dsdt(&sb, pci);
	aml_pkg(a, scope, sizeof(scope), &sb);
}

/* The MADT's length for @vcpus vCPUs. */
static uint32_t madt_size(unsigned int vcpus)
{
	return HDR + 8 + 8 * vcpus + 12 + 2 * 10 + 6;
}

static void madt(uint8_t *t, unsigned int vcpus)
{
	uint8_t *e = t + HDR + 8;

	header(t, "APIC", madt_size(vcpus), 4);
	put(t + HDR, X86_LAYOUT_LAPIC, 4);
	put(t + HDR + 4, MADT_PCAT_COMPAT, 4);
	for (unsigned int i = 0; i < vcpus; i++, e += 8) {
		e[0] = MADT_LAPIC;
		e[1] = 8;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC ID = vCPU index */
		put(e + 4, 1, 4);  /* enabled */
	}
	e[0] = MADT_IOAPIC;
	e[1] = 12;
	e[2] = (uint8_t)vcpus; /* the I/O APIC's ID follows the vCPUs' */
	put(e + 4, X86_LAYOUT_IOAPIC, 4);
	put(e + 8, 0, 4);
	e += 12;
	/* The PIT's IRQ 0 is GSI 2; the SCI is level, active high. */
	e[0] = MADT_ISO;
	e[1] = 10;
	e[3] = 0;
	put(e + 4, 2, 4);
	e += 10;
	e[0] = MADT_ISO;
	e[1] = 10;
	e[3] = X86_LAYOUT_SCI_GSI;
	put(e + 4, X86_LAYOUT_SCI_GSI, 4);
	put(e + 8, ISO_HIGH_LEVEL, 2);
	e += 10;
	/* LINT1 of every CPU is NMI, as on a PC. */
	e[0] = MADT_LAPIC_NMI;
	e[1] = 6;
	e[2] = 0xff;
	e[5] = 1;
	seal(t);
}

/*
 * The MCFG: the board's ECAM, whose first MiB is bus @bus_first's; the
 * table's base address is bus 0's (PCI Firmware 3.2 table 4-3).
 */
static void mcfg(uint8_t *t, const struct shikiri_plan_pci *seg)
{
	uint8_t *e = t + HDR + 8;

	header(t, "MCFG", MCFG_SIZE, 1);
	put(e, seg->ecam_base - (uint64_t)seg->bus_first * 0x100000, 8);
	put(e + 8, 0, 2);
	e[10] = (uint8_t)seg->bus_first;
	e[11] = (uint8_t)seg->bus_last;
	seal(t);
}

/**
 * acpi_build() - The ACPI tables of an x86_64 VM.
 * @out: receives them.
 * @vcpus: its vCPUs.
 * @pci: NULL, or the PCI it owns.
 */
void acpi_build(struct blob *out, unsigned int vcpus,
		const struct acpi_pci *pci)
{
	const uint64_t base = X86_LAYOUT_ACPI;
	uint32_t dsdt_at = (ACPI_MADT_AT + madt_size(vcpus) + 15) & ~15u;
	uint32_t mcfg_at = 0, tables = pci ? 3 : 2;
	struct aml *aml = fileio_xmalloc(sizeof(*aml));
	uint8_t *p, *rsdp, *facs, *xsdt;

	dsdt_aml(aml, pci);
	out->size = dsdt_at + HDR + aml->n;
	if (pci) {
		mcfg_at = (uint32_t)(out->size + 15) & ~15u;
		out->size = mcfg_at + MCFG_SIZE;
	}
	p = out->data = fileio_xmalloc(out->size);
	rsdp = p + ACPI_RSDP_AT;
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, OEM_ID, 6);
	rsdp[15] = 2;
	put(rsdp + 20, 36, 4);
	put(rsdp + 24, base + ACPI_XSDT_AT, 8);
	rsdp[8] = (uint8_t)-acpi_checksum(rsdp, 20);
	rsdp[32] = (uint8_t)-acpi_checksum(rsdp, 36);

	facs = p + ACPI_FACS_AT;
	memcpy(facs, "FACS", 4);
	put(facs + 4, 64, 4);
	facs[32] = 2; /* version */

	xsdt = p + ACPI_XSDT_AT;
	header(xsdt, "XSDT", HDR + tables * 8, 1);
	put(xsdt + HDR, base + ACPI_FADT_AT, 8);
	put(xsdt + HDR + 8, base + ACPI_MADT_AT, 8);
	if (pci)
		put(xsdt + HDR + 16, base + mcfg_at, 8);
	seal(xsdt);

	fadt(p + ACPI_FADT_AT, base + dsdt_at);
	madt(p + ACPI_MADT_AT, vcpus);
	header(p + dsdt_at, "DSDT", HDR + (uint32_t)aml->n, 2);
	memcpy(p + dsdt_at + HDR, aml->b, aml->n);
	seal(p + dsdt_at);
	if (pci)
		mcfg(p + mcfg_at, pci->seg);
	free(aml);
}
