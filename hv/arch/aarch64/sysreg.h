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
#define HCR_TSC (1ull << 19)
#define HCR_RW (1ull << 31)
#define HCR_APK (1ull << 40)
#define HCR_API (1ull << 41)

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
