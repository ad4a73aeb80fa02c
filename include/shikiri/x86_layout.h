/* SPDX-License-Identifier: MIT */
/*
 * The one virtual PC every x86_64 VM sees, so that the tables shikiri-build
 * generates (boot_params, e820, ACPI), the hypervisor's device models and
 * the tests agree.  Guest-physical addresses and I/O ports.
 *
 *   0x0000_0000 .. 0x0009_f000   RAM (e820 RAM: real-mode and AP trampolines)
 *       0x7000                   boot_params (the "zero page"), ESI at entry
 *       0x8000                   kernel command line (at most 4 KiB)
 *       0x9000                   setup_data chain (SETUP_RNG_SEED)
 *   0x0009_f000 .. 0x0010_0000   e820 reserved (EBDA, VGA hole, BIOS area)
 *       0xe0000                  ACPI tables, RSDP first (16-byte aligned)
 *   0x0010_0000 .. RAM size      e820 RAM
 *       0x0100_0000              the bzImage's protected-mode part; entry
 *   top of RAM, 2 MiB aligned    initrd, below min(initrd_addr_max, size)
 *   0xfeb0_0000                  management page (shikiri/manage.h)
 *   0xfec0_0000                  I/O APIC (emulated, 24 pins, ID = vCPUs)
 *   0xfee0_0000                  local APIC (emulated, ID = vCPU index)
 *
 * The VM's RAM is one region from guest-physical 0, backed anywhere in host
 * RAM by nested paging.  A VM that owns PCI functions has two instead: its
 * own first MiB (0 .. 0x100000, backed anywhere) and its main RAM at
 * guest-physical = physical, 2 MiB aligned below 0xfeb00000 (its devices'
 * DMA is not translated); its kernel is at that RAM's base aligned up to
 * kernel_alignment, its initrd at the top, and it also sees the board's
 * ECAM and PCI windows at their physical addresses.  Entry follows the Linux 32-bit boot protocol
 * (Documentation/arch/x86/boot.rst): protected mode, paging off, flat
 * 4 GiB CS/DS/SS, interrupts off, ESI = boot_params.
 */
#ifndef SHIKIRI_X86_LAYOUT_H
#define SHIKIRI_X86_LAYOUT_H

/* Memory (guest-physical). */
#define X86_LAYOUT_LOW_RAM_END 0x9f000ull  /* e820 RAM [0, this) */
#define X86_LAYOUT_HIGH_RAM 0x100000ull    /* e820 RAM [this, size) */
#define X86_LAYOUT_BOOT_PARAMS 0x7000ull
#define X86_LAYOUT_CMDLINE 0x8000ull
#define X86_LAYOUT_CMDLINE_MAX 0x1000u     /* bytes, NUL included */
#define X86_LAYOUT_SETUP_DATA 0x9000ull
#define X86_LAYOUT_BOOT_INFO_MAX 0x3000u   /* zero page..setup_data end */
#define X86_LAYOUT_ACPI 0xe0000ull         /* RSDP, then the tables */
#define X86_LAYOUT_ACPI_MAX 0x20000u       /* up to 1 MiB */
#define X86_LAYOUT_KERNEL 0x1000000ull
#define X86_LAYOUT_INITRD_ALIGN 0x200000ull
#define X86_LAYOUT_MANAGE 0xfeb00000ull
#define X86_LAYOUT_IOAPIC 0xfec00000ull
#define X86_LAYOUT_IOAPIC_PINS 24u
#define X86_LAYOUT_LAPIC 0xfee00000ull
#define X86_LAYOUT_APIC_SIZE 0x1000ull     /* each of the two */

/* I/O ports, all trapped and emulated. */
#define X86_LAYOUT_COM1 0x3f8u             /* 16550, 8 ports */
#define X86_LAYOUT_COM1_PORTS 8u
#define X86_LAYOUT_COM1_GSI 4u
#define X86_LAYOUT_PIC1 0x20u              /* 8259 pair: masks only */
#define X86_LAYOUT_PIC2 0xa0u
#define X86_LAYOUT_PIT 0x40u               /* 8254: 0x40-0x43 */
#define X86_LAYOUT_KBC_DATA 0x60u
#define X86_LAYOUT_PORT61 0x61u            /* PIT gate / OUT2 */
#define X86_LAYOUT_KBC_CMD 0x64u           /* 0xfe: reset */
#define X86_LAYOUT_RTC 0x70u               /* CMOS: 0x70-0x71 */
#define X86_LAYOUT_PVPANIC 0x505u          /* QEMU0001: bit 0 = panicked */
#define X86_LAYOUT_RESET 0xcf9u            /* write 0x06: reset */
#define X86_LAYOUT_RESET_VALUE 0x06u
#define X86_LAYOUT_PM1A_EVT 0x600u         /* 4 ports: status, enable */
#define X86_LAYOUT_PM1A_CNT 0x604u         /* 2 ports: SLP_TYP, SLP_EN */
#define X86_LAYOUT_PM_TMR 0x608u           /* 4 ports, 32-bit counter */
#define X86_LAYOUT_PM_TMR_HZ 3579545u
#define X86_LAYOUT_SLP_TYP_S5 5u           /* \_S5 in the DSDT */
#define X86_LAYOUT_SCI_GSI 9u

#endif /* SHIKIRI_X86_LAYOUT_H */
