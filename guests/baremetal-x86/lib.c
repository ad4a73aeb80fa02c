// SPDX-License-Identifier: MIT
/*
 * The x86 bare-metal guests' library (lib.h): console, IDT, APs, the
 * boot_params of the Linux boot protocol (Linux Documentation/arch/x86/
 * zero-page.rst: cmd_line_ptr at 0x228, e820 count at 0x1e8 and table at
 * 0x2d0).
 */
#include <stdarg.h>

#include "lib.h"

#define TRAMPOLINE 0x9000u
#define BP_CMD_LINE_PTR 0x228
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0
#define E820_RAM 1

struct gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
};

struct __attribute__((packed)) e820 {
	uint64_t addr, size;
	uint32_t type;
};

extern const char isr_stubs[], ap_tramp[], ap_tramp_end[];

static struct gate idt[256];

void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static void puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc('\r');
		putc(*s++);
	}
}

static void putu(uint32_t v, unsigned base)
{
	char buf[12];
	int i = 0;

	do {
		buf[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		putc(buf[--i]);
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			if (*fmt == '\n')
				putc('\r');
			putc(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 'u':
			putu(va_arg(ap, uint32_t), 10);
			break;
		case 'x':
			putu(va_arg(ap, uint32_t), 16);
			break;
		case 's':
			puts(va_arg(ap, const char *));
			break;
		default:
			putc('%');
			break;
		}
	}
	va_end(ap);
}

void poweroff(void)
{
	/* PM1a_CNT: SLP_EN with SLP_TYP 5 (the DSDT's \_S5). */
	outw(0x604, 0x2000 | 5 << 10);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void idt_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} idtr = { sizeof(idt) - 1, (uint32_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void idt_setup(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint32_t a = (uint32_t)isr_stubs + 16 * v;

		idt[v] = (struct gate){ (uint16_t)a, 0x08, 0, 0x8e,
					(uint16_t)(a >> 16) };
	}
	idt_load();
}

void wait_icr(void)
{
	while (apic_read(APIC_ICR_LO) & 1u << 12)
		;
}

bool ap_start(uint32_t apic_id, volatile unsigned *up)
{
	uint8_t *dst = (uint8_t *)TRAMPOLINE;
	uint64_t t0;

	for (const char *s = ap_tramp; s < ap_tramp_end; s++)
		*dst++ = (uint8_t)*s;
	apic_write(APIC_ICR_HI, apic_id << 24);
	apic_write(APIC_ICR_LO, 0x4500); /* INIT, assert */
	wait_icr();
	for (int i = 0; i < 2; i++) {
		apic_write(APIC_ICR_HI, apic_id << 24);
		apic_write(APIC_ICR_LO, 0x4600 | TRAMPOLINE >> 12); /* SIPI */
		wait_icr();
	}
	t0 = rdtsc();
	while (!*up && rdtsc() - t0 < 20000000000ull)
		;
	return *up != 0;
}

bool cmdline_value(uint32_t boot_info, const char *key, char *buf,
		   unsigned size)
{
	const char *s;

	if (!boot_info)
		return false;
	s = (const char *)*(const uint32_t *)(boot_info + BP_CMD_LINE_PTR);
	while (s && *s) {
		const char *k = key, *w = s;

		while (*k && *w == *k)
			k++, w++;
		if (!*k && *w == '=') {
			unsigned n = 0;

			for (w++; *w && *w != ' ' && n + 1 < size; w++)
				buf[n++] = *w;
			buf[n] = 0;
			return true;
		}
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	return false;
}

uint64_t parse_hex(const char **s)
{
	uint64_t v = 0;
	const char *p = *s;

	if (p[0] == '0' && p[1] == 'x')
		p += 2;
	for (;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else
			break;
		v = v << 4 | d;
	}
	*s = p;
	return v;
}

uint64_t ram_top(uint32_t boot_info)
{
	const struct e820 *e = (const struct e820 *)(boot_info + BP_E820_TABLE);
	unsigned n = *(const uint8_t *)(boot_info + BP_E820_ENTRIES);
	uint64_t top = 0;

	for (unsigned i = 0; i < n && i < 128; i++)
		if (e[i].type == E820_RAM && e[i].addr + e[i].size > top)
			top = e[i].addr + e[i].size;
	return top;
}

static unsigned passed, failed;

void result(bool ok, const char *name)
{
	printf(ok ? "PASS %s: " : "FAIL %s: ", name);
	if (ok)
		passed++;
	else
		failed++;
}

void result_summary(void)
{
	printf("baremetal: %u passed, %u failed\n", passed, failed);
}
