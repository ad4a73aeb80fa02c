/* SPDX-License-Identifier: MIT */
/*
 * A whole hypervisor on the host, for fuzzing what guests can reach at EL2:
 * three VMs built from a checked boot plan (hv/core/vm.c, stage 2, vGIC,
 * emulated PL011, watchdog, management page) on five fake CPUs
 * (hv/arch/fake), entered only the way a guest enters the hypervisor:
 * trap_sync() with an ESR, trap_irq() with a physical interrupt.
 *
 * The fuzz input is a sequence of WORLD_STEP_SIZE-byte steps (a shorter
 * tail is padded with zeros):
 *
 *   byte 0      action: an enum world_act the harness has, else taken
 *               modulo the harness's list
 *   byte 1      who: bits 0-2 pick the VM, bits 3-5 its vCPU (modulo)
 *   byte 2      sel: MMIO: the device, a WORLD_T_* bit number the harness
 *               has (else modulo); SMCCC: an index into world.c's function
 *               IDs (else x0 = arg); sysreg: an index into its ISS list
 *               (else ISS = arg); EOI: which active interrupt
 *   byte 3      flags: bits 0-1 access size log2, 2 write, 3 sign-extend,
 *               4 64-bit register, 5 unaligned/raw, 6 the other CPUs are
 *               slow (only this one serves its interrupts after the step),
 *               7 spare
 *   bytes 4-7   arg (little-endian): MMIO: bits 0-23 offset, 24-28 the
 *               register; ticks; a raw function ID or ISS...
 *   bytes 8-15  val: the value stored, x1, ESR...
 *   bytes 16-23 val2: x2/x3, HPFAR...
 *
 * A vCPU that is not running guest code cannot trap: its step runs its
 * CPU's idle loop instead, which is how VMs come up.  After each step the
 * physical interrupts every CPU has pending are served (kicks, maintenance,
 * timers, device lines) until nothing is left, or only the acting CPU's
 * (flag bit 6), so that later steps race the others' transitions.  See docs/testing.md
 * "Fuzzing" for the invariants checked after every step.
 */
#ifndef FUZZ_WORLD_H
#define FUZZ_WORLD_H

#include <stddef.h>
#include <stdint.h>

#define WORLD_STEP_SIZE 24u

/** What one step does. */
enum world_act {
	WORLD_MMIO,	  /* a guest load/store to one of its devices */
	WORLD_TRAP,	  /* a guest exit with a raw ESR, FAR and HPFAR */
	WORLD_HVC,	  /* an SMCCC call by HVC */
	WORLD_SMC,	  /* an SMCCC call by SMC */
	WORLD_SYSREG,	  /* a trapped MSR/MRS */
	WORLD_DEVICE_IRQ, /* a passthrough device raises its interrupt */
	WORLD_GUEST_ACK, /* the guest acknowledges its best pending interrupt */
	WORLD_GUEST_EOI, /* the guest ends an active one */
	WORLD_TICK,	 /* time passes */
	WORLD_RX,	 /* characters arrive on the console */
	WORLD_CPU,	 /* the vCPU's CPU serves its interrupts or idles */
};

/* Devices a harness's WORLD_MMIO steps may address. */
#define WORLD_T_GICD (1u << 0)
#define WORLD_T_GICR (1u << 1)
#define WORLD_T_UART (1u << 2)
#define WORLD_T_WDT (1u << 3)
#define WORLD_T_MANAGE (1u << 4)
#define WORLD_T_ANY (1u << 5) /* any address: RAM, nothing, the next VM's */

/** One harness: the actions its input chooses from, and its devices. */
struct world_profile {
	const char *name;
	const enum world_act *acts;
	unsigned act_count;
	unsigned targets; /**< WORLD_T_* */
};

/**
 * world_run() - Build the world afresh and run @data as steps of @profile.
 * Aborts (with a message on stderr) when an invariant breaks.
 * Return: 0 (the libFuzzer convention).
 */
int world_run(const uint8_t *data, size_t size,
	      const struct world_profile *profile);

/** WORLD_HARNESS() - The libFuzzer entry point running @profile. */
#define WORLD_HARNESS(profile)                                        \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)  \
	{                                                             \
		return world_run(data, size, &(profile));             \
	}

#endif /* FUZZ_WORLD_H */
