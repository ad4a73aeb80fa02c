/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 a guest sees (IHI0069): its CPU interface through the ICC_*
 * system registers, its distributor and redistributors as MMIO.
 */
#ifndef BAREMETAL_GIC_H
#define BAREMETAL_GIC_H

#include "arch/gicv3_regs.h"
#include "baremetal/types.h"

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
