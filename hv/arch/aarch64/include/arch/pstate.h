/* SPDX-License-Identifier: MIT */
#ifndef ARCH_PSTATE_H
#define ARCH_PSTATE_H

#include <stdint.h>

/* CPU features that change what an exception entry does to PSTATE. */
#define PSTATE_FEAT_PAN (1u << 0)  /* FEAT_PAN */
#define PSTATE_FEAT_SSBS (1u << 1) /* FEAT_SSBS */
#define PSTATE_FEAT_MTE (1u << 2)  /* FEAT_MTE: PSTATE.TCO */
#define PSTATE_FEAT_NMI (1u << 3)  /* FEAT_NMI: PSTATE.ALLINT */

/**
 * pstate_el1_entry() - PSTATE (as SPSR_EL2 for the return to the guest)
 * after an exception taken to EL1h, as the hardware computes it (Arm ARM
 * DDI0487 D1.3.5 "PSTATE on taking an exception", AArch64.TakeException()).
 * @spsr: PSTATE when the exception was taken (AArch64 or AArch32 format).
 * @sctlr_el1: the guest's SCTLR_EL1 (SPAN, DSSBS, SPINTMASK).
 * @features: PSTATE_FEAT_* the CPU has.
 *
 * Return: EL1h, D, A, I, F set; NZCV, DIT and (with SCTLR_EL1.SPAN set)
 * PAN kept; PAN set when SPAN is clear; SSBS = SCTLR_EL1.DSSBS; TCO set;
 * ALLINT = !SCTLR_EL1.SPINTMASK; UAO, BTYPE, SS, IL and all AArch32-only
 * state clear.
 */
uint64_t pstate_el1_entry(uint64_t spsr, uint64_t sctlr_el1, unsigned features);

#endif /* ARCH_PSTATE_H */
