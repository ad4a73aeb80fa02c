/* SPDX-License-Identifier: MIT */
#ifndef ARCH_SVM_H
#define ARCH_SVM_H

#include "hv/types.h"

/*
 * The VMCB (AMD APM vol. 2 appendix B, tables B-1 and B-2): a 4 KiB page,
 * the control area at 0 and the guest state save area at 0x400.
 */

/** A segment register in the save area. */
struct vmcb_seg {
	uint16_t sel;
	uint16_t attrib; /**< descriptor bits 40-47 then 52-55 */
	uint32_t limit;
	uint64_t base;
};

struct vmcb_control {
	uint32_t intercept_cr; /* 0x000: reads 0-15, writes 16-31 */
	uint32_t intercept_dr;
	uint32_t intercept_exc;
	uint32_t intercept3; /* 0x00c */
	uint32_t intercept4; /* 0x010 */
	uint32_t intercept5;
	uint8_t reserved1[0x3c - 0x18];
	uint16_t pause_filter_thresh;
	uint16_t pause_filter_count;
	uint64_t iopm_base_pa; /* 0x040 */
	uint64_t msrpm_base_pa;
	uint64_t tsc_offset;
	uint32_t asid; /* 0x058 */
	uint8_t tlb_control;
	uint8_t reserved2[3];
	uint32_t int_ctl; /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, masking */
	uint32_t int_vector;
	uint64_t int_state; /* 0x068: interrupt shadow */
	uint64_t exit_code; /* 0x070 */
	uint64_t exit_info1;
	uint64_t exit_info2;
	uint64_t exit_int_info; /* 0x088 */
	uint64_t np_enable;	/* 0x090 */
	uint64_t avic_apic_bar;
	uint64_t ghcb_pa;
	uint64_t event_inj; /* 0x0a8 */
	uint64_t n_cr3;	    /* 0x0b0 */
	uint64_t lbr_virt;
	uint32_t clean; /* 0x0c0 */
	uint32_t reserved3;
	uint64_t next_rip; /* 0x0c8 */
	uint8_t insn_len;
	uint8_t insn_bytes[15];
	uint8_t reserved4[0x400 - 0xe0];
};

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint8_t reserved1[0x4cb - 0x4a0];
	uint8_t cpl;
	uint32_t reserved2;
	uint64_t efer; /* 0x4d0 */
	uint8_t reserved3[0x548 - 0x4d8];
	uint64_t cr4; /* 0x548 */
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip; /* 0x578 */
	uint8_t reserved4[0x5d8 - 0x580];
	uint64_t rsp; /* 0x5d8 */
	uint8_t reserved5[0x5f8 - 0x5e0];
	uint64_t rax; /* 0x5f8 */
	uint64_t star;
	uint64_t lstar;
	uint64_t cstar;
	uint64_t sfmask;
	uint64_t kernel_gs_base;
	uint64_t sysenter_cs;
	uint64_t sysenter_esp;
	uint64_t sysenter_eip;
	uint64_t cr2; /* 0x640 */
	uint8_t reserved6[0x668 - 0x648];
	uint64_t g_pat; /* 0x668 */
	uint8_t reserved7[0x1000 - 0x670];
};

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
};

_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB is one page");
_Static_assert(__builtin_offsetof(struct vmcb, control.n_cr3) == 0xb0,
	       "VMCB control layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0,
	       "VMCB save layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8,
	       "VMCB save layout");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668,
	       "VMCB save layout");

/* Intercept vector 3 (control area 0x00c) and 4 (0x010) bits. */
#define SVM_INT3_INTR BIT(0)
#define SVM_INT3_NMI BIT(1)
#define SVM_INT3_SMI BIT(2)
#define SVM_INT3_INIT BIT(3)
#define SVM_INT3_VINTR BIT(4)
#define SVM_INT3_CPUID BIT(18)
#define SVM_INT3_IRET BIT(20)
#define SVM_INT3_INVD BIT(22)
#define SVM_INT3_HLT BIT(24)
#define SVM_INT3_INVLPGA BIT(26)
#define SVM_INT3_IOIO BIT(27)
#define SVM_INT3_MSR BIT(28)
#define SVM_INT3_TASK_SWITCH BIT(29)
#define SVM_INT3_SHUTDOWN BIT(31)
#define SVM_INT4_VMRUN BIT(0)
#define SVM_INT4_VMMCALL BIT(1)
#define SVM_INT4_VMLOAD BIT(2)
#define SVM_INT4_VMSAVE BIT(3)
#define SVM_INT4_STGI BIT(4)
#define SVM_INT4_CLGI BIT(5)
#define SVM_INT4_SKINIT BIT(6)
#define SVM_INT4_RDTSCP BIT(7)
#define SVM_INT4_ICEBP BIT(8)
#define SVM_INT4_WBINVD BIT(9)
#define SVM_INT4_MONITOR BIT(10)
#define SVM_INT4_MWAIT BIT(11)
#define SVM_INT4_MWAIT_COND BIT(12)

/* int_ctl (0x060). */
#define SVM_V_IRQ BIT(8)
#define SVM_V_INTR_PRIO_SHIFT 16
#define SVM_V_IGN_TPR BIT(20)
#define SVM_V_INTR_MASKING BIT(24)

/* EVENTINJ and EXITINTINFO (APM vol. 2 15.20). */
#define SVM_EVT_VALID BIT(31)
#define SVM_EVT_ERR BIT(11)
#define SVM_EVT_TYPE_INTR (0u << 8)
#define SVM_EVT_TYPE_NMI (2u << 8)
#define SVM_EVT_TYPE_EXC (3u << 8)
#define SVM_EVT_TYPE_SOFT (4u << 8)
#define SVM_EVT_TYPE_MASK (7u << 8)

/* Exit codes (APM vol. 2 appendix C). */
#define SVM_EXIT_EXC_BASE 0x40
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_SMI 0x62
#define SVM_EXIT_INIT 0x63
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_IRET 0x74
#define SVM_EXIT_INVD 0x76
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_INVLPGA 0x7a
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_EXIT_TASK_SWITCH 0x7d
#define SVM_EXIT_SHUTDOWN 0x7f
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMMCALL 0x81
#define SVM_EXIT_VMLOAD 0x82
#define SVM_EXIT_VMSAVE 0x83
#define SVM_EXIT_STGI 0x84
#define SVM_EXIT_CLGI 0x85
#define SVM_EXIT_SKINIT 0x86
#define SVM_EXIT_RDTSCP 0x87
#define SVM_EXIT_ICEBP 0x88
#define SVM_EXIT_WBINVD 0x89
#define SVM_EXIT_MONITOR 0x8a
#define SVM_EXIT_MWAIT 0x8b
#define SVM_EXIT_MWAIT_COND 0x8c
#define SVM_EXIT_TABLE 0x8d /* exit codes below this go through a table */
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffu

/* IOIO EXITINFO1 (APM vol. 2 15.10.2). */
#define SVM_IOIO_IN BIT(0)
#define SVM_IOIO_STR BIT(2)
#define SVM_IOIO_REP BIT(3)
#define SVM_IOIO_SZ_SHIFT 4

#define SVM_IOPM_SIZE 0x3000u
#define SVM_MSRPM_SIZE 0x2000u

#endif /* ARCH_SVM_H */
