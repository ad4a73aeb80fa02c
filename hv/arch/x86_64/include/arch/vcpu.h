/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include "arch/x86_decode.h"
#include "hv/types.h"

struct vcpu;
struct vm;

/*
 * The vendor-neutral half of running an x86 guest: the policy of what a VM
 * may see and touch (CPUID, MSRs, I/O ports, emulated MMIO), its devices,
 * and the interrupt state of its vCPUs.  The vendor back end (svm.c, and
 * a VMX one later) owns the world switch and the exit decoding and calls
 * these with what it decoded.
 */

/** The guest state MMIO emulation needs, in the vendor's neutral form. */
struct x86_guest {
	uint64_t gpr[X86_GPR_COUNT];
	uint64_t rip, rflags;
	uint64_t cs_base;
	enum x86_mode mode;
	uint64_t cr0, cr3, cr4, efer;
};

/** x86_now_ns() - The hypervisor's clock (the TSC) in nanoseconds. */
uint64_t x86_now_ns(void);

/**
 * x86_cpuid() - What leaf @leaf, subleaf @sub shows @v's guest: the host's
 * with virtualization, x2APIC, TSC deadline, MONITOR, MTRRs and machine
 * checks hidden and the topology replaced by the VM's own (APIC ID =
 * vCPU index); @cr4 is the guest's, for OSXSAVE.
 */
void x86_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t cr4,
	       uint32_t r[4]);

/* MSRs the vendor part keeps in its own guest state. */
#define MSR_IA32_PAT 0x277
#define MSR_IA32_EFER 0xc0000080

/**
 * x86_msr_read() - A guest RDMSR of an MSR the permission map traps.
 * Return: 0 with *@val, or -HV_EPERM: the guest gets #GP.
 */
int x86_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);

/** x86_msr_write() - A guest WRMSR; like x86_msr_read(). */
int x86_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

/** x86_msr_passthrough() - MSRs the guest reads and writes unseen. */
extern const uint32_t x86_msr_passthrough[];
extern const unsigned x86_msr_passthrough_count;

/**
 * x86_io() - A guest IN (*@val set) or OUT of @size bytes at @port.
 * Return: 0, or -HV_EINVAL for a size the devices refuse.
 */
int x86_io(struct vcpu *v, uint16_t port, unsigned size, bool write,
	   uint32_t *val);

/**
 * x86_mmio() - The guest at @g touched unmapped @gpa: decode the
 * instruction at its RIP and perform it on the emulated device there.
 * Return: the instruction's length (@g updated), 0 when @gpa is no
 * device's (the on-fault policy's case), or a negative error when the
 * instruction cannot be fetched or emulated.
 */
int x86_mmio(struct vcpu *v, uint64_t gpa, struct x86_guest *g);

/** x86_vm_devices_init() - @vm's emulated PC (arch_vm_init()). */
int x86_vm_devices_init(struct vm *vm);

/** x86_vm_devices_reset() - @vm's emulated PC back to power-on. */
void x86_vm_devices_reset(struct vm *vm);

/**
 * x86_vcpu_poll() - Time has passed on @v's CPU: advance its timers
 * (and, on vCPU 0, the PIT's).  Return: the next deadline in ns, or
 * UINT64_MAX.
 */
uint64_t x86_vcpu_poll(struct vcpu *v);

/**
 * x86_vcpu_startups() - Act on the INITs and SIPIs @vm's vCPUs sent each
 * other: INIT parks the target, SIPI starts a parked one in real mode at
 * the vector's page.  Without any of @vm's device locks held.
 */
void x86_vcpu_startups(struct vm *vm);

/** x86_vcpu_pending() - The vector @v should take next, or -1. */
int x86_vcpu_pending(struct vcpu *v);

/** x86_vcpu_accept() - @v's guest takes @vector now (it is injected). */
void x86_vcpu_accept(struct vcpu *v, uint8_t vector);

#endif /* ARCH_VCPU_H */
