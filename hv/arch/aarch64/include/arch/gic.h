/* SPDX-License-Identifier: MIT */
#ifndef ARCH_GIC_H
#define ARCH_GIC_H

#include "arch/gicv3_regs.h"
#include "hv/types.h"
#include "shikiri/plan.h"

/* The hypervisor's own interrupts. */
#define GIC_SGI_KICK 0u    /* "look at your vCPU's queue and state" */
#define GIC_SPURIOUS 1020u /* INTIDs from here are special or spurious */
/* The one priority of every interrupt the hypervisor enables, LPIs too. */
#define GIC_HV_PRIORITY 0xa0u

/**
 * gic_init() - Program the distributor: every SPI group 1, disabled,
 * routed to the boot CPU, at one priority.  Boot CPU, before any other.
 */
void gic_init(const struct shikiri_plan_board *board);

/**
 * gic_init_cpu() - Wake CPU @pcpu's redistributor, enable its system
 * register interface with split priority drop / deactivation (EOImode 1),
 * and enable the kick SGI and the maintenance interrupt.  On that CPU.
 */
void gic_init_cpu(unsigned pcpu, uint64_t mpidr, uint32_t maint_intid);

/** gic_ack() - Acknowledge the highest pending interrupt; its INTID. */
uint32_t gic_ack(void);

/** gic_priority_drop() - End @intid's priority (EOImode 1: not deactivated). */
void gic_priority_drop(uint32_t intid);

/** gic_deactivate() - Deactivate @intid (for the hypervisor's own ones). */
void gic_deactivate(uint32_t intid);

/** gic_spi_enable() - Enable or disable physical SPI @intid. */
void gic_spi_enable(uint32_t intid, bool on);

/** gic_spi_route() - Deliver SPI @intid to the CPU with affinity @mpidr. */
void gic_spi_route(uint32_t intid, uint64_t mpidr);

/** gic_spi_set_edge() - Configure SPI @intid edge- (true) or level-triggered. */
void gic_spi_set_edge(uint32_t intid, bool edge);

/** gic_set_pending() - Set or clear the pending state of SPI @intid. */
void gic_set_pending(uint32_t intid, bool pending);

/** gic_set_active() - Set or clear the active state of SPI @intid. */
void gic_set_active(uint32_t intid, bool active);

/** gic_ppi_enable() - Enable or disable PPI @intid on CPU @pcpu. */
void gic_ppi_enable(unsigned pcpu, uint32_t intid, bool on);

/** gic_ppi_deactivate() - Clear PPI @intid's active state on CPU @pcpu. */
void gic_ppi_deactivate(unsigned pcpu, uint32_t intid);

/**
 * gic_ppi_set_pending() - Set or clear the pending state of private
 * interrupt @intid on CPU @pcpu (in its redistributor; from any CPU).
 */
void gic_ppi_set_pending(unsigned pcpu, uint32_t intid, bool pending);

/**
 * gic_ppi_set_active() - Set or clear the active state of private
 * interrupt @intid on CPU @pcpu (in its redistributor; from any CPU).
 */
void gic_ppi_set_active(unsigned pcpu, uint32_t intid, bool active);

/**
 * gic_is_pending() - Whether @intid is pending in the physical GIC: a
 * private INTID on CPU @pcpu, an SPI in the distributor (@pcpu ignored).
 * A level-triggered line reads pending while it is asserted.
 */
bool gic_is_pending(unsigned pcpu, uint32_t intid);

/**
 * gic_is_active() - Whether @intid is active in the physical GIC: a
 * private INTID on CPU @pcpu, an SPI in the distributor (@pcpu ignored).
 */
bool gic_is_active(unsigned pcpu, uint32_t intid);

/**
 * gic_ppi_set_edge() - Configure PPI @intid of CPU @pcpu edge- (true) or
 * level-triggered, where the GIC lets it be configured.  On that CPU.
 */
void gic_ppi_set_edge(unsigned pcpu, uint32_t intid, bool edge);

/** gic_send_sgi() - Raise SGI @sgi on the CPU with affinity @mpidr. */
void gic_send_sgi(uint64_t mpidr, unsigned sgi);

/**
 * gic_redist_base() - The redistributor of the CPU with affinity @mpidr
 * (its RD frame), 0 when the board has none for it.
 */
uint64_t gic_redist_base(uint64_t mpidr);

/** gic_dist_read() - Read distributor register @off (ID registers). */
uint32_t gic_dist_read(uint32_t off);

#endif /* ARCH_GIC_H */
