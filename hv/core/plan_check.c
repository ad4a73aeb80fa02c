// SPDX-License-Identifier: MIT
/*
 * Boot plan verification, shared by the hypervisor (at boot, before any of
 * the plan is applied) and by shikiri-build (after writing an image), so both
 * sides agree on what a valid plan is.  Pure: no output, no allocation, no
 * global state.  Every check is written so that no arithmetic on a field can
 * wrap before the field itself has been bounded.  What one architecture
 * adds comes from its struct plan_arch (hv/arch/<arch>/plan_arch.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/errno.h"
#include "hv/plan_check.h"

#define PLAN_PAGE_SIZE 0x1000ull
#define PLAN_RNG_SEED_SIZE 32u
#define PLAN_KASLR_SEED_SIZE 8u
#define PLAN_PORTS 0x10000u /* the I/O port space of a PCI segment */
#define PLAN_PCI_BDF_LIMIT 0x10000u
#define PLAN_PCI_PINS 4u /* INTA..INTD */
#define PLAN_PCI_FLAGS_KNOWN \
	(SHIKIRI_PCI_INTX_ACTIVE_LOW | SHIKIRI_PCI_INTX_EDGE)
#define PLAN_VM_FLAGS_KNOWN \
	(SHIKIRI_VM_CONSOLE_VIRTUAL | SHIKIRI_VM_RAM_CLEARED_AT_BOOT)

/* State shared by the checks of one plan_check() call. */
struct plan_ctx {
	const struct shikiri_plan *plan;
	const struct plan_arch *arch;
	const struct plan_limits *limits;
	struct plan_error *err;
};

static int refuse(const struct plan_ctx *ctx, int vm, const char *what)
{
	ctx->err->what = what;
	ctx->err->vm = vm;
	return -HV_EINVAL;
}

static bool stop_or_restart(uint32_t policy)
{
	return policy == SHIKIRI_POLICY_STOP ||
	       policy == SHIKIRI_POLICY_RESTART;
}

static int check_header(const struct plan_ctx *ctx, uint64_t avail)
{
	const struct shikiri_plan *p = ctx->plan;

	if (!p || avail < sizeof(*p))
		return refuse(ctx, -1, "plan truncated");
	if (p->magic != SHIKIRI_PLAN_MAGIC)
		return refuse(ctx, -1, "bad magic");
	if (p->revision != SHIKIRI_PLAN_REVISION)
		return refuse(ctx, -1, "unsupported plan revision");
	if (p->vm_count == 0 || p->vm_count > SHIKIRI_MAX_VMS)
		return refuse(ctx, -1, "bad VM count");
	if (p->size != sizeof(*p) + p->vm_count * sizeof(p->vm[0]))
		return refuse(ctx, -1, "bad plan size");
	if (p->size > avail)
		return refuse(ctx, -1, "plan truncated");
	if (p->crc32 != plan_compute_crc(p))
		return refuse(ctx, -1, "CRC mismatch");
	if (ctx->limits && ctx->limits->hv_size &&
	    p->image_size > ctx->limits->hv_size)
		return refuse(ctx, -1, "image larger than the hypervisor area");
	return 0;
}

/* The one message for each plan of a known architecture on another. */
static const char *foreign_arch(uint32_t plan_arch, uint32_t own)
{
	if (plan_arch == SHIKIRI_ARCH_X86_64 && own == SHIKIRI_ARCH_AARCH64)
		return "plan is for x86_64, this hypervisor is aarch64";
	if (plan_arch == SHIKIRI_ARCH_AARCH64 && own == SHIKIRI_ARCH_X86_64)
		return "plan is for aarch64, this hypervisor is x86_64";
	return "plan is for an unknown architecture";
}

/* Whether [pa, pa + size) lies inside one of the board's RAM ranges. */
static bool in_board_ram(const struct shikiri_plan_board *b, uint64_t pa,
			 uint64_t size)
{
	for (uint32_t r = 0; r < b->ram_count; r++)
		if (plan_inside(pa, size, b->ram[r].base, b->ram[r].size))
			return true;
	return false;
}

/* Whether [pa, pa + size) overlaps any of the board's RAM ranges. */
static bool hits_board_ram(const struct shikiri_plan_board *b, uint64_t pa,
			   uint64_t size)
{
	for (uint32_t r = 0; r < b->ram_count; r++)
		if (plan_overlaps(pa, size, b->ram[r].base, b->ram[r].size))
			return true;
	return false;
}

