/* SPDX-License-Identifier: MIT */
/*
 * What a VM owning PCI functions reaches of them (PCI_PLAN.md 3): the
 * legacy configuration mechanism (PCI Local Bus spec 3.0, 3.2.2.3.2) as a
 * latch of its own at 0xcf8 and data ports 0xcfc-0xcff that go through
 * the core's filter (hv/pci.h), like its ECAM window does through the
 * nested page fault path; and its functions' BARs passed through, memory
 * by nested paging (uncacheable, guest-physical = physical) and ports by
 * the I/O permission bitmap.  Everything else of the machine stays out of
 * its reach: a BAR that would overlap RAM, a page the hypervisor
 * emulates, or another VM's ranges refuses the plan at boot.
 */
#include <stddef.h>

#include "arch/npt.h"
#include "arch/pci_x86.h"
#include "asm_defs.h"
#include "hv/errno.h"
#include "hv/pci.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "shikiri/x86_layout.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define CONFIG_ENABLE BIT(31)
/* Enable, bus, device, function, register; the rest reads as zero. */
#define CONFIG_ADDRESS_BITS 0x80fffffcu
/* Every port the VM's emulated PC answers lies below this. */
#define EMULATED_PORTS_END 0x1000u
#define PORTS 0x10000u

static uint32_t ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* One CONFIG_DATA access of @size at register @off of @bdf, aligned. */
static uint32_t data_access(struct vm *vm, uint32_t bdf, unsigned off,
			    unsigned size, bool write, uint32_t val)
{
	if (write) {
		pci_cfg_write(&vm->pci, bdf, off, size, val);
		return 0;
	}
	return pci_cfg_read(&vm->pci, bdf, off, size);
}

bool pci_guest_io(struct vcpu *v, uint16_t port, unsigned size, bool write,
		  uint32_t *val)
{
	struct vm *vm = v->vm;
	uint32_t addr, bdf, in = 0;
	unsigned off;

	if (port == CONFIG_ADDRESS && size == 4) {
		if (write)
			__atomic_store_n(&vm->arch.pci_cf8,
					 *val & CONFIG_ADDRESS_BITS,
					 __ATOMIC_RELAXED);
		else
			*val = __atomic_load_n(&vm->arch.pci_cf8,
					       __ATOMIC_RELAXED);
		return true;
	}
	if (port < CONFIG_DATA || port > CONFIG_DATA + 3)
		return false;
	addr = __atomic_load_n(&vm->arch.pci_cf8, __ATOMIC_RELAXED);
	if (!(addr & CONFIG_ENABLE)) {
		if (!write)
			*val = ones(size);
		return true;
	}
	bdf = (addr >> 8) & 0xffffu;
	off = (addr & 0xfcu) | (port & 3u);
	/*
	 * The filter takes naturally aligned accesses inside the register;
	 * anything else (a word at 0xcfd, a dword at 0xcfe) is what the bus
	 * would make of it: its bytes, to the end of the register.
	 */
	if (!(off & (size - 1)) && (off & 3u) + size <= 4) {
		in = data_access(vm, bdf, off, size, write, *val);
	} else {
		for (unsigned i = 0; i < size; i++) {
			uint32_t b = 0xff;

			if ((off & 3u) + i < 4)
				b = data_access(vm, bdf, off + i, 1, write,
						*val >> (8 * i)) &
				    0xff;
			in |= b << (8 * i);
		}
	}
	if (!write)
		*val = in;
	return true;
}

/* Whether [@base, @base + @size) meets any of @vm's RAM (guest-physical). */
static bool hits_ram(const struct vm *vm, uint64_t base, uint64_t size)
{
	const struct shikiri_plan_board *b = hv_board;

	for (unsigned r = 0; r < vm->plan->ram_count; r++)
		if (base < vm->plan->ram[r].ipa + vm->plan->ram[r].size &&
		    vm->plan->ram[r].ipa < base + size)
			return true;
	for (unsigned r = 0; r < b->ram_count; r++)
		if (base < b->ram[r].base + b->ram[r].size &&
		    b->ram[r].base < base + size)
			return true;
	return false;
}

/*
 * The whole plan, every VM's record in it: the VMs are set up one by one,
 * so struct vm of those after this one is not filled in yet.
 */
static const struct shikiri_plan *whole_plan(void)
{
	return (const struct shikiri_plan
			*)(uintptr_t)((uintptr_t)hv_board -
				      offsetof(struct shikiri_plan, board));
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return bs && a < b + bs && b < a + as;
}

