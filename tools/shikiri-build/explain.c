// SPDX-License-Identifier: MIT
/* --explain: a human-readable partition table of the image. */
#include <inttypes.h>
#include <stdio.h>

#include "explain.h"

#define MIB UINT64_C(0x100000)

static void print_cpus(uint64_t mask, FILE *out)
{
	const char *sep = "";

	for (unsigned int c = 0; c < 64; c++) {
		if (mask & (1ull << c)) {
			fprintf(out, "%s%u", sep, c);
			sep = ",";
		}
	}
}

static void print_payload(const char *what, const struct shikiri_payload *p,
			  FILE *out)
{
	fprintf(out,
		"    %-9s image [0x%09" PRIx64 ", 0x%09" PRIx64
		") -> IPA 0x%" PRIx64 " (%" PRIu64 " bytes, crc32 %08x)\n",
		what, p->offset, p->offset + p->size, p->ipa, p->size,
		p->crc32);
}

/* What --explain says after a RAM region's size. */
static const char *ram_note(const struct shikiri_plan_vm *pv, uint32_t r,
			    bool fixed)
{
	if (pv->ram_count == 1)
		return fixed ? ", memory-base" : "";
	if (r == 0)
		return ", its first MiB";
	return fixed ? ", identity-mapped, memory-base" : ", identity-mapped";
}

/*
 * A VM's PCI functions, and how their DMA is confined: a PC's (and an Arm
 * board's without an SMMU) see RAM at its physical address; an SMMUv3
 * translates an Arm VM's functions' DMA by the VM's own view.
 */
static void print_pci(const struct shikiri_plan *p, unsigned int i, FILE *out)
{
	const struct shikiri_plan_vm *pv = &p->vm[i];
	const struct shikiri_plan_board *b = &p->board;
	bool arm = b->arch == SHIKIRI_ARCH_AARCH64;
	char name[8];

	if (!pv->pci_count)
		return;
	if (arm && b->hw.aarch64.smmu_base)
		fprintf(out,
			"    DMA       through the SMMUv3 at 0x%" PRIx64
			": its functions reach only its RAM (IPA -> PA)%s, "
			"every other stream aborts\n",
			b->hw.aarch64.smmu_base,
			pv->arch.aarch64.msi_count ? " and its MSI doorbell" :
						     "");
	else
		fprintf(out,
			"    identity  RAM at guest-physical = physical: its "
			"PCI functions can DMA anywhere, and no IOMMU "
			"translates the addresses its drivers give them\n");
	for (uint32_t f = 0; f < pv->pci_count; f++) {
		const struct shikiri_pci_fn *fn = &pv->pci[f];
		uint32_t rid = fn->bdf & 0xffff;

		fprintf(out, "    PCI       %s",
			config_pci_name(fn->bdf, name));
		if (fn->intx == SHIKIRI_PCI_NO_INTX)
			fprintf(out, " (no INTx)");
		else
			fprintf(out, " INT%c on %s %u (%s, active %s)",
				'A' + (int)fn->intx_pin - 1,
				arm ? "INTID" : "GSI", fn->intx,
				fn->flags & SHIKIRI_PCI_INTX_EDGE ? "edge" :
								    "level",
				fn->flags & SHIKIRI_PCI_INTX_ACTIVE_LOW ?
					"low" :
					"high");
		if (arm && b->hw.aarch64.smmu_base)
			fprintf(out, ", StreamID 0x%x", rid + b->pci.sid_base);
		if (arm && pv->arch.aarch64.msi_count)
			fprintf(out, ", ITS DeviceID 0x%x",
				rid + b->pci.devid_base);
		fputc('\n', out);
	}
	if (!arm)
		return;
	for (unsigned int w = 0; w < 2; w++)
		if (pv->arch.aarch64.pci_mem[w].size)
			fprintf(out,
				"    BARs      PA [0x%" PRIx64 ", 0x%" PRIx64
				") = IPA%s\n",
				pv->arch.aarch64.pci_mem[w].base,
				pv->arch.aarch64.pci_mem[w].base +
					pv->arch.aarch64.pci_mem[w].size,
				b->pci.flags & SHIKIRI_PCI_BOARD_ASSIGN_BARS ?
					", assigned by the hypervisor at boot" :
					"");
	if (pv->arch.aarch64.msi_count)
		fprintf(out,
			"    MSI       INTIDs %u-%u (GIC MBIs, backed by the "
			"ITS at 0x%" PRIx64 ")\n",
			pv->arch.aarch64.msi_intid,
			pv->arch.aarch64.msi_intid +
				pv->arch.aarch64.msi_count - 1,
			b->hw.aarch64.its_base);
	else
		fprintf(out, "    MSI       none: the board has no ITS, "
			     "drivers use INTx\n");
}

