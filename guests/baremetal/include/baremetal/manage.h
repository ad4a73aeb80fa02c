/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_MANAGE_H
#define BAREMETAL_MANAGE_H

#include "baremetal/types.h"

/**
 * manage_base() - The management page's address, from the device tree's
 * /shikiri-manage@... node; 0 when there is none.
 */
uint64_t manage_base(void);

/**
 * manage_own_restarts() - This VM's RESTARTS as the hypervisor counts
 * them, read from the management page at @page: how a guest whose RAM is
 * scrubbed at each restart knows which life it is in.
 *
 * Return: the count, or ~0 if @page is not the management page.
 */
uint32_t manage_own_restarts(uint64_t page);

#endif /* BAREMETAL_MANAGE_H */
