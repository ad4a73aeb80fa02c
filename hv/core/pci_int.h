/* SPDX-License-Identifier: MIT */
/*
 * What the PCI files of hv/core share (hv/pci.h is the interface to the
 * rest): physical config access to a function, the byte-enable form of a
 * guest write, and each concept's entry points.  A guest access reaches
 * these as one dword of config space, @d (4-aligned), with @bm the bytes
 * it covers (bit i: byte d + i) and @dval its value shifted into place.
 * Every function here runs under pci_vm.lock.
 */
#ifndef HV_CORE_PCI_INT_H
#define HV_CORE_PCI_INT_H

#include "hv/arch/pci.h"
#include "hv/pci.h"

/* Type 0 header (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR 0x00u
#define PCI_COMMAND 0x04u
#define PCI_STATUS 0x06u
#define PCI_CLASS_REV 0x08u
#define PCI_CACHE_LINE 0x0cu
#define PCI_LATENCY 0x0du
#define PCI_HEADER_TYPE 0x0eu
#define PCI_BAR0 0x10u
#define PCI_SUBSYSTEM 0x2cu
#define PCI_ROM 0x30u
#define PCI_CAP_PTR 0x34u
#define PCI_INT_LINE 0x3cu
#define PCI_INT_PIN 0x3du
#define PCI_HEADER_SIZE 0x40u
#define PCI_CFG_LEGACY 0x100u /* where PCIe extended config space starts */

#define PCI_CMD_IO 0x0001u
#define PCI_CMD_MEM 0x0002u
#define PCI_CMD_BME 0x0004u
#define PCI_CMD_PARITY 0x0040u
#define PCI_CMD_SERR 0x0100u
#define PCI_CMD_INTX_DISABLE 0x0400u
/* What the guest may set in the command register (PCI_PLAN 3). */
#define PCI_CMD_PASS                                               \
	(PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_BME | PCI_CMD_PARITY | \
	 PCI_CMD_SERR | PCI_CMD_INTX_DISABLE)
#define PCI_STATUS_CAP_LIST 0x0010u

/* Capability IDs and registers (PCI Local Bus 3.0 6.7, 6.8; PCIe 5.0 7). */
#define PCI_CAP_PM 0x01u
#define PCI_CAP_MSI 0x05u
#define PCI_CAP_PCIE 0x10u
#define PCI_CAP_MSIX 0x11u
#define PCI_CAP_AF 0x13u
#define PCI_EXT_CAP_AER 0x0001u
#define PCI_AER_SIZE 0x48u

#define PCI_PM_CSR 4u /* PMCSR, from the PM capability */
#define PCI_PM_STATE 0x0003u
#define PCI_PM_D3HOT 0x0003u
#define PCI_PM_NO_SOFT_RESET 0x0008u

#define PCI_EXP_DEVCAP 4u
#define PCI_EXP_DEVCAP_FLR (1u << 28)
#define PCI_EXP_DEVCTL 8u
#define PCI_EXP_DEVCTL_FLR 0x8000u
#define PCI_EXP_DEVSTA 0x0au
#define PCI_EXP_DEVSTA_TP 0x0020u

#define PCI_AF_CAP 3u
#define PCI_AF_CAP_TP 0x01u
#define PCI_AF_CAP_FLR 0x02u
#define PCI_AF_CTRL 4u
#define PCI_AF_CTRL_FLR 0x01u
#define PCI_AF_STATUS 5u
#define PCI_AF_STATUS_TP 0x01u

#define PCI_MSI_CTRL 2u
#define PCI_MSI_ENABLE 0x0001u
#define PCI_MSI_MME 0x0070u
#define PCI_MSI_64 0x0080u
#define PCI_MSI_MASKABLE 0x0100u
/* Kept from the device in the guest's view of Message Control: 64-bit,
 * per-vector masking, reserved bits.  Multiple Message Capable/Enable and
 * Extended Message Data read as zero: the guest gets one vector. */
#define PCI_MSI_CTRL_KEPT 0xf980u

#define PCI_MSIX_CTRL 2u
#define PCI_MSIX_SIZE 0x07ffu
#define PCI_MSIX_MASKALL 0x4000u
#define PCI_MSIX_ENABLE 0x8000u
#define PCI_MSIX_TABLE 4u
#define PCI_MSIX_PBA 8u
#define PCI_MSIX_BIR 0x7u
#define PCI_MSIX_CAP_SIZE 12u
#define PCI_MSIX_ENTRY_SIZE 16u
#define PCI_MSIX_ENTRY_MASKED 0x1u

/* The delays the specs require (PCIe 5.0 6.6.2; PCI PM 1.2 5.6.1). */
#define PCI_FLR_WAIT_US 100000u
#define PCI_PM_WAIT_US 10000u
#define PCI_POLL_US 10000u
#define PCI_TP_POLLS 10u    /* Transactions Pending: up to 100 ms */
#define PCI_READY_POLLS 90u /* after an FLR: up to 900 ms more */

static inline uint32_t pci_rd(const struct pci_fn *fn, unsigned off,
			      unsigned size)
{
	return arch_pci_cfg_read(fn->bdf, off, size);
}

static inline void pci_wr(const struct pci_fn *fn, unsigned off, unsigned size,
			  uint32_t val)
{
	arch_pci_cfg_write(fn->bdf, off, size, val);
}