/*
 * The board's PCI segment: a bus range, an ECAM window covering it, and
 * windows (where BARs must lie) that are sane and clear of RAM, of the
 * ECAM window and of each other.  A window of size 0 is absent.
 */
static const char *check_board_pci(const struct shikiri_plan_board *b)
{
	const struct shikiri_plan_pci *pci = &b->pci;
	uint64_t buses = (uint64_t)pci->bus_last - pci->bus_first + 1;

	if (pci->bus_first > pci->bus_last || pci->bus_last > 0xff)
		return "bad board PCI bus range";
	if (pci->ecam_size &&
	    (!plan_range_valid(pci->ecam_base, pci->ecam_size) ||
	     pci->ecam_size < buses << 20))
		return "board ECAM does not cover its buses";
	if (pci->ecam_size && hits_board_ram(b, pci->ecam_base, pci->ecam_size))
		return "board ECAM overlaps board RAM";
	for (unsigned w = 0; w < 2; w++) {
		const struct shikiri_range *m = &pci->mem[w];

		if (!m->size)
			continue;
		if (!plan_range_valid(m->base, m->size) ||
		    !plan_aligned(m->base | m->size, PLAN_PAGE_SIZE))
			return "bad board PCI window";
		if (hits_board_ram(b, m->base, m->size))
			return "board PCI window overlaps board RAM";
		if (pci->ecam_size &&
		    plan_overlaps(m->base, m->size, pci->ecam_base,
				  pci->ecam_size))
			return "board PCI window overlaps ECAM";
		if (w && pci->mem[0].size &&
		    plan_overlaps(m->base, m->size, pci->mem[0].base,
				  pci->mem[0].size))
			return "board PCI windows overlap";
	}
	if (pci->io.size && (pci->io.base >= PLAN_PORTS ||
			     pci->io.size > PLAN_PORTS - pci->io.base))
		return "bad board PCI I/O window";
	return NULL;
}

static int check_board(const struct plan_ctx *ctx)
{
	const struct shikiri_plan_board *b = &ctx->plan->board;
	const char *why;

	if (!ctx->arch || b->arch != ctx->arch->arch)
		return refuse(ctx, -1,
			      foreign_arch(b->arch,
					   ctx->arch ? ctx->arch->arch : 0));
	if (b->cpu_count == 0 || b->cpu_count > SHIKIRI_MAX_CPUS)
		return refuse(ctx, -1, "bad board CPU count");
	if (b->cpu_count > ctx->arch->max_cpus)
		return refuse(ctx, -1,
			      "more CPUs than this hypervisor supports");
	for (uint32_t i = 0; i < b->cpu_count; i++)
		for (uint32_t j = 0; j < i; j++)
			if (b->cpu_id[i] == b->cpu_id[j])
				return refuse(ctx, -1, "board CPU ID twice");
	if (b->ram_count == 0 || b->ram_count > SHIKIRI_MAX_BOARD_RAM)
		return refuse(ctx, -1, "bad board RAM count");
	for (uint32_t r = 0; r < b->ram_count; r++) {
		const struct shikiri_range *m = &b->ram[r];

		if (!plan_range_valid(m->base, m->size) ||
		    !plan_aligned(m->base | m->size, PLAN_PAGE_SIZE))
			return refuse(ctx, -1, "bad board RAM");
		/* Ascending and apart, so "inside one range" is exact. */
		if (r &&
		    m->base <= b->ram[r - 1].base + (b->ram[r - 1].size - 1))
			return refuse(ctx, -1,
				      "board RAM ranges overlap or unsorted");
	}
	if (b->reserved || b->reserved2)
		return refuse(ctx, -1, "reserved field not zero");
	why = ctx->arch->board(ctx->plan);
	if (why)
		return refuse(ctx, -1, why);
	why = check_board_pci(b);
	return why ? refuse(ctx, -1, why) : 0;
}

static int check_name(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];

	if (!plan_name_ok(vm->name))
		return refuse(ctx, i, "bad VM name");
	for (int j = 0; j < i; j++)
		if (plan_same_name(ctx->plan->vm[j].name, vm->name))
			return refuse(ctx, i, "duplicate VM name");
	return 0;
}

