/* SPDX-License-Identifier: MIT */
/*
 * A VM's view of PCI: the functions its plan gives it (config
 * `pci-devices`), their configuration space filtered, their BARs fixed
 * where the firmware put them (guest-physical = physical), their MSI and
 * MSI-X messages translated to the VM's own CPUs, and their reset with the
 * VM.  Arch-neutral: the arch decodes the guest's config accesses (x86:
 * 0xcf8/0xcfc and ECAM; aarch64: ECAM) into pci_cfg_read()/pci_cfg_write(),
 * maps the passthrough ranges pci_vm_maps() lists, routes INTx and
 * delivers the vectors; hv/arch/pci.h is what this code asks of it.
 */
#ifndef HV_PCI_H
#define HV_PCI_H

#include "hv/mmio.h"
#include "hv/page_pool.h"
#include "hv/spinlock.h"
#include "hv/types.h"
#include "hv/vpci.h"
#include "shikiri/plan.h"

struct vm;
struct vcpu;
struct pci_vm;

#define PCI_BDF(bus, dev, fn) (((bus) << 8) | ((dev) << 3) | (fn))
#define PCI_BUS(bdf) (((bdf) >> 8) & 0xffu)
#define PCI_DEV(bdf) (((bdf) >> 3) & 0x1fu)
#define PCI_FN(bdf) ((bdf)&7u)
#define PCI_CFG_SIZE 0x1000u /* ECAM: 4 KiB per function */
#define PCI_MAX_BARS 6u

enum pci_bar_kind {
	PCI_BAR_NONE,
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,	  /* its low half; the next BAR is PCI_BAR_MEM64_HI */
	PCI_BAR_MEM64_HI, /* the high half of the BAR before it */
};

/** One BAR as the firmware left it, and the guest's view of it. */
struct pci_bar {
	uint64_t base; /**< physical (= guest-physical) address or I/O port */
	uint64_t size; /**< bytes, a power of two; 0 with PCI_BAR_NONE */
	uint8_t kind;  /**< enum pci_bar_kind */
	bool prefetch;
	bool sizing; /**< the guest wrote all-ones: it reads the size mask */
};

/** The guest's MSI-X table entry; the physical one holds the translation. */
struct pci_msix_entry {
	uint64_t addr;
	uint32_t data;
	uint32_t ctrl; /**< bit 0: masked */
};

/** How a function is reset when its VM restarts or stops (per device). */
enum pci_reset {
	PCI_RESET_FLR,	  /* PCIe Function Level Reset (DevCap bit 28) */
	PCI_RESET_AF_FLR, /* Advanced Features capability FLR */
	PCI_RESET_PM,	  /* D3hot -> D0 with No_Soft_Reset clear */
	PCI_RESET_NONE,	  /* only bus mastering, decode and interrupts off */
};

struct pci_fn;

/**
 * Pages of a memory BAR that trap (MSI-X table, PBA): registered in the
 * VM's MMIO map, left out of pci_vm_maps().  size 0: none.
 */
struct pci_trap {
	struct pci_fn *fn;
	uint64_t base; /**< physical = guest-physical, 4 KiB aligned */
	uint64_t size; /**< 4 KiB multiple */
};

/* The most MSI-X entries a function has (PCI Local Bus 3.0, 6.8.2.3). */
#define PCI_MSIX_MAX 2048u

/** One function a VM owns. */
struct pci_fn {
	uint32_t bdf;
	const struct shikiri_pci_fn *plan;
	struct pci_vm *pv;
	struct pci_bar bar[PCI_MAX_BARS];
	uint8_t header[64]; /**< type 0 header as the firmware left it */
	uint16_t cmd;	    /**< the command register as last written */
	uint8_t intx_line;  /**< the guest's Interrupt Line (not forwarded) */
	uint8_t reset;	    /**< enum pci_reset */
	uint8_t pm_cap;	    /**< capability offsets, 0: absent */
	uint8_t pcie_cap;
	uint8_t af_cap;
	uint8_t msi_cap;
	uint8_t msix_cap;
	uint16_t aer_cap; /**< extended capability offset, 0: absent */
	/* MSI as the guest wrote it (the device holds the translation). */
	uint16_t msi_ctrl;     /**< the guest's Message Control: enable only */
	uint16_t msi_dev_ctrl; /**< the device's at boot: its layout */
	uint64_t msi_addr;
	uint16_t msi_data;
	uint32_t msi_mask; /**< per-vector mask bits, when the device has them */
	/* MSI-X: its table and PBA, and the guest's entries. */
	uint16_t msix_entries;	/**< as the device says, 1..PCI_MSIX_MAX */
	uint16_t msix_shadowed; /**< entries in msix (the pool may run out) */
	uint16_t msix_ctrl;	/**< the guest's Message Control */
	uint8_t msix_table_bar, msix_pba_bar;
	uint32_t msix_table_off, msix_pba_off;
	struct pci_msix_entry *msix; /**< msix_shadowed, from the page pool */
	struct pci_trap trap[2];     /**< ascending, apart */
	uint64_t refused;   /**< guest writes refused (BAR moves, ...) */
	struct vpci_fn vfn; /**< its place on the VM's virtual bus, if any */
};

