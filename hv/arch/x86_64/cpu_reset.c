/* SPDX-License-Identifier: MIT */
/*
 * What a guest leaves in the physical CPU outside the VMCB, reset before
 * each vCPU start (arch_vcpu_start(): vCPU 0 at the kernel entry, an AP at
 * its SIPI after INIT).  VMRUN switches only the VMCB's save area and
 * VMLOAD/VMSAVE the syscall, SYSENTER and FS/GS/TR/LDTR state (AMD APM vol.
 * 2 15.5.1, 15.5.2); what is left is register state the hypervisor never
 * uses, so the guest's stays in the CPU from one exit to the next and from
 * one life of its VM to the next:
 *
 * - x87, MMX, SSE and every user state component of XSAVE (AVX, AVX-512,
 *   PKRU...) and XCR0, which the guest sets with XSETBV (not intercepted);
 * - DR0-DR3 (DR6 and DR7 are in the VMCB);
 * - TSC_AUX, an MSR passed through (vcpu.c x86_msr_passthrough[]).
 *
 * The x87/SSE values are the XSAVE initial configuration (Intel SDM vol. 1
 * 13.6, AMD APM vol. 2 11.5.9): FCW 0x37f, FSW 0, all tags empty, the
 * x87 pointers and every register 0, MXCSR 0x1f80.  That is what FNINIT
 * leaves and what firmware gives an OS; an INIT alone would keep x87/SSE
 * (SDM vol. 3 table 9-1), but a vCPU that starts again is as new here.
 */
#include "arch/cpu_reset.h"
#include "arch/x86.h"
#include "hv/types.h"

#define CPUID1_ECX_XSAVE BIT(26)
#define CPUID7_ECX_RDPID BIT(22)
#define CPUID81_EDX_RDTSCP BIT(27)
#define CR4_OSFXSR BIT(9)
#define CR4_OSXSAVE BIT(18)
#define XCR0_X87 1u
#define FCW_INIT 0x37f
#define MXCSR_INIT 0x1f80
#define FXSAVE_MXCSR 24 /* offset in the legacy region */

/*
 * An XSAVE area in standard form: a legacy region with FCW and MXCSR at
 * their initial values, everything else 0 (all tags empty), and a header of
 * zeros (XSTATE_BV = 0: every component initialised, none read from here;
 * XCOMP_BV = 0: standard form).  A page, 64-byte aligned as XRSTOR wants.
 */
static uint8_t init_area[SZ_4K] __attribute__((aligned(64)));

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv"
			 :
			 : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

bool cpu_reset_has_tsc_aux(void)
{
	uint32_t r[4], e[4];

	cpuid(7, 0, r);
	cpuid(0x80000001, 0, e);
	return (r[2] & CPUID7_ECX_RDPID) || (e[3] & CPUID81_EDX_RDTSCP);
}

/*
 * The x87/SSE/XSAVE state: with XSAVE, XRSTOR of every component the CPU
 * supports from a header with XSTATE_BV = 0 initialises each of them
 * (AVX's upper halves, PKRU... which FXRSTOR does not reach), then XCR0
 * goes back to its reset value 1.  Without XSAVE, FXRSTOR of the area's
 * legacy region (CR4.OSFXSR on, or the XMM registers may be skipped).
 * FNINIT first clears the x87 pointers, which AMD's FXRSTOR leaves
 * untouched unless an exception is pending (APM vol. 5 FXRSTOR).
 */
static void reset_fpu(void)
{
	uint64_t cr4 = read_cr4();
	uint32_t r[4];

	*(uint16_t *)init_area = FCW_INIT;
	*(uint32_t *)(init_area + FXSAVE_MXCSR) = MXCSR_INIT;
	cpuid(1, 0, r);
	if (r[2] & CPUID1_ECX_XSAVE) {
		uint64_t all;

		cpuid(0xd, 0, r);
		all = (uint64_t)r[3] << 32 | r[0];
		write_cr4(cr4 | CR4_OSFXSR | CR4_OSXSAVE);
		xsetbv0(all);
		__asm__ volatile("fninit; xrstor64 %0"
				 :
				 : "m"(init_area), "a"((uint32_t)all),
				   "d"((uint32_t)(all >> 32))
				 : "memory");
		xsetbv0(XCR0_X87);
	} else {
		write_cr4(cr4 | CR4_OSFXSR);
		__asm__ volatile("fninit; fxrstor64 %0"
				 :
				 : "m"(init_area)
				 : "memory");
	}
	write_cr4(cr4);
}

void cpu_reset_guest_state(void)
{
	reset_fpu();
	__asm__ volatile("mov %0, %%db0; mov %0, %%db1; mov %0, %%db2; "
			 "mov %0, %%db3"
			 :
			 : "r"(0ull));
	if (cpu_reset_has_tsc_aux())
		wrmsr(MSR_TSC_AUX, 0);
}
