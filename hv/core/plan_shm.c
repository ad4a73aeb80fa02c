// SPDX-License-Identifier: MIT
/*
 * The boot plan's shared-memory regions and each VM's view of them
 * (include/shikiri/plan.h), checked by plan_check() after every VM's own
 * records, so that what this file reads of them (RAM, devices, console) is
 * bounded already.  Pure, like plan_check.c; shikiri-build links it too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/errno.h"
#include "hv/plan_check.h"

#define SHM_MIN_SIZE 0x1000ull
#define SHM_MAX_SIZE 0x40000000ull
#define SHM_PA_ALIGN_MAX 0x200000ull
#define SHM_REGS_LIMIT (1ull << 32) /* BAR 0 is a 32-bit BAR */
/* The stage-2 input size of AArch64, the one arch with regions. */
#define SHM_IPA_LIMIT (1ull << 39)
/* The vGIC's SPIs (hv/arch/aarch64/include/arch/vgic.h: 256). */
#define SHM_INTID_FIRST 32u
#define SHM_INTID_LIMIT (32u + 256u)
#define SHM_DEVFN_FIRST 0x08u /* device 1, function 0 */
#define SHM_DEVFN_LAST 0xf8u  /* device 31, function 0 */

/* Space for every range a VM has but its network page. */
#define SHM_MAX_RANGES (PLAN_VM_OWN_RANGES + 1u + 2u * SHIKIRI_MAX_SHM)

static int refuse(struct plan_error *err, int vm, const char *what)
{
	err->what = what;
	err->vm = vm;
	return -HV_EINVAL;
}

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Region @r's own fields, and its place in physical memory. */
static const char *check_region(const struct shikiri_plan *p, uint32_t r,
				const struct plan_limits *lim)
{
	const struct shikiri_plan_shm *s = &p->shm[r];
	uint64_t align = s->size < SHM_PA_ALIGN_MAX ? s->size :
						      SHM_PA_ALIGN_MAX;
	unsigned members = 0;

	if (!plan_name_ok(s->name))
		return "bad shared-memory region name";
	if (!power_of_two(s->size) || s->size < SHM_MIN_SIZE ||
	    s->size > SHM_MAX_SIZE)
		return "bad shared-memory region size";
	if (!plan_aligned(s->pa, align) || !plan_range_valid(s->pa, s->size))
		return "misaligned shared-memory region";
	if (s->reserved)
		return "reserved field not zero";
	if (s->vm_mask >> p->vm_count)
		return "shared-memory region names a missing VM";
	for (uint32_t v = 0; v < p->vm_count; v++)
		members += (s->vm_mask >> v) & 1;
	if (members < 2)
		return "shared-memory region with fewer than two VMs";
	for (uint32_t i = 0; i < p->board.ram_count; i++)
		if (plan_inside(s->pa, s->size, p->board.ram[i].base,
				p->board.ram[i].size))
			break;
		else if (i == p->board.ram_count - 1)
			return "shared-memory region outside board RAM";
	if (lim && lim->hv_size &&
	    plan_overlaps(s->pa, s->size, lim->hv_base, lim->hv_size))
		return "shared-memory region overlaps the hypervisor";
	if (lim && lim->fdt_size &&
	    plan_overlaps(s->pa, s->size, lim->fdt_base, lim->fdt_size))
		return "shared-memory region overlaps the boot DTB";
	for (uint32_t v = 0; v < p->vm_count; v++)
		for (uint32_t i = 0; i < p->vm[v].ram_count; i++)
			if (plan_overlaps(s->pa, s->size, p->vm[v].ram[i].pa,
					  p->vm[v].ram[i].size))
				return "shared-memory region overlaps a VM's "
				       "RAM";
	for (uint32_t o = 0; o < r; o++) {
		if (plan_overlaps(s->pa, s->size, p->shm[o].pa, p->shm[o].size))
			return "shared-memory regions overlap";
		if (plan_same_name(s->name, p->shm[o].name))
			return "shared-memory region name used twice";
	}
	return NULL;
}

/* A range of the VM's view of shared memory (its ECAM, BAR 0 or BAR 2):
 * in the IPA space and clear of everything else the VM has. */
static const char *check_ipa(const struct shikiri_plan *p,
			     const struct plan_arch *arch, uint32_t v,
			     const struct shikiri_range *r,
			     const struct shikiri_range *all, unsigned count)
{
	const struct shikiri_plan_vm *vm = &p->vm[v];

	if (!plan_range_valid(r->base, r->size) ||
	    r->base + (r->size - 1) >= SHM_IPA_LIMIT)
		return "shared-memory IPA out of range";
	if (arch->hv_device(&p->board, r->base, r->size) ||
	    arch->vm_device(vm, r->base, r->size))
		return "shared-memory IPA overlaps a device";
	for (unsigned i = 0; i < count; i++)
		if (&all[i] != r &&
		    plan_overlaps(r->base, r->size, all[i].base, all[i].size))
			return "shared-memory IPA overlaps another range";
	return NULL;
}

