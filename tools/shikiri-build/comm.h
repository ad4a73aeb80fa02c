/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_COMM_H
#define SHIKIRI_BUILD_COMM_H

#include <stdint.h>

#include "board.h"
#include "config.h"
#include "devices.h"
#include "diag.h"
#include "layout.h"

/*
 * Where the devices of shared memory and virtual LANs sit in every VM
 * (guest-physical): a 2 MiB block below 4 GiB holds the virtual PCI bus's
 * ECAM (its first MiB), the regions' register pages (BAR 0s, from the
 * second MiB up, one per region by region index) and the virtio-mmio page
 * (its last 4 KiB); the regions themselves (BAR 2s) sit at the top of the
 * 39-bit IPA space.
 */
#define COMM_BLOCK_SIZE 0x200000ull
#define COMM_ECAM_SIZE 0x100000ull
#define COMM_REGS_OFFSET 0x100000ull
#define COMM_NET_OFFSET (COMM_BLOCK_SIZE - 0x1000ull)
#define COMM_VIRTIO_SIZE 0x200ull /* what the DT's reg says */
/* The stage-2 input range (hv/arch/aarch64: T0SZ 25). */
#define COMM_IPA_END 0x8000000000ull
#define COMM_4G 0x100000000ull
/*
 * The vGIC emulates at most 256 SPIs (VGIC_MAX_SPIS), INTIDs 32-287, and
 * QEMU virt's GIC has as many.
 */
#define COMM_SPI_END 288u

/* The MSIs a VM that owns PCI functions gets when the board has an ITS. */
#define COMM_MSI_COUNT 32u

/**
 * struct comm_layout - What every VM shares of the layout: each region
 * is at the same IPA, rings the same INTID, in every VM that maps it.
 * @block_ipa: the 2 MiB block below 4 GiB; 0 when no VM needs it.
 * @bar2_ipa: each region's IPA (BAR 2), aligned to its size.
 * @shm_intid: each region's doorbell INTID.
 * @net_intid: every virtio-net device's INTID.
 * @pci_mem: each VM's share of the board's PCI memory windows (its
 *           functions' BARs, IPA = PA; size 0: none), pci_layout.c.
 * @msi_intid: the first of the COMM_MSI_COUNT virtual SPIs every VM that
 *             owns PCI functions takes MSIs on; 0: none (no ITS).
 * @pci_coherent: the board's PCI host is DMA-coherent.
 */
struct comm_layout {
	uint64_t block_ipa;
	uint64_t bar2_ipa[SHIKIRI_MAX_SHM];
	uint32_t shm_intid[SHIKIRI_MAX_SHM];
	uint32_t net_intid;
	struct shikiri_range pci_mem[SHIKIRI_MAX_VMS][2];
	uint32_t msi_intid;
	bool pci_coherent;
};

/**
 * struct comm_vm - How one VM sees its regions, its LAN and its PCI
 * functions: its plan fields, and the PCI windows its DT describes.
 * @vpci_ecam_ipa: its virtual PCI bus's ECAM; 0 when it maps no region
 *                 and owns no PCI function.
 * @shm_count: entries in @shm.
 * @shm: its regions, in region order, each in the lowest slot from 1 up
 *       that none of its PCI functions is in.
 * @net: its virtio-net device; @net.ipa 0 when it has none.
 * @mem32: the window over its BAR 0s.
 * @mem64: the window over its BAR 2s.
 * @pci_count: entries in @pci (aarch64).
 * @pci: the PCI functions it owns, at their own devfn on its bus 0.
 * @pci_mem: its share of the board's PCI memory windows.
 * @msi_intid: its first MSI (a virtual SPI), with @msi_count.
 * @msi_count: 0: no MSIs.
 * @pci_coherent: its functions' DMA is coherent (the board's host is).
 */
struct comm_vm {
	uint64_t vpci_ecam_ipa;
	uint32_t shm_count;
	struct shikiri_vm_shm shm[SHIKIRI_MAX_SHM];
	struct shikiri_vm_net net;
	struct layout_range mem32;
	struct layout_range mem64;
	uint32_t pci_count;
	struct shikiri_pci_fn pci[SHIKIRI_MAX_PCI];
	struct shikiri_range pci_mem[2];
	uint32_t msi_intid;
	uint32_t msi_count;
	bool pci_coherent;
};

/**
 * struct comm_guest - What one VM already has in its IPA space.
 * @vm: its configuration.
 * @pt: its passed-through devices.
 * @l: its guest layout (RAM, management page, watchdog).
 */
struct comm_guest {
	const struct vm_config *vm;
	const struct passthrough *pt;
	const struct guest_layout *l;
};

/**
 * comm_needs() - Whether VM @i maps a region, is on a LAN or owns PCI
 * functions (which sit on its virtual PCI bus).
 */
bool comm_needs(const struct config *cfg, unsigned int i);

/**
 * pci_layout_windows() - Give each VM that owns PCI functions its share of
 * the board's PCI memory windows (those below COMM_IPA_END): the same
 * power-of-two size for each, aligned to it, in VM order.
 * @cl: its @pci_mem and @pci_coherent are filled.
 * @cfg: the config, PCI functions resolved.
 * @b: the board.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pci_layout_windows(struct comm_layout *cl, const struct config *cfg,
		       const struct board *b, struct diag *d);

/**
 * pci_layout_check() - Report a VM's window that overlaps a range of its
 * own or any VM's passed-through MMIO.
 * @cl: the windows.
 * @cfg: the config.
 * @g: each VM's IPA space, as for comm_plan().
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pci_layout_check(const struct comm_layout *cl, const struct config *cfg,
		     const struct comm_guest *g, struct diag *d);

/**
 * pci_layout_msi() - With an ITS on the board, the COMM_MSI_COUNT
 * highest consecutive virtual SPIs that nothing in @used (board devices,
 * passthrough, regions' and LANs' INTIDs) has: @cl->msi_intid.
 * @cl: filled in.
 * @cfg: the config.
 * @b: the board.
 * @used: COMM_SPI_END flags, true for an INTID taken.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int pci_layout_msi(struct comm_layout *cl, const struct config *cfg,
		   const struct board *b, const bool *used, struct diag *d);

/**
 * comm_plan() - Choose the IPAs and INTIDs every VM shares.
 * @cl: filled in.
 * @cfg: the config, regions and LANs resolved.
 * @b: the board (its devices' SPIs are left alone, as is the GIC).
 * @g: each VM's IPA space, @cfg->vm_count entries (@l NULL for a VM
 *     whose layout is unknown: it is skipped, its problem reported).
 * @d: where problems are reported.
 *
 * The block is the highest 2 MiB-aligned one below 4 GiB, each region
 * the highest place aligned to its size below COMM_IPA_END (largest
 * region first), all clear of the RAM, passthrough MMIO, GIC, console, management page and
 * watchdog of every VM that needs them.  INTIDs are the lowest SPIs that
 * no board device and no VM's passthrough uses: one per region, in
 * region order, then one for the LANs' devices.
 *
 * Return: 0, or -1 after reporting.
 */
int comm_plan(struct comm_layout *cl, const struct config *cfg,
	      const struct board *b, const struct comm_guest *g,
	      struct diag *d);

/**
 * comm_vm_view() - VM @i's view of the shared layout.
 * @cv: filled in (zeroed when the VM needs nothing).
 * @cl: the layout from comm_plan().
 * @cfg: the config.
 * @i: the VM.
 */
void comm_vm_view(struct comm_vm *cv, const struct comm_layout *cl,
		  const struct config *cfg, unsigned int i);

#endif /* SHIKIRI_BUILD_COMM_H */
