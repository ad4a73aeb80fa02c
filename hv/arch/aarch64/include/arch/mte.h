/* SPDX-License-Identifier: MIT */
#ifndef ARCH_MTE_H
#define ARCH_MTE_H

#include <stdbool.h>
#include <stdint.h>

/**
 * mte_present() - Whether this CPU keeps allocation tags in memory
 * (ID_AA64PFR1_EL1.MTE 2 or more: FEAT_MTE2), which the VMs then get.
 */
bool mte_present(void);

/**
 * mte_el2_mair() - MAIR_EL2 @mair with the hypervisor's Normal memory
 * (attribute 1) Tagged where the CPU has tags, so that EL2 can zero them.
 */
uint64_t mte_el2_mair(uint64_t mair);

/**
 * mte_el2_sctlr() - SCTLR_EL2 @sctlr with ATA set where the CPU has tags:
 * EL2 may then read and write them (never checked: TCF stays 0).
 */
uint64_t mte_el2_sctlr(uint64_t sctlr);

#endif /* ARCH_MTE_H */
