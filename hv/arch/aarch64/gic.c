/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3 (IHI0069).  The hypervisor owns the distributor and
 * every redistributor; guests only ever reach them through vgic_v3.c.
 *
 * Locking: each distributor register touched here is per-interrupt (set /
 * clear registers, byte or 64-bit fields), except ICFGR, so no lock is
 * needed but gic_cfg_lock for that read-modify-write.
 */
#include "arch/gic.h"
#include "arch/timer.h"
#include "hv/spinlock.h"
#include "sysreg.h"

#define HV_PRIORITY GIC_HV_PRIORITY

static uint64_t gicd;
static uint64_t gicr_of[SHIKIRI_MAX_CPUS];
static uint64_t gicr_base, gicr_size;
static struct spinlock gic_cfg_lock = SPINLOCK_INIT;

static inline volatile uint32_t *reg32(uint64_t addr)
{
	return (volatile uint32_t *)(uintptr_t)addr;
}

static inline volatile uint64_t *reg64(uint64_t addr)
{
	return (volatile uint64_t *)(uintptr_t)addr;
}

static void wait_rwp(void)
{
	while (*reg32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void gic_init(const struct shikiri_plan_board *board)
{
	uint32_t lines;

	gicd = board->hw.aarch64.gicd_base;
	gicr_base = board->hw.aarch64.gicr_base;
	gicr_size = board->hw.aarch64.gicr_size;
	*reg32(gicd + GICD_CTLR) = 0;
	wait_rwp();
	lines = ((*reg32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;
	if (lines > 1020)
		lines = 1020;
	for (uint32_t i = 32; i < lines; i += 32) {
		*reg32(gicd + GICD_IGROUPR + i / 8) = ~0u;
		*reg32(gicd + GICD_ICENABLER + i / 8) = ~0u;
		*reg32(gicd + GICD_ICPENDR + i / 8) = ~0u;
		*reg32(gicd + GICD_ICACTIVER + i / 8) = ~0u;
	}
	for (uint32_t i = 32; i < lines; i += 4)
		*reg32(gicd + GICD_IPRIORITYR + i) = 0x01010101u * HV_PRIORITY;
	for (uint32_t i = 32; i < lines; i++)
		*reg64(gicd + GICD_IROUTER + i * 8) = board->cpu_id[0];
	wait_rwp();
	*reg32(gicd + GICD_CTLR) =
		GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0;
	wait_rwp();
}

uint64_t gic_redist_base(uint64_t mpidr)
{
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);

	for (uint64_t off = 0; off + 0x20000 <= gicr_size; off += 0x20000) {
		uint64_t typer = *reg64(gicr_base + off + GICR_TYPER);

		if ((typer >> 32) == aff)
			return gicr_base + off;
		if (typer & BIT(4)) /* Last */
			break;
	}
	return 0;
}

void gic_init_cpu(unsigned pcpu, uint64_t mpidr, uint32_t maint_intid)
{
	uint64_t rd = gic_redist_base(mpidr);
	uint64_t sgi = rd + GICR_SGI;

	gicr_of[pcpu] = rd;
	*reg32(rd + GICR_WAKER) &= ~(uint32_t)GICR_WAKER_SLEEP;
	while (*reg32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		;
	*reg32(sgi + GICD_IGROUPR) = ~0u;
	*reg32(sgi + GICD_ICENABLER) = ~0u;
	*reg32(sgi + GICD_ICPENDR) = ~0u;
	*reg32(sgi + GICD_ICACTIVER) = ~0u;
	for (uint32_t i = 0; i < 32; i += 4)
		*reg32(sgi + GICD_IPRIORITYR + i) = 0x01010101u * HV_PRIORITY;
	*reg32(sgi + GICD_ISENABLER) =
		BIT(GIC_SGI_KICK) | BIT(maint_intid) | BIT(TIMER_HYP_INTID);

	/* System register interface at EL2, and for EL1 (the guest's). */
	write_sysreg(ICC_SRE_EL2, read_sysreg(ICC_SRE_EL2) | 0x9);
	isb();
	write_sysreg(ICC_SRE_EL1, 0x7);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0x2); /* EOImode: drop and deactivate apart */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

uint32_t gic_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(ICC_IAR1_EL1);

	dsb(sy);
	return intid & 0xffffff;
}

void gic_priority_drop(uint32_t intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

void gic_deactivate(uint32_t intid)
{
	write_sysreg(ICC_DIR_EL1, intid);
	isb();
}

static void bit_write(uint32_t reg, uint32_t intid)
{
	*reg32(gicd + reg + (intid / 32) * 4) = 1u << (intid % 32);
}

void gic_spi_enable(uint32_t intid, bool on)
{
	bit_write(on ? GICD_ISENABLER : GICD_ICENABLER, intid);
	if (!on)
		wait_rwp();
}

void gic_spi_route(uint32_t intid, uint64_t mpidr)
{
	*reg64(gicd + GICD_IROUTER + intid * 8) = mpidr & 0xff00ffffffull;
}

void gic_spi_set_edge(uint32_t intid, bool edge)
{
	volatile uint32_t *r = reg32(gicd + GICD_ICFGR + (intid / 16) * 4);
	uint32_t bit = 2u << ((intid % 16) * 2);

	spin_lock(&gic_cfg_lock);
	*r = edge ? (*r | bit) : (*r & ~bit);
	spin_unlock(&gic_cfg_lock);
}

void gic_set_pending(uint32_t intid, bool pending)
{
	bit_write(pending ? GICD_ISPENDR : GICD_ICPENDR, intid);
}

void gic_set_active(uint32_t intid, bool active)
{
	bit_write(active ? GICD_ISACTIVER : GICD_ICACTIVER, intid);
}

void gic_ppi_enable(unsigned pcpu, uint32_t intid, bool on)
{
	uint64_t sgi = gicr_of[pcpu] + GICR_SGI;

	*reg32(sgi + (on ? GICD_ISENABLER : GICD_ICENABLER)) = 1u << intid;
}

void gic_ppi_deactivate(unsigned pcpu, uint32_t intid)
{
	*reg32(gicr_of[pcpu] + GICR_SGI + GICD_ICACTIVER) = 1u << intid;
}

void gic_ppi_set_pending(unsigned pcpu, uint32_t intid, bool pending)
{
	*reg32(gicr_of[pcpu] + GICR_SGI +
	       (pending ? GICD_ISPENDR : GICD_ICPENDR)) = 1u << intid;
}

void gic_ppi_set_active(unsigned pcpu, uint32_t intid, bool active)
{
	*reg32(gicr_of[pcpu] + GICR_SGI +
	       (active ? GICD_ISACTIVER : GICD_ICACTIVER)) = 1u << intid;
}

/*
 * One bit of a set/clear register pair: a private INTID's in CPU @pcpu's
 * redistributor, an SPI's in the distributor.  A level-triggered line
 * still asserted reads pending (IHI0069, GICD_ISPENDR<n>).
 */
static bool bit_read(unsigned pcpu, uint32_t reg, uint32_t intid)
{
	uint64_t base = intid < 32 ? gicr_of[pcpu] + GICR_SGI : gicd;

	return (*reg32(base + reg + (intid / 32) * 4) >> (intid % 32)) & 1;
}

bool gic_is_pending(unsigned pcpu, uint32_t intid)
{
	return bit_read(pcpu, GICD_ISPENDR, intid);
}

bool gic_is_active(unsigned pcpu, uint32_t intid)
{
	return bit_read(pcpu, GICD_ISACTIVER, intid);
}

void gic_ppi_set_edge(unsigned pcpu, uint32_t intid, bool edge)
{
	/* GICR_ICFGR1 covers PPIs 16-31; only this CPU writes its own. */
	volatile uint32_t *r = reg32(gicr_of[pcpu] + GICR_SGI + GICD_ICFGR + 4);
	uint32_t bit = 2u << ((intid % 16) * 2);

	*r = edge ? (*r | bit) : (*r & ~bit);
}

void gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	uint64_t v = ((mpidr >> 32) & 0xff) << 48 | ((mpidr >> 16) & 0xff) << 32 |
		     ((mpidr >> 8) & 0xff) << 16 | (uint64_t)sgi << 24 |
		     (1ull << (mpidr & 0xf));

	dsb(ishst);
	write_sysreg(ICC_SGI1R_EL1, v);
	isb();
}

uint32_t gic_dist_read(uint32_t off)
{
	return *reg32(gicd + off);
}