static void print_vm(const struct image_build *ib, unsigned int i, FILE *out)
{
	const struct shikiri_plan_vm *pv = &ib->plan->vm[i];
	const struct vm_build *v = &ib->vm[i];
	static const char *const kinds[] = { "?",   "kernel",	"initrd",
					     "dtb", "zeropage", "acpi" };

	fprintf(out, "VM %u %-15s pCPUs ", i, pv->name);
	print_cpus(pv->cpu_mask, out);
	fputc('\n', out);
	for (uint32_t r = 0; r < pv->ram_count; r++)
		fprintf(out,
			"    RAM       PA [0x%" PRIx64 ", 0x%" PRIx64
			") = IPA 0x%" PRIx64 " (%" PRIu64 " MiB%s)\n",
			pv->ram[r].pa, pv->ram[r].pa + pv->ram[r].size,
			pv->ram[r].ipa, pv->ram[r].size / MIB,
			ram_note(pv, r, v->cfg->mem_fixed));
	print_pci(ib->plan, i, out);
	if ((pv->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) && ib->x86)
		fprintf(out,
			"    console   virtual 16550 at port 0x%" PRIx64
			", GSI %u\n",
			pv->console_base, pv->console_irq);
	else if (pv->flags & SHIKIRI_VM_CONSOLE_VIRTUAL)
		fprintf(out,
			"    console   virtual PL011 at 0x%" PRIx64
			", INTID %u\n",
			pv->console_base, pv->console_irq);
	for (unsigned int d = 0; d < v->cfg->device_count; d++)
		fprintf(out, "    device    %s\n", v->cfg->devices[d]);
	for (unsigned int m = 0; m < pv->mmio_count; m++)
		fprintf(out,
			"    MMIO      PA [0x%" PRIx64 ", 0x%" PRIx64
			") = IPA 0x%" PRIx64 " (%s)\n",
			pv->mmio[m].pa, pv->mmio[m].pa + pv->mmio[m].size,
			pv->mmio[m].ipa, v->pt.mmio_dev[m]);
	for (unsigned int q = 0; q < pv->irq_count; q++)
		fprintf(out, "    IRQ       virt %u -> phys %u (%s)\n",
			pv->irq[q].virt, pv->irq[q].phys,
			devices_name_irq(&v->pt, q));
	explain_comm_vm(ib, i, out);
	if (v->cfg->overlay)
		fprintf(out, "    overlay   %s\n", v->cfg->overlay);
	for (unsigned int p = 0; p < pv->payload_count; p++)
		print_payload(
			kinds[pv->payload[p].kind <= SHIKIRI_PAYLOAD_ACPI ?
				      pv->payload[p].kind :
				      0],
			&pv->payload[p], out);
	if (ib->x86)
		fprintf(out,
			"    entry     0x%" PRIx64 " (32-bit boot protocol), "
			"ESI = boot_params 0x%" PRIx64 ", vCPUs' APIC IDs "
			"0-%d, I/O APIC ID %d, cmdline \"%s\"\n",
			pv->entry_ipa, pv->boot_info_ipa,
			__builtin_popcountll(pv->cpu_mask) - 1,
			__builtin_popcountll(pv->cpu_mask), v->cfg->bootargs);
	else
		fprintf(out,
			"    entry     0x%" PRIx64 ", x0 = DTB 0x%" PRIx64 "\n",
			pv->entry_ipa, pv->boot_info_ipa);
	fprintf(out,
		"    policies  on-reset %s, on-poweroff %s, on-crash %s,"
		" on-fault %s\n",
		config_policy_name(pv->on_reset),
		config_policy_name(pv->on_poweroff),
		config_policy_name(pv->on_crash),
		config_policy_name(pv->on_fault));
}

/*
 * An Arm board's PCI segment, when a VM owns one of its functions: ECAM,
 * windows, the SMMUv3 and ITS in front of it.
 */
static void print_arm_pci(const struct image_build *ib, FILE *out)
{
	const struct shikiri_plan_board *b = &ib->plan->board;
	bool any = false;

	for (unsigned int i = 0; i < ib->vm_count; i++)
		any |= ib->plan->vm[i].pci_count != 0;
	if (!any)
		return;
	fprintf(out,
		"PCI segment 0: ECAM [0x%" PRIx64 ", 0x%" PRIx64
		"), buses %02x-%02x, memory windows [0x%" PRIx64 ", 0x%" PRIx64
		") [0x%" PRIx64 ", 0x%" PRIx64
		"), %u functions on the board, BARs %s\n",
		b->pci.ecam_base, b->pci.ecam_base + b->pci.ecam_size,
		b->pci.bus_first, b->pci.bus_last, b->pci.mem[0].base,
		b->pci.mem[0].base + b->pci.mem[0].size, b->pci.mem[1].base,
		b->pci.mem[1].base + b->pci.mem[1].size,
		ib->board->pci_fn_count,
		b->pci.flags & SHIKIRI_PCI_BOARD_ASSIGN_BARS ?
			"assigned by the hypervisor" :
			"as the firmware assigned them");
	if (b->hw.aarch64.smmu_base)
		fprintf(out,
			"SMMUv3 0x%" PRIx64 " (event queue INTID %u, global "
			"errors INTID %u), StreamID = RID + 0x%x\n",
			b->hw.aarch64.smmu_base, b->hw.aarch64.smmu_evtq_intid,
			b->hw.aarch64.smmu_gerror_intid, b->pci.sid_base);
	else
		fprintf(out, "no SMMU: VMs with PCI functions are "
			     "identity-mapped\n");
	if (b->hw.aarch64.its_base)
		fprintf(out, "ITS 0x%" PRIx64 ", DeviceID = RID + 0x%x\n",
			b->hw.aarch64.its_base, b->pci.devid_base);
}

