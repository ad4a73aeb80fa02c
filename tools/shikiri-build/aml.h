/* SPDX-License-Identifier: MIT */
/*
 * Writing AML (ACPI 6.x chapter 20) byte by byte: the few opcodes and
 * encodings the generated DSDT uses, each as iasl itself would emit it, so
 * that `iasl -d` then `iasl` gives back the same bytes.
 */
#ifndef SHIKIRI_BUILD_AML_H
#define SHIKIRI_BUILD_AML_H

#include <stddef.h>
#include <stdint.h>

#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE 0x0a
#define AML_WORD 0x0b
#define AML_DWORD 0x0c
#define AML_STRING 0x0d
#define AML_QWORD 0x0e
#define AML_SCOPE 0x10
#define AML_BUFFER 0x11
#define AML_PACKAGE 0x12
#define AML_EXT 0x5b
#define AML_DEVICE 0x82

/* Room for a DSDT with a PCI host bridge routing 16 functions. */
#define AML_MAX 4096u

/** struct aml - AML being written: @n bytes of @b used. */
struct aml {
	uint8_t b[AML_MAX];
	size_t n;
};

/** aml_put() - Append @len bytes (the caller keeps within AML_MAX). */
void aml_put(struct aml *a, const void *p, size_t len);

/** aml_byte() - Append one byte. */
void aml_byte(struct aml *a, uint8_t v);

/**
 * aml_int() - Append the integer @v in its shortest encoding: ZeroOp,
 * OneOp, then Byte, Word, DWord or QWord const (as iasl emits it).
 */
void aml_int(struct aml *a, uint64_t v);

/**
 * aml_pkg() - Append @op, a PkgLength covering itself and @body, then
 * @body.
 */
void aml_pkg(struct aml *a, const uint8_t *op, size_t op_len,
	     const struct aml *body);

/**
 * aml_name_eisa() - Append Name(@name, EisaId(@id)), @name four
 * characters, @id seven ("PNP0A08").
 */
void aml_name_eisa(struct aml *a, const char *name, const char *id);

/**
 * aml_crs() - Append Name(_CRS, ResourceTemplate() { @res }): the
 * resource descriptors @res (at most 253 bytes) and an end tag.
 */
void aml_crs(struct aml *a, const uint8_t *res, size_t len);

/** aml_device() - Append Device(@name) { @body }, @name four characters. */
void aml_device(struct aml *a, const char *name, const struct aml *body);

#endif /* SHIKIRI_BUILD_AML_H */
