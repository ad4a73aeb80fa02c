/* SPDX-License-Identifier: MIT */
/*
 * What the PCI core (hv/pci.h) asks of x86 (hv/arch/pci.h): the physical
 * configuration space through the board's ECAM window, or the legacy
 * 0xcf8/0xcfc pair where the board has none; device memory through the
 * hypervisor's own one-to-one map of the low 4 GiB; MSI messages
 * translated onto the VM's own CPUs (msi.c) and, when one arrives, made
 * pending in the vCPU of the CPU it came to; waits on the TSC.
 */
#include "arch/lapic.h"
#include "arch/msi.h"
#include "arch/pci_x86.h"
#include "arch/x86.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/arch/pci.h"
#include "hv/devmem.h"
#include "hv/pci.h"
#include "hv/spinlock.h"
#include "hv/vm.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define CONFIG_ENABLE BIT(31)
#define LEGACY_CFG_SIZE 0x100u
/* head.S maps [0, 4 GiB) with 2 MiB pages; nothing above is mapped. */
#define HV_MAPPED (4ull << 30)

extern uint64_t boot_pd[];

/* The 0xcf8/0xcfc pair is one register pair for every CPU. */
static struct spinlock cf8_lock;

static uint32_t ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* The hypervisor's address of @bdf's config byte @off, or 0: no ECAM. */
static uint64_t ecam_addr(uint32_t bdf, unsigned off)
{
	const struct shikiri_plan_pci *pci = &hv_board->pci;
	unsigned bus = PCI_BUS(bdf);
	uint64_t at;

	if (!pci->ecam_size || bus < pci->bus_first || bus > pci->bus_last)
		return 0;
	at = (uint64_t)(bus - pci->bus_first) << 20 | (bdf & 0xffu) << 12;
	if (at >= pci->ecam_size || off >= PCI_CFG_SIZE)
		return 0;
	return pci->ecam_base + at + off;
}

static bool size_ok(unsigned off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && !(off & (size - 1));
}

uint32_t arch_pci_cfg_read(uint32_t bdf, unsigned off, unsigned size)
{
	uint64_t at;
	uint32_t v;

	if (!size_ok(off, size))
		return 0xffffffffu;
	at = ecam_addr(bdf, off);
	if (at)
		return (uint32_t)devmem_read(at, size);
	if (hv_board->pci.ecam_size || off >= LEGACY_CFG_SIZE)
		return ones(size);
	spin_lock(&cf8_lock);
	outl(CONFIG_ADDRESS,
	     CONFIG_ENABLE | (bdf & 0xffffu) << 8 | (off & 0xfc));
	if (size == 1)
		v = inb((uint16_t)(CONFIG_DATA + (off & 3)));
	else if (size == 2)
		v = inw((uint16_t)(CONFIG_DATA + (off & 3)));
	else
		v = inl(CONFIG_DATA);
	spin_unlock(&cf8_lock);
	return v;
}

void arch_pci_cfg_write(uint32_t bdf, unsigned off, unsigned size, uint32_t val)
{
	uint64_t at;

	if (!size_ok(off, size))
		return;
	at = ecam_addr(bdf, off);
	if (at) {
		devmem_write(at, size, val);
		return;
	}
	if (hv_board->pci.ecam_size || off >= LEGACY_CFG_SIZE)
		return;
	spin_lock(&cf8_lock);
	outl(CONFIG_ADDRESS,
	     CONFIG_ENABLE | (bdf & 0xffffu) << 8 | (off & 0xfc));
	if (size == 1)
		outb((uint16_t)(CONFIG_DATA + (off & 3)), (uint8_t)val);
	else if (size == 2)
		outw((uint16_t)(CONFIG_DATA + (off & 3)), (uint16_t)val);
	else
		outl(CONFIG_DATA, val);
	spin_unlock(&cf8_lock);
}

static bool mmio_ok(uint64_t pa, unsigned size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) &&
	       !(pa & (size - 1)) && pa < HV_MAPPED - size;
}

uint64_t arch_pci_mmio_read(uint64_t pa, unsigned size)
{
	if (!mmio_ok(pa, size))
		return size >= 8 ? ~0ull : ones(size);
	return devmem_read(pa, size);
}

void arch_pci_mmio_write(uint64_t pa, unsigned size, uint64_t val)
{
	if (mmio_ok(pa, size))
		devmem_write(pa, size, val);
}

bool arch_pci_msi_route(struct vm *vm, uint64_t addr, uint32_t data,
			uint64_t *paddr, uint32_t *pdata)
{
	uint64_t apic_id[SHIKIRI_MAX_CPUS];
	int ret;

	for (unsigned i = 0; i < vm->vcpu_count; i++)
		apic_id[i] = pcpus[vm->vcpu[i].pcpu].hw_id;
	spin_lock(&vm->arch.apic_lock);
	ret = msi_translate(&vm->arch.apic_bus, apic_id, addr, data, paddr,
			    pdata);
	spin_unlock(&vm->arch.apic_lock);
	return ret == 0;
}

bool pci_msi_irq(unsigned vector)
{
	struct vcpu *v = arch_this_pcpu()->vcpu;
	struct vlapic_msg msg;

	if (!v || !v->vm->plan->pci_count)
		return false;
	/* Ended now: the guest's EOI is its own local APIC's business. */
	lapic_eoi();
	msg = (struct vlapic_msg){
		.vector = (uint8_t)vector,
		.mode = VLAPIC_FIXED,
		.dest = (uint8_t)v->id,
	};
	spin_lock(&v->vm->arch.apic_lock);
	vlapic_deliver(&v->vm->arch.apic_bus, &msg);
	spin_unlock(&v->vm->arch.apic_lock);
	v->arch.why.n[EXIT_WHY_PCI_MSI]++;
	return true;
}

const struct shikiri_range *arch_pci_windows(const struct shikiri_plan_vm *rec)
{
	/* The firmware (SeaBIOS, UEFI) has assigned every BAR. */
	(void)rec;
	return NULL;
}

void arch_pci_delay_us(unsigned us)
{
	lapic_delay_us(us);
}

/*
 * Make the hypervisor's map of [@base, @base + @size) uncacheable: head.S
 * maps the low 4 GiB write-back but for the top GiB, and device registers
 * must not be cached whatever the MTRRs say.
 */
static void uncached(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (!size || base >= HV_MAPPED)
		return;
	end = end > HV_MAPPED ? HV_MAPPED : end;
	for (uint64_t a = base & ~(SZ_2M - 1); a < end; a += SZ_2M)
		boot_pd[a / SZ_2M] |= PTE_PCD | PTE_PWT;
}

void pci_hv_map(const struct shikiri_plan_board *b)
{
	uncached(b->pci.ecam_base, b->pci.ecam_size);
	for (unsigned i = 0; i < ARRAY_SIZE(b->pci.mem); i++)
		uncached(b->pci.mem[i].base, b->pci.mem[i].size);
	/* No CPU but this one runs yet: reloading CR3 is the whole flush. */
	__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::
				 : "rax", "memory");
}
