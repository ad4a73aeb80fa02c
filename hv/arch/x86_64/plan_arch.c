// SPDX-License-Identifier: MIT
/*
 * What an x86_64 plan needs beyond the common checks: xAPIC IDs, an I/O
 * APIC, the hypervisor's 16550 on an I/O port with a GSI, an optional PCIe
 * ECAM window, a trampoline page below 1 MiB for starting APs, and VMs laid
 * out as the one virtual PC of shikiri/x86_layout.h (RAM from 0, COM1,
 * boot_params and ACPI payloads); a VM owning PCI functions has its first
 * MiB and identity-mapped RAM instead, and INTx on PCI GSIs.  Pure, like
 * hv/core/plan_check.c; shikiri-build links it too.
 */
#include <stddef.h>

#include "hv/plan_check.h"
#include "shikiri/x86_layout.h"

#define X86_PAGE 0x1000ull
#define X86_MIB 0x100000ull
#define X86_PORTS 0x10000u
#define X86_APIC_ID_MAX 0xfeu /* 0xff is the xAPIC broadcast ID */
#define X86_IOAPIC_PINS_MAX 240u
#define X86_IDENTITY_ALIGN 0x200000ull
#define X86_LOW_4G 0x100000000ull
#define X86_PCI_GSI_FIRST 16u

static bool page_ok(uint64_t base)
{
	return plan_aligned(base, X86_PAGE) && plan_range_valid(base, X86_PAGE);
}

static bool in_board_ram(const struct shikiri_plan_board *b, uint64_t pa,
			 uint64_t size)
{
	for (uint32_t r = 0; r < b->ram_count && r < SHIKIRI_MAX_BOARD_RAM; r++)
		if (plan_inside(pa, size, b->ram[r].base, b->ram[r].size))
			return true;
	return false;
}

static const char *x86_board(const struct shikiri_plan *plan)
{
	const struct shikiri_plan_board *b = &plan->board;
	size_t used = sizeof(b->hw.x86_64);

	for (uint32_t i = 0; i < b->cpu_count; i++)
		if (b->cpu_id[i] > X86_APIC_ID_MAX)
			return "board CPU is not an xAPIC ID";
	if (!page_ok(b->hw.x86_64.lapic_base) ||
	    !page_ok(b->hw.x86_64.ioapic_base) ||
	    b->hw.x86_64.ioapic_pins == 0 ||
	    b->hw.x86_64.ioapic_pins > X86_IOAPIC_PINS_MAX ||
	    b->hw.x86_64.ioapic_gsi_base > X86_IOAPIC_PINS_MAX)
		return "bad board APIC";
	if (b->uart_base > X86_PORTS - X86_LAYOUT_COM1_PORTS ||
	    b->uart_irq < b->hw.x86_64.ioapic_gsi_base ||
	    b->uart_irq - b->hw.x86_64.ioapic_gsi_base >=
		    b->hw.x86_64.ioapic_pins)
		return "bad board UART";
	if ((b->pci.ecam_base || b->pci.ecam_size) &&
	    (!plan_aligned(b->pci.ecam_base | b->pci.ecam_size, X86_MIB) ||
	     !plan_range_valid(b->pci.ecam_base, b->pci.ecam_size)))
		return "bad board ECAM";
	if (!plan_aligned(b->hw.x86_64.trampoline, X86_PAGE) ||
	    b->hw.x86_64.trampoline >= X86_MIB ||
	    !in_board_ram(b, b->hw.x86_64.trampoline, X86_PAGE))
		return "bad board trampoline";
	/* Shared memory and virtual LANs are AArch64's only (issue 12). */
	if (plan->shm_count || plan->lan_count)
		return "shared memory or virtual LANs on x86_64";
	if (!plan_all_zero(b->hw.raw + used, sizeof(b->hw.raw) - used))
		return "reserved field not zero";
	return NULL;
}

static bool x86_hv_device(const struct shikiri_plan_board *b, uint64_t base,
			  uint64_t size)
{
	return plan_overlaps(base, size, b->hw.x86_64.lapic_base, X86_PAGE) ||
	       plan_overlaps(base, size, b->hw.x86_64.ioapic_base, X86_PAGE) ||
	       (b->pci.ecam_size &&
		plan_overlaps(base, size, b->pci.ecam_base, b->pci.ecam_size));
}

/* Every VM has both emulated APICs at their fixed addresses. */
static bool x86_vm_device(const struct shikiri_plan_vm *vm, uint64_t ipa,
			  uint64_t size)
{
	(void)vm;
	return plan_overlaps(ipa, size, X86_LAYOUT_LAPIC,
			     X86_LAYOUT_APIC_SIZE) ||
	       plan_overlaps(ipa, size, X86_LAYOUT_IOAPIC,
			     X86_LAYOUT_APIC_SIZE);
}

static bool x86_irq_ok(const struct shikiri_plan_board *b, uint32_t irq)
{
	return irq >= b->hw.x86_64.ioapic_gsi_base &&
	       irq - b->hw.x86_64.ioapic_gsi_base < b->hw.x86_64.ioapic_pins;
}