/* One view @k of VM @v: its region, flags, interrupt and slot. */
static const char *check_view(const struct shikiri_plan *p, uint32_t v,
			      uint32_t k)
{
	const struct shikiri_plan_vm *vm = &p->vm[v];
	const struct shikiri_vm_shm *s = &vm->shm[k];

	if (s->region >= p->shm_count ||
	    !((p->shm[s->region].vm_mask >> v) & 1))
		return "shared-memory view of a region the VM is not in";
	if (s->flags & ~SHIKIRI_SHM_READ_ONLY)
		return "unknown shared-memory flags";
	if (!plan_aligned(s->ipa, p->shm[s->region].size) ||
	    !plan_aligned(s->regs_ipa, PLAN_SHM_REGS_SIZE) ||
	    s->regs_ipa + PLAN_SHM_REGS_SIZE > SHM_REGS_LIMIT)
		return "misaligned shared-memory IPA";
	if (s->intid < SHM_INTID_FIRST || s->intid >= SHM_INTID_LIMIT)
		return "shared-memory INTID is not a virtual SPI";
	if (plan_vm_intid_used(vm, s->intid))
		return "shared-memory INTID already in use";
	if (s->devfn < SHM_DEVFN_FIRST || s->devfn > SHM_DEVFN_LAST ||
	    (s->devfn & 7))
		return "bad shared-memory PCI slot";
	for (uint32_t o = 0; o < k; o++) {
		if (vm->shm[o].region == s->region)
			return "shared-memory region mapped twice";
		if (vm->shm[o].intid == s->intid)
			return "shared-memory INTID already in use";
		if (vm->shm[o].devfn == s->devfn)
			return "shared-memory PCI slot used twice";
	}
	return NULL;
}

static const char *check_vm(const struct shikiri_plan *p,
			    const struct plan_arch *arch, uint32_t v)
{
	const struct shikiri_plan_vm *vm = &p->vm[v];
	struct shikiri_range all[SHM_MAX_RANGES];
	unsigned count, first;
	const char *why = NULL;

	if (vm->shm_count > SHIKIRI_MAX_SHM)
		return "too many shared-memory views";
	if (vm->reserved4 ||
	    !plan_all_zero((const uint8_t *)&vm->shm[vm->shm_count],
			   (SHIKIRI_MAX_SHM - vm->shm_count) *
				   sizeof(vm->shm[0])))
		return "reserved field not zero";
	/* The bus carries the shared-memory functions and, on Arm, the
	 * PCI functions the VM owns (hv/arch/aarch64/plan_arch.c). */
	if (!vm->shm_count && !vm->vpci_ecam_ipa)
		return NULL;
	if (!vm->shm_count && !vm->pci_count)
		return "virtual PCI bus with no function";
	if (!plan_aligned(vm->vpci_ecam_ipa, PLAN_VPCI_ECAM_SIZE) ||
	    !vm->vpci_ecam_ipa)
		return "bad virtual PCI ECAM";
	count = plan_vm_own_ranges(vm, all);
	first = count;
	all[count++] = (struct shikiri_range){ vm->vpci_ecam_ipa,
					       PLAN_VPCI_ECAM_SIZE };
	for (uint32_t k = 0; k < vm->shm_count; k++) {
		const struct shikiri_vm_shm *s = &vm->shm[k];

		why = check_view(p, v, k);
		if (why)
			return why;
		all[count++] = (struct shikiri_range){ s->regs_ipa,
						       PLAN_SHM_REGS_SIZE };
		all[count++] = (struct shikiri_range){ s->ipa,
						       p->shm[s->region].size };
	}
	for (unsigned i = first; !why && i < count; i++)
		why = check_ipa(p, arch, v, &all[i], all, count);
	return why;
}

/**
 * plan_shm_check() - The shared-memory regions of @plan and every VM's
 * view of them (see hv/plan_check.h), after every other check.
 * @arch: the rules of the plan's architecture (devices it emulates).
 * @limits: the hypervisor's and the loader's ranges (may be NULL).
 * @err: filled with the first reason for refusal.
 *
 * Return: 0, or -HV_EINVAL.
 */
int plan_shm_check(const struct shikiri_plan *plan,
		   const struct plan_arch *arch,
		   const struct plan_limits *limits, struct plan_error *err)
{
	const char *why;

	if (plan->shm_count > SHIKIRI_MAX_SHM)
		return refuse(err, -1, "too many shared-memory regions");
	if (!plan_all_zero((const uint8_t *)&plan->shm[plan->shm_count],
			   (SHIKIRI_MAX_SHM - plan->shm_count) *
				   sizeof(plan->shm[0])))
		return refuse(err, -1, "reserved field not zero");
	for (uint32_t r = 0; r < plan->shm_count; r++) {
		why = check_region(plan, r, limits);
		if (why)
			return refuse(err, -1, why);
	}
	for (uint32_t v = 0; v < plan->vm_count; v++) {
		why = check_vm(plan, arch, v);
		if (why)
			return refuse(err, (int)v, why);
	}
	/* Every member of a region maps it: vm_mask is the set of views. */
	for (uint32_t r = 0; r < plan->shm_count; r++)
		for (uint32_t v = 0; v < plan->vm_count; v++) {
			bool seen = false;

			for (uint32_t k = 0; k < plan->vm[v].shm_count; k++)
				seen |= plan->vm[v].shm[k].region == r;
			if (seen != ((plan->shm[r].vm_mask >> v) & 1))
				return refuse(err, (int)v,
					      "shared-memory region without "
					      "the VM's view");
		}
	return 0;
}
