// SPDX-License-Identifier: MIT
/*
 * What an aarch64 plan needs beyond the common checks: a GICv3 with a
 * redistributor per CPU, a PL011 console with an SPI, the timer and
 * maintenance PPIs, no more CPUs than the hypervisor has stacks for, a
 * DTB per VM, and for PCI passthrough (docs/pci.md) the board's SMMUv3 and
 * ITS where it has them, each VM's functions on its virtual bus 0, their
 * BAR windows and MSI range.  Pure, like hv/core/plan_check.c;
 * shikiri-build links it too.
 */
#include <stddef.h>

#include "asm_defs.h"
#include "hv/plan_check.h"
#include "hv/seed.h"

#define PLAN_GICD_SIZE 0x10000ull
#define PLAN_UART_SIZE 0x1000ull
#define PLAN_PPI_FIRST 16u
#define PLAN_PPI_LAST 31u
/* The PPIs the hypervisor uses as fixed numbers (SBSA): its own timer and
 * the EL1 timers it hands to guests (hv/arch/aarch64/vgic_v3.c). */
#define PLAN_PPI_HYP_TIMER 26u
#define PLAN_PPI_VIRT_TIMER 27u
#define PLAN_PPI_PHYS_TIMER 30u
/* "okay" or "fail" with its NUL. */
#define PLAN_PMU_STATUS_SIZE 5u
#define PLAN_FRAME_ALIGN 0x10000ull
#define PLAN_SMMU_SIZE 0x20000ull /* SMMUv3: register pages 0 and 1 */
#define PLAN_ITS_SIZE 0x20000ull  /* ITS: control and translater frames */
/* The hypervisor's EL2 map and every stage 2 take 39-bit addresses. */
#define PLAN_ADDR_LIMIT (1ull << 39)
#define PLAN_PAGE 0x1000ull
/* The LPIs the ITS gives each VM (hv/arch/aarch64/its.c). */
#define PLAN_MSI_MAX 64u

static bool is_spi(uint32_t intid)
{
	return intid >= SHIKIRI_GIC_SPI_BASE && intid <= SHIKIRI_GIC_MAX_INTID;
}

static bool is_ppi(uint32_t intid)
{
	return intid >= PLAN_PPI_FIRST && intid <= PLAN_PPI_LAST;
}

/*
 * The PMU's PPI, if the board has one, is a PPI of its own: not one the
 * hypervisor takes (its timer, the maintenance interrupt) nor an EL1
 * timer's, each of which reaches a guest as that line.
 */
static bool pmu_ppi_ok(const struct shikiri_plan_board *b)
{
	uint32_t pmu = b->hw.aarch64.pmu_intid;

	return !pmu ||
	       (is_ppi(pmu) && pmu != b->hw.aarch64.gic_maint_intid &&
		pmu != PLAN_PPI_HYP_TIMER && pmu != PLAN_PPI_VIRT_TIMER &&
		pmu != PLAN_PPI_PHYS_TIMER &&
		pmu != b->hw.aarch64.timer_virt_intid);
}

/* plan_overlaps(), where a size of 0 is nothing. */
static bool hits(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a_size && b_size && plan_overlaps(a, a_size, b, b_size);
}

/* Whether [@base, @base + @size) lies below PLAN_ADDR_LIMIT. */
static bool reachable(uint64_t base, uint64_t size)
{
	return plan_range_valid(base, size) &&
	       base + (size - 1) < PLAN_ADDR_LIMIT;
}

/*
 * The SMMUv3 and the ITS in front of the PCI host bridge: frames the
 * hypervisor maps, their interrupts SPIs of their own; the PCI flags the
 * hypervisor knows.
 */