/* An Arm board's line and the hypervisor's place. */
static void print_aarch64(const struct image_build *ib, FILE *out)
{
	const struct shikiri_plan_board *b = &ib->plan->board;
	const struct hv_layout *h = &ib->hvl;

	fprintf(out,
		"%s: RAM [0x%" PRIx64 ", 0x%" PRIx64 "), %u CPUs, "
		"GICD 0x%" PRIx64 ", GICR 0x%" PRIx64 ", UART 0x%" PRIx64
		" (INTID %u)\n",
		ib->board->name, b->ram[0].base,
		b->ram[0].base + b->ram[0].size, b->cpu_count,
		b->hw.aarch64.gicd_base, b->hw.aarch64.gicr_base, b->uart_base,
		b->uart_irq);
	print_arm_pci(ib, out);
	fprintf(out,
		"hypervisor: image %" PRIu64 " bytes loaded at 0x%" PRIx64
		", plan at +0x%" PRIx64 ", loader DTB at 0x%" PRIx64
		", reserved [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
		ib->image_size, h->load_pa, ib->plan_offset, h->fdt_pa,
		h->resv_base, h->resv_end);
}

/* A PC's board line and the hypervisor's place. */
static void print_x86(const struct image_build *ib, FILE *out)
{
	const struct shikiri_plan_board *b = &ib->plan->board;
	const struct hv_layout *h = &ib->hvl;

	fprintf(out, "%s: x86_64, RAM", ib->board->name);
	for (uint32_t r = 0; r < b->ram_count; r++)
		fprintf(out, " [0x%" PRIx64 ", 0x%" PRIx64 ")", b->ram[r].base,
			b->ram[r].base + b->ram[r].size);
	fprintf(out, ", %u CPUs (APIC IDs", b->cpu_count);
	for (uint32_t c = 0; c < b->cpu_count; c++)
		fprintf(out, "%s%" PRIu64, c ? "," : " ", b->cpu_id[c]);
	fprintf(out,
		"), LAPIC 0x%" PRIx64 ", I/O APIC 0x%" PRIx64
		" (GSI %u-%u), ECAM [0x%" PRIx64 ", 0x%" PRIx64
		"), UART port 0x%" PRIx64 " (GSI %u), AP trampoline 0x%" PRIx64
		"\n",
		b->hw.x86_64.lapic_base, b->hw.x86_64.ioapic_base,
		b->hw.x86_64.ioapic_gsi_base,
		b->hw.x86_64.ioapic_gsi_base + b->hw.x86_64.ioapic_pins - 1,
		b->pci.ecam_base, b->pci.ecam_base + b->pci.ecam_size,
		b->uart_base, b->uart_irq, b->hw.x86_64.trampoline);
	if (b->pci.ecam_size)
		fprintf(out,
			"PCI segment 0: buses %02x-%02x, I/O window [0x%" PRIx64
			", 0x%" PRIx64 "), memory windows [0x%" PRIx64
			", 0x%" PRIx64 ") [0x%" PRIx64 ", 0x%" PRIx64
			"), %u functions in the board file\n",
			b->pci.bus_first, b->pci.bus_last, b->pci.io.base,
			b->pci.io.base + b->pci.io.size, b->pci.mem[0].base,
			b->pci.mem[0].base + b->pci.mem[0].size,
			b->pci.mem[1].base,
			b->pci.mem[1].base + b->pci.mem[1].size,
			ib->board->pci_fn_count);
	fprintf(out,
		"hypervisor: image %" PRIu64 " bytes loaded at 0x%" PRIx64
		" (Multiboot), plan at +0x%" PRIx64 ", reserved [0x%" PRIx64
		", 0x%" PRIx64 ")\n",
		ib->image_size, h->load_pa, ib->plan_offset, h->resv_base,
		h->resv_end);
}

/**
 * explain_print() - Print the partition table of an image.
 * @ib: the image, after pack_plan().
 * @out: where to print it.
 */
void explain_print(const struct image_build *ib, FILE *out)
{
	if (ib->x86)
		print_x86(ib, out);
	else
		print_aarch64(ib, out);
	if (ib->ram_cleared)
		fprintf(out, "RAM cleared at every boot by the platform: VMs' "
			     "RAM not scrubbed before their first start\n");
	explain_comm_regions(ib, out);
	for (unsigned int i = 0; i < ib->vm_count; i++)
		print_vm(ib, i, out);
}
