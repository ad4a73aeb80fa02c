/* SPDX-License-Identifier: MIT */
/*
 * Exits by reason, per vCPU (arch/exit_why.h): which port, which device,
 * which local APIC register.  Counting is a table look-up on an exit the
 * hypervisor takes anyway; printing is the shell's.
 */
#include "arch/exit_why.h"
#include "arch/lapic.h"
#include "arch/vioapic.h"
#include "arch/vlapic.h"
#include "hv/arch/exits.h"
#include "hv/print.h"
#include "hv/vm.h"

/* Local APIC register offsets (APM vol. 2 table 16-2). */
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_LVT_CMCI 0x2f0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_FIRST 0x320
#define APIC_LVT_LAST 0x370
#define APIC_TMICT 0x380

struct port_range {
	uint16_t first, last;
	uint8_t why;
};

static const struct port_range port_ranges[] = {
	{ 0x20, 0x21, EXIT_WHY_IO_PIC },
	{ 0x40, 0x43, EXIT_WHY_IO_PIT },
	{ 0x60, 0x60, EXIT_WHY_IO_RESET },
	{ 0x61, 0x61, EXIT_WHY_IO_PIT },
	{ 0x64, 0x64, EXIT_WHY_IO_RESET },
	{ 0x70, 0x71, EXIT_WHY_IO_RTC },
	{ 0x80, 0x80, EXIT_WHY_IO_P80 },
	{ 0xa0, 0xa1, EXIT_WHY_IO_PIC },
	{ 0x3f8, 0x3ff, EXIT_WHY_IO_UART },
	{ 0x600, 0x607, EXIT_WHY_IO_ACPI },
	{ 0x608, 0x60b, EXIT_WHY_IO_PMTMR },
	{ 0xcf9, 0xcf9, EXIT_WHY_IO_RESET }, /* first: it is in the next */
	{ 0xcf8, 0xcff, EXIT_WHY_IO_PCI },
};

/* Names in `stats`, grouped as the lines are. */
static const char *const why_name[EXIT_WHY_COUNT] = {
	[EXIT_WHY_IO_UART] = "uart",	  [EXIT_WHY_IO_PIT] = "pit",
	[EXIT_WHY_IO_PIC] = "pic",	  [EXIT_WHY_IO_RTC] = "rtc",
	[EXIT_WHY_IO_PMTMR] = "pmtmr",	  [EXIT_WHY_IO_ACPI] = "acpi",
	[EXIT_WHY_IO_RESET] = "reset",	  [EXIT_WHY_IO_P80] = "port80",
	[EXIT_WHY_IO_OTHER] = "other",	  [EXIT_WHY_APIC_EOI] = "eoi",
	[EXIT_WHY_APIC_TMICT] = "tmict",  [EXIT_WHY_APIC_ICR] = "icr",
	[EXIT_WHY_APIC_TPR] = "tpr",	  [EXIT_WHY_APIC_LVT] = "lvt",
	[EXIT_WHY_APIC_WRITE] = "write",  [EXIT_WHY_APIC_READ] = "read",
	[EXIT_WHY_IOAPIC] = "ioapic",	  [EXIT_WHY_MMIO_OTHER] = "other",
	[EXIT_WHY_MSR_READ] = "rdmsr",	  [EXIT_WHY_MSR_WRITE] = "wrmsr",
	[EXIT_WHY_SHUTDOWN] = "shutdown", [EXIT_WHY_IO_PCI] = "pci",
	[EXIT_WHY_MMIO_ECAM] = "ecam",	  [EXIT_WHY_PCI_MSI] = "msi",
	[EXIT_WHY_PCI_INTX] = "intx",
};

void exit_why_io(struct exit_why_stats *s, uint16_t port)
{
	unsigned why = EXIT_WHY_IO_OTHER;

	for (unsigned i = 0; i < ARRAY_SIZE(port_ranges); i++) {
		if (port >= port_ranges[i].first &&
		    port <= port_ranges[i].last) {
			why = port_ranges[i].why;
			break;
		}
	}
	s->n[why]++;
}

static unsigned apic_write_why(uint64_t off)
{
	switch (off & ~0xfull) {
	case APIC_EOI:
		return EXIT_WHY_APIC_EOI;
	case APIC_TMICT:
		return EXIT_WHY_APIC_TMICT;
	case APIC_ICR_LO:
	case APIC_ICR_HI:
		return EXIT_WHY_APIC_ICR;
	case APIC_TPR:
		return EXIT_WHY_APIC_TPR;
	case APIC_LVT_CMCI:
		return EXIT_WHY_APIC_LVT;
	default:
		if (off >= APIC_LVT_FIRST && off <= APIC_LVT_LAST + 0xf)
			return EXIT_WHY_APIC_LVT;
		return EXIT_WHY_APIC_WRITE;
	}
}

void exit_why_mmio(struct exit_why_stats *s, uint64_t base, uint64_t off,
		   bool write)
{
	unsigned why = EXIT_WHY_MMIO_OTHER;

	if (base == VLAPIC_BASE)
		why = write ? apic_write_why(off) : EXIT_WHY_APIC_READ;
	else if (base == VIOAPIC_BASE)
		why = EXIT_WHY_IOAPIC;
	else if (hv_board->pci.ecam_size && base == hv_board->pci.ecam_base)
		why = EXIT_WHY_MMIO_ECAM;
	s->n[why]++;
}

/* One "x86 exits GROUP: a=N b=N ..." line for counters [first, last]. */
static void log_group(unsigned id, const char *group,
		      const struct exit_why_stats *s, unsigned first,
		      unsigned last)
{
	char line[160];
	size_t n = 0;

	line[0] = '\0';
	for (unsigned i = first; i <= last; i++)
		n += print_snprintf(line + n, sizeof(line) - n, " %s=%lu",
				    why_name[i], (unsigned long)s->n[i]);
	hv_log("    vcpu %u x86 exits %s:%s", id, group, line);
}

void exit_why_log(const struct vcpu *v)
{
	const struct exit_why_stats *s = &v->arch.why;
	const uint64_t *e = v->stats.exits;

	log_group(v->id, "io", s, EXIT_WHY_IO_UART, EXIT_WHY_IO_OTHER);
	log_group(v->id, "lapic", s, EXIT_WHY_APIC_EOI, EXIT_WHY_APIC_READ);
	log_group(v->id, "mmio", s, EXIT_WHY_IOAPIC, EXIT_WHY_MMIO_OTHER);
	if (v->vm->plan->pci_count)
		hv_log("    vcpu %u x86 pci interrupts: msi=%lu intx=%lu",
		       v->id, (unsigned long)s->n[EXIT_WHY_PCI_MSI],
		       (unsigned long)s->n[EXIT_WHY_PCI_INTX]);
	hv_log("    vcpu %u x86 exits cpu: rdmsr=%lu wrmsr=%lu cpuid=%lu "
	       "hlt=%lu intr=%lu vintr=%lu npf=%lu shutdown=%lu "
	       "backstop=%lu",
	       v->id, (unsigned long)s->n[EXIT_WHY_MSR_READ],
	       (unsigned long)s->n[EXIT_WHY_MSR_WRITE],
	       (unsigned long)e[ARCH_EXIT_CPUID],
	       (unsigned long)e[ARCH_EXIT_HLT], (unsigned long)e[ARCH_EXIT_IRQ],
	       (unsigned long)e[ARCH_EXIT_VINTR],
	       (unsigned long)e[ARCH_EXIT_NPF],
	       (unsigned long)s->n[EXIT_WHY_SHUTDOWN],
	       (unsigned long)lapic_timer_backstops(v->pcpu));
}
