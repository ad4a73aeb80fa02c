/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3 ITS and LPIs (IHI0069 chapters 5 and 6), set up once
 * at boot on the boot CPU and never changed: which DeviceID may raise
 * which LPI is fixed by the plan, so a guest has nothing to program here.
 * A function's DeviceID comes from the bus (its RID + the board's
 * devid_base), so a device can raise only its own VM's LPIs whatever it
 * writes; an EventID it was not given has no translation and is dropped
 * by the ITS.  Every function of a VM maps its events to the same LPIs:
 * the guest gives each of its MSIs a distinct INTID (the MBI range), so
 * which of its devices sends which event is the guest's affair alone.
 *
 * Memory: the tables are the hypervisor's own (bss), which no VM maps and
 * the SMMU gives no device.  They are written with the ITS and the
 * redistributors asked for inner-shareable write-back accesses, and
 * cleaned to the point of coherency too, for a GIC that takes them
 * non-cacheable.  Only 4 KiB ITS table pages are supported.
 *
 * Locking: none; everything but its_lpi() runs on the boot CPU before the
 * VMs run, and its_lpi() only reads what that wrote.
 */
#include <string.h>

#include "arch/gic.h"
#include "arch/its.h"
#include "arch/smmu.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/arch/virq.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "sysreg.h"

/* Redistributor LPI registers (IHI0069 12.11). */
#define GICR_PROPBASER 0x0070u
#define GICR_PENDBASER 0x0078u
#define GICR_CTLR_ENABLE_LPIS BIT(0)
#define GICR_TYPER_PLPIS BIT(0)
#define GICD_TYPER_LPIS BIT(17)
#define PENDBASER_PTZ BIT(62)

/* Inner-shareable, read/write-allocate write-back: *BASER fields. */
#define BASER_IWB (7ull << 59)
#define BASER_ISH (1ull << 10)
#define BASER_VALID BIT(63)
#define REG_IWB (7ull << 7) /* PROPBASER / PENDBASER InnerCache */
#define SHAREABILITY (3ull << 10)

#define GITS_CTLR_ENABLED BIT(0)
#define GITS_CTLR_QUIESCENT BIT(31)
#define GITS_TYPER_PTA BIT(19)
#define GITS_BASER_COUNT 8u
#define GITS_BASER_DEVICES 1u
#define GITS_BASER_COLLECTIONS 4u

/*
 * LPI INTIDs below 2^14: 8192 LPIs, of which the VMs use
 * SHIKIRI_MAX_VMS * ITS_MAX_MSIS.  The property table has a byte per LPI.
 */
#define LPI_ID_BITS 14u
#define PROP_SIZE ((1u << LPI_ID_BITS) - ITS_LPI_BASE)
#define PEND_ALIGN 0x10000u /* GICR_PENDBASER holds bits [51:16] */
#define CMDQ_SIZE 0x1000u
#define DT_SIZE 0x4000u
#define CT_SIZE 0x1000u
/* One ITT per function: ITS_MAX_MSIS entries of at most 16 bytes. */
#define ITT_SIZE (ITS_MAX_MSIS * 16u)
#define ITS_MAX_DEVICES 32u
#define CMD_TIMEOUT_MS 100u

static uint8_t prop_table[PROP_SIZE] __attribute__((aligned(4096)));
/* Each CPU's pending table: 2 KiB used of each 64 KiB aligned slot. */
static uint8_t pend_table[HV_MAX_CPUS][PEND_ALIGN]
	__attribute__((aligned(PEND_ALIGN)));
static struct its_cmd cmdq[CMDQ_SIZE / ITS_CMD_SIZE]
	__attribute__((aligned(4096)));
static uint8_t dev_table[DT_SIZE] __attribute__((aligned(4096)));
static uint8_t coll_table[CT_SIZE] __attribute__((aligned(4096)));
static uint8_t itt[ITS_MAX_DEVICES][ITT_SIZE] __attribute__((aligned(256)));

static struct {
	uint64_t base;	   /**< GITS_* frame, 0: no ITS (or it failed) */
	bool pta;	   /**< RDbase is an address, not a CPU number */
	uint32_t cwriter;  /**< our next command's byte offset */
	unsigned itt_used; /**< ITTs handed out */
	unsigned lpi_vms;  /**< VMs with LPIs mapped (dispatch bound) */
} its;

