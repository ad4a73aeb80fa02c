/* SPDX-License-Identifier: MIT */
/*
 * What the x86 bare-metal test guests share: port I/O, the local APIC,
 * the console (COM1), an IDT whose every vector calls the guest's own
 * isr(), the start of a second vCPU, the boot_params the hypervisor
 * passes in ESI and ACPI power-off.
 */
#ifndef BMX_LIB_H
#define BMX_LIB_H

#include <stdbool.h>
#include <stdint.h>

#define COM1 0x3f8
#define LAPIC 0xfee00000u
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT 0x380
#define APIC_TDCR 0x3e0
#define EXC_NMI 2
#define EXC_UD 6
#define EXC_GP 13

/* The registers isr_common (start.S) saves, then what the CPU pushed. */
struct frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error, eip, cs, eflags;
};

/* Each guest's own: every vector of the IDT comes here; AP entry. */
void isr(struct frame *f);
void ap_main(void);

static inline void outb(uint16_t p, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p));
}

static inline void outw(uint16_t p, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p));
}

static inline void outl(uint16_t p, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p));
}

static inline uint8_t inb(uint16_t p)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}

static inline uint16_t inw(uint16_t p)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}

static inline uint32_t inl(uint16_t p)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint32_t apic_read(uint32_t off)
{
	return *(volatile uint32_t *)(LAPIC + off);
}

static inline void apic_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + off) = v;
}

/** cpuid() - CPUID @leaf (subleaf 0) into @r: EAX, EBX, ECX, EDX. */
void cpuid(uint32_t leaf, uint32_t r[4]);

/** printf() - %u, %x, %s to COM1, "\n" as CR LF. */
void printf(const char *fmt, ...);

/**
 * result() - Print "PASS @name: " or "FAIL @name: " and count it; the
 * caller ends the line with the detail (tests/system/baremetal.py).
 */
void result(bool ok, const char *name);

/** result_summary() - "baremetal: P passed, F failed" of result()'s. */
void result_summary(void);

/** poweroff() - ACPI S5 through PM1a_CNT; never returns. */
void poweroff(void) __attribute__((noreturn));

/** idt_setup() - Every vector to isr(), as interrupt gates; load it. */
void idt_setup(void);

/** idt_load() - Load the IDT idt_setup() filled (on an AP). */
void idt_load(void);

/** wait_icr() - Until the local APIC has sent the last IPI. */
void wait_icr(void);

/**
 * ap_start() - Start vCPU @apic_id by INIT-SIPI-SIPI through the real-mode
 * trampoline of start.S (copied to 0x9000), which calls ap_main().
 * @up: set by ap_main() once it runs.
 *
 * Return: whether it came up within 20e9 TSC cycles.
 */
bool ap_start(uint32_t apic_id, volatile unsigned *up);

/**
 * cmdline_value() - The value of "@key=" on the kernel command line of
 * the boot_params at @boot_info, copied to @buf (@size bytes with its NUL).
 *
 * Return: whether the key is there.
 */
bool cmdline_value(uint32_t boot_info, const char *key, char *buf,
		   unsigned size);

/**
 * parse_hex() - A "0x..." number at *@s; *@s moves past it.
 *
 * Return: the number (0 when there is none).
 */
uint64_t parse_hex(const char **s);

/**
 * ram_top() - The end of the highest RAM entry of the e820 map in the
 * boot_params at @boot_info.
 */
uint64_t ram_top(uint32_t boot_info);

#endif /* BMX_LIB_H */
