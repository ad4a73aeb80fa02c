/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 a guest sees (IHI0069): its CPU interface through the ICC_*
 * system registers, its distributor and redistributors as MMIO.
 */
#ifndef BAREMETAL_GIC_H
#define BAREMETAL_GIC_H

#include "baremetal/types.h"

/* Distributor registers (IHI0069 12.9). */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

/* Redistributor: RD frame, then the SGI frame 64 KiB above (12.10, 12.11). */
#define GICR_STRIDE 0x20000
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_SGI 0x10000
#define GICR_IGROUPR0 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_ICPENDR0 (GICR_SGI + 0x0280)
#define GICR_IPRIORITYR (GICR_SGI + 0x0400)

#define GICR_TYPER_LAST BIT(4)
#define GICR_WAKER_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)

#define GIC_SPURIOUS 1023u

/* ICC_SGI1R_EL1 / ICC_SGI0R_EL1 fields (12.2.23). */
#define SGIR_TARGETS(list) ((uint64_t)(list)&0xffff)
#define SGIR_AFF1(a) ((uint64_t)((a)&0xff) << 16)
#define SGIR_INTID(n) ((uint64_t)((n)&0xf) << 24)
#define SGIR_AFF2(a) ((uint64_t)((a)&0xff) << 32)
#define SGIR_IRM BIT(40)
#define SGIR_RS(r) ((uint64_t)((r)&0xf) << 44)
#define SGIR_AFF3(a) ((uint64_t)((a)&0xff) << 48)

/**
 * gic_init() - Set up this vCPU's side of the GIC: the system register
 * interface, priority mask open, group 1 enabled, and its redistributor
 * awake.  @gicd and @gicr are the distributor's and the first
 * redistributor's MMIO bases (from the device tree).
 */
void gic_init(uint64_t gicd, uint64_t gicr);

/** gic_dist() - The distributor's MMIO address of register @off. */
uint64_t gic_dist(uint32_t off);

/**
 * gic_redist() - MMIO address of register @off in redistributor number
 * @frame (frames are GICR_STRIDE apart from the first; @off may be in the
 * SGI frame, GICR_SGI and above).
 */
uint64_t gic_redist(unsigned frame, uint32_t off);

/** gic_ack() - Acknowledge the highest pending group-1 interrupt (ICC_IAR1_EL1). */
uint32_t gic_ack(void);

/** gic_eoi() - Priority drop and deactivate @intid (ICC_EOIR1_EL1, EOImode 0). */
void gic_eoi(uint32_t intid);

/** gic_send_sgi1r() - Write @val to ICC_SGI1R_EL1: a group-1 SGI. */
void gic_send_sgi1r(uint64_t val);

/** gic_send_sgi0r() - Write @val to ICC_SGI0R_EL1: a group-0 SGI. */
void gic_send_sgi0r(uint64_t val);

/** gic_irq_pending() - Whether an IRQ is pending for this vCPU (ISR_EL1.I). */
bool gic_irq_pending(void);

/** gic_spi_enable() - Enable or disable SPI @intid in the distributor. */
void gic_spi_enable(uint32_t intid, bool on);

#endif /* BAREMETAL_GIC_H */