static int check_cpus(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];
	uint32_t cpu_count = ctx->plan->board.cpu_count;

	if (vm->cpu_mask == 0)
		return refuse(ctx, i, "VM has no CPU");
	/* A shift by 64 would be undefined: a full board holds every mask. */
	if (cpu_count < 64 && vm->cpu_mask >> cpu_count)
		return refuse(ctx, i, "CPU not on the board");
	for (int j = 0; j < i; j++)
		if (ctx->plan->vm[j].cpu_mask & vm->cpu_mask)
			return refuse(ctx, i, "CPU assigned to two VMs");
	return 0;
}

static int check_ram(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan *p = ctx->plan;
	const struct shikiri_plan_vm *vm = &p->vm[i];
	const struct plan_limits *lim = ctx->limits;

	if (vm->ram_count == 0 || vm->ram_count > SHIKIRI_MAX_RAM_REGIONS)
		return refuse(ctx, i, "bad RAM region count");
	for (uint32_t r = 0; r < vm->ram_count; r++) {
		const struct shikiri_region *m = &vm->ram[r];

		if (!plan_aligned(m->ipa | m->pa | m->size, PLAN_PAGE_SIZE) ||
		    !plan_range_valid(m->ipa, m->size) ||
		    !plan_range_valid(m->pa, m->size))
			return refuse(ctx, i, "misaligned RAM region");
		if (!in_board_ram(&p->board, m->pa, m->size))
			return refuse(ctx, i, "RAM outside board RAM");
		if (lim && lim->hv_size &&
		    plan_overlaps(m->pa, m->size, lim->hv_base, lim->hv_size))
			return refuse(ctx, i, "RAM overlaps the hypervisor");
		if (lim && lim->fdt_size &&
		    plan_overlaps(m->pa, m->size, lim->fdt_base, lim->fdt_size))
			return refuse(ctx, i, "RAM overlaps the boot DTB");
		if (ctx->arch->hv_device(&p->board, m->ipa, m->size) ||
		    ctx->arch->vm_device(vm, m->ipa, m->size))
			return refuse(ctx, i, "RAM IPA overlaps a device");
		for (uint32_t s = 0; s < r; s++)
			if (plan_overlaps(m->ipa, m->size, vm->ram[s].ipa,
					  vm->ram[s].size) ||
			    plan_overlaps(m->pa, m->size, vm->ram[s].pa,
					  vm->ram[s].size))
				return refuse(ctx, i, "RAM regions overlap");
		for (int j = 0; j < i; j++)
			for (uint32_t s = 0; s < p->vm[j].ram_count; s++)
				if (plan_overlaps(m->pa, m->size,
						  p->vm[j].ram[s].pa,
						  p->vm[j].ram[s].size))
					return refuse(
						ctx, i,
						"RAM overlaps another VM");
	}
	return 0;
}

/* Whether [ipa, ipa + size) overlaps any of the VM's RAM in IPA space. */
static bool hits_vm_ram(const struct shikiri_plan_vm *vm, uint64_t ipa,
			uint64_t size)
{
	for (uint32_t r = 0; r < vm->ram_count; r++)
		if (plan_overlaps(ipa, size, vm->ram[r].ipa, vm->ram[r].size))
			return true;
	return false;
}

static int check_mmio(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan *p = ctx->plan;
	const struct shikiri_plan_vm *vm = &p->vm[i];

	if (vm->mmio_count > SHIKIRI_MAX_MMIO)
		return refuse(ctx, i, "too many MMIO regions");
	for (uint32_t r = 0; r < vm->mmio_count; r++) {
		const struct shikiri_region *m = &vm->mmio[r];

		if (!plan_aligned(m->ipa | m->pa | m->size, PLAN_PAGE_SIZE) ||
		    !plan_range_valid(m->ipa, m->size) ||
		    !plan_range_valid(m->pa, m->size))
			return refuse(ctx, i, "misaligned MMIO region");
		if (hits_board_ram(&p->board, m->pa, m->size))
			return refuse(ctx, i, "MMIO overlaps board RAM");
		if (ctx->arch->hv_device(&p->board, m->pa, m->size) ||
		    ctx->arch->hv_device(&p->board, m->ipa, m->size))
			return refuse(ctx, i,
				      "MMIO overlaps a hypervisor device");
		if (hits_vm_ram(vm, m->ipa, m->size) ||
		    ctx->arch->vm_device(vm, m->ipa, m->size))
			return refuse(ctx, i,
				      "MMIO IPA overlaps VM RAM or console");
		for (uint32_t s = 0; s < r; s++)
			if (plan_overlaps(m->ipa, m->size, vm->mmio[s].ipa,
					  vm->mmio[s].size))
				return refuse(ctx, i, "MMIO regions overlap");
		for (int j = 0; j < i; j++)
			for (uint32_t s = 0; s < p->vm[j].mmio_count; s++)
				if (plan_overlaps(m->pa, m->size,
						  p->vm[j].mmio[s].pa,
						  p->vm[j].mmio[s].size))
					return refuse(
						ctx, i,
						"MMIO overlaps another VM");
	}
	return 0;
}