static const char *aarch64_board_pci(const struct shikiri_plan_board *b)
{
	uint64_t smmu = b->hw.aarch64.smmu_base, its = b->hw.aarch64.its_base;
	uint32_t evtq = b->hw.aarch64.smmu_evtq_intid;
	uint32_t gerror = b->hw.aarch64.smmu_gerror_intid;

	if (smmu && (!plan_aligned(smmu, PLAN_FRAME_ALIGN) ||
		     !reachable(smmu, PLAN_SMMU_SIZE) || !is_spi(evtq) ||
		     !is_spi(gerror) || evtq == gerror || evtq == b->uart_irq ||
		     gerror == b->uart_irq))
		return "bad board SMMU";
	if (!smmu && (evtq || gerror))
		return "bad board SMMU";
	if (its &&
	    (!plan_aligned(its, PLAN_FRAME_ALIGN) ||
	     !reachable(its, PLAN_ITS_SIZE) ||
	     (smmu && plan_overlaps(its, PLAN_ITS_SIZE, smmu, PLAN_SMMU_SIZE))))
		return "bad board ITS";
	if (b->pci.flags & ~SHIKIRI_PCI_BOARD_ASSIGN_BARS)
		return "unknown board PCI flags";
	if (b->pci.reserved)
		return "reserved field not zero";
	return NULL;
}

static const char *aarch64_board(const struct shikiri_plan *plan)
{
	const struct shikiri_plan_board *b = &plan->board;
	size_t used = sizeof(b->hw.aarch64);

	if (!plan_aligned(b->hw.aarch64.gicd_base, PLAN_GICD_SIZE) ||
	    !plan_range_valid(b->hw.aarch64.gicd_base, PLAN_GICD_SIZE) ||
	    !plan_aligned(b->hw.aarch64.gicr_base, 0x10000) ||
	    !plan_range_valid(b->hw.aarch64.gicr_base,
			      b->hw.aarch64.gicr_size) ||
	    b->hw.aarch64.gicr_size / SHIKIRI_GICR_STRIDE < b->cpu_count)
		return "bad board GIC";
	if (!plan_aligned(b->uart_base, PLAN_UART_SIZE) ||
	    !plan_range_valid(b->uart_base, PLAN_UART_SIZE) ||
	    !is_spi(b->uart_irq))
		return "bad board UART";
	if (!is_ppi(b->hw.aarch64.timer_virt_intid) ||
	    !is_ppi(b->hw.aarch64.gic_maint_intid) || !pmu_ppi_ok(b))
		return "bad board PPI";
	if (b->hw.aarch64.reserved3)
		return "reserved field not zero";
	if (!plan_all_zero(b->hw.raw + used, sizeof(b->hw.raw) - used))
		return "reserved field not zero";
	return aarch64_board_pci(b);
}

/*
 * The GIC, the console UART, and what PCI passthrough adds: the board's
 * ECAM (a VM reaches its functions through its virtual bus, never the
 * physical one), the SMMU and the ITS.
 */
static bool aarch64_hv_device(const struct shikiri_plan_board *b, uint64_t base,
			      uint64_t size)
{
	return hits(base, size, b->pci.ecam_base, b->pci.ecam_size) ||
	       hits(base, size, b->hw.aarch64.smmu_base,
		    b->hw.aarch64.smmu_base ? PLAN_SMMU_SIZE : 0) ||
	       hits(base, size, b->hw.aarch64.its_base,
		    b->hw.aarch64.its_base ? PLAN_ITS_SIZE : 0) ||
	       plan_overlaps(base, size, b->hw.aarch64.gicd_base,
			     PLAN_GICD_SIZE) ||
	       plan_overlaps(base, size, b->hw.aarch64.gicr_base,
			     b->hw.aarch64.gicr_size) ||
	       plan_overlaps(base, size, b->uart_base, PLAN_UART_SIZE);
}

static bool aarch64_vm_device(const struct shikiri_plan_vm *vm, uint64_t ipa,
			      uint64_t size)
{
	return (vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) &&
	       plan_overlaps(ipa, size, vm->console_base, PLAN_UART_SIZE);
}