/* The bits of a dword that byte enables @bm select. */
static inline uint32_t pci_bm_bits(unsigned bm)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < 4; i++)
		if (bm & (1u << i))
			m |= 0xffu << (8 * i);
	return m;
}

/* @cur with the bytes @bm selects taken from @dval. */
static inline uint32_t pci_merge(uint32_t cur, unsigned bm, uint32_t dval)
{
	uint32_t m = pci_bm_bits(bm);

	return (cur & ~m) | (dval & m);
}

/* pci_cfg.c */
/** pci_cfg_pass() - Write the bytes @bm selects of dword @d to the device. */
void pci_cfg_pass(const struct pci_fn *fn, unsigned d, unsigned bm,
		  uint32_t dval);
/** pci_cfg_fn_read() - The guest's view of dword @d of @fn. */
uint32_t pci_cfg_fn_read(struct pci_fn *fn, unsigned d);
/** pci_cfg_register_ecam() - Trap the board's ECAM window in @mmio. */
int pci_cfg_register_ecam(struct pci_vm *pv, struct mmio_map *mmio);

/* pci_bar.c */
/** pci_bar_probe() - Find and size @fn's BARs; check them against @board. */
int pci_bar_probe(struct pci_fn *fn, const struct shikiri_plan_pci *board);
/** pci_bar_base() - Where BAR @i (a memory BAR's low half) decodes. */
uint64_t pci_bar_base(const struct pci_fn *fn, unsigned i);
/** pci_bar_read() - The guest's view of BAR dword @i. */
uint32_t pci_bar_read(const struct pci_fn *fn, unsigned i);
/** pci_bar_write() - The guest writes BAR dword @i: sizing or dropped. */
void pci_bar_write(struct pci_fn *fn, unsigned i, unsigned bm, uint32_t dval);
/** pci_bar_maps() - @fn's BARs as pci_vm_maps() lists them. */
unsigned pci_bar_maps(const struct pci_fn *fn, struct pci_map *out,
		      unsigned max);

/* pci_assign.c */
/**
 * pci_assign_bars() - Size the memory BARs of the @count functions @fns
 * of VM @vm_name and place them in @win[0], then @win[1] (guest-physical =
 * physical), largest first, each aligned to its size; I/O BARs and ROMs
 * off, memory decode on.  Boot CPU, before pci_vm_init() takes them; no
 * lock (no VM runs).  Return: 0; -HV_EINVAL without a window (@win NULL
 * or both empty); -HV_ENOMEM when a BAR does not fit (logged).
 */
int pci_assign_bars(const char *vm_name, const struct shikiri_pci_fn *fns,
		    unsigned count, const struct shikiri_range *win);

/* pci_cap.c */
/** pci_cap_walk() - Find @fn's capabilities (bounded) and its reset. */
int pci_cap_walk(struct pci_fn *fn);
/** pci_cap_msi_len() - Bytes of @fn's MSI capability (its boot layout). */
unsigned pci_cap_msi_len(const struct pci_fn *fn);

/* pci_msi.c */
/** pci_msi_owns() - Whether dword @d lies in @fn's MSI capability. */
bool pci_msi_owns(const struct pci_fn *fn, unsigned d);
/** pci_msi_read() - The guest's view of MSI capability dword @d. */
uint32_t pci_msi_read(const struct pci_fn *fn, unsigned d);
/** pci_msi_write() - The guest writes it: shadowed, translated. */
void pci_msi_write(struct pci_fn *fn, unsigned d, unsigned bm, uint32_t dval);
/** pci_msi_forget() - The guest's MSI state back to power-on. */
void pci_msi_forget(struct pci_fn *fn);

/* pci_msix.c */
/** pci_msix_init() - Check @fn's MSI-X table and PBA; shadow, traps. */
int pci_msix_init(struct pci_fn *fn, struct page_pool *pool);
/** pci_msix_owns() - Whether dword @d lies in @fn's MSI-X capability. */
bool pci_msix_owns(const struct pci_fn *fn, unsigned d);
/** pci_msix_write() - The guest writes the MSI-X capability. */
void pci_msix_write(struct pci_fn *fn, unsigned d, unsigned bm, uint32_t dval);
/** pci_msix_forget() - The guest's MSI-X state back to power-on. */
void pci_msix_forget(struct pci_fn *fn);
/** The trapped MSI-X pages' MMIO callbacks; priv is a struct pci_trap. */
extern const struct mmio_ops pci_msix_ops;

/* pci_reset.c */
/** pci_reset_hold() - Stop @fn's DMA and interrupts (BME first). */
void pci_reset_hold(const struct pci_fn *fn);
/** pci_reset_choose() - The strongest reset @fn offers. */
enum pci_reset pci_reset_choose(const struct pci_fn *fn);
/**
 * pci_reset_fn() - Hold @fn, reset it by its method, restore its header
 * with the command register the firmware left but bus mastering (its VM
 * starts afresh).
 */
void pci_reset_fn(struct pci_fn *fn);
/**
 * pci_reset_cap_write() - A guest write to dword @d of a capability that
 * can reset @fn (PCIe Device Control, AF Control, PMCSR).  Return: false
 * when @d is none of those (the caller goes on).
 */
bool pci_reset_cap_write(struct pci_fn *fn, unsigned d, unsigned bm,
			 uint32_t dval);

#endif /* HV_CORE_PCI_INT_H */
