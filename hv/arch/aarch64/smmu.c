/* SPDX-License-Identifier: MIT */
/*
 * The SMMUv3 in front of the PCI host bridge, owned by the hypervisor
 * (no guest's device tree shows it).  A linear stream table covers bus 0
 * and every entry is valid: a stream a VM owns translates through that
 * VM's DMA table, every other one through an empty table, so its DMA
 * aborts and the SMMU reports it.  A VM's DMA table maps its RAM (IPA ->
 * PA, normal memory) and, with an ITS, the one page its devices' MSIs are
 * written to; nothing else: not the hypervisor, not another VM, not the
 * VM's shared-memory regions, not any device's registers.
 *
 * Stage 1 where the SMMU has no stage 2 (QEMU 7.2): one Context Descriptor
 * per VM, ASID = VM index + 1, pages non-global.  Stage 2 where it has
 * one: STE.S2VMID = VM index + 1.  Both use a table built here, apart from
 * the CPU's stage 2 (which also maps devices and shared memory).
 *
 * Faults arrive in the event queue, whose interrupt goes to the boot CPU:
 * each is logged (rate-limited), counted in the VM's `stats`, and handed
 * to the VM's on-fault policy (reflect: the device's access aborted,
 * nothing more; stop or restart: that VM alone).
 *
 * Locking: tables and owners are written on the boot CPU before
 * smmu_enable() and never after; the event queue is read only by the boot
 * CPU, from its interrupt.
 */
#include <string.h>

#include "arch/gic.h"
#include "arch/pgtable.h"
#include "arch/smmu.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/drivers/smmuv3.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"

#define SID_BITS 8u /* SMMU_STREAMS */
#define CMDQ_LOG2 8u
#define EVTQ_LOG2 7u
/* Lines logged per VM per second; the rest are counted and summarized. */
#define LOG_BURST 5u

enum smmu_state {
	SMMU_NONE,   /* the board has none: nothing to do */
	SMMU_BROKEN, /* it has one that did not come up */
	SMMU_READY,  /* set up, streams being attached, translation off */
	SMMU_ON,
};

struct ratelimit {
	uint64_t window; /* counter value where the current second began */
	unsigned lines;	 /* logged in it */
	uint64_t dropped;
};

/** A VM's DMA view. */
struct smmu_domain {
	bool built;
	struct pgtable pt;
	struct ratelimit log;
};

static enum smmu_state state;
static struct smmuv3 smmu;
static struct page_pool *pages;
static uint32_t sid_base;
static uint32_t evtq_intid, gerror_intid;
static uint64_t irq_target; /* MPIDR of the boot CPU */
static struct vm *owner[SMMU_STREAMS];
static struct smmu_domain domains[SHIKIRI_MAX_VMS];
static struct pgtable blocked; /* empty: every walk faults */
static struct ratelimit unowned_log;

/* The linear table and the queues are aligned to their size (6.3.24). */
static uint64_t strtab[SMMU_STREAMS * SMMUV3_STE_DWORDS]
	__attribute__((aligned(SMMU_STREAMS * SMMUV3_STE_DWORDS * 8)));
static uint64_t cmdq[(1u << CMDQ_LOG2) * SMMUV3_CMD_DWORDS]
	__attribute__((aligned(4096)));
static uint64_t evtq[(1u << EVTQ_LOG2) * SMMUV3_EVT_DWORDS]
	__attribute__((aligned(4096)));
/* Stage 1: CD 0 is the blocked streams', CD i + 1 VM i's. */
static uint64_t cds[SHIKIRI_MAX_VMS + 1][SMMUV3_CD_DWORDS]
	__attribute__((aligned(64)));

static void blocked_ste(uint64_t ste[SMMUV3_STE_DWORDS])
{
	if (smmu.stage2)
		smmuv3_ste_s2(&smmu, ste, 0, (uintptr_t)blocked.root);
	else
		smmuv3_ste_s1(ste, (uintptr_t)cds[0]);
}

int smmu_init(const struct shikiri_plan_board *board, unsigned boot_pcpu,
	      struct page_pool *pool)
{
	uint64_t base = board->hw.aarch64.smmu_base;
	uint64_t ste[SMMUV3_STE_DWORDS];
	const char *why = NULL;
	int ret;

