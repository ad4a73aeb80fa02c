/* SPDX-License-Identifier: MIT */
/*
 * A shared-memory region as a VM sees it: a PCI function on the VM's
 * virtual PCI bus 0, register-compatible with QEMU's ivshmem (doorbell
 * variant, INTx only), so that stock Linux drives it with uio_pci_generic
 * and userspace maps the region through sysfs (docs/communication.md).
 *
 *   BAR 0  4 KiB of registers (below), trapped by the hypervisor
 *   BAR 2  the region itself, 64-bit prefetchable, mapped by stage 2
 *   INTx   pin A: the doorbell, (INTR_STATUS & INTR_MASK) != 0
 *
 * BARs are where the hypervisor put them (the guest DT says
 * linux,pci-probe-only): sizing works, moving them is ignored.
 *
 * A peer is a VM, named by its index (vm@N); a VM may ring only VMs that
 * map the same region (itself included).  Ringing sets INTR_STATUS bit 0
 * and RUNG_BY bit <sender> in the peer's function for that region; the
 * interrupt goes out when the line rises, so a peer that does not
 * acknowledge (read INTR_STATUS) takes no more interrupts however often it
 * is rung.  A ring to a VM that is not running is dropped and counted.
 */
#ifndef SHIKIRI_SHM_H
#define SHIKIRI_SHM_H

#define SHIKIRI_SHM_VENDOR 0x1af4u /* as QEMU's ivshmem */
#define SHIKIRI_SHM_DEVICE 0x1110u
#define SHIKIRI_SHM_CLASS 0x050000u /* memory controller, RAM */
#define SHIKIRI_SHM_SUBSYS_VENDOR 0x1af4u
#define SHIKIRI_SHM_SUBSYS_ID 0x534bu /* "SK": shikiri's, not QEMU's */
#define SHIKIRI_SHM_REGS_SIZE 0x1000u

/* BAR 0 registers, 32-bit accesses. */
#define SHIKIRI_SHM_INTR_MASK 0x00u   /* RW, bit 0: doorbell interrupt on; 0 at reset */
#define SHIKIRI_SHM_INTR_STATUS 0x04u /* RC, bit 0: rung since last read */
#define SHIKIRI_SHM_IV_POSITION 0x08u /* RO: this VM's peer ID (index) */
#define SHIKIRI_SHM_DOORBELL 0x0cu    /* WO: peer << 16 | vector (0) */
/* shikiri's own, beyond ivshmem's: */
#define SHIKIRI_SHM_PEERS 0x10u       /* RO: bit n: VM n maps the region */
#define SHIKIRI_SHM_RUNG_BY 0x14u     /* RC: bit n: VM n rang since last read */
#define SHIKIRI_SHM_FLAGS 0x18u       /* RO: SHIKIRI_SHM_F_* */
#define SHIKIRI_SHM_NAME 0x20u        /* RO: 16 bytes, the region's label */

/** DOORBELL's peer value that rings every other VM of the region. */
#define SHIKIRI_SHM_PEER_ALL 0xffffu

/** FLAGS: this VM maps the region read-only. */
#define SHIKIRI_SHM_F_READ_ONLY 1u

#endif /* SHIKIRI_SHM_H */
