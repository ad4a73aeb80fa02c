/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_ACPI_H
#define SHIKIRI_BUILD_ACPI_H

#include <stdint.h>

#include "fileio.h"

/* Where each table lies in the ACPI payload (at X86_LAYOUT_ACPI). */
#define ACPI_RSDP_AT 0x000u
#define ACPI_FACS_AT 0x040u /* 64-byte aligned (ACPI 6.x 5.2.10) */
#define ACPI_XSDT_AT 0x080u
#define ACPI_FADT_AT 0x0c0u
#define ACPI_MADT_AT 0x200u
#define ACPI_FADT_SIZE 276u /* revision 6 */

/**
 * acpi_build() - The ACPI tables of an x86_64 VM with @vcpus vCPUs: RSDP
 * (revision 2), XSDT, FADT (revision 6), FACS, MADT, DSDT, checksummed,
 * addressed for loading at X86_LAYOUT_ACPI.
 * @out: receives them (malloc'd).
 * @vcpus: 1..SHIKIRI_MAX_CPUS; their APIC IDs are 0..@vcpus - 1.
 */
void acpi_build(struct blob *out, unsigned int vcpus);

/** acpi_checksum() - The byte sum of @len bytes (0 for a valid table). */
uint8_t acpi_checksum(const uint8_t *p, uint64_t len);

#endif /* SHIKIRI_BUILD_ACPI_H */
