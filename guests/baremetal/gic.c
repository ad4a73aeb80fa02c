/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 as a guest drives it (IHI0069): the CPU interface through the
 * ICC_* system registers (under a hypervisor these reach the virtual CPU
 * interface, ICV_*), the distributor and redistributors through MMIO.
 */
#include "baremetal/gic.h"
#include "baremetal/sysreg.h"

#define ICC_SRE_SRE BIT(0)
#define SPI_PRIORITY 0x80

static uint64_t gicd, gicr;

uint64_t gic_dist(uint32_t off)
{
	return gicd + off;
}

uint64_t gic_redist(unsigned frame, uint32_t off)
{
	return gicr + (uint64_t)frame * GICR_STRIDE + off;
}

void gic_init(uint64_t gicd_base, uint64_t gicr_base)
{
	gicd = gicd_base;
	gicr = gicr_base;

	/* The system register interface: the only one GICv3 guests get. */
	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | ICC_SRE_SRE);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0); /* EOImode 0: EOI also deactivates */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();

	/*
	 * Wake this vCPU's redistributor (IHI0069 11.1: clear
	 * ProcessorSleep, wait for ChildrenAsleep to clear).  A single-vCPU
	 * guest runs on vCPU 0, the first frame.
	 */
	mmio_write32(gic_redist(0, GICR_WAKER),
		     mmio_read32(gic_redist(0, GICR_WAKER)) &
			     ~(uint32_t)GICR_WAKER_SLEEP);
	while (mmio_read32(gic_redist(0, GICR_WAKER)) &
	       GICR_WAKER_CHILDREN_ASLEEP)
		;
}

uint32_t gic_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	return intid;
}

void gic_eoi(uint32_t intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

void gic_send_sgi1r(uint64_t val)
{
	dsb(ishst);
	write_sysreg(ICC_SGI1R_EL1, val);
	isb();
}

void gic_send_sgi0r(uint64_t val)
{
	dsb(ishst);
	write_sysreg(ICC_SGI0R_EL1, val);
	isb();
}

bool gic_irq_pending(void)
{
	return (read_sysreg(isr_el1) & BIT(7)) != 0;
}

void gic_spi_enable(uint32_t intid, bool on)
{
	uint32_t bank = (intid / 32) * 4, bit = 1u << (intid % 32);

	if (on) {
		mmio_write8(gic_dist(GICD_IPRIORITYR + intid), SPI_PRIORITY);
		/* vCPU 0 (affinity 0.0.0.0), not 1-of-N. */
		mmio_write64(gic_dist(GICD_IROUTER + intid * 8), 0);
	}
	mmio_write32(gic_dist((on ? GICD_ISENABLER : GICD_ICENABLER) + bank),
		     bit);
}
