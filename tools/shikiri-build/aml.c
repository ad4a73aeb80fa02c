// SPDX-License-Identifier: MIT
/* Writing AML byte by byte (aml.h). */
#include <string.h>

#include "aml.h"

/**
 * aml_put() - Append @len bytes.
 * @a: the AML.
 * @p: the bytes.
 * @len: how many.
 */
void aml_put(struct aml *a, const void *p, size_t len)
{
	memcpy(a->b + a->n, p, len);
	a->n += len;
}

/**
 * aml_byte() - Append one byte.
 * @a: the AML.
 * @v: the byte.
 */
void aml_byte(struct aml *a, uint8_t v)
{
	aml_put(a, &v, 1);
}

/**
 * aml_int() - Append an integer in its shortest encoding.
 * @a: the AML.
 * @v: the integer.
 */
void aml_int(struct aml *a, uint64_t v)
{
	int bytes = v > 0xffffffffu ? 8 : v > 0xffff ? 4 : v > 0xff ? 2 : 1;
	static const uint8_t prefix[9] = {
		[1] = AML_BYTE, [2] = AML_WORD, [4] = AML_DWORD, [8] = AML_QWORD
	};

	if (v <= 1) {
		aml_byte(a, v ? AML_ONE : AML_ZERO);
		return;
	}
	aml_byte(a, prefix[bytes]);
	for (int i = 0; i < bytes; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

/**
 * aml_pkg() - Append @op, a PkgLength, then @body.
 * @a: the AML.
 * @op: the opcode bytes (and anything before the PkgLength).
 * @op_len: how many.
 * @body: what the package holds.
 */
void aml_pkg(struct aml *a, const uint8_t *op, size_t op_len,
	     const struct aml *body)
{
	size_t len = body->n;

	aml_put(a, op, op_len);
	if (len + 1 < 64) {
		aml_byte(a, (uint8_t)(len + 1));
	} else if (len + 2 < 0x1000) {
		aml_byte(a, (uint8_t)(0x40 | ((len + 2) & 0xf)));
		aml_byte(a, (uint8_t)((len + 2) >> 4));
	} else {
		aml_byte(a, (uint8_t)(0x80 | ((len + 3) & 0xf)));
		aml_byte(a, (uint8_t)((len + 3) >> 4));
		aml_byte(a, (uint8_t)((len + 3) >> 12));
	}
	aml_put(a, body->b, len);
}

/**
 * aml_name_eisa() - Append Name(@name, EisaId(@id)).
 * @a: the AML.
 * @name: four characters, e.g. "_HID".
 * @id: seven characters: three capital letters, four hex digits.
 */
void aml_name_eisa(struct aml *a, const char *name, const char *id)
{
	/* Three 5-bit letters, then the product number, big-endian. */
	unsigned int vendor = (unsigned int)(id[0] - '@') << 10 |
			      (unsigned int)(id[1] - '@') << 5 |
			      (unsigned int)(id[2] - '@');
	unsigned int product = 0;

	for (int i = 3; i < 7; i++)
		product = product << 4 |
			  (unsigned int)(id[i] <= '9' ? id[i] - '0' :
							id[i] - 'A' + 10);
	aml_byte(a, AML_NAME);
	aml_put(a, name, 4);
	aml_byte(a, AML_DWORD);
	aml_byte(a, (uint8_t)(vendor >> 8));
	aml_byte(a, (uint8_t)vendor);
	aml_byte(a, (uint8_t)(product >> 8));
	aml_byte(a, (uint8_t)product);
}

/**
 * aml_crs() - Append Name(_CRS, ResourceTemplate() { @res }).
 * @a: the AML.
 * @res: resource descriptors.
 * @len: their bytes, at most 253.
 */
void aml_crs(struct aml *a, const uint8_t *res, size_t len)
{
	static const uint8_t end_tag[] = { 0x79, 0x00 };
	const uint8_t op = AML_BUFFER;
	struct aml buf = { .n = 0 };

	aml_put(a, (const uint8_t[]){ AML_NAME, '_', 'C', 'R', 'S' }, 5);
	aml_int(&buf, len + sizeof(end_tag));
	aml_put(&buf, res, len);
	aml_put(&buf, end_tag, sizeof(end_tag));
	aml_pkg(a, &op, 1, &buf);
}

/**
 * aml_device() - Append Device(@name) { @body }.
 * @a: the AML.
 * @name: four characters.
 * @body: the device's objects.
 */
void aml_device(struct aml *a, const char *name, const struct aml *body)
{
	static const uint8_t op[] = { AML_EXT, AML_DEVICE };
	struct aml dev = { .n = 0 };

	aml_put(&dev, name, 4);
	aml_put(&dev, body->b, body->n);
	aml_pkg(a, op, sizeof(op), &dev);
}