static int check_irqs(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan *p = ctx->plan;
	const struct shikiri_plan_vm *vm = &p->vm[i];
	bool console = vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL;

	if (vm->irq_count > SHIKIRI_MAX_IRQS)
		return refuse(ctx, i, "too many IRQs");
	for (uint32_t r = 0; r < vm->irq_count; r++) {
		const struct shikiri_irq *q = &vm->irq[r];

		if (!ctx->arch->irq_ok(&p->board, q->virt) ||
		    !ctx->arch->irq_ok(&p->board, q->phys))
			return refuse(ctx, i, "IRQ out of range");
		if (q->phys == p->board.uart_irq)
			return refuse(ctx, i, "IRQ belongs to the hypervisor");
		if (console && q->virt == vm->console_irq)
			return refuse(ctx, i, "IRQ clashes with the console");
		for (uint32_t s = 0; s < r; s++)
			if (vm->irq[s].virt == q->virt ||
			    vm->irq[s].phys == q->phys)
				return refuse(ctx, i, "IRQ given twice");
		for (int j = 0; j < i; j++)
			for (uint32_t s = 0; s < p->vm[j].irq_count; s++)
				if (p->vm[j].irq[s].phys == q->phys)
					return refuse(
						ctx, i,
						"IRQ owned by another VM");
	}
	return 0;
}

static int check_flags(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];

	if (vm->flags & ~PLAN_VM_FLAGS_KNOWN)
		return refuse(ctx, i, "unknown VM flags");
	/* A fact about the board, so the same for every VM. */
	if ((vm->flags ^ ctx->plan->vm[0].flags) &
	    SHIKIRI_VM_RAM_CLEARED_AT_BOOT)
		return refuse(ctx, i, "VMs disagree on RAM cleared at boot");
	return 0;
}

/* The management page: page aligned, clear of RAM and every device. */
static int check_manage(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];
	uint64_t ipa = vm->manage_ipa, size = PLAN_MANAGE_SIZE;

	if (!ipa)
		return 0;
	if (!plan_aligned(ipa, size) || !plan_range_valid(ipa, size) ||
	    ctx->arch->hv_device(&ctx->plan->board, ipa, size) ||
	    ctx->arch->vm_device(vm, ipa, size))
		return refuse(ctx, i, "bad management page");
	for (uint32_t r = 0; r < vm->ram_count; r++)
		if (plan_overlaps(ipa, size, vm->ram[r].ipa, vm->ram[r].size))
			return refuse(ctx, i, "management page overlaps RAM");
	for (uint32_t r = 0; r < vm->mmio_count && r < SHIKIRI_MAX_MMIO; r++)
		if (plan_overlaps(ipa, size, vm->mmio[r].ipa, vm->mmio[r].size))
			return refuse(ctx, i,
				      "management page overlaps a device");
	return 0;
}

/* The watchdog's two frames: like the management page, and clear of it. */
static int check_watchdog(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];
	uint64_t ipa = vm->watchdog_ipa, size = PLAN_WATCHDOG_SIZE;

	if (!ipa)
		return vm->watchdog_ms ? refuse(ctx, i, "bad watchdog") : 0;
	if (!vm->watchdog_ms || !plan_aligned(ipa, 0x1000) ||
	    !plan_range_valid(ipa, size) ||
	    ctx->arch->hv_device(&ctx->plan->board, ipa, size) ||
	    (vm->manage_ipa &&
	     plan_overlaps(ipa, size, vm->manage_ipa, PLAN_MANAGE_SIZE)) ||
	    ctx->arch->vm_device(vm, ipa, size))
		return refuse(ctx, i, "bad watchdog");
	for (uint32_t r = 0; r < vm->ram_count; r++)
		if (plan_overlaps(ipa, size, vm->ram[r].ipa, vm->ram[r].size))
			return refuse(ctx, i, "watchdog overlaps RAM");
	for (uint32_t r = 0; r < vm->mmio_count && r < SHIKIRI_MAX_MMIO; r++)
		if (plan_overlaps(ipa, size, vm->mmio[r].ipa, vm->mmio[r].size))
			return refuse(ctx, i, "watchdog overlaps a device");
	return 0;
}

