/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VM_ARCH_H
#define ARCH_VM_ARCH_H

#include "arch/exit_why.h"
#include "arch/pio.h"
#include "arch/vioapic.h"
#include "arch/vlapic.h"
#include "hv/spinlock.h"
#include "hv/types.h"
#include "hv/v16550.h"

struct vm;
struct vcpu;

/*
 * What struct vcpu and struct vm (hv/vm.h) hold on x86-64: the guest's
 * registers that VMRUN does not keep in the VMCB, its VMCB and virtual
 * local APIC; the VM's nested page tables, I/O and MSR permission
 * bitmaps, and its emulated PC devices.
 */

/** Guest general registers the VMCB does not hold (RAX, RSP, RIP do). */
struct vcpu_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/**
 * Exit counters of struct vcpu_stats (names and grouping in
 * arch_exit_kinds[], exit_kinds.c): every exit but a physical interrupt
 * counts as SYNC, and as one of IO ... VINTR when it was one of those;
 * physical interrupts (INTR) count as IRQ.
 */
enum arch_exit {
	ARCH_EXIT_SYNC,
	ARCH_EXIT_IO,
	ARCH_EXIT_MMIO,
	ARCH_EXIT_MSR,
	ARCH_EXIT_CPUID,
	ARCH_EXIT_HLT,
	ARCH_EXIT_NPF,
	ARCH_EXIT_VINTR,
	ARCH_EXIT_IRQ,
	ARCH_EXIT_COUNT
};

struct vmcb;

#define X86_STARTUP_INIT 0x100u
#define X86_STARTUP_SIPI 0x200u /* | the vector */

/* Whether a vCPU's guest can take an NMI (struct arch_vcpu nmi_block). */
enum x86_nmi_block {
	X86_NMI_OPEN,	    /* it can */
	X86_NMI_IN_HANDLER, /* one was injected: blocked until its IRET */
	X86_NMI_IRET,	    /* its IRET exit came: open from the next exit */
};

/** A vCPU's arch state. */
struct arch_vcpu {
	struct vcpu_regs regs;
	struct vmcb *vmcb; /**< its page, from the hypervisor's page pool */
	struct vlapic lapic;
	struct exit_why_stats why; /**< exits by port, register, MSR */
	/* X86_STARTUP_*: an INIT or SIPI for it, not acted on yet. */
	unsigned startup;
	/* An NMI sent to it by its VM's vCPUs, not injected yet. */
	bool nmi_pending;
	/* enum x86_nmi_block; read and written by its own CPU only. */
	uint8_t nmi_block;
};

/** A VM's arch state. */
struct arch_vm {
	uint64_t *npt;	/**< nested PML4 */
	uint8_t *iopm;	/**< 12 KiB: a set bit intercepts the port */
	uint8_t *msrpm; /**< 8 KiB: set bits intercept reads and writes */
	/* Serializes the VM's legacy devices (pio_access() and friends). */
	struct spinlock pio_lock;
	/* Serializes its virtual local APICs and I/O APIC. */
	struct spinlock apic_lock;
	struct pio_bus pio;
	struct vlapic_vm apic_bus;
	struct vioapic ioapic;
	struct v16550 uart;
	/* PCI CONFIG_ADDRESS as its guest wrote it (pci_guest.c); atomic. */
	uint32_t pci_cf8;
};

/**
 * arch_vm_hold() - @vm stopped: its interrupts wait for its next life.
 * The emulated devices' are virtual; the INTx pins of its PCI functions
 * are masked at the I/O APIC (intx.c).  Under vm.lock.
 */
void arch_vm_hold(struct vm *vm);

/** arch_vcpu_queued() - Interrupts waiting for the vCPU, for `stats`. */
static inline unsigned arch_vcpu_queued(const struct arch_vcpu *a)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 8; i++)
		n += (unsigned)__builtin_popcount(a->lapic.irr[i]);
	return n;
}

/**
 * arch_vcpu_log_exits() - Print @v's exits by port, device and local APIC
 * register (the shell's `stats`).
 */
static inline void arch_vcpu_log_exits(const struct vcpu *v)
{
	exit_why_log(v);
}

#endif /* ARCH_VM_ARCH_H */