static inline volatile uint32_t *reg32(uint64_t addr)
{
	return (volatile uint32_t *)(uintptr_t)addr;
}

static inline volatile uint64_t *reg64(uint64_t addr)
{
	return (volatile uint64_t *)(uintptr_t)addr;
}

static uint64_t pa_of(const void *p)
{
	/* The hypervisor's map is VA = PA (mmu.c). */
	return (uint64_t)(uintptr_t)p;
}

static bool wait_until(bool (*done)(void))
{
	uint64_t end =
		arch_counter() + console_clock_hz() / 1000u * CMD_TIMEOUT_MS;

	while (!done())
		if (arch_counter() > end)
			return false;
	return true;
}

static bool its_quiescent(void)
{
	return *reg32(its.base + GITS_CTLR) & GITS_CTLR_QUIESCENT;
}

static bool queue_drained(void)
{
	return (*reg64(its.base + GITS_CREADR) & 0xfffe0u) == its.cwriter;
}

/* Send @n commands and wait until the ITS has consumed them all. */
static int its_send(const struct its_cmd *c, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t rd = (uint32_t)*reg64(its.base + GITS_CREADR) &
			      0xfffe0u;

		if (!its_queue_free(CMDQ_SIZE, rd, its.cwriter) &&
		    !wait_until(queue_drained))
			return -HV_EBUSY;
		cmdq[its.cwriter / ITS_CMD_SIZE] = c[i];
		arch_dcache_clean(&cmdq[its.cwriter / ITS_CMD_SIZE],
				  ITS_CMD_SIZE);
		its.cwriter = (its.cwriter + ITS_CMD_SIZE) % CMDQ_SIZE;
	}
	dsb(sy);
	*reg64(its.base + GITS_CWRITER) = its.cwriter;
	if (!wait_until(queue_drained)) {
		hv_log("ITS: command queue stuck (GITS_CREADR 0x%lx)",
		       *reg64(its.base + GITS_CREADR));
		return -HV_EBUSY;
	}
	return 0;
}

/* The RDbase of CPU @pcpu's redistributor as MAPC and SYNC take it. */
static uint64_t rdbase_of(unsigned pcpu)
{
	uint64_t rd = gic_redist_base(pcpus[pcpu].hw_id);

	if (its.pta)
		return rd >> 16;
	return (*reg64(rd + GICR_TYPER) >> 8) & 0xffffu;
}

/*
 * Give table @n (GITS_BASER<n>) @mem of @size bytes, flat, 4 KiB pages.
 * Return: 0, or -HV_EINVAL when the ITS does not take it as written.
 */
static int set_table(unsigned n, void *mem, uint32_t size)
{
	uint64_t reg = its.base + GITS_BASER + n * 8u;
	uint64_t want = BASER_VALID | BASER_IWB | BASER_ISH | pa_of(mem) |
			(size / 4096u - 1u);
	uint64_t got;

	*reg64(reg) = (*reg64(reg) & (7ull << 56 | 0x1full << 48)) | want;
	got = *reg64(reg);
	if ((got & ~(7ull << 56 | 0x1full << 48 | SHAREABILITY | 7ull << 59)) !=
	    (want & ~(SHAREABILITY | 7ull << 59))) {
		hv_log("ITS: table %u not taken (GITS_BASER 0x%lx)", n, got);
		return -HV_EINVAL;
	}
	arch_dcache_clean(mem, size);
	return 0;
}

/* Device and collection tables; none for other kinds (vPEs: unused). */
static int set_tables(const struct shikiri_plan_board *board)
{
	/* Bus 0 only on this arch (plan checks): RIDs 0..255. */
	uint32_t max_devid = board->pci.devid_base + 0xffu;
	int ret = 0;

	for (unsigned n = 0; n < GITS_BASER_COUNT && !ret; n++) {
		uint64_t v = *reg64(its.base + GITS_BASER + n * 8u);
		unsigned type = (v >> 56) & 7u;
		unsigned esz = ((v >> 48) & 0x1fu) + 1u;

		if (type == GITS_BASER_DEVICES) {
			if ((uint64_t)(max_devid + 1u) * esz > DT_SIZE) {
				hv_log("ITS: DeviceID 0x%x beyond its table",
				       max_devid);
				return -HV_ERANGE;
			}
			ret = set_table(n, dev_table, DT_SIZE);
		} else if (type == GITS_BASER_COLLECTIONS) {
			if (board->cpu_count * esz > CT_SIZE)
				return -HV_ERANGE;
			ret = set_table(n, coll_table, CT_SIZE);
		}
	}
	return ret;
}

