/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_PSCI_H
#define BAREMETAL_PSCI_H

#include "baremetal/types.h"

/* Function IDs and return codes (Arm DEN0022, PSCI 1.1). */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
#define PSCI_MIGRATE 0x84000005u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INVALID_ADDRESS (-9)

#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1

/**
 * psci_call() - An SMCCC call through HVC (the "hvc" method of the guest's
 * /psci node): function @fid with arguments @a1..@a3.
 *
 * Return: x0 as the callee left it.
 */
int64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/** psci_system_off() - Switch this VM off; never returns. */
noreturn_fn void psci_system_off(void);

#endif /* BAREMETAL_PSCI_H */