/* Whether [ipa, ipa + size) lies inside one of the VM's RAM regions. */
static bool in_vm_ram(const struct shikiri_plan_vm *vm, uint64_t ipa,
		      uint64_t size)
{
	for (uint32_t r = 0; r < vm->ram_count; r++)
		if (plan_inside(ipa, size, vm->ram[r].ipa, vm->ram[r].size))
			return true;
	return false;
}

static int check_seed(const struct plan_ctx *ctx, int i, uint32_t offset,
		      uint32_t size, const struct shikiri_payload *info)
{
	if (offset == 0)
		return 0;
	if (!info || !plan_aligned(offset, 4) ||
	    !plan_inside(offset, size, 0, info->size))
		return refuse(ctx, i, "seed offset outside the boot info");
	return 0;
}

static int check_payloads(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];
	const struct shikiri_payload *kernel = NULL, *info = NULL;
	uint32_t seen = 0;
	int ret;

	if (vm->payload_count == 0 || vm->payload_count > SHIKIRI_MAX_PAYLOADS)
		return refuse(ctx, i, "bad payload count");
	for (uint32_t n = 0; n < vm->payload_count; n++) {
		const struct shikiri_payload *pl = &vm->payload[n];
		uint32_t bit = pl->kind < 32 ? 1u << pl->kind : 0;

		if (!(bit & ctx->arch->allowed_kinds) || (bit & seen))
			return refuse(ctx, i, "bad or repeated payload kind");
		seen |= bit;
		if (pl->kind == SHIKIRI_PAYLOAD_KERNEL)
			kernel = pl;
		if (pl->kind == ctx->arch->boot_info_kind)
			info = pl;
		if (!plan_aligned(pl->offset, SHIKIRI_PAYLOAD_ALIGN))
			return refuse(ctx, i, "misaligned payload");
		if (!plan_range_valid(pl->offset, pl->size) ||
		    !plan_inside(pl->offset, pl->size, 0,
				 ctx->plan->image_size))
			return refuse(ctx, i, "payload outside the image");
		if (!plan_range_valid(pl->ipa, pl->size) ||
		    !in_vm_ram(vm, pl->ipa, pl->size))
			return refuse(ctx, i, "payload outside VM RAM");
		for (uint32_t m = 0; m < n; m++)
			if (plan_overlaps(pl->ipa, pl->size, vm->payload[m].ipa,
					  vm->payload[m].size))
				return refuse(ctx, i, "payloads overlap");
	}
	if ((seen & ctx->arch->needed_kinds) != ctx->arch->needed_kinds ||
	    !kernel || !info)
		return refuse(ctx, i, "VM lacks a payload it needs");
	if (!plan_inside(vm->entry_ipa, 4, kernel->ipa, kernel->size) ||
	    !plan_aligned(vm->entry_ipa, 4))
		return refuse(ctx, i, "entry outside the kernel");
	if (vm->boot_info_ipa != info->ipa || !plan_aligned(info->ipa, 8))
		return refuse(ctx, i, "boot info address is not its payload's");
	ret = check_seed(ctx, i, vm->rng_seed_offset, PLAN_RNG_SEED_SIZE, info);
	if (!ret)
		ret = check_seed(ctx, i, vm->kaslr_seed_offset,
				 PLAN_KASLR_SEED_SIZE, info);
	if (!ret && vm->rng_seed_offset && vm->kaslr_seed_offset &&
	    plan_overlaps(vm->rng_seed_offset, PLAN_RNG_SEED_SIZE,
			  vm->kaslr_seed_offset, PLAN_KASLR_SEED_SIZE))
		ret = refuse(ctx, i, "seed offsets overlap");
	return ret;
}

