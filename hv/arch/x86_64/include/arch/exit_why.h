/* SPDX-License-Identifier: MIT */
#ifndef ARCH_EXIT_WHY_H
#define ARCH_EXIT_WHY_H

#include "hv/types.h"

struct vcpu;

/*
 * Exits of one vCPU by what the guest touched, finer than enum arch_exit:
 * port I/O by device, MMIO by device (the local APIC by register, since
 * each of its writes traps without AVIC or x2APIC), MSR reads and writes.
 * The shell's `stats` prints them (exit_why_log()); bench/run.py reads
 * them to give exits per second by reason (docs/performance.md).
 */
enum exit_why {
	EXIT_WHY_IO_UART,  /* COM1 0x3f8-0x3ff */
	EXIT_WHY_IO_PIT,   /* 0x40-0x43, 0x61 */
	EXIT_WHY_IO_PIC,   /* 0x20-0x21, 0xa0-0xa1 */
	EXIT_WHY_IO_RTC,   /* 0x70-0x71 */
	EXIT_WHY_IO_PMTMR, /* ACPI PM timer 0x608 */
	EXIT_WHY_IO_ACPI,  /* PM1a event and control 0x600-0x607 */
	EXIT_WHY_IO_RESET, /* 0x60, 0x64, 0xcf9 */
	EXIT_WHY_IO_P80,   /* the POST port Linux's I/O delay writes */
	EXIT_WHY_IO_PCI,   /* PCI configuration 0xcf8-0xcff (pci_io.c) */
	EXIT_WHY_IO_OTHER, /* reads all ones, writes ignored */
	EXIT_WHY_APIC_EOI, /* local APIC writes, by register */
	EXIT_WHY_APIC_TMICT,
	EXIT_WHY_APIC_ICR,
	EXIT_WHY_APIC_TPR,
	EXIT_WHY_APIC_LVT,
	EXIT_WHY_APIC_WRITE, /* any other local APIC register written */
	EXIT_WHY_APIC_READ,
	EXIT_WHY_IOAPIC,
	EXIT_WHY_MMIO_ECAM,  /* PCI configuration through the ECAM window */
	EXIT_WHY_MMIO_OTHER, /* management, watchdog, MSI-X table pages */
	EXIT_WHY_MSR_READ,
	EXIT_WHY_MSR_WRITE,
	EXIT_WHY_SHUTDOWN,
	/* Not exits: passed-through device interrupts this vCPU's CPU took. */
	EXIT_WHY_PCI_MSI,  /* MSI and MSI-X vectors made pending */
	EXIT_WHY_PCI_INTX, /* physical INTx pins raised (the VM's first CPU) */
	EXIT_WHY_COUNT
};

/** Per-vCPU counters, indexed by enum exit_why; part of struct arch_vcpu. */
struct exit_why_stats {
	uint64_t n[EXIT_WHY_COUNT];
};

/** exit_why_io() - Count one port I/O exit at @port. */
void exit_why_io(struct exit_why_stats *s, uint16_t port);

/**
 * exit_why_mmio() - Count one emulated MMIO exit at offset @off of the
 * region at @base; @write when the instruction wrote to it.
 */
void exit_why_mmio(struct exit_why_stats *s, uint64_t base, uint64_t off,
		   bool write);

/**
 * exit_why_log() - Print @v's counters, with the exit kinds struct
 * vcpu_stats keeps (CPUID, HLT, INTR, VINTR), as `name=count` lines
 * headed "x86 exits" (`stats` in the shell), "cpu" the last; the device
 * interrupts of a VM with PCI functions before it, headed "x86 pci".
 */
void exit_why_log(const struct vcpu *v);

#endif /* ARCH_EXIT_WHY_H */