/* Port ranges: bounded, clear of the hypervisor's UART and of each other. */
static const char *x86_pio(const struct shikiri_plan *plan, unsigned int i)
{
	const struct shikiri_plan_vm *vm = &plan->vm[i];
	uint32_t count = vm->arch.x86_64.pio_count;
	size_t used = offsetof(struct shikiri_plan_vm, arch.x86_64.pio) -
		      offsetof(struct shikiri_plan_vm, arch) +
		      count * sizeof(vm->arch.x86_64.pio[0]);

	if (count > SHIKIRI_MAX_PIO || vm->arch.x86_64.reserved)
		return "bad port range count";
	if (!plan_all_zero(vm->arch.raw + used, sizeof(vm->arch.raw) - used))
		return "reserved field not zero";
	for (uint32_t r = 0; r < count; r++) {
		const struct shikiri_pio *io = &vm->arch.x86_64.pio[r];

		if (io->size == 0 || io->base + (uint32_t)io->size > X86_PORTS)
			return "bad port range";
		if (plan_overlaps(io->base, io->size, plan->board.uart_base,
				  X86_LAYOUT_COM1_PORTS))
			return "port range belongs to the hypervisor";
		for (uint32_t s = 0; s < r; s++)
			if (plan_overlaps(io->base, io->size,
					  vm->arch.x86_64.pio[s].base,
					  vm->arch.x86_64.pio[s].size))
				return "port ranges overlap";
		for (unsigned int j = 0; j < i; j++)
			for (uint32_t s = 0;
			     s < plan->vm[j].arch.x86_64.pio_count; s++)
				if (plan_overlaps(
					    io->base, io->size,
					    plan->vm[j].arch.x86_64.pio[s].base,
					    plan->vm[j].arch.x86_64.pio[s].size))
					return "port range owned by another VM";
	}
	return NULL;
}

/*
 * A VM owning PCI functions (PCI_PLAN.md 2): its own first MiB, backed
 * anywhere, and its main RAM at guest-physical = physical (devices DMA to
 * the addresses its driver gives them), 2 MiB aligned below 4 GiB.
 */
static const char *x86_pci_ram(const struct shikiri_plan_vm *vm)
{
	const struct shikiri_region *low = &vm->ram[0], *main = &vm->ram[1];

	if (vm->ram_count != 2 || low->ipa != 0 ||
	    low->size != X86_LAYOUT_HIGH_RAM)
		return "PCI VM's RAM is not its first MiB and one more region";
	if (main->ipa != main->pa)
		return "PCI VM's main RAM is not identity-mapped";
	if (!plan_aligned(main->ipa | main->size, X86_IDENTITY_ALIGN) ||
	    main->ipa < X86_LAYOUT_HIGH_RAM ||
	    main->ipa + main->size > X86_LOW_4G)
		return "PCI VM's main RAM not 2 MiB aligned between 1 MiB and "
		       "4 GiB";
	return NULL;
}

/*
 * The INTx GSIs of a VM's functions: a PCI pin of the I/O APIC (16-23, the
 * VM's virtual one has no others free of its emulated ISA devices), not
 * the hypervisor's UART's.
 */
static const char *x86_pci_intx(const struct shikiri_plan *plan,
				const struct shikiri_plan_vm *vm)
{
	for (uint32_t f = 0; f < vm->pci_count && f < SHIKIRI_MAX_PCI; f++) {
		const struct shikiri_pci_fn *fn = &vm->pci[f];

		if (fn->intx == SHIKIRI_PCI_NO_INTX)
			continue;
		if (fn->intx < X86_PCI_GSI_FIRST ||
		    fn->intx >= X86_LAYOUT_IOAPIC_PINS ||
		    !x86_irq_ok(&plan->board, fn->intx) ||
		    fn->intx == plan->board.uart_irq)
			return "PCI INTx GSI not one of the I/O APIC's 16-23";
	}
	return NULL;
}

static const char *x86_vm(const struct shikiri_plan *plan, unsigned int i)
{
	const struct shikiri_plan_vm *vm = &plan->vm[i];
	uint64_t tramp = plan->board.hw.x86_64.trampoline;
	const char *why;

	if ((vm->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) &&
	    (vm->console_base != X86_LAYOUT_COM1 ||
	     vm->console_irq != X86_LAYOUT_COM1_GSI))
		return "bad console";
	if (vm->shm_count || vm->vpci_ecam_ipa || vm->net.ipa)
		return "shared memory or network on x86_64";
	if (vm->pci_count) {
		why = x86_pci_ram(vm);
		if (!why)
			why = x86_pci_intx(plan, vm);
		if (why)
			return why;
	} else if (vm->ram_count != 1 || vm->ram[0].ipa != 0 ||
		   vm->ram[0].size <= X86_LAYOUT_HIGH_RAM) {
		return "RAM is not one region from 0";
	}
	for (uint32_t r = 0; r < vm->ram_count; r++)
		if (plan_overlaps(vm->ram[r].pa, vm->ram[r].size, tramp,
				  X86_PAGE))
			return "RAM overlaps the trampoline";
	if (vm->boot_info_ipa != X86_LAYOUT_BOOT_PARAMS)
		return "boot_params not at its fixed address";
	if (vm->kaslr_seed_offset)
		return "KASLR seed on x86_64";
	return x86_pio(plan, i);
}

/** The x86_64 rules for plan_check(). */
const struct plan_arch plan_arch_x86_64 = {
	.arch = SHIKIRI_ARCH_X86_64,
	.name = "x86_64",
	.max_cpus = SHIKIRI_MAX_CPUS,
	.boot_info_kind = SHIKIRI_PAYLOAD_BOOT_PARAMS,
	.needed_kinds = 1u << SHIKIRI_PAYLOAD_KERNEL |
			1u << SHIKIRI_PAYLOAD_BOOT_PARAMS |
			1u << SHIKIRI_PAYLOAD_ACPI,
	.allowed_kinds =
		1u << SHIKIRI_PAYLOAD_KERNEL | 1u << SHIKIRI_PAYLOAD_INITRD |
		1u << SHIKIRI_PAYLOAD_BOOT_PARAMS | 1u << SHIKIRI_PAYLOAD_ACPI,
	.board = x86_board,
	.vm = x86_vm,
	.hv_device = x86_hv_device,
	.vm_device = x86_vm_device,
	.irq_ok = x86_irq_ok,
};