static int check_policies(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];

	if (!stop_or_restart(vm->on_reset) ||
	    !stop_or_restart(vm->on_poweroff) ||
	    !stop_or_restart(vm->on_crash) ||
	    (!stop_or_restart(vm->on_fault) &&
	     vm->on_fault != SHIKIRI_POLICY_REFLECT))
		return refuse(ctx, i, "bad policy");
	if (vm->manage_mask >> ctx->plan->vm_count)
		return refuse(ctx, i, "manage mask names a missing VM");
	if (vm->reserved || vm->reserved2)
		return refuse(ctx, i, "reserved field not zero");
	return 0;
}

/* Whether @irq is passed through to @vm as a plain IRQ. */
static bool vm_has_irq(const struct shikiri_plan_vm *vm, uint32_t irq)
{
	for (uint32_t s = 0; s < vm->irq_count && s < SHIKIRI_MAX_IRQS; s++)
		if (vm->irq[s].phys == irq || vm->irq[s].virt == irq)
			return true;
	return false;
}

/* One function's own fields: where it is, its INTx line and pin. */
static const char *check_pci_fn(const struct plan_ctx *ctx, int i,
				const struct shikiri_pci_fn *f)
{
	const struct shikiri_plan_board *b = &ctx->plan->board;
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];

	if (f->bdf >= PLAN_PCI_BDF_LIMIT)
		return "bad PCI function";
	if ((f->bdf >> 8) < b->pci.bus_first || (f->bdf >> 8) > b->pci.bus_last)
		return "PCI function outside the board's buses";
	if (f->flags & ~PLAN_PCI_FLAGS_KNOWN)
		return "unknown PCI flags";
	/* Pin and flags of a function without a line mean nothing. */
	if (f->intx == SHIKIRI_PCI_NO_INTX)
		return NULL;
	if (!ctx->arch->irq_ok(b, f->intx))
		return "PCI INTx out of range";
	if (f->intx_pin < 1 || f->intx_pin > PLAN_PCI_PINS)
		return "bad PCI INTx pin";
	if (f->intx == b->uart_irq)
		return "PCI INTx belongs to the hypervisor";
	if ((vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) &&
	    f->intx == vm->console_irq)
		return "PCI INTx clashes with the console";
	if (vm_has_irq(vm, f->intx))
		return "PCI INTx also passed through as an IRQ";
	return NULL;
}

/* Function @f of VM @i against every other VM's functions and IRQs. */
static const char *check_pci_others(const struct plan_ctx *ctx, int i,
				    const struct shikiri_pci_fn *f)
{
	const struct shikiri_plan *p = ctx->plan;

	for (uint32_t j = 0; j < p->vm_count; j++) {
		const struct shikiri_plan_vm *o = &p->vm[j];

		if ((int)j == i)
			continue;
		if (f->intx != SHIKIRI_PCI_NO_INTX && vm_has_irq(o, f->intx))
			return "PCI INTx owned by another VM";
		/* Later VMs' counts are not checked yet; earlier ones are,
		 * and each pair of VMs meets once that way. */
		for (uint32_t s = 0; (int)j < i && s < o->pci_count; s++) {
			if (o->pci[s].bdf == f->bdf)
				return "PCI function owned by another VM";
			if (f->intx != SHIKIRI_PCI_NO_INTX &&
			    o->pci[s].intx == f->intx)
				return "PCI INTx shared with another VM";
		}
	}
	return NULL;
}

static int check_pci(const struct plan_ctx *ctx, int i)
{
	const struct shikiri_plan_vm *vm = &ctx->plan->vm[i];
	const char *why;

	if (vm->pci_count > SHIKIRI_MAX_PCI)
		return refuse(ctx, i, "too many PCI functions");
	if (vm->reserved3 ||
	    !plan_all_zero((const uint8_t *)&vm->pci[vm->pci_count],
			   (SHIKIRI_MAX_PCI - vm->pci_count) *
				   sizeof(vm->pci[0])))
		return refuse(ctx, i, "reserved field not zero");
	if (vm->pci_count && !ctx->plan->board.pci.ecam_size)
		return refuse(ctx, i, "PCI functions without a board ECAM");
	for (uint32_t r = 0; r < vm->pci_count; r++) {
		const struct shikiri_pci_fn *f = &vm->pci[r];

		why = check_pci_fn(ctx, i, f);
		if (!why)
			why = check_pci_others(ctx, i, f);
		for (uint32_t s = 0; !why && s < r; s++) {
			if (vm->pci[s].bdf == f->bdf)
				why = "PCI function given twice";
			/* One line, one trigger mode and polarity. */
			else if (f->intx != SHIKIRI_PCI_NO_INTX &&
				 vm->pci[s].intx == f->intx &&
				 vm->pci[s].flags != f->flags)
				why = "PCI functions share an INTx line "
				      "with different flags";
		}
		if (why)
			return refuse(ctx, i, why);
	}
	return 0;
}