int its_init(const struct shikiri_plan_board *board)
{
	struct its_cmd c[SHIKIRI_MAX_CPUS + 1];
	unsigned n = 0;
	int ret;

	memset(&its, 0, sizeof(its));
	memset(prop_table, 0, sizeof(prop_table));
	if (!board->hw.aarch64.its_base)
		return 0;
	if (!(gic_dist_read(GICD_TYPER) & GICD_TYPER_LPIS) ||
	    ((gic_dist_read(GICD_TYPER) >> 19) & 0x1fu) + 1u < LPI_ID_BITS) {
		hv_log("ITS: the distributor has no LPIs; no MSIs");
		return -HV_EINVAL;
	}
	its.base = board->hw.aarch64.its_base;
	/* Tables may change only while the ITS is disabled and quiet. */
	*reg32(its.base + GITS_CTLR) = 0;
	if (!wait_until(its_quiescent)) {
		its.base = 0;
		return -HV_EBUSY;
	}
	its.pta = *reg64(its.base + GITS_TYPER) & GITS_TYPER_PTA;
	ret = set_tables(board);
	for (unsigned i = 0; i < board->cpu_count && !ret; i++)
		if (!gic_redist_base(pcpus[i].hw_id)) {
			hv_log("ITS: CPU %u has no redistributor", i);
			ret = -HV_ENOENT;
		}
	if (ret) {
		its.base = 0;
		return ret;
	}
	arch_dcache_clean(cmdq, sizeof(cmdq));
	*reg64(its.base + GITS_CBASER) = BASER_VALID | BASER_IWB | BASER_ISH |
					 pa_of(cmdq) | (CMDQ_SIZE / 4096u - 1u);
	*reg64(its.base + GITS_CWRITER) = 0;
	its.cwriter = 0;
	*reg32(its.base + GITS_CTLR) = GITS_CTLR_ENABLED;
	for (unsigned i = 0; i < board->cpu_count; i++)
		c[n++] = its_cmd_mapc((uint16_t)i, rdbase_of(i));
	c[n++] = its_cmd_sync(rdbase_of(0));
	ret = its_send(c, n);
	if (ret) {
		*reg32(its.base + GITS_CTLR) = 0;
		its.base = 0;
		return ret;
	}
	hv_log("ITS at 0x%lx: %u collections, LPIs from %u",
	       board->hw.aarch64.its_base, board->cpu_count, ITS_LPI_BASE);
	return 0;
}

void its_init_cpu(unsigned pcpu)
{
	uint64_t rd;

	if (!its.base || pcpu >= HV_MAX_CPUS)
		return;
	rd = gic_redist_base(pcpus[pcpu].hw_id);
	if (!rd)
		return;
	/* Its tables may not change once LPIs are on (IHI0069 12.11.2). */
	if (*reg32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS)
		return;
	if (!(*reg64(rd + GICR_TYPER) & GICR_TYPER_PLPIS)) {
		hv_log("CPU %u: redistributor without LPIs: no MSIs here",
		       pcpu);
		return;
	}
	/*
	 * The property table is shared by every redistributor and complete
	 * before the first one enables LPIs (its_vm_init() runs before any
	 * CPU's set-up), so no LPI configuration is ever cached stale.
	 */
	arch_dcache_clean(prop_table, sizeof(prop_table));
	arch_dcache_clean(pend_table[pcpu], 1u << (LPI_ID_BITS - 3u));
	*reg64(rd + GICR_PROPBASER) = pa_of(prop_table) | REG_IWB | BASER_ISH |
				      (LPI_ID_BITS - 1u);
	*reg64(rd + GICR_PENDBASER) = PENDBASER_PTZ | pa_of(pend_table[pcpu]) |
				      REG_IWB | BASER_ISH;
	dsb(sy);
	*reg32(rd + GICR_CTLR) |= GICR_CTLR_ENABLE_LPIS;
	dsb(sy);
}