static bool aarch64_irq_ok(const struct shikiri_plan_board *b, uint32_t irq)
{
	/* The SMMU's interrupts report every VM's DMA: the hypervisor's. */
	return is_spi(irq) && (!b->hw.aarch64.smmu_base ||
			       (irq != b->hw.aarch64.smmu_evtq_intid &&
				irq != b->hw.aarch64.smmu_gerror_intid));
}

/*
 * Whether guest-physical [@base, @base + @size) of @vm hits a range it
 * already has: RAM, passthrough MMIO, management and watchdog pages (whose
 * counts the common checks bounded before), its virtual PCI bus,
 * shared-memory views and network page (bounded here: checked later), its
 * console or GIC.
 */
static bool hits_vm_range(const struct shikiri_plan *plan,
			  const struct shikiri_plan_vm *vm, uint64_t base,
			  uint64_t size)
{
	struct shikiri_range own[PLAN_VM_OWN_RANGES];
	unsigned count = plan_vm_own_ranges(vm, own);

	for (unsigned r = 0; r < count; r++)
		if (hits(base, size, own[r].base, own[r].size))
			return true;
	for (uint32_t s = 0; s < vm->shm_count && s < SHIKIRI_MAX_SHM; s++) {
		uint32_t region = vm->shm[s].region;

		if (hits(base, size, vm->shm[s].regs_ipa, PLAN_SHM_REGS_SIZE) ||
		    (region < plan->shm_count && region < SHIKIRI_MAX_SHM &&
		     hits(base, size, vm->shm[s].ipa, plan->shm[region].size)))
			return true;
	}
	return hits(base, size, vm->vpci_ecam_ipa,
		    vm->vpci_ecam_ipa ? PLAN_VPCI_ECAM_SIZE : 0) ||
	       hits(base, size, vm->net.ipa, vm->net.ipa ? PLAN_NET_SIZE : 0) ||
	       aarch64_hv_device(&plan->board, base, size) ||
	       aarch64_vm_device(vm, base, size);
}

/*
 * Window @w of VM @i (its BARs, IPA = PA): whole pages the hypervisor and
 * stage 2 can map, in one of the board's windows, clear of every other
 * VM's windows and passthrough MMIO, and of the VM's own ranges.
 */
static const char *pci_window(const struct shikiri_plan *plan, unsigned i,
			      unsigned w)
{
	const struct shikiri_plan_vm *vm = &plan->vm[i];
	const struct shikiri_plan_board *b = &plan->board;
	const struct shikiri_range *m = &vm->arch.aarch64.pci_mem[w];

	if (!m->size)
		return m->base ? "bad PCI window" : NULL;
	if (!plan_aligned(m->base | m->size, PLAN_PAGE) ||
	    !reachable(m->base, m->size))
		return "bad PCI window";
	if (!plan_inside(m->base, m->size, b->pci.mem[0].base,
			 b->pci.mem[0].size) &&
	    !plan_inside(m->base, m->size, b->pci.mem[1].base,
			 b->pci.mem[1].size))
		return "PCI window outside the board's";
	if (w && hits(m->base, m->size, vm->arch.aarch64.pci_mem[0].base,
		      vm->arch.aarch64.pci_mem[0].size))
		return "PCI windows overlap";
	for (uint32_t j = 0; j < plan->vm_count; j++) {
		const struct shikiri_plan_vm *o = &plan->vm[j];

		for (unsigned k = 0; j != i && k < 2; k++)
			if (hits(m->base, m->size,
				 o->arch.aarch64.pci_mem[k].base,
				 o->arch.aarch64.pci_mem[k].size))
				return "PCI window shared with another VM";
		for (uint32_t r = 0; r < o->mmio_count && r < SHIKIRI_MAX_MMIO;
		     r++)
			if (hits(m->base, m->size, o->mmio[r].pa,
				 o->mmio[r].size))
				return "PCI window overlaps passthrough MMIO";
	}
	if (hits_vm_range(plan, vm, m->base, m->size))
		return "PCI window overlaps the VM's other ranges";
	return NULL;
}

