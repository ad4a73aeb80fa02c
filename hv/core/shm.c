/* SPDX-License-Identifier: MIT */
/*
 * The shared-memory function (include/shikiri/shm.h): its register page,
 * doorbells between the VMs of a region, and its interrupt.
 *
 * The interrupt is an edge, sent when the function's request rises
 * (INTR_STATUS & INTR_MASK goes 0 -> 1) while INTx is enabled; a request
 * that rose while the guest had INTx disabled is owed, and sent when the
 * guest enables INTx again (uio_pci_generic's handler disables INTx, and
 * userspace enables it when done).  So a guest takes at most one
 * interrupt per acknowledgement it makes (a read of INTR_STATUS), however
 * often it is rung, and none is lost: a ring that finds the request up
 * already is seen at the next acknowledgement (RUNG_BY).  A request still
 * up when INTx is enabled again, and already sent, is not sent twice: the
 * guest acknowledges what it was woken for.  A ring costs the sender one
 * trapped write and the target one lock and, at most, one edge; it never
 * waits for the target.
 *
 * Lock order: the VM's vpci_bus.lock, then a shm_fn.lock, then the
 * target VM's vGIC.  No two shm_fn locks are held together: a ring takes
 * the target's only.
 */
#include <string.h>

#include "hv/arch/cpu.h"
#include "hv/arch/virq.h"
#include "hv/errno.h"
#include "hv/mmio.h"
#include "hv/print.h"
#include "hv/shm.h"
#include "hv/vm.h"
#include "shikiri/shm.h"

#define SHM_CLASS_REV (SHIKIRI_SHM_CLASS << 8 | 1u)
#define SHM_NAME_END (SHIKIRI_SHM_NAME + SHIKIRI_NAME_LEN)

static const struct shikiri_plan_shm *regions;
static uint32_t region_count;

const struct shikiri_plan_shm *shm_region(uint32_t idx)
{
	return idx < region_count ? &regions[idx] : NULL;
}

void shm_boot(const struct shikiri_plan *plan)
{
	regions = plan->shm;
	region_count = plan->shm_count;
	for (uint32_t i = 0; i < region_count; i++) {
		void *p = (void *)(uintptr_t)regions[i].pa;

		/*
		 * Whatever the previous owner of this RAM left, no VM sees it,
		 * MTE tags included; guests may map the region uncached
		 * (resource2).
		 */
		if (!arch_mem_scrub(p, regions[i].size))
			memset(p, 0, regions[i].size);
		arch_dcache_clean(p, regions[i].size);
	}
}

