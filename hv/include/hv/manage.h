/* SPDX-License-Identifier: MIT */
#ifndef HV_MANAGE_H
#define HV_MANAGE_H

#include <stdint.h>

struct vm;

/** A VM's registers of its management page (include/shikiri/manage.h). */
struct manage_regs {
	uint32_t select;
	int32_t status;
};

/** manage_init() - Map @vm's management page, if the plan gives it one. */
int manage_init(struct vm *vm);

#endif /* HV_MANAGE_H */
