/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture's PCI (hv/arch/fake/pci.c): a model of a few
 * functions that tests build (config space bytes with their writable and
 * write-1-to-clear bits, device memory behind a BAR, FLR and D3hot->D0
 * resets back to a power-on image), and a record of every write, delay
 * and reset the code under test caused, in order.
 */
#ifndef HV_ARCH_FAKE_PCI_H
#define HV_ARCH_FAKE_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_PCI_FNS 6
#define FAKE_PCI_MEM 0x10000u /* device memory per function */
#define FAKE_PCI_LOG 4096
/* arch_pci_msi_route(): the physical APIC ID of guest destination d. */
#define FAKE_PCI_DEST_BASE 0x10u
#define FAKE_PCI_DESTS 4u /* guest destinations 0..3 route */

enum fake_pci_op {
	FAKE_PCI_CFG_WRITE,
	FAKE_PCI_MMIO_WRITE,
	FAKE_PCI_DELAY,
	FAKE_PCI_RESET, /* the model reset a function (FLR, PM) */
	FAKE_PCI_ROUTE, /* arch_pci_msi_route() was asked */
};

struct fake_pci_event {
	uint8_t op;   /* enum fake_pci_op */
	uint32_t bdf; /* CFG_WRITE, RESET */
	uint64_t off; /* config offset, or the physical address */
	unsigned size;
	uint64_t val; /* value written, or microseconds */
};

struct fake_pci_fn {
	uint32_t bdf;
	uint8_t cfg[4096];
	uint8_t wmask[4096]; /* bits a write sets or clears */
	uint8_t w1c[4096];   /* bits a write of 1 clears */
	uint8_t power_on[4096];
	uint64_t mem_base; /* device memory at [mem_base, + FAKE_PCI_MEM) */
	uint8_t mem[FAKE_PCI_MEM];
	/* Where its MSI-X table is in mem, and its size, for resets. */
	uint32_t msix_at, msix_entries;
	unsigned pcie, af, pm; /* capability offsets the model acts on */
	unsigned tp_reads; /* Transactions Pending reads as set this often */
	unsigned resets;
	unsigned cap_tail; /* the last capability added, for linking */
};

struct fake_pci {
	struct fake_pci_fn fn[FAKE_PCI_FNS];
	unsigned count;
	struct fake_pci_event log[FAKE_PCI_LOG];
	unsigned log_count;
	uint64_t delay_us;
	unsigned cfg_reads;
};

extern struct fake_pci fake_pci;

/** fake_pci_reset() - No functions, an empty log. */
void fake_pci_reset(void);

/**
 * fake_pci_add() - A type 0 function at @bdf with @id (device << 16 |
 * vendor) and @class (class << 8 | revision), its device memory at
 * @mem_base; command register and interrupt line writable.
 */
struct fake_pci_fn *fake_pci_add(uint32_t bdf, uint32_t id, uint32_t class,
				 uint64_t mem_base);

/** fake_pci_find() - The function at @bdf, or NULL. */
struct fake_pci_fn *fake_pci_find(uint32_t bdf);

/**
 * fake_pci_bar() - BAR @i as the firmware left it: at @base, @size bytes
 * (a power of two), @io, or 64-bit (@is64, taking slot @i + 1).  I/O BARs
 * decode 16 bits, as on PCs: their upper half reads 0 when sized.
 */
void fake_pci_bar(struct fake_pci_fn *f, unsigned i, uint64_t base,
		  uint64_t size, bool io, bool is64);

/** fake_pci_cap() - Append capability @id of @len bytes at @at. */
void fake_pci_cap(struct fake_pci_fn *f, unsigned at, unsigned id,
		  unsigned len);

/** fake_pci_msi() - An MSI capability at @at. */
void fake_pci_msi(struct fake_pci_fn *f, unsigned at, bool is64, bool maskable);

/**
 * fake_pci_msix() - An MSI-X capability at @at with @entries, its table
 * at @table_off of BAR @bir and its PBA at @pba_off of the same BAR (the
 * BAR must be at the function's mem_base); all entries masked.
 */
void fake_pci_msix(struct fake_pci_fn *f, unsigned at, unsigned entries,
		   unsigned bir, uint32_t table_off, uint32_t pba_off);

/** fake_pci_pcie() - A PCI Express capability at @at; @flr: FLR capable. */
void fake_pci_pcie(struct fake_pci_fn *f, unsigned at, bool flr);

/** fake_pci_af() - An Advanced Features capability (TP and FLR) at @at. */
void fake_pci_af(struct fake_pci_fn *f, unsigned at);

/** fake_pci_pm() - A PM capability at @at; its No_Soft_Reset bit. */
void fake_pci_pm(struct fake_pci_fn *f, unsigned at, bool no_soft_reset);

/** fake_pci_ext() - Extended capability @id at @at, next at @next. */
void fake_pci_ext(struct fake_pci_fn *f, unsigned at, unsigned id,
		  unsigned next);

/** fake_pci_ready() - The function as built is its power-on image too,
 * but for writable bits (BARs, command, enables), which reset to 0. */
void fake_pci_ready(struct fake_pci_fn *f);

/** fake_pci_cfg32() - Read a dword of @f's config space as it is. */
uint32_t fake_pci_cfg32(const struct fake_pci_fn *f, unsigned off);

/** fake_pci_mem32() - Read a dword of @f's device memory at @pa. */
uint32_t fake_pci_mem32(const struct fake_pci_fn *f, uint64_t pa);

/**
 * fake_pci_find_event() - The index of the first event from @from on
 * with @op at @bdf and @off (any when ~0), or -1.
 */
int fake_pci_find_event(unsigned from, enum fake_pci_op op, uint32_t bdf,
			uint64_t off);

#endif /* HV_ARCH_FAKE_PCI_H */