static int check_arch_vm(const struct plan_ctx *ctx, int i)
{
	const char *why = ctx->arch->vm(ctx->plan, (unsigned int)i);

	return why ? refuse(ctx, i, why) : 0;
}

/**
 * plan_compute_crc() - CRC of a plan of @plan->size bytes, crc32 taken as 0.
 * @plan: the plan; @plan->size bytes must be readable.
 *
 * Return: the value that belongs in @plan->crc32.
 */
uint32_t plan_compute_crc(const struct shikiri_plan *plan)
{
	const uint8_t *bytes = (const uint8_t *)plan;
	const size_t at = offsetof(struct shikiri_plan, crc32);
	const uint8_t zero[sizeof(plan->crc32)] = { 0 };
	uint32_t crc;

	crc = plan_crc32(0, bytes, at);
	crc = plan_crc32(crc, zero, sizeof(zero));
	return plan_crc32(crc, bytes + at + sizeof(zero),
			  plan->size - at - sizeof(zero));
}

/**
 * plan_check() - Verify a boot plan completely before any of it is applied.
 * @plan: the plan as found in memory (any alignment of 8 bytes).
 * @avail: bytes that may be read from @plan.
 * @arch: the rules of the architecture the plan must be for.
 * @limits: ranges that belong to the hypervisor and the loader (may be NULL).
 * @err: filled with the first reason for refusal.
 *
 * See hv/plan_check.h for the list of checks.  The header is checked before
 * any VM record is read, and the CRC before any VM field is trusted.
 *
 * Return: 0 when the plan is valid, -HV_EINVAL otherwise.
 */
unsigned plan_vm_own_ranges(const struct shikiri_plan_vm *vm,
			    struct shikiri_range *out)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < vm->ram_count; i++)
		out[n++] = (struct shikiri_range){ vm->ram[i].ipa,
						   vm->ram[i].size };
	for (uint32_t i = 0; i < vm->mmio_count; i++)
		out[n++] = (struct shikiri_range){ vm->mmio[i].ipa,
						   vm->mmio[i].size };
	if (vm->manage_ipa)
		out[n++] = (struct shikiri_range){ vm->manage_ipa,
						   PLAN_MANAGE_SIZE };
	if (vm->watchdog_ipa)
		out[n++] = (struct shikiri_range){ vm->watchdog_ipa,
						   PLAN_WATCHDOG_SIZE };
	return n;
}

bool plan_vm_intid_used(const struct shikiri_plan_vm *vm, uint32_t intid)
{
	if ((vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) &&
	    vm->console_irq == intid)
		return true;
	for (uint32_t i = 0; i < vm->irq_count; i++)
		if (vm->irq[i].virt == intid)
			return true;
	for (uint32_t i = 0; i < vm->pci_count; i++)
		if (vm->pci[i].intx == intid)
			return true;
	return false;
}

int plan_check(const struct shikiri_plan *plan, uint64_t avail,
	       const struct plan_arch *arch, const struct plan_limits *limits,
	       struct plan_error *err)
{
	static int (*const vm_checks[])(const struct plan_ctx *, int) = {
		check_name,   check_flags,    check_cpus,     check_ram,
		check_mmio,   check_irqs,     check_payloads, check_policies,
		check_manage, check_watchdog, check_arch_vm,  check_pci,
	};
	const struct plan_ctx ctx = { plan, arch, limits, err };
	int ret;

	err->what = NULL;
	err->vm = -1;
	ret = check_header(&ctx, avail);
	if (!ret)
		ret = check_board(&ctx);
	for (uint32_t i = 0; !ret && i < plan->vm_count; i++)
		for (size_t c = 0;
		     !ret && c < sizeof(vm_checks) / sizeof(vm_checks[0]); c++)
			ret = vm_checks[c](&ctx, (int)i);
	if (!ret)
		ret = plan_shm_check(plan, arch, limits, err);
	if (!ret)
		ret = plan_net_check(plan, arch, err);
	return ret;
}
