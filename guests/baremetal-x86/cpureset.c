// SPDX-License-Identifier: MIT
/*
 * cpureset: a vCPU that starts again finds nothing of its last run in the
 * CPU state the hypervisor does not keep in the VMCB: x87, MMX/SSE, AVX
 * and PKRU, XCR0, DR0-DR3 and TSC_AUX (tests/system/test_x86_cpureset.py,
 * hv/arch/x86_64/cpu_reset.c).
 *
 * First life (the management page reports 0 restarts): vCPU 1 is started,
 * plants markers and prints them; started again by INIT-SIPI, it prints
 * what it finds.  Then vCPU 0 plants its own markers, prints them and
 * resets its VM through port 0xcf9 (the VM's on-reset policy restarts
 * it; RAM is scrubbed, so the next life knows it from the restart count).
 * Second life: vCPU 0, then vCPU 1, print what they find; the VM powers
 * itself off.  Each "cpureset: vcpu N WHEN: ..." line gives the same
 * fields, which the test compares with the reset values.
 */
#include <stdint.h>

#include "lib.h"
#include "shikiri/manage.h"
#include "shikiri/x86_layout.h"

#define CR0_EM (1u << 2)
#define CR0_MP (1u << 1)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE (1u << 18)
#define CR4_PKE (1u << 22)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX (1u << 28)
#define CPUID7_ECX_PKU (1u << 3)
#define CPUID7_ECX_RDPID (1u << 22)
#define CPUID81_EDX_RDTSCP (1u << 27)
#define MSR_TSC_AUX 0xc0000103u
#define XCR0_AVX 7u	  /* x87, SSE, AVX */
#define FCW_MARK 0x0e7f	  /* all exceptions masked, double, round to zero */
#define MXCSR_MARK 0xff80 /* FZ, round to zero */
#define TSC_AUX_MARK 0x5c1b0000u
#define PKRU_MARK 0x5c1b0004u
#define DR_MARK 0xdead0000u
#define RESET_PORT 0xcf9
#define RESET_CPU 0x06 /* SYS_RST | RST_CPU: a warm reset of the PC */

enum {
	PLANT,
	AFTER_INIT,
	LIFE1
};

static volatile unsigned ap_up, ap_task;
static uint8_t fx[512] __attribute__((aligned(16)));
static uint8_t pattern[256] __attribute__((aligned(32)));
static uint8_t ymm[256] __attribute__((aligned(32)));

void main(uint32_t boot_info);

void isr(struct frame *f)
{
	printf("cpureset: unexpected vector %u at eip 0x%x error 0x%x\n",
	       f->vector, f->eip, f->error);
	poweroff();
}