static void count(uint64_t *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/*
 * Recompute the request after a change of status, mask or INTx-disable,
 * and send the edge it rose for, now or, with INTx disabled, when it is
 * enabled again.  fn->lock held.
 */
static void update_line(struct shm_fn *fn)
{
	bool line = fn->status & fn->mask & 1;
	bool enabled = !(vpci_command(&fn->pci) & VPCI_CMD_INTX_DISABLE);

	if (line && !fn->line)
		fn->owed = true;
	else if (!line)
		fn->owed = false;
	if (fn->owed && enabled) {
		arch_virq_pulse(fn->vm, fn->rec->intid);
		fn->owed = false;
	}
	fn->line = line;
}

static struct shm_fn *fn_of(struct vm *vm, uint32_t region)
{
	for (unsigned i = 0; i < vm->shm.count; i++)
		if (vm->shm.fn[i].rec->region == region)
			return &vm->shm.fn[i];
	return NULL;
}

static void ring(struct shm_fn *from, unsigned peer)
{
	struct vm *vm = &vms[peer];
	struct shm_fn *to = fn_of(vm, from->rec->region);

	if (!to) {
		count(&from->stats.refused);
		return;
	}
	/*
	 * Never queued for a VM that is stopped or being reloaded: its next
	 * life starts with a clear status (shm_vm_reset()).  Looked at under
	 * the lock the reset takes, so a ring that raced the stop cannot
	 * land after the reset.
	 */
	spin_lock(&to->lock);
	if (!vm_running(vm)) {
		spin_unlock(&to->lock);
		count(&from->stats.dropped);
		return;
	}
	to->status |= 1;
	to->rung_by |= BIT(from->vm->id);
	update_line(to);
	spin_unlock(&to->lock);
	count(&to->stats.taken);
	count(&from->stats.sent);
}

static void doorbell(struct shm_fn *fn, uint32_t val)
{
	uint32_t peer = val >> 16, members = fn->region->vm_mask;

	if (val & 0xffff) {
		count(&fn->stats.refused); /* one vector only: INTx */
		return;
	}
	if (peer == SHIKIRI_SHM_PEER_ALL) {
		for (unsigned i = 0; i < vm_count; i++)
			if ((members & BIT(i)) && i != fn->vm->id)
				ring(fn, i);
		return;
	}
	if (peer >= vm_count || !(members & BIT(peer))) {
		count(&fn->stats.refused);
		return;
	}
	ring(fn, peer);
}

/* Read and clear @reg (INTR_STATUS or RUNG_BY); the line may fall. */
static uint32_t take(struct shm_fn *fn, uint32_t *reg)
{
	uint32_t v;

	spin_lock(&fn->lock);
	v = *reg;
	*reg = 0;
	update_line(fn);
	spin_unlock(&fn->lock);
	return v;
}

static uint64_t name_bytes(const struct shm_fn *fn, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	if (off < SHIKIRI_SHM_NAME || off + size > SHM_NAME_END)
		return 0;
	memcpy(&v, fn->region->name + (off - SHIKIRI_SHM_NAME), size);
	return v; /* little-endian, as the guest's load expects */
}

static int regs_read(struct vcpu *vcpu, void *priv, uint64_t off, unsigned size,
		     uint64_t *val)
{
	struct shm_fn *fn = priv;

	(void)vcpu;
	/* The registers are 32-bit; only the name may be read piecewise. */
	if (size != 4 || (off & 3)) {
		*val = (off & (size - 1)) ? 0 : name_bytes(fn, off, size);
		return 0;
	}
	switch (off) {
	case SHIKIRI_SHM_INTR_MASK:
		*val = __atomic_load_n(&fn->mask, __ATOMIC_RELAXED);
		break;
	case SHIKIRI_SHM_INTR_STATUS:
		*val = take(fn, &fn->status);
		break;
	case SHIKIRI_SHM_IV_POSITION:
		*val = fn->vm->id;
		break;
	case SHIKIRI_SHM_PEERS:
		*val = fn->region->vm_mask;
		break;
	case SHIKIRI_SHM_RUNG_BY:
		*val = take(fn, &fn->rung_by);
		break;
	case SHIKIRI_SHM_FLAGS:
		*val = (fn->rec->flags & SHIKIRI_SHM_READ_ONLY) ?
			       SHIKIRI_SHM_F_READ_ONLY :
			       0;
		break;
	default:
		*val = name_bytes(fn, off, size);
		break;
	}
	return 0;
}

static int regs_write(struct vcpu *vcpu, void *priv, uint64_t off,
		      unsigned size, uint64_t val)
{
	struct shm_fn *fn = priv;

	(void)vcpu;
	if (size != 4 || (off & 3))
		return 0;
	if (off == SHIKIRI_SHM_INTR_MASK) {
		spin_lock(&fn->lock);
		__atomic_store_n(&fn->mask, (uint32_t)val & 1,
				 __ATOMIC_RELAXED);
		update_line(fn);
		spin_unlock(&fn->lock);
	} else if (off == SHIKIRI_SHM_DOORBELL) {
		doorbell(fn, (uint32_t)val);
	}
	return 0;
}

static const struct mmio_ops regs_ops = { regs_read, regs_write };

/* PCI status bit 3: the function asks for an interrupt, INTx-disable or
 * not (PCI LB 3.0 6.2.3), which is what uio_pci_generic looks at. */
static bool pci_intx(struct vpci_fn *pci)
{
	struct shm_fn *fn = pci->priv;
	bool asks;

	spin_lock(&fn->lock);
	asks = fn->status & fn->mask & 1;
	spin_unlock(&fn->lock);
	return asks;
}

/* The guest (un)masked INTx: an interrupt still asked for goes out. */
static void pci_command(struct vpci_fn *pci, uint16_t old)
{
	struct shm_fn *fn = pci->priv;

	(void)old;
	spin_lock(&fn->lock);
	update_line(fn);
	spin_unlock(&fn->lock);
}

static const struct vpci_ops shm_pci_ops = {
	.intx = pci_intx,
	.command = pci_command,
};

static void log_fn(const struct vm *vm, const struct shm_fn *fn)
{
	uint64_t size = fn->region->size;
	bool mib = !(size & ((1u << 20) - 1));

	hv_log("vm %s: shm %s %lu %s at IPA 0x%lx (PA 0x%lx) %s, doorbell "
	       "INTID %u",
	       vm->name, fn->region->name, mib ? size >> 20 : size >> 10,
	       mib ? "MiB" : "KiB", fn->rec->ipa, fn->region->pa,
	       (fn->rec->flags & SHIKIRI_SHM_READ_ONLY) ? "ro" : "rw",
	       fn->rec->intid);
}

static int add_fn(struct vm *vm, struct shm_fn *fn,
		  const struct shikiri_vm_shm *rec)
{
	const struct shikiri_plan_shm *region = shm_region(rec->region);
	int ret;

	if (!region)
		return -HV_EINVAL;
	*fn = (struct shm_fn){ .vm = vm, .rec = rec, .region = region };
	fn->pci = (struct vpci_fn){
		.devfn = (uint8_t)rec->devfn,
		.ops = &shm_pci_ops,
		.priv = fn,
		.hdr = {
			.vendor = SHIKIRI_SHM_VENDOR,
			.device = SHIKIRI_SHM_DEVICE,
			.class_rev = SHM_CLASS_REV,
			.subsys_vendor = SHIKIRI_SHM_SUBSYS_VENDOR,
			.subsys_id = SHIKIRI_SHM_SUBSYS_ID,
			.int_pin = 1,
			.bar[0] = { rec->regs_ipa, SHIKIRI_SHM_REGS_SIZE, 0 },
			.bar[2] = { rec->ipa, region->size,
				    VPCI_BAR_MEM64 | VPCI_BAR_PREFETCH },
		},
	};
	ret = vpci_add(&vm->vpci, &fn->pci);
	if (!ret)
		ret = mmio_register(&vm->mmio, rec->regs_ipa,
				    SHIKIRI_SHM_REGS_SIZE, &regs_ops, fn);
	if (!ret)
		ret = arch_virq_add(vm, rec->intid);
	return ret;
}

int shm_vm_init(struct vm *vm)
{
	const struct shikiri_plan_vm *p = vm->plan;
	int ret = 0;

	vm->shm.count = 0;
	for (uint32_t i = 0; !ret && i < p->shm_count; i++) {
		ret = add_fn(vm, &vm->shm.fn[i], &p->shm[i]);
		if (!ret) {
			vm->shm.count++;
			log_fn(vm, &vm->shm.fn[i]);
		}
	}
	return ret;
}

void shm_vm_reset(struct vm *vm)
{
	for (unsigned i = 0; i < vm->shm.count; i++) {
		struct shm_fn *fn = &vm->shm.fn[i];

		/* A ring from a peer may land at any moment: under the lock. */
		spin_lock(&fn->lock);
		__atomic_store_n(&fn->mask, 0, __ATOMIC_RELAXED);
		fn->status = 0;
		fn->rung_by = 0;
		fn->line = false;
		fn->owed = false;
		spin_unlock(&fn->lock);
	}
}

void shm_log_stats(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->shm.count; i++) {
		const struct shm_fn *fn = &vm->shm.fn[i];
		const struct shm_stats *s = &fn->stats;

		hv_log("vm %s: shm %s: slot 00:%02x.%x %s, rings sent=%lu "
		       "taken=%lu dropped=%lu refused=%lu",
		       vm->name, fn->region->name, fn->rec->devfn >> 3,
		       fn->rec->devfn & 7,
		       (fn->rec->flags & SHIKIRI_SHM_READ_ONLY) ? "ro" : "rw",
		       __atomic_load_n(&s->sent, __ATOMIC_RELAXED),
		       __atomic_load_n(&s->taken, __ATOMIC_RELAXED),
		       __atomic_load_n(&s->dropped, __ATOMIC_RELAXED),
		       __atomic_load_n(&s->refused, __ATOMIC_RELAXED));
	}
}