/* Whether virtual INTID @intid of @vm is a shared-memory or network line. */
static bool intid_emulated(const struct shikiri_plan_vm *vm, uint32_t intid)
{
	for (uint32_t s = 0; s < vm->shm_count && s < SHIKIRI_MAX_SHM; s++)
		if (vm->shm[s].intid == intid)
			return true;
	return vm->net.ipa && vm->net.intid == intid;
}

/* The VM's MSIs: virtual SPIs of their own, backed by the board's ITS. */
static const char *pci_msi(const struct shikiri_plan *plan, unsigned i)
{
	const struct shikiri_plan_vm *vm = &plan->vm[i];
	uint32_t first = vm->arch.aarch64.msi_intid;
	uint32_t count = vm->arch.aarch64.msi_count;

	if (!count)
		return first ? "bad MSI range" : NULL;
	if (!plan->board.hw.aarch64.its_base)
		return "MSIs without a board ITS";
	if (count > PLAN_MSI_MAX || !is_spi(first) ||
	    count - 1 > SHIKIRI_GIC_MAX_INTID - first)
		return "bad MSI range";
	for (uint32_t n = first; n < first + count; n++)
		if (plan_vm_intid_used(vm, n) || intid_emulated(vm, n))
			return "MSI INTID already in use";
	return NULL;
}

/* Whether @devfn is one of @vm's shared-memory functions' slots. */
static bool shm_slot(const struct shikiri_plan_vm *vm, uint32_t devfn)
{
	for (uint32_t s = 0; s < vm->shm_count && s < SHIKIRI_MAX_SHM; s++)
		if (vm->shm[s].devfn == devfn)
			return true;
	return false;
}

/* Function @f of @vm as the Arm port gives it (docs/pci.md). */
static const char *pci_function(const struct shikiri_plan_vm *vm,
				const struct shikiri_pci_fn *f)
{
	uint32_t devfn = f->bdf & 0xffu;

	/* The VM's bus 0 shows it at its own devfn; the root bus only. */
	if (f->bdf >> 8)
		return "PCI function off bus 0 on aarch64";
	if (!devfn)
		return "PCI function in the host bridge's slot";
	if (shm_slot(vm, devfn))
		return "PCI function in a shared-memory function's slot";
	if (f->intx == SHIKIRI_PCI_NO_INTX)
		return NULL;
	/* GICv3 SPIs are level-high or rising-edge (IHI 0069 1.4.2). */
	if (f->flags & SHIKIRI_PCI_INTX_ACTIVE_LOW)
		return "PCI INTx active low on aarch64";
	if (intid_emulated(vm, f->intx))
		return "PCI INTx already in use";
	return NULL;
}

/*
 * PCI passthrough of VM @i: windows and MSIs only with functions; the
 * functions reached through the VM's virtual bus and the board's ECAM
 * in the hypervisor's reach; with BAR assignment a window to put them
 * in; without an SMMU, RAM at its physical address (a device's DMA
 * addresses are the guest's IPAs, untranslated).
 */
