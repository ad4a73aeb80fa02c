/* SPDX-License-Identifier: MIT */
/*
 * The guest state a physical CPU holds outside the VMCB, put back to its
 * reset values whenever a vCPU starts (cpu_reset.c).
 */
#ifndef ARCH_CPU_RESET_H
#define ARCH_CPU_RESET_H

#include <stdbool.h>

#define MSR_TSC_AUX 0xc0000103

/**
 * cpu_reset_guest_state() - Before a vCPU (re)starts on this CPU: x87, SSE
 * and every other XSAVE-managed user state in its initial configuration,
 * XCR0 = 1, DR0-DR3 = 0 and TSC_AUX = 0, so that nothing of what the last
 * guest on this CPU left there reaches the next one.
 */
void cpu_reset_guest_state(void);

/**
 * cpu_reset_has_tsc_aux() - Whether this CPU has TSC_AUX (RDTSCP or
 * RDPID): only then is the MSR passed through to guests.
 */
bool cpu_reset_has_tsc_aux(void);

#endif /* ARCH_CPU_RESET_H */
