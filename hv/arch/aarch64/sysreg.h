/* SPDX-License-Identifier: MIT */
#ifndef HV_AARCH64_SYSREG_H
#define HV_AARCH64_SYSREG_H

#include <stdint.h>

/*
 * The accessors (read_sysreg, write_sysreg, isb, dsb, wfi) come from the
 * architecture's include directory, so a host build of the handlers can
 * put the fake architecture's register file in their place.
 */
#include "arch/sysreg_access.h"

/* GICv3 system registers by encoding (gas knows them, but keep one form). */
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_MISR_EL2 S3_4_C12_C11_2
#define ICH_EISR_EL2 S3_4_C12_C11_3
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define ICH_VMCR_EL2 S3_4_C12_C11_7
#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0

/* HCR_EL2 bits (Arm ARM D13.2.48). */
#define HCR_VM (1ull << 0)
#define HCR_SWIO (1ull << 1)
#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_AMO (1ull << 5)
#define HCR_TID3 (1ull << 18)
#define HCR_TSC (1ull << 19)
#define HCR_TIDCP (1ull << 20)
#define HCR_TACR (1ull << 21)
#define HCR_TSW (1ull << 22)
#define HCR_RW (1ull << 31)
#define HCR_TLOR (1ull << 35)
#define HCR_TERR (1ull << 36)
#define HCR_APK (1ull << 40)
#define HCR_API (1ull << 41)
#define HCR_ATA (1ull << 56)

/* CPTR_EL2 with E2H = 0 (D13.2.33): TTA traps trace, TAM activity monitors. */
#define CPTR_RES1 0x32ffull /* bits 0-7, 9, 12 (TSM: SME trapped), 13 */
#define CPTR_TTA (1ull << 20)
#define CPTR_TAM (1ull << 30)

/* MDCR_EL2 (D13.3.13). */
#define MDCR_HPMN_MASK 0x1full
#define MDCR_TPMCR (1ull << 5)
#define MDCR_TPM (1ull << 6)
#define MDCR_TPMS (1ull << 14) /* SPE sampling controls (E2PB 0: buffer too) */
#define MDCR_HPMD (1ull << 17)
#define MDCR_TTRF (1ull << 19)
#define MDCR_HCCD (1ull << 23)

/* MPAM2_EL2: MPAMEN (kept as found), MPAM0/1_EL1 trapped to EL2. */
#define MPAM2_MPAMEN (1ull << 63)
#define MPAM2_TRAPMPAM1EL1 (1ull << 48)
#define MPAM2_TRAPMPAM0EL1 (1ull << 49)
#define MPAMIDR_HAS_HCR (1ull << 17)

/* PMCR_EL0.DP: the cycle counter stops where event counting is prohibited. */
#define PMCR_DP (1ull << 5)

/*
 * Registers gas may not know by name; the generic form always assembles.
 * Name them through read_sysreg_s()/write_sysreg_s(), which expand the
 * name to its encoding before read_sysreg()/write_sysreg() quote it.
 */
#define read_sysreg_s(r) read_sysreg(r)
#define write_sysreg_s(r, v) write_sysreg(r, v)
#define HCRX_EL2 S3_4_C1_C2_2
#define HFGRTR_EL2 S3_4_C1_C1_4
#define HFGWTR_EL2 S3_4_C1_C1_5
#define HFGITR_EL2 S3_4_C1_C1_6
#define HDFGRTR_EL2 S3_4_C3_C1_4
#define HDFGWTR_EL2 S3_4_C3_C1_5
#define HAFGRTR_EL2 S3_4_C3_C1_6
#define PMSCR_EL2 S3_4_C9_C9_0
#define TRFCR_EL2 S3_4_C1_C2_1
#define VDISR_EL2 S3_4_C12_C1_1
#define VSESR_EL2 S3_4_C5_C2_3
#define MPAM2_EL2 S3_4_C10_C5_0
#define MPAMHCR_EL2 S3_4_C10_C4_0
#define MPAMIDR_EL1 S3_0_C10_C4_4
#define ID_AA64PFR0_EL1 S3_0_C0_C4_0
#define ID_AA64PFR1_EL1 S3_0_C0_C4_1
#define ID_AA64DFR0_EL1 S3_0_C0_C5_0
#define ID_AA64MMFR0_EL1 S3_0_C0_C7_0
#define ID_AA64MMFR1_EL1 S3_0_C0_C7_1

/* ID register fields: 4 bits each, at these shifts (D19.2). */
#define ID_FIELD(reg, shift) ((unsigned)((reg) >> (shift)) & 0xfu)
#define PFR0_RAS 28
#define PFR0_MPAM 40
#define PFR0_AMU 44
#define PFR1_MPAM_FRAC 16
#define DFR0_PMUVER 8
#define DFR0_PMSVER 32
#define DFR0_TRACEFILT 40
#define MMFR0_FGT 56
#define MMFR1_LO 16
#define MMFR1_HCX 40

/* Exception classes in ESR_EL2.EC. */
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYS64 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_MAX 0x3f

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL (1ull << 25)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)

/* PSTATE for a guest entered at EL1h with DAIF masked. */
#define SPSR_EL1H_DAIF 0x3c5ull

uint64_t arch_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

#endif /* HV_AARCH64_SYSREG_H */