/** A VM's PCI functions; all zero when it has none. */
struct pci_vm {
	struct vm *vm;
	const struct shikiri_plan_pci *board;
	struct spinlock lock; /* serializes config and MSI-X accesses */
	unsigned count;
	struct pci_fn fn[SHIKIRI_MAX_PCI];
	/*
	 * An IOMMU confines its functions' DMA (aarch64: the SMMU), and
	 * counts what it blocked; written by the CPU that takes the IOMMU's
	 * fault interrupt.
	 */
	bool dma_confined;
	uint64_t dma_faults;
};

/*
 * The most ranges pci_vm_maps() returns: every BAR, a memory BAR cut in
 * three at most around the trapped pages.
 */
#define PCI_MAX_MAPS (SHIKIRI_MAX_PCI * (PCI_MAX_BARS + 2u))

/** A range the arch passes through to the VM: memory (NPT) or I/O ports. */
struct pci_map {
	uint64_t base; /**< physical = guest-physical, or the first port */
	uint64_t size;
	bool io;
};

/**
 * pci_vm_init() - Take the functions @vm's plan gives it: check each is
 * there (type 0 header), size its BARs (decode off meanwhile) and check
 * they lie in the board's windows, find its capabilities and the reset it
 * gets, save its header, and register the MSI-X table pages (and the ECAM
 * window when the board has one and the VM any function) in @vm->mmio.  Boot CPU, before any VM
 * runs.  Return: 0, or a negative error with the reason logged (the plan
 * is then refused).
 */
int pci_vm_init(struct pci_vm *pv, struct vm *vm,
		const struct shikiri_plan_pci *board, struct page_pool *pool);

/**
 * pci_vm_plug() - Put @pv's functions on the VM's virtual PCI bus @bus at
 * their own devfn (bus 0 only: the plan checks say so), their config
 * space the filter of pci_cfg_read()/pci_cfg_write(); nothing when the VM
 * has no virtual bus (x86: it reaches them through the board's ECAM and
 * 0xcf8/0xcfc).  Boot CPU, after pci_vm_init() and vpci_init(), before
 * the shared-memory functions (whose slots the plan keeps apart).
 * Lock order: vpci_bus.lock, then pci_vm.lock.
 * Return: 0, or vpci_add()'s error (logged).
 */
int pci_vm_plug(struct pci_vm *pv, struct vpci_bus *bus);

/**
 * pci_vm_maps() - The ranges to pass through: every BAR, memory BARs
 * split around the 4 KiB pages that must trap (MSI-X table and PBA).
 * Return: the count written to @out (at most @max).
 */
unsigned pci_vm_maps(const struct pci_vm *pv, struct pci_map *out,
		     unsigned max);

/**
 * pci_cfg_read() - The guest reads @size (1, 2 or 4) bytes at @off (aligned
 * to @size, below PCI_CFG_SIZE) of function @bdf's config space.  Functions
 * it does not own read all-ones; the host bridge (00:00.0) reads as a
 * bare bridge without BARs or capabilities.
 */
uint32_t pci_cfg_read(struct pci_vm *pv, uint32_t bdf, unsigned off,
		      unsigned size);

/**
 * pci_cfg_write() - The guest writes: filtered (BARs keep their address,
 * MSI translated, a guest FLR done and the header restored) or dropped and
 * counted in pci_fn.refused.
 */
void pci_cfg_write(struct pci_vm *pv, uint32_t bdf, unsigned off, unsigned size,
		   uint32_t val);

/**
 * pci_vm_hold() - Stop @pv's functions: bus mastering, decode, MSI and
 * MSI-X off, INTx disabled.  The VM is stopping; no DMA or interrupt from
 * its devices after this returns.
 */
void pci_vm_hold(struct pci_vm *pv);

/**
 * pci_vm_reset() - Hold, then reset every function (enum pci_reset, with
 * the waits the spec requires) and restore the header the firmware left
 * (bus mastering off: the next driver enables it), so the next life finds
 * each in its power-on state.  Before the VM's RAM
 * is scrubbed, with all of its vCPUs parked.
 */
void pci_vm_reset(struct pci_vm *pv);

/** pci_reset_name() - "FLR", "AF FLR", "D3hot-D0", "none" for the log. */
const char *pci_reset_name(enum pci_reset r);

#endif /* HV_PCI_H */
