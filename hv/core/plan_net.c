// SPDX-License-Identifier: MIT
/*
 * The boot plan's virtual LANs and each VM's virtio-net device (see
 * plan_net_check() in hv/plan_check.h).  Pure, like plan_check.c, which
 * calls it once every VM's common fields are checked; shikiri-build links
 * it too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/errno.h"
#include "hv/plan_check.h"

static int refuse(struct plan_error *err, int vm, const char *what)
{
	err->what = what;
	err->vm = vm;
	return -HV_EINVAL;
}

static const char *check_lans(const struct shikiri_plan *p)
{
	if (p->lan_count > SHIKIRI_MAX_LANS)
		return "too many LANs";
	for (uint32_t l = 0; l < p->lan_count; l++) {
		if (!plan_name_ok(p->lan[l]))
			return "bad LAN name";
		for (uint32_t m = 0; m < l; m++)
			if (plan_same_name(p->lan[l], p->lan[m]))
				return "duplicate LAN name";
	}
	if (!plan_all_zero((const uint8_t *)p->lan[p->lan_count],
			   (SHIKIRI_MAX_LANS - p->lan_count) *
				   SHIKIRI_NAME_LEN))
		return "reserved field not zero";
	return NULL;
}

static bool hits(uint64_t ipa, uint64_t base, uint64_t size)
{
	return base && plan_range_valid(base, size) &&
	       plan_overlaps(ipa, PLAN_NET_SIZE, base, size);
}

/* Whether the device page at @ipa hits anything else VM @vm sees. */
static bool page_clashes(const struct shikiri_plan *p,
			 const struct plan_arch *arch,
			 const struct shikiri_plan_vm *vm, uint64_t ipa)
{
	uint32_t shm_count = vm->shm_count < SHIKIRI_MAX_SHM ? vm->shm_count :
							       SHIKIRI_MAX_SHM;
	struct shikiri_range own[PLAN_VM_OWN_RANGES];
	unsigned count = plan_vm_own_ranges(vm, own);

	if (arch->hv_device(&p->board, ipa, PLAN_NET_SIZE) ||
	    arch->vm_device(vm, ipa, PLAN_NET_SIZE) ||
	    hits(ipa, vm->vpci_ecam_ipa, PLAN_VPCI_ECAM_SIZE))
		return true;
	for (unsigned r = 0; r < count; r++)
		if (plan_overlaps(ipa, PLAN_NET_SIZE, own[r].base, own[r].size))
			return true;
	for (uint32_t s = 0; s < shm_count; s++) {
		const struct shikiri_vm_shm *v = &vm->shm[s];

		if (hits(ipa, v->regs_ipa, PLAN_SHM_REGS_SIZE) ||
		    (v->region < p->shm_count &&
		     p->shm_count <= SHIKIRI_MAX_SHM &&
		     hits(ipa, v->ipa, p->shm[v->region].size)))
			return true;
	}
	return false;
}

/* Whether VM @vm already uses @intid for something else. */
static bool intid_taken(const struct shikiri_plan_vm *vm, uint32_t intid)
{
	uint32_t shm_count = vm->shm_count < SHIKIRI_MAX_SHM ? vm->shm_count :
							       SHIKIRI_MAX_SHM;

	if (plan_vm_intid_used(vm, intid))
		return true;
	/* A passthrough line's physical number too: its GIC line. */
	for (uint32_t s = 0; s < vm->irq_count; s++)
		if (vm->irq[s].phys == intid)
			return true;
	for (uint32_t s = 0; s < shm_count; s++)
		if (vm->shm[s].intid == intid)
			return true;
	return false;
}

static bool same_mac(const uint8_t *a, const uint8_t *b)
{
	for (unsigned k = 0; k < 6; k++)
		if (a[k] != b[k])
			return false;
	return true;
}

static const char *check_vm(const struct shikiri_plan *p,
			    const struct plan_arch *arch, uint32_t i)
{
	const struct shikiri_plan_vm *vm = &p->vm[i];
	const struct shikiri_vm_net *n = &vm->net;
	static const uint8_t zero_mac[6];

	if (!n->ipa)
		return plan_all_zero((const uint8_t *)n, sizeof(*n)) ?
			       NULL :
			       "network fields without a device";
	if (n->reserved[0] || n->reserved[1])
		return "reserved field not zero";
	if (!plan_aligned(n->ipa, PLAN_NET_SIZE) ||
	    !plan_range_valid(n->ipa, PLAN_NET_SIZE))
		return "misaligned network device";
	if (page_clashes(p, arch, vm, n->ipa))
		return "network device overlaps another range";
	if (!arch->irq_ok(&p->board, n->intid))
		return "network INTID out of range";
	if (intid_taken(vm, n->intid))
		return "network INTID already in use";
	if (n->lan >= p->lan_count)
		return "network on an unknown LAN";
	if ((n->mac[0] & 1) || same_mac(n->mac, zero_mac))
		return "network MAC not unicast";
	for (uint32_t j = 0; j < i; j++)
		if (p->vm[j].net.ipa && p->vm[j].net.lan == n->lan &&
		    same_mac(p->vm[j].net.mac, n->mac))
			return "network MAC used twice on a LAN";
	return NULL;
}

/**
 * plan_net_check() - The plan's LANs and each VM's network device.
 * @plan: a plan whose header and VM records passed the common checks.
 * @arch: the architecture's rules (devices, interrupt range).
 * @err: filled with the first reason for refusal.
 *
 * LANs: at most SHIKIRI_MAX_LANS, valid distinct names, unused entries
 * zero.  A VM without a device (net.ipa 0) has all its net fields zero;
 * one with a device has its page 4 KiB aligned and clear of the VM's RAM,
 * passthrough MMIO, management page, watchdog, virtual PCI ECAM,
 * shared-memory BARs, its arch devices and the hypervisor's; its INTID in
 * the arch's range and not the console's, a passthrough one, a PCI INTx or
 * a shared-memory doorbell of the VM; a known LAN; a unicast MAC, not
 * zero, unique on its LAN.
 *
 * Return: 0, or -HV_EINVAL.
 */
int plan_net_check(const struct shikiri_plan *plan,
		   const struct plan_arch *arch, struct plan_error *err)
{
	const char *why = check_lans(plan);

	if (why)
		return refuse(err, -1, why);
	for (uint32_t i = 0; i < plan->vm_count; i++) {
		why = check_vm(plan, arch, i);
		if (why)
			return refuse(err, (int)i, why);
	}
	return 0;
}
