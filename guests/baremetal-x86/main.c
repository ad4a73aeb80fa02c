// SPDX-License-Identifier: MIT
/*
 * The x86 bare-metal test guest: what a VM sees of the CPU (CPUID, MSRs),
 * its virtual local APIC (timer interrupts, INIT-SIPI-SIPI of its second
 * vCPU, an IPI to it) and its emulated COM1.  Each check prints one line
 * the system test matches (tests/system/test_x86_baremetal.py); then the
 * guest powers its VM off through ACPI PM1a_CNT.
 */
#include <stdint.h>

#include "lib.h"

#define VEC_TIMER 0x30
#define VEC_IPI 0x31

static volatile unsigned ticks, gp_faults, ap_up, ap_ipis, gp_skip;

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;

	gp_skip = 2;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
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

static void check_ap(void)
{
	uint64_t t0;

	ap_start(1, &ap_up);
	printf("ap: vcpu 1 %s, apic id %u\n", ap_up ? "up" : "did not start",
	       ap_up ? ap_up - 1 : 0);
	if (!ap_up)
		return;
	apic_write(APIC_ICR_HI, 1u << 24);
	apic_write(APIC_ICR_LO, VEC_IPI);
	t0 = rdtsc();
	while (!ap_ipis && rdtsc() - t0 < 20000000000ull)
		;
	printf("ipi: %u delivered to vcpu 1\n", ap_ipis);
}

void main(uint32_t boot_info)
{
	uint32_t r[4];

	idt_setup();
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