	state = SMMU_NONE;
	memset(owner, 0, sizeof(owner));
	memset(domains, 0, sizeof(domains));
	unowned_log = (struct ratelimit){ 0 };
	if (!base)
		return 0;
	state = SMMU_BROKEN;
	pages = pool;
	sid_base = board->pci.sid_base;
	evtq_intid = board->hw.aarch64.smmu_evtq_intid;
	gerror_intid = board->hw.aarch64.smmu_gerror_intid;
	irq_target = board->cpu_id[boot_pcpu];
	/* A linear table of bus 0's 256 streams starts at StreamID 0. */
	if (sid_base) {
		hv_log("smmu: StreamIDs from 0x%x need a 2-level stream table: "
		       "not supported",
		       sid_base);
		return -HV_EINVAL;
	}
	ret = smmuv3_probe(&smmu, base, &why);
	if (ret) {
		hv_log("smmu: SMMUv3 at 0x%lx not usable: %s", base, why);
		return ret;
	}
	ret = pgtable_init(&blocked,
			   smmu.stage2 ? PGTABLE_STAGE2 : PGTABLE_STAGE1_DMA,
			   pool);
	if (ret)
		return ret;
	smmuv3_cd_s1(&smmu, cds[0], 0, (uintptr_t)blocked.root,
		     PGTABLE_STAGE1_MAIR);
	blocked_ste(ste);
	for (unsigned i = 0; i < SMMU_STREAMS; i++)
		for (unsigned w = 0; w < SMMUV3_STE_DWORDS; w++)
			strtab[i * SMMUV3_STE_DWORDS + w] = ste[w];
	ret = smmuv3_setup(&smmu, strtab, SID_BITS, cmdq, CMDQ_LOG2, evtq,
			   EVTQ_LOG2);
	if (ret) {
		hv_log("smmu: SMMUv3 at 0x%lx did not take its tables (%d)",
		       base, ret);
		return ret;
	}
	state = SMMU_READY;
	hv_log("smmu: SMMUv3 at 0x%lx, stage %u, StreamIDs 0-%u, DMA of "
	       "unowned streams blocked",
	       base, smmu.stage2 ? 2u : 1u, SMMU_STREAMS - 1);
	return 0;
}

/* @vm's DMA table and, at stage 1, its Context Descriptor: built once. */
static struct smmu_domain *domain_of(struct vm *vm)
{
	const struct shikiri_plan_vm *p = vm->plan;
	struct smmu_domain *d = &domains[vm->id];
	int ret;

	if (d->built)
		return d;
	ret = pgtable_init(&d->pt,
			   smmu.stage2 ? PGTABLE_STAGE2 : PGTABLE_STAGE1_DMA,
			   pages);
	for (unsigned i = 0; !ret && i < p->ram_count; i++)
		ret = pgtable_map(&d->pt, p->ram[i].ipa, p->ram[i].pa,
				  p->ram[i].size, PGTABLE_MEM_NORMAL);
	if (ret)
		return NULL;
	smmuv3_cd_s1(&smmu, cds[vm->id + 1], (uint16_t)(vm->id + 1),
		     (uintptr_t)d->pt.root, PGTABLE_STAGE1_MAIR);
	d->built = true;
	return d;
}

int smmu_attach(struct vm *vm, uint32_t sid)
{
	uint64_t ste[SMMUV3_STE_DWORDS];
	struct smmu_domain *d;
	uint32_t i = sid - sid_base;
	int ret;

	if (state == SMMU_NONE)
		return 0;
	if (state != SMMU_READY)
		return -HV_EBUSY;
	if (sid < sid_base || i >= SMMU_STREAMS)
		return -HV_ERANGE;
	if (owner[i] && owner[i] != vm)
		return -HV_EBUSY;
	d = domain_of(vm);
	if (!d)
		return -HV_ENOMEM;
	if (smmu.stage2)
		smmuv3_ste_s2(&smmu, ste, (uint16_t)(vm->id + 1),
			      (uintptr_t)d->pt.root);
	else
		smmuv3_ste_s1(ste, (uintptr_t)cds[vm->id + 1]);
	ret = smmuv3_ste_write(&smmu, sid, ste);
	if (ret)
		return ret;
	owner[i] = vm;
	vm->pci.dma_confined = true;
	return 0;
}

int smmu_map_msi(struct vm *vm, uint64_t iova, uint64_t pa)
{
	const struct shikiri_plan_vm *p = vm->plan;
	struct smmu_domain *d;

	if (state == SMMU_NONE)
		return 0;
	if (state != SMMU_READY)
		return -HV_EBUSY;
	if (!IS_ALIGNED(iova, SZ_4K) || !IS_ALIGNED(pa, SZ_4K))
		return -HV_EINVAL;
	/* A device page over the VM's RAM would hide part of it from DMA. */
	for (unsigned i = 0; i < p->ram_count; i++)
		if (iova - p->ram[i].ipa < p->ram[i].size)
			return -HV_EINVAL;
	d = domain_of(vm);
	if (!d)
		return -HV_ENOMEM;
	return pgtable_map(&d->pt, iova, pa, SZ_4K, PGTABLE_MEM_DEVICE);
}

static void irq_on(uint32_t intid)
{
	if (!intid)
		return;
	gic_spi_set_edge(intid, true);
	gic_spi_route(intid, irq_target);
	gic_spi_enable(intid, true);
}