static const char *aarch64_pci(const struct shikiri_plan *plan, unsigned i)
{
	const struct shikiri_plan_vm *vm = &plan->vm[i];
	const struct shikiri_plan_board *b = &plan->board;
	const struct shikiri_range *win = vm->arch.aarch64.pci_mem;
	const char *why = NULL;

	for (unsigned w = 0; !why && w < 2; w++)
		why = pci_window(plan, i, w);
	if (!why)
		why = pci_msi(plan, i);
	if (why)
		return why;
	if (!vm->pci_count)
		return win[0].size || win[1].size ||
				       vm->arch.aarch64.msi_count ?
			       "PCI windows or MSIs without PCI functions" :
			       NULL;
	if (!vm->vpci_ecam_ipa)
		return "PCI functions without a virtual PCI bus";
	if (!b->pci.ecam_size || !reachable(b->pci.ecam_base, b->pci.ecam_size))
		return "board ECAM out of the hypervisor's reach";
	if ((b->pci.flags & SHIKIRI_PCI_BOARD_ASSIGN_BARS) && !win[0].size &&
	    !win[1].size)
		return "PCI functions without a BAR window";
	for (uint32_t r = 0; !b->hw.aarch64.smmu_base && r < vm->ram_count &&
			     r < SHIKIRI_MAX_RAM_REGIONS;
	     r++)
		if (vm->ram[r].ipa != vm->ram[r].pa)
			return "PCI functions without an SMMU need "
			       "identity-mapped RAM";
	for (uint32_t r = 0; !why && r < vm->pci_count && r < SHIKIRI_MAX_PCI;
	     r++)
		why = pci_function(vm, &vm->pci[r]);
	return why;
}

/*
 * /pmu/status's value, which the hypervisor may overwrite with "fail":
 * inside the DTB payload, clear of the seeds it writes there too.
 */
static const char *pmu_status(const struct shikiri_plan_vm *vm)
{
	uint32_t off = vm->arch.aarch64.pmu_status_offset;
	const struct shikiri_payload *dtb = NULL;

	if (!off)
		return NULL;
	for (uint32_t n = 0; n < vm->payload_count && n < SHIKIRI_MAX_PAYLOADS;
	     n++)
		if (vm->payload[n].kind == SHIKIRI_PAYLOAD_DTB)
			dtb = &vm->payload[n];
	if (!dtb || !plan_aligned(off, 4) ||
	    !plan_inside(off, PLAN_PMU_STATUS_SIZE, 0, dtb->size) ||
	    hits(off, PLAN_PMU_STATUS_SIZE, vm->rng_seed_offset,
		 vm->rng_seed_offset ? SEED_RNG_BYTES : 0) ||
	    hits(off, PLAN_PMU_STATUS_SIZE, vm->kaslr_seed_offset,
		 vm->kaslr_seed_offset ? SEED_KASLR_BYTES : 0))
		return "PMU status outside the DTB";
	return NULL;
}

static const char *aarch64_vm(const struct shikiri_plan *plan, unsigned int i)
{
	const struct shikiri_plan_vm *vm = &plan->vm[i];
	const char *why;

	if ((vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) &&
	    (!plan_aligned(vm->console_base, PLAN_UART_SIZE) ||
	     !plan_range_valid(vm->console_base, PLAN_UART_SIZE) ||
	     !is_spi(vm->console_irq)))
		return "bad console";
	if (!plan_all_zero(vm->arch.raw + sizeof(vm->arch.aarch64),
			   sizeof(vm->arch.raw) - sizeof(vm->arch.aarch64)) ||
	    vm->arch.aarch64.reserved)
		return "reserved field not zero";
	why = pmu_status(vm);
	return why ? why : aarch64_pci(plan, i);
}

/** The aarch64 rules for plan_check(). */
const struct plan_arch plan_arch_aarch64 = {
	.arch = SHIKIRI_ARCH_AARCH64,
	.name = "aarch64",
	.max_cpus = HV_MAX_CPUS,
	.boot_info_kind = SHIKIRI_PAYLOAD_DTB,
	.needed_kinds = 1u << SHIKIRI_PAYLOAD_KERNEL |
			1u << SHIKIRI_PAYLOAD_DTB,
	.allowed_kinds = 1u << SHIKIRI_PAYLOAD_KERNEL |
			 1u << SHIKIRI_PAYLOAD_INITRD |
			 1u << SHIKIRI_PAYLOAD_DTB,
	.board = aarch64_board,
	.vm = aarch64_vm,
	.hv_device = aarch64_hv_device,
	.vm_device = aarch64_vm_device,
	.irq_ok = aarch64_irq_ok,
};
