// SPDX-License-Identifier: MIT
/*
 * What the PCI core (hv/pci.h) asks of aarch64 (hv/arch/pci.h): the
 * physical configuration space through the board's ECAM, and a BAR's
 * registers (the MSI-X table and PBA) through the VMs' PCI windows, both
 * mapped as device memory in the hypervisor's own tables at boot and
 * nothing else reachable; the windows where BARs go when the hypervisor
 * assigns them; waits on the counter.  MSI routing is the ITS's
 * (msi.c).
 */
#include <stddef.h>

#include "arch/pci_arm.h"
#include "hv/arch/cpu.h"
#include "hv/arch/pci.h"
#include "hv/devmem.h"
#include "hv/console.h"
#include "hv/pci.h"
#include "hv/vm.h"

/* What this file mapped at EL2: every VM's PCI windows and the ECAM. */
static struct shikiri_range windows[SHIKIRI_MAX_VMS * 2];
static unsigned window_count;
static struct shikiri_range ecam;

static uint32_t ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

int pci_hv_map(struct pgtable *pt, const struct shikiri_plan_board *board)
{
	/* The VM records follow the board in the checked plan. */
	const struct shikiri_plan *plan =
		(const void *)((uintptr_t)board -
			       offsetof(struct shikiri_plan, board));
	const struct shikiri_plan_pci *pci = &board->pci;
	bool used = false;
	int ret = 0;

	for (unsigned i = 0; !ret && i < plan->vm_count; i++) {
		const struct shikiri_plan_vm *vm = &plan->vm[i];

		used |= vm->pci_count != 0;
		for (unsigned w = 0; !ret && w < 2; w++) {
			const struct shikiri_range *r =
				&vm->arch.aarch64.pci_mem[w];

			if (!r->size)
				continue;
			ret = pgtable_map(pt, r->base, r->base, r->size,
					  PGTABLE_MEM_DEVICE);
			windows[window_count++] = *r;
		}
	}
	if (ret || !used || !pci->ecam_size)
		return ret;
	/* The plan checks put it below the 39 bits the map takes. */
	ecam = (struct shikiri_range){
		pci->ecam_base,
		MIN(((uint64_t)pci->bus_last - pci->bus_first + 1) << 20,
		    pci->ecam_size)
	};
	return pgtable_map(pt, ecam.base, ecam.base, ecam.size,
			   PGTABLE_MEM_DEVICE);
}

/* The hypervisor's address of @bdf's config byte @off, or 0: none. */
static uint64_t ecam_addr(uint32_t bdf, unsigned off, unsigned size)
{
	const struct shikiri_plan_pci *pci = &hv_board->pci;
	unsigned bus = PCI_BUS(bdf);
	uint64_t at;

	if (!ecam.size || bus < pci->bus_first || bus > pci->bus_last ||
	    off >= PCI_CFG_SIZE || (off & (size - 1)) ||
	    (size != 1 && size != 2 && size != 4))
		return 0;
	at = (uint64_t)(bus - pci->bus_first) << 20 | (bdf & 0xffu) << 12;
	return at < ecam.size ? ecam.base + at + off : 0;
}

uint32_t arch_pci_cfg_read(uint32_t bdf, unsigned off, unsigned size)
{
	uint64_t at = ecam_addr(bdf, off, size);

	return at ? (uint32_t)devmem_read(at, size) : ones(size);
}

void arch_pci_cfg_write(uint32_t bdf, unsigned off, unsigned size, uint32_t val)
{
	uint64_t at = ecam_addr(bdf, off, size);

	if (at)
		devmem_write(at, size, val);
}

/* Whether @size bytes at @pa are a naturally aligned access the
 * hypervisor's map has: inside one of the windows. */
static bool mmio_ok(uint64_t pa, unsigned size)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    (pa & (size - 1)))
		return false;
	for (unsigned i = 0; i < window_count; i++)
		if (pa >= windows[i].base &&
		    pa - windows[i].base <= windows[i].size - size)
			return true;
	return false;
}

uint64_t arch_pci_mmio_read(uint64_t pa, unsigned size)
{
	if (!mmio_ok(pa, size))
		return size == 8 ? ~0ull : ones(size);
	return devmem_read(pa, size);
}

void arch_pci_mmio_write(uint64_t pa, unsigned size, uint64_t val)
{
	if (mmio_ok(pa, size))
		devmem_write(pa, size, val);
}

const struct shikiri_range *arch_pci_windows(const struct shikiri_plan_vm *rec)
{
	return rec->arch.aarch64.pci_mem;
}

void arch_pci_delay_us(unsigned us)
{
	uint64_t hz = console_clock_hz();
	uint64_t end = arch_counter() + hz / 1000000u * us;

	while (arch_counter() < end)
		;
}
