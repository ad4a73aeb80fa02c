/* SPDX-License-Identifier: MIT */
/* Constants shared by the x86-64 assembly and C. */
#ifndef X86_ASM_DEFS_H
#define X86_ASM_DEFS_H

/* The fixed physical address the hypervisor is linked and loaded at. */
#define HV_LOAD_ADDR 0x1000000

#define HV_MAX_CPUS 64
#define HV_STACK_SIZE 0x4000

/* GDT selectors (cpu.c builds the same table as head.S's boot_gdt). */
#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_CODE32 0x18

#define CR0_PE 0x1
#define CR0_ET 0x10
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define EFER_NXE 0x800
#define EFER_SVME 0x1000

/* Page-table entry bits (AMD APM vol. 2, 5.3). */
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_U 0x4
#define PTE_PWT 0x8
#define PTE_PCD 0x10
#define PTE_PS 0x80

/*
 * Interrupt vectors the hypervisor uses on its own CPUs: the top ones,
 * which Linux keeps for its system vectors (FIRST_SYSTEM_VECTOR, 0xec), so
 * a guest never wants them for a device's MSI.  Every other vector from
 * 0x20 is a passed-through device's (PCI_PLAN.md 4): its interrupt goes
 * to the vCPU of the CPU that takes it.  INTx pins of passed-through
 * functions take one vector each from VEC_INTX_FIRST.
 */
#define VEC_GUEST_FIRST 0x20
#define VEC_INTX_FIRST 0xec
#define VEC_INTX_COUNT 16
#define VEC_TIMER 0xfc
#define VEC_KICK 0xfd
#define VEC_UART 0xfe
#define VEC_SPURIOUS 0xff

#define MB1_MAGIC 0x1badb002
#define MB1_LOADER_MAGIC 0x2badb002
#define MB2_MAGIC 0xe85250d6
#define MB2_LOADER_MAGIC 0x36d76289

#endif /* X86_ASM_DEFS_H */
