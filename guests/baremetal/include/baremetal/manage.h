/* SPDX-License-Identifier: MIT */
/* The VM's own entry on shikiri's management page (include/shikiri/manage.h). */
#ifndef BAREMETAL_MANAGE_H
#define BAREMETAL_MANAGE_H

#include "baremetal/types.h"

/**
 * manage_base() - The management page's address, from the device tree's
 * /shikiri-manage@... node; 0 if there is none.
 */
uint64_t manage_base(void);

/**
 * manage_own_restarts() - This VM's restart count as the hypervisor keeps
 * it (a stop followed by a start is not a restart); ~0 when the page at
 * @page is not shikiri's.
 */
uint32_t manage_own_restarts(uint64_t page);

#endif /* BAREMETAL_MANAGE_H */
