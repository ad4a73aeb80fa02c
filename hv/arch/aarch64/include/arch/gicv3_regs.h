/* SPDX-License-Identifier: MIT */
/*
 * GICv3 register layout (IHI0069): offsets and fields of the distributor
 * and redistributor.  Architectural facts only, shared by the hypervisor's
 * GIC driver and vGIC and by the bare-metal test guests.
 */
#ifndef ARCH_GICV3_REGS_H
#define ARCH_GICV3_REGS_H

/* Distributor (12.9). */
#define GICD_CTLR 0x0000u
#define GICD_TYPER 0x0004u
#define GICD_IIDR 0x0008u
#define GICD_SETSPI_NSR 0x0040u
#define GICD_CLRSPI_NSR 0x0048u
#define GICD_IGROUPR 0x0080u
#define GICD_ISENABLER 0x0100u
#define GICD_ICENABLER 0x0180u
#define GICD_ISPENDR 0x0200u
#define GICD_ICPENDR 0x0280u
#define GICD_ISACTIVER 0x0300u
#define GICD_ICACTIVER 0x0380u
#define GICD_IPRIORITYR 0x0400u
#define GICD_ICFGR 0x0c00u
#define GICD_IROUTER 0x6000u
#define GICD_PIDR2 0xffe8u

#define GICD_CTLR_GRP0 (1u << 0)
#define GICD_CTLR_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_CTLR_RWP (1u << 31)
#define GICD_TYPER_MBIS (1u << 16)

/* Redistributor: RD frame, then the SGI frame 64 KiB above (12.10, 12.11). */
#define GICR_STRIDE 0x20000u
#define GICR_CTLR 0x0000u
#define GICR_TYPER 0x0008u
#define GICR_WAKER 0x0014u
#define GICR_SGI 0x10000u
#define GICR_IGROUPR0 (GICR_SGI + GICD_IGROUPR)
#define GICR_ISENABLER0 (GICR_SGI + GICD_ISENABLER)
#define GICR_ICENABLER0 (GICR_SGI + GICD_ICENABLER)
#define GICR_ICPENDR0 (GICR_SGI + GICD_ICPENDR)
#define GICR_IPRIORITYR (GICR_SGI + GICD_IPRIORITYR)

#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

#endif /* ARCH_GICV3_REGS_H */
