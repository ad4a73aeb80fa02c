/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_ACPI_H
#define SHIKIRI_BUILD_ACPI_H

#include <stdint.h>

#include "aml.h"
#include "fileio.h"
#include "shikiri/plan.h"

/* Where each table lies in the ACPI payload (at X86_LAYOUT_ACPI). */
#define ACPI_RSDP_AT 0x000u
#define ACPI_FACS_AT 0x040u /* 64-byte aligned (ACPI 6.x 5.2.10) */
#define ACPI_XSDT_AT 0x080u
#define ACPI_FADT_AT 0x0c0u
#define ACPI_MADT_AT 0x200u
#define ACPI_FADT_SIZE 276u /* revision 6 */

/**
 * struct acpi_pci - What a VM that owns PCI functions is told of PCI.
 * @seg: the board's PCI segment 0 (ECAM, buses, windows).
 * @fn: the functions it owns, sorted.
 * @fn_count: entries in @fn.
 */
struct acpi_pci {
	const struct shikiri_plan_pci *seg;
	const struct shikiri_pci_fn *fn;
	unsigned int fn_count;
};

/**
 * acpi_build() - The ACPI tables of an x86_64 VM with @vcpus vCPUs: RSDP
 * (revision 2), XSDT, FADT (revision 6), FACS, MADT, DSDT and, with @pci,
 * MCFG, checksummed, addressed for loading at X86_LAYOUT_ACPI.
 * @out: receives them (malloc'd).
 * @vcpus: 1..SHIKIRI_MAX_CPUS; their APIC IDs are 0..@vcpus - 1.
 * @pci: NULL for a VM without PCI functions, else what it owns.
 */
void acpi_build(struct blob *out, unsigned int vcpus,
		const struct acpi_pci *pci);

/**
 * acpi_pci_dsdt() - Append to the DSDT's \_SB the PCI host bridge a VM
 * with PCI functions sees (Device(PCI0): PNP0A08, the board's bus range,
 * 0xcf8, I/O and memory windows as _CRS, a _PRT entry per owned root-bus
 * function with an INTx) and Device(MRES), a PNP0C02 reserving the ECAM.
 * @sb: the scope's body.
 * @pci: the board's segment and the functions.
 */
void acpi_pci_dsdt(struct aml *sb, const struct acpi_pci *pci);

/** acpi_checksum() - The byte sum of @len bytes (0 for a valid table). */
uint8_t acpi_checksum(const uint8_t *p, uint64_t len);

#endif /* SHIKIRI_BUILD_ACPI_H */