/* Why memory range @m cannot be passed through to @vm, or NULL. */
static const char *mem_refused(const struct vm *vm, const struct pci_map *m)
{
	const struct shikiri_plan *plan = whole_plan();
	const struct shikiri_plan_vm *p = vm->plan;

	if (!m->size || ((m->base | m->size) & (SZ_4K - 1)))
		return "is not whole pages: a page would hold registers of "
		       "something else";
	if (m->base + m->size < m->base)
		return "wraps";
	if (hits_ram(vm, m->base, m->size))
		return "overlaps RAM";
	if (overlaps(m->base, m->size, X86_LAYOUT_LAPIC,
		     X86_LAYOUT_APIC_SIZE) ||
	    overlaps(m->base, m->size, X86_LAYOUT_IOAPIC,
		     X86_LAYOUT_APIC_SIZE) ||
	    overlaps(m->base, m->size, p->manage_ipa,
		     p->manage_ipa ? SZ_4K : 0) ||
	    overlaps(m->base, m->size, p->watchdog_ipa,
		     p->watchdog_ipa ? SZ_4K : 0) ||
	    overlaps(m->base, m->size, hv_board->pci.ecam_base,
		     hv_board->pci.ecam_size) ||
	    overlaps(m->base, m->size, hv_board->hw.x86_64.lapic_base, SZ_4K) ||
	    overlaps(m->base, m->size, hv_board->hw.x86_64.ioapic_base, SZ_4K))
		return "overlaps a page the hypervisor emulates or owns";
	for (unsigned i = 0; i < plan->vm_count; i++) {
		const struct shikiri_plan_vm *o = &plan->vm[i];

		for (unsigned r = 0; r < o->mmio_count; r++)
			if (overlaps(m->base, m->size, o->mmio[r].pa,
				     o->mmio[r].size) ||
			    (o == p &&
			     overlaps(m->base, m->size, o->mmio[r].ipa,
				      o->mmio[r].size)))
				return "overlaps a device region of a VM";
	}
	return NULL;
}

/* Why port range @m cannot be opened to @vm, or NULL. */
static const char *io_refused(const struct vm *vm, const struct pci_map *m)
{
	const struct shikiri_plan *plan = whole_plan();

	if (!m->size || m->base >= PORTS || m->size > PORTS - m->base)
		return "is not a port range";
	if (m->base < EMULATED_PORTS_END)
		return "overlaps the ports of the VM's emulated PC";
	if (overlaps(m->base, m->size, hv_board->uart_base, 8))
		return "overlaps the hypervisor's UART";
	for (unsigned i = 0; i < plan->vm_count; i++) {
		const struct shikiri_plan_vm *o = &plan->vm[i];

		if (o == vm->plan)
			continue;
		for (unsigned r = 0;
		     r < o->arch.x86_64.pio_count && r < SHIKIRI_MAX_PIO; r++)
			if (overlaps(m->base, m->size,
				     o->arch.x86_64.pio[r].base,
				     o->arch.x86_64.pio[r].size))
				return "overlaps another VM's ports";
	}
	return NULL;
}

int pci_guest_map(struct vm *vm, struct page_pool *pool)
{
	static struct pci_map maps[PCI_MAX_MAPS];
	unsigned n = pci_vm_maps(&vm->pci, maps, PCI_MAX_MAPS);

	for (unsigned i = 0; i < n; i++) {
		const struct pci_map *m = &maps[i];
		const char *why = m->io ? io_refused(vm, m) :
					  mem_refused(vm, m);
		int ret;

		if (why) {
			hv_log("vm %s: PCI %s 0x%lx-0x%lx %s", vm->name,
			       m->io ? "ports" : "memory", m->base,
			       m->base + m->size - 1, why);
			return -HV_EINVAL;
		}
		if (m->io) {
			for (uint64_t p = m->base; p < m->base + m->size; p++)
				vm->arch.iopm[p / 8] &= (uint8_t)~BIT(p % 8);
			continue;
		}
		/* Device memory: uncacheable whatever the guest's PAT says. */
		ret = npt_map(vm->arch.npt, pool, m->base, m->base, m->size,
			      NPT_DEVICE);
		if (ret) {
			hv_log("vm %s: PCI memory 0x%lx-0x%lx cannot be mapped "
			       "(%d)",
			       vm->name, m->base, m->base + m->size - 1, ret);
			return ret;
		}
	}
	return 0;
}
