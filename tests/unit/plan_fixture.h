/* SPDX-License-Identifier: MIT */
/*
 * What test_plan.c and test_plan_x86.c build and judge their plans with: a
 * plan header, payload records, and the check of a refusal.
 */
#ifndef TESTS_UNIT_PLAN_FIXTURE_H
#define TESTS_UNIT_PLAN_FIXTURE_H

#include <string.h>

#include "hv/errno.h"
#include "hv/plan_check.h"

/* Needs <cmocka.h> included before. */

/* Zero @bytes at @p and write a header for @vm_count VMs and its arch. */
static inline void plan_fixture_header(struct shikiri_plan *p, size_t bytes,
				       uint32_t vm_count, uint64_t image_size,
				       uint32_t arch)
{
	memset(p, 0, bytes);
	p->magic = SHIKIRI_PLAN_MAGIC;
	p->revision = SHIKIRI_PLAN_REVISION;
	p->size = (uint32_t)bytes;
	p->vm_count = vm_count;
	p->image_size = image_size;
	p->board.arch = arch;
}

/* Append a payload record to @vm. */
static inline void plan_fixture_payload(struct shikiri_plan_vm *vm,
					uint32_t kind, uint64_t offset,
					uint64_t size, uint64_t ipa)
{
	struct shikiri_payload *p = &vm->payload[vm->payload_count++];

	p->kind = kind;
	p->offset = offset;
	p->size = size;
	p->ipa = ipa;
}

/*
 * Give @vm view @k (its last) of region @region at BAR 2 @ipa, as the tool
 * lays it out (comm-tool.txt): bus at @ecam, register pages from @regs up,
 * INTIDs from 40 up, slots from 00:01.0 up.
 */
static inline void plan_fixture_shm_view(struct shikiri_plan_vm *vm, unsigned k,
					 uint32_t region, uint64_t ipa,
					 uint32_t flags, uint64_t ecam,
					 uint64_t regs)
{
	vm->vpci_ecam_ipa = ecam;
	vm->shm_count = k + 1;
	vm->shm[k] = (struct shikiri_vm_shm){ .region = region,
					      .flags = flags,
					      .ipa = ipa,
					      .regs_ipa = regs + k * 0x1000,
					      .intid = 40 + k,
					      .devfn = (k + 1) << 3 };
}

/* Assert that plan_check() returned @ret = refusal @what for VM @vm. */
static inline void plan_fixture_refused(const char *name, int ret,
					const struct plan_error *err,
					const char *what, int vm)
{
	if (ret == 0 || !err->what || strcmp(err->what, what) != 0 ||
	    err->vm != vm)
		print_error("%s: got %d \"%s\" (VM %d), want \"%s\" (VM %d)\n",
			    name, ret, err->what ? err->what : "(none)",
			    err->vm, what, vm);
	assert_int_equal(ret, -HV_EINVAL);
	assert_string_equal(err->what, what);
	assert_int_equal(err->vm, vm);
}

#endif /* TESTS_UNIT_PLAN_FIXTURE_H */