/* Map @devid's events 0..@count-1 to VM @idx's LPIs on collection @icid. */
static int map_device(uint32_t devid, unsigned idx, uint32_t count,
		      uint16_t icid)
{
	struct its_cmd c[ITS_MAX_MSIS + 2];
	unsigned n = 0;

	if (its.itt_used == ITS_MAX_DEVICES) {
		hv_log("ITS: more than %u functions with MSIs",
		       ITS_MAX_DEVICES);
		return -HV_ENOMEM;
	}
	arch_dcache_clean(itt[its.itt_used], ITT_SIZE);
	c[n++] = its_cmd_mapd(devid, pa_of(itt[its.itt_used++]),
			      its_event_bits(count));
	for (uint32_t e = 0; e < count; e++)
		c[n++] = its_cmd_mapti(devid, e, its_lpi_of(idx, e), icid);
	c[n++] = its_cmd_sync(rdbase_of(icid));
	return its_send(c, n);
}

/*
 * The functions' SMMU view of the VM maps the vGICD's page to the ITS
 * translater page, so they send the guest's own MBI address unchanged;
 * without an SMMU they get GITS_TRANSLATER itself.
 */
static int set_doorbell(struct vm *vm)
{
	uint64_t gicd_page = vm->arch.vgic.gicd_ipa;
	int ret;

	if (!hv_board->hw.aarch64.smmu_base) {
		vm->arch.msi_doorbell = its.base + GITS_TRANSLATER;
		return 0;
	}
	ret = smmu_map_msi(vm, gicd_page, its.base + GITS_TRANSLATER_FRAME);
	if (!ret)
		vm->arch.msi_doorbell = gicd_page + GICD_SETSPI_NSR;
	return ret;
}

int its_vm_init(struct vm *vm)
{
	const struct shikiri_plan_vm *p = vm->plan;
	uint32_t first = p->arch.aarch64.msi_intid;
	uint32_t count = p->arch.aarch64.msi_count;
	uint16_t icid = (uint16_t)vm->vcpu[0].pcpu;
	int ret = 0;

	vm->arch.msi_doorbell = 0;
	if (!count)
		return 0;
	if (!its.base || count > ITS_MAX_MSIS || vm->id >= SHIKIRI_MAX_VMS) {
		hv_log("vm %s: %u MSIs but %s", vm->name, count,
		       its.base ? "at most 64" : "no working ITS");
		return -HV_EINVAL;
	}
	for (uint32_t e = 0; e < count && !ret; e++)
		ret = arch_virq_add(vm, first + e);
	if (ret) {
		hv_log("vm %s: MSI INTIDs %u..%u are not free SPIs", vm->name,
		       first, first + count - 1);
		return ret;
	}
	for (uint32_t e = 0; e < count; e++)
		prop_table[its_lpi_of(vm->id, e) - ITS_LPI_BASE] =
			GIC_HV_PRIORITY | 1u;
	arch_dcache_clean(prop_table, sizeof(prop_table));
	for (unsigned i = 0; i < p->pci_count && !ret; i++)
		ret = map_device(p->pci[i].bdf + hv_board->pci.devid_base,
				 vm->id, count, icid);
	if (!ret)
		ret = set_doorbell(vm);
	if (ret)
		return ret;
	if (vm->id >= its.lpi_vms)
		its.lpi_vms = vm->id + 1;
	hv_log("vm %s: MSIs %u..%u: LPIs %u..%u of %u functions on CPU %u, "
	       "doorbell 0x%lx",
	       vm->name, first, first + count - 1, its_lpi_of(vm->id, 0),
	       its_lpi_of(vm->id, count - 1), p->pci_count, icid,
	       vm->arch.msi_doorbell);
	return 0;
}

void its_lpi(uint32_t intid)
{
	uint32_t n = intid - ITS_LPI_BASE;
	struct vm *vm;

	if (intid < ITS_LPI_BASE || n / ITS_MAX_MSIS >= its.lpi_vms)
		return;
	vm = &vms[n / ITS_MAX_MSIS];
	/*
	 * A stopped VM's functions were reset (MSI off); what was still in
	 * flight is dropped rather than left pending for its next life.
	 */
	if (n % ITS_MAX_MSIS >= vm->plan->arch.aarch64.msi_count ||
	    !vm_running(vm))
		return;
	arch_virq_pulse(vm,
			vm->plan->arch.aarch64.msi_intid + n % ITS_MAX_MSIS);
}