int smmu_enable(void)
{
	unsigned streams = 0;
	int ret;

	if (state == SMMU_NONE || state == SMMU_ON)
		return 0;
	/*
	 * One that did not come up failed every smmu_attach(), and with it
	 * the plan: reaching here, no VM owns a PCI function.
	 */
	if (state == SMMU_BROKEN) {
		hv_log("smmu: not in use: no VM owns a PCI function");
		return 0;
	}
	for (unsigned i = 0; i < SMMU_STREAMS; i++)
		streams += owner[i] != NULL;
	irq_on(evtq_intid);
	irq_on(gerror_intid);
	ret = smmuv3_enable(&smmu);
	if (ret) {
		state = SMMU_BROKEN;
		hv_log("smmu: translation did not turn on (%d)", ret);
		return streams ? ret : 0;
	}
	state = SMMU_ON;
	hv_log("smmu: on, %u streams owned by VMs", streams);
	return 0;
}

/*
 * At most LOG_BURST lines per second per source; the first line after a
 * quiet spell says how many were not logged.
 */
static bool may_log(struct ratelimit *r, uint64_t *dropped)
{
	uint64_t now = arch_counter(), hz = console_clock_hz();

	if (!hz || now - r->window >= hz) {
		r->window = now;
		r->lines = 0;
	}
	if (r->lines >= LOG_BURST) {
		r->dropped++;
		return false;
	}
	r->lines++;
	*dropped = r->dropped;
	r->dropped = 0;
	return true;
}

static const char *policy_name(uint32_t policy)
{
	return policy == SHIKIRI_POLICY_RESTART ? "restart" :
	       policy == SHIKIRI_POLICY_REFLECT ? "reflect" :
						  "stop";
}

static void log_fault(const struct vm *vm, uint32_t rid,
		      const struct smmuv3_event *ev, uint64_t dropped)
{
	char dev[16], at[32] = "", more[48] = "";

	print_snprintf(dev, sizeof(dev), "%02x:%02x.%x", (rid >> 8) & 0xffu,
		       (rid >> 3) & 0x1fu, rid & 7u);
	if (ev->has_addr)
		print_snprintf(at, sizeof(at), " at IPA 0x%lx", ev->addr);
	if (dropped)
		print_snprintf(more, sizeof(more),
			       "; %lu earlier faults not logged", dropped);
	if (!vm)
		hv_log("DMA from unowned device %s blocked (%s)%s", dev,
		       smmuv3_event_name(ev->type), more);
	else
		hv_log("vm %s: DMA fault: device %s%s (%s), on-fault %s%s",
		       vm->name, dev, at, smmuv3_event_name(ev->type),
		       policy_name(vm->plan->on_fault), more);
}

/* One event record: to the VM that owns its stream, or to none. */
static void fault(const struct smmuv3_event *ev)
{
	uint32_t rid = ev->sid - sid_base;
	struct vm *vm = ev->sid >= sid_base && rid < SMMU_STREAMS ? owner[rid] :
								    NULL;
	uint64_t dropped;

	if (may_log(vm ? &domains[vm->id].log : &unowned_log, &dropped))
		log_fault(vm, rid, ev, dropped);
	if (!vm)
		return;
	vm->pci.dma_faults++;
	/*
	 * Reflect: the device's transaction was aborted, which its driver
	 * sees; a DMA fault belongs to no vCPU, so there is nothing to
	 * inject.  A VM already stopping is left alone: its devices' faults
	 * until they are held are part of the same story.
	 */
	if (vm->plan->on_fault != SHIKIRI_POLICY_REFLECT && vm_running(vm))
		vm_request_policy(vm, VM_CAUSE_FAULT);
}

static void drain_events(void)
{
	uint64_t rec[SMMUV3_EVT_DWORDS];
	struct smmuv3_event ev;
	bool lost;
	unsigned n;

	/* A queue's worth per interrupt: a device may keep faulting. */
	for (n = 0; n < (1u << EVTQ_LOG2); n++) {
		bool got = smmuv3_evtq_pop(&smmu, rec, &lost);

		if (lost)
			hv_log("smmu: event queue overflowed: DMA faults "
			       "were lost");
		if (!got)
			return;
		smmuv3_event_decode(rec, &ev);
		fault(&ev);
	}
	/* More may be waiting with no new edge to say so: come back. */
	gic_set_pending(evtq_intid, true);
}

static void global_errors(void)
{
	uint32_t active = smmuv3_gerror_take(&smmu);

	/*
	 * An event queue abort is what QEMU raises when its queue is full
	 * (where the architecture sets OVFLG): records were lost either way.
	 */
	if (active & GERROR_EVENTQ_ABT)
		hv_log("smmu: global error 0x%x: event queue write aborted, "
		       "DMA faults were lost",
		       active);
	else if (active)
		hv_log("smmu: global error 0x%x (GERROR)", active);
}

bool smmu_irq(uint32_t intid)
{
	if (state != SMMU_ON || !intid)
		return false;
	if (intid == evtq_intid)
		drain_events();
	else if (intid == gerror_intid)
		global_errors();
	else
		return false;
	return true;
}
