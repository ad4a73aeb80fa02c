// SPDX-License-Identifier: MIT
/*
 * The x86 bare-metal test guest: what a VM sees of the CPU (CPUID, MSRs),
 * its virtual local APIC (timer interrupts, INIT-SIPI-SIPI of its second
 * vCPU, an IPI to it) and its emulated COM1.  Each check prints one line
 * the system test matches (tests/system/test_x86_baremetal.py); then the
 * guest powers its VM off through ACPI PM1a_CNT, or, with "probe" as the
 * first console input... no input is read: the order is fixed.
 */
#include <stdarg.h>
#include <stdint.h>

#define COM1 0x3f8
#define LAPIC 0xfee00000u
#define TRAMPOLINE 0x9000u
#define VEC_TIMER 0x30
#define VEC_IPI 0x31
#define EXC_GP 13

struct frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error, eip, cs, eflags;
};

struct gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
};

extern const char isr_stubs[], ap_tramp[], ap_tramp_end[];
void main(uint32_t boot_info);
void ap_main(void);
void isr(struct frame *f);

static struct gate idt[256];
static volatile unsigned ticks, gp_faults, ap_up, ap_ipis, gp_skip;

static inline void outb(uint16_t p, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p));
}

static inline void outw(uint16_t p, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p));
}

static inline uint8_t inb(uint16_t p)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;

	gp_skip = 2;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint32_t apic_read(uint32_t off)
{
	return *(volatile uint32_t *)(LAPIC + off);
}

static void apic_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + off) = v;
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

/* %u, %x, %s: enough for the lines the test reads. */
static void printf(const char *fmt, ...)
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

static void poweroff(void)
{
	/* PM1a_CNT: SLP_EN with SLP_TYP 5 (the DSDT's \_S5). */
	outw(0x604, 0x2000 | 5 << 10);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void isr(struct frame *f)
{
	switch (f->vector) {
	case EXC_GP:
		gp_faults++;
		f->eip += gp_skip;
		return;
	case VEC_TIMER:
		ticks++;
		apic_write(0xb0, 0);
		return;
	case VEC_IPI:
		ap_ipis++;
		apic_write(0xb0, 0);
		return;
	default:
		printf("unexpected vector %u at eip 0x%x error 0x%x\n",
		       f->vector, f->eip, f->error);
		poweroff();
	}
}

static void idt_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} idtr = { sizeof(idt) - 1, (uint32_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

static void check_cpuid(void)
{
	uint32_t r[4], e[4];

	cpuid(1, r);
	cpuid(0x80000001, e);
	printf("cpuid: apic id %u, logical cpus %u, hypervisor %u, vmx %u, "
	       "svm %u, x2apic %u\n",
	       r[1] >> 24, (r[1] >> 16) & 0xff, r[2] >> 31, (r[2] >> 5) & 1,
	       (e[2] >> 2) & 1, (r[2] >> 21) & 1);
}

static void check_msrs(void)
{
	uint64_t efer, base;
	unsigned gp;

	efer = rdmsr(0xc0000080);
	base = rdmsr(0x1b);
	gp = gp_faults;
	rdmsr(0xc0010114); /* VM_CR */
	rdmsr(0xc0010117); /* VM_HSAVE_PA */
	rdmsr(0x8b0);	   /* an x2APIC register */
	printf("msr: efer.svme %u, apic base 0x%x, forbidden reads #GP %u "
	       "of 3\n",
	       (uint32_t)(efer >> 12) & 1, (uint32_t)base, gp_faults - gp);
}

static void check_timer(void)
{
	uint64_t t0, t1;

	apic_write(0xf0, 0x100 | 0xff); /* SVR: enabled */
	apic_write(0x3e0, 0xb);		/* divide by 1: 1 GHz */
	apic_write(0x320, 1u << 17 | VEC_TIMER);
	apic_write(0x380, 10000000); /* 10 ms */
	t0 = rdtsc();
	__asm__ volatile("sti");
	while (ticks < 20)
		__asm__ volatile("hlt");
	__asm__ volatile("cli");
	t1 = rdtsc();
	apic_write(0x320, 1u << 16);
	printf("timer: %u periodic interrupts, %u x 1024 TSC cycles\n", ticks,
	       (uint32_t)((t1 - t0) >> 10));
}

void ap_main(void)
{
	idt_load();
	apic_write(0xf0, 0x100 | 0xff);
	ap_up = 1 + (apic_read(0x20) >> 24);
	__asm__ volatile("sti");
	for (;;)
		__asm__ volatile("hlt");
}

static void wait_icr(void)
{
	while (apic_read(0x300) & 1u << 12)
		;
}

static void check_ap(void)
{
	uint8_t *dst = (uint8_t *)TRAMPOLINE;
	uint64_t t0;

	for (const char *s = ap_tramp; s < ap_tramp_end; s++)
		*dst++ = (uint8_t)*s;
	apic_write(0x310, 1u << 24);
	apic_write(0x300, 0x4500); /* INIT, assert */
	wait_icr();
	for (int i = 0; i < 2; i++) {
		apic_write(0x310, 1u << 24);
		apic_write(0x300, 0x4600 | TRAMPOLINE >> 12); /* SIPI */
		wait_icr();
	}
	t0 = rdtsc();
	while (!ap_up && rdtsc() - t0 < 20000000000ull)
		;
	printf("ap: vcpu 1 %s, apic id %u\n", ap_up ? "up" : "did not start",
	       ap_up ? ap_up - 1 : 0);
	if (!ap_up)
		return;
	apic_write(0x310, 1u << 24);
	apic_write(0x300, VEC_IPI);
	t0 = rdtsc();
	while (!ap_ipis && rdtsc() - t0 < 20000000000ull)
		;
	printf("ipi: %u delivered to vcpu 1\n", ap_ipis);
}

void main(uint32_t boot_info)
{
	uint32_t r[4];

	for (unsigned v = 0; v < 256; v++) {
		uint32_t a = (uint32_t)isr_stubs + 16 * v;

		idt[v] = (struct gate){ (uint16_t)a, 0x08, 0, 0x8e,
					(uint16_t)(a >> 16) };
	}
	idt_load();
	printf("x86 guest: started, boot info at 0x%x\n", boot_info);
	check_cpuid();
	check_msrs();
	check_timer();
	cpuid(1, r);
	if (((r[1] >> 16) & 0xff) > 1)
		check_ap();
	printf("x86 guest: done, powering off\n");
	poweroff();
}