static uint32_t read_cr(int n)
{
	uint32_t v;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void cr_set(int n, uint32_t set, uint32_t clear)
{
	uint32_t v = (read_cr(n) | set) & ~clear;

	if (n == 0)
		__asm__ volatile("mov %0, %%cr0" : : "r"(v));
	else
		__asm__ volatile("mov %0, %%cr4" : : "r"(v));
}

static bool has(uint32_t leaf, unsigned reg, uint32_t bit)
{
	uint32_t r[4];

	cpuid(leaf, r);
	return (r[reg] & bit) != 0;
}

static bool has_tsc_aux(void)
{
	return has(7, 2, CPUID7_ECX_RDPID) ||
	       has(0x80000001, 3, CPUID81_EDX_RDTSCP);
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static void xsetbv0(uint32_t v)
{
	__asm__ volatile("xsetbv" : : "c"(0), "a"(v), "d"(0));
}

/* SSE (and XSAVE, PKU where the CPU has them) usable by this vCPU. */
static void cpu_setup(void)
{
	cr_set(0, CR0_MP, CR0_EM);
	cr_set(4, CR4_OSFXSR | CR4_OSXMMEXCPT, 0);
	if (has(1, 2, CPUID1_ECX_XSAVE))
		cr_set(4, CR4_OSXSAVE, 0);
	if (has(7, 2, CPUID7_ECX_PKU))
		cr_set(4, CR4_PKE, 0);
}

/* How many of @n registers of @size bytes, @stride apart, are not 0. */
static unsigned nonzero(const uint8_t *p, unsigned n, unsigned size,
			unsigned stride)
{
	unsigned count = 0;

	for (unsigned i = 0; i < n; i++) {
		uint8_t any = 0;

		for (unsigned b = 0; b < size; b++)
			any |= p[i * stride + b];
		count += any != 0;
	}
	return count;
}

/*
 * One line of what this vCPU holds: FXSAVE's x87 control, status and
 * (abridged) tag words, MXCSR, how many of ST0-7 and XMM0-7 are not 0,
 * DR0-DR3, TSC_AUX, XCR0 as found, how many YMM upper halves are not 0,
 * PKRU.  Read before anything here touches the x87/SSE state.
 */
static void report(unsigned vcpu, const char *when)
{
	uint32_t dr[4];
	uint64_t xcr0 = 0;

	__asm__ volatile("fxsave %0" : "=m"(fx));
	__asm__ volatile("mov %%db0, %0" : "=r"(dr[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(dr[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(dr[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(dr[3]));
	printf("cpureset: vcpu %u %s: fcw 0x%x fsw 0x%x ftw 0x%x mxcsr 0x%x "
	       "st %u xmm %u dr 0x%x 0x%x 0x%x 0x%x",
	       vcpu, when, *(uint16_t *)fx, *(uint16_t *)(fx + 2), fx[4],
	       *(uint32_t *)(fx + 24), nonzero(fx + 32, 8, 10, 16),
	       nonzero(fx + 160, 8, 16, 16), dr[0], dr[1], dr[2], dr[3]);
	if (has_tsc_aux()) {
		uint32_t lo, hi;

		__asm__ volatile("rdmsr"
				 : "=a"(lo), "=d"(hi)
				 : "c"(MSR_TSC_AUX));
		printf(" tsc_aux 0x%x", lo);
	}
	if (has(1, 2, CPUID1_ECX_XSAVE)) {
		xcr0 = xgetbv0();
		printf(" xcr0 0x%x", (uint32_t)xcr0);
	}
	if (has(1, 2, CPUID1_ECX_XSAVE) && has(1, 2, CPUID1_ECX_AVX)) {
		/* The upper halves, readable once XCR0 enables AVX. */
		xsetbv0(XCR0_AVX);
		__asm__ volatile("vextractf128 $1, %%ymm0, 0(%0)\n\t"
				 "vextractf128 $1, %%ymm1, 16(%0)\n\t"
				 "vextractf128 $1, %%ymm2, 32(%0)\n\t"
				 "vextractf128 $1, %%ymm3, 48(%0)\n\t"
				 "vextractf128 $1, %%ymm4, 64(%0)\n\t"
				 "vextractf128 $1, %%ymm5, 80(%0)\n\t"
				 "vextractf128 $1, %%ymm6, 96(%0)\n\t"
				 "vextractf128 $1, %%ymm7, 112(%0)"
				 :
				 : "r"(ymm)
				 : "memory");
		printf(" ymm %u", nonzero(ymm, 8, 16, 16));
	}
	if (has(7, 2, CPUID7_ECX_PKU)) {
		uint32_t pkru;

		__asm__ volatile("rdpkru" : "=a"(pkru) : "c"(0) : "edx");
		printf(" pkru 0x%x", pkru);
	}
	printf("\n");
}

/* Markers (from @seed) into everything report() reads. */
static void plant(uint32_t seed)
{
	uint16_t fcw = FCW_MARK;
	uint32_t mxcsr = MXCSR_MARK;

	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(seed + i + 1);
	__asm__ volatile("fninit; fldcw %0; fld1; fldpi; fldl2t" : : "m"(fcw));
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	__asm__ volatile("movdqu 0(%0), %%xmm0\n\t"
			 "movdqu 16(%0), %%xmm1\n\t"
			 "movdqu 32(%0), %%xmm2\n\t"
			 "movdqu 48(%0), %%xmm3\n\t"
			 "movdqu 64(%0), %%xmm4\n\t"
			 "movdqu 80(%0), %%xmm5\n\t"
			 "movdqu 96(%0), %%xmm6\n\t"
			 "movdqu 112(%0), %%xmm7"
			 :
			 : "r"(pattern)
			 : "memory");
	__asm__ volatile("mov %0, %%db0" : : "r"(DR_MARK + seed + 0x10));
	__asm__ volatile("mov %0, %%db1" : : "r"(DR_MARK + seed + 0x20));
	__asm__ volatile("mov %0, %%db2" : : "r"(DR_MARK + seed + 0x30));
	__asm__ volatile("mov %0, %%db3" : : "r"(DR_MARK + seed + 0x40));
	if (has_tsc_aux())
		__asm__ volatile("wrmsr"
				 :
				 : "c"(MSR_TSC_AUX), "a"(TSC_AUX_MARK + seed),
				   "d"(0));
	if (has(1, 2, CPUID1_ECX_XSAVE) && has(1, 2, CPUID1_ECX_AVX)) {
		/* XMM0-7 keep their markers: these load whole YMM registers. */
		xsetbv0(XCR0_AVX);
		__asm__ volatile("vmovdqu 0(%0), %%ymm0\n\t"
				 "vmovdqu 32(%0), %%ymm1\n\t"
				 "vmovdqu 64(%0), %%ymm2\n\t"
				 "vmovdqu 96(%0), %%ymm3\n\t"
				 "vmovdqu 128(%0), %%ymm4\n\t"
				 "vmovdqu 160(%0), %%ymm5\n\t"
				 "vmovdqu 192(%0), %%ymm6\n\t"
				 "vmovdqu 224(%0), %%ymm7"
				 :
				 : "r"(pattern)
				 : "memory");
	}
	if (has(7, 2, CPUID7_ECX_PKU))
		__asm__ volatile("wrpkru"
				 :
				 : "a"(PKRU_MARK + seed), "c"(0), "d"(0));
}

void ap_main(void)
{
	idt_load();
	if (ap_task == PLANT) {
		cpu_setup();
		plant(1);
		report(1, "planted");
	} else {
		/* As found: report() first, then what it needs switched on. */
		cpu_setup();
		report(1, ap_task == AFTER_INIT ? "after INIT" : "life 1");
	}
	ap_up = 1;
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void ap_run(unsigned task)
{
	ap_task = task;
	ap_up = 0;
	if (!ap_start(1, &ap_up))
		printf("cpureset: vcpu 1 did not start\n");
}

static uint32_t own_restarts(void)
{
	uint32_t page = (uint32_t)X86_LAYOUT_MANAGE;
	volatile uint32_t *r = (volatile uint32_t *)page;

	if (r[SHIKIRI_MANAGE_REG_MAGIC / 4] != SHIKIRI_MANAGE_MAGIC)
		return ~0u;
	r[SHIKIRI_MANAGE_REG_SELECT / 4] = r[SHIKIRI_MANAGE_REG_SELF / 4];
	return r[SHIKIRI_MANAGE_REG_RESTARTS / 4];
}

void main(uint32_t boot_info)
{
	uint32_t restarts;

	(void)boot_info;
	idt_setup();
	restarts = own_restarts();
	printf("cpureset: life %u\n", restarts);
	if (restarts == 0) {
		cpu_setup();
		report(0, "life 0");
		ap_run(PLANT);
		ap_run(AFTER_INIT);
		plant(0);
		report(0, "planted");
		printf("cpureset: resetting\n");
		outb(RESET_PORT, RESET_CPU);
		/* Parked by the hypervisor from here; the test times out if not. */
		for (;;)
			__asm__ volatile("cli; hlt");
	} else if (restarts == 1) {
		cpu_setup();
		report(0, "life 1");
		ap_run(LIFE1);
	}
	printf("cpureset: done, powering off\n");
	poweroff();
}
