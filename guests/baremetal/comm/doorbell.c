/* SPDX-License-Identifier: MIT */
/*
 * commprobe's doorbell probes (see commprobe.c): its own doorbell taken
 * through the GIC, one edge per acknowledgement however often it is rung,
 * held by INTR_MASK and INTx-disable; rings to peers, to all, and the
 * rings it may not make; odd-width writes over DOORBELL; a flood of rings
 * to the peer.  The last prints the rings made, for the system test to
 * compare with the hypervisor's counters:
 *
 *	baremetal: shm NAME rings self=N peer=N all=N refused=N
 */
#include "comm.h"

#include "baremetal/gic.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "shikiri/shm.h"

/* Long enough for a doorbell to reach this vCPU through the hypervisor. */
#define IRQ_WAIT_US 20000
#define NO_IRQ_WAIT_US 5000
#define COALESCE_RINGS 100
#define FLOOD_RINGS 10000

/* Rings made by these tests, for the system test to compare with `stats`. */
static unsigned rung_self, rung_peer, rung_all, rung_refused;

static void ring(const struct comm_fn *f, uint32_t peer, uint32_t vector)
{
	dsb(sy);
	mmio_write32(f->regs + SHIKIRI_SHM_DOORBELL, peer << 16 | vector);
}

static void set_command(const struct comm_fn *f, uint16_t cmd)
{
	mmio_write16(comm_cfg(f->devfn, PCI_COMMAND), cmd);
}

static bool intx_status(const struct comm_fn *f)
{
	return mmio_read16(comm_cfg(f->devfn, PCI_STATUS)) & PCI_STATUS_INTX;
}

/* The doorbell interrupt on, nothing pending: INTR_STATUS read clears it. */
static void doorbell_on(const struct comm_fn *f)
{
	set_command(f, PCI_CMD_MEM | PCI_CMD_MASTER);
	comm_spi_setup(f->intid, true);
	(void)mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS);
	(void)mmio_read32(f->regs + SHIKIRI_SHM_RUNG_BY);
	mmio_write32(f->regs + SHIKIRI_SHM_INTR_MASK, 1);
}

static void doorbell_off(const struct comm_fn *f)
{
	mmio_write32(f->regs + SHIKIRI_SHM_INTR_MASK, 0);
	(void)mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS);
	comm_spi_setup(f->intid, false);
	for (uint32_t i; (i = comm_irq_wait(0)) != GIC_SPURIOUS;)
		gic_eoi(i);
}

static void ring_self(const struct comm_fn *f)
{
	ring(f, f->self, 0);
	rung_self++;
}

/*
 * The doorbell interrupt arrives, INTR_STATUS says rung (and is cleared
 * by the read), and it is completed.  Return: NULL, or what went wrong.
 */
static const char *take_doorbell(const struct comm_fn *f)
{
	uint32_t intid = comm_irq_wait(IRQ_WAIT_US);

	if (intid == GIC_SPURIOUS)
		return "no interrupt";
	gic_eoi(intid);
	if (intid != f->intid)
		return "another interrupt";
	if (!(mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS) & 1))
		return "INTR_STATUS not set";
	return NULL;
}

#define ASSERT_DOORBELL(f)                                                 \
	do {                                                               \
		const char *e_ = take_doorbell(f);                         \
		if (e_) {                                                  \
			test_fail(__FILE_NAME__, __LINE__, "doorbell: %s", \
				  e_);                                     \
			return;                                            \
		}                                                          \
	} while (0)

/* No interrupt arrives within NO_IRQ_WAIT_US (one that does is EOId). */
static bool quiet(void)
{
	uint32_t intid = comm_irq_wait(NO_IRQ_WAIT_US);

	if (intid == GIC_SPURIOUS)
		return true;
	gic_eoi(intid);
	return false;
}

TEST(shm_doorbell_to_itself_interrupts_once)
{
	const struct comm_fn *f = comm_rw_fn();
	uint32_t intid;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	doorbell_on(f);
	ASSERT_TRUE(quiet());
	ASSERT_TRUE(!intx_status(f));
	ring_self(f);
	intid = comm_irq_wait(IRQ_WAIT_US);
	ASSERT_EQ(intid, f->intid);
	/* The line is up until INTR_STATUS is read; status bit 3 says so. */
	ASSERT_TRUE(intx_status(f));
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_RUNG_BY), 1u << f->self);
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_RUNG_BY), 0);
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS) & 1, 1);
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS) & 1, 0);
	ASSERT_TRUE(!intx_status(f));
	gic_eoi(intid);
	ASSERT_TRUE(quiet());
	doorbell_off(f);
}

TEST(shm_many_rings_before_the_ack_are_one_interrupt)
{
	const struct comm_fn *f = comm_rw_fn();
	uint32_t intid;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	doorbell_on(f);
	for (unsigned i = 0; i < COALESCE_RINGS; i++)
		ring(f, f->self, 0);
	rung_self += COALESCE_RINGS;
	intid = comm_irq_wait(IRQ_WAIT_US);
	ASSERT_EQ(intid, f->intid);
	gic_eoi(intid);
	/* Completed but not acknowledged at the device: still no edge. */
	for (unsigned i = 0; i < COALESCE_RINGS; i++)
		ring(f, f->self, 0);
	rung_self += COALESCE_RINGS;
	ASSERT_TRUE(quiet());
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS) & 1, 1);
	ASSERT_TRUE(quiet());
	/* Acknowledged: the next ring is the next interrupt. */
	ring_self(f);
	ASSERT_DOORBELL(f);
	ASSERT_TRUE(quiet());
	doorbell_off(f);
}

TEST(shm_mask_and_intx_disable_hold_the_line)
{
	const struct comm_fn *f = comm_rw_fn();

	NEED_MEMBER();
	ASSERT_TRUE(f);
	doorbell_on(f);
	/* Masked: the ring is kept, the interrupt comes with the mask. */
	mmio_write32(f->regs + SHIKIRI_SHM_INTR_MASK, 0);
	ring_self(f);
	ASSERT_TRUE(quiet());
	mmio_write32(f->regs + SHIKIRI_SHM_INTR_MASK, 1);
	ASSERT_DOORBELL(f);
	/* INTx disabled: pending in the status register, no interrupt. */
	set_command(f, PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
	ring_self(f);
	ASSERT_TRUE(quiet());
	ASSERT_TRUE(intx_status(f));
	set_command(f, PCI_CMD_MEM | PCI_CMD_MASTER);
	ASSERT_DOORBELL(f);
	ASSERT_TRUE(quiet());
	doorbell_off(f);
}

TEST(shm_rings_to_peers_do_not_come_back)
{
	const struct comm_fn *f = comm_rw_fn();
	unsigned peers = 0;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	doorbell_on(f);
	for (uint32_t p = 0; p < 32; p++) {
		if (p == f->self || !(f->peers & (1u << p)))
			continue;
		ring(f, p, 0);
		rung_peer++;
		peers++;
	}
	ASSERT_TRUE(peers > 0);
	ring(f, SHIKIRI_SHM_PEER_ALL, 0);
	rung_all++;
	/* PEER_ALL is every *other* VM of the region. */
	ASSERT_TRUE(quiet());
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS), 0);
	doorbell_off(f);
}

TEST(shm_rings_it_may_not_make_are_refused)
{
	const struct comm_fn *f = comm_rw_fn();
	/* Never VM indices of a region: beyond any config's VMs. */
	static const uint32_t strangers[] = { 31, 0x100, 0x7fff, 0xfffe };
	uint64_t outsider;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	if (bootargs_u64("commprobe.outsider", &outsider) != 0)
		SKIP_TEST("no commprobe.outsider=N in the bootargs");
	ASSERT_TRUE(!(f->peers & (1u << outsider)));
	doorbell_on(f);
	ring(f, (uint32_t)outsider, 0);
	rung_refused++;
	for (unsigned i = 0; i < ARRAY_SIZE(strangers); i++) {
		ring(f, strangers[i], 0);
		rung_refused++;
	}
	/* A vector other than 0, even to itself or to all. */
	ring(f, f->self, 1);
	ring(f, f->self, 0xffff);
	ring(f, SHIKIRI_SHM_PEER_ALL, 3);
	rung_refused += 3;
	ASSERT_TRUE(quiet());
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS), 0);
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_RUNG_BY), 0);
	doorbell_off(f);
}

TEST(shm_odd_register_writes_ring_nobody)
{
	const struct comm_fn *f = comm_rw_fn();
	uint64_t r;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	r = f->regs;
	doorbell_on(f);
	/* Each would be a ring to itself if taken apart as a 32-bit one. */
	mmio_write64(r + SHIKIRI_SHM_IV_POSITION, (uint64_t)f->self << 48);
	mmio_write16(r + SHIKIRI_SHM_DOORBELL + 2, (uint16_t)f->self);
	mmio_write8(r + SHIKIRI_SHM_DOORBELL + 2, (uint8_t)f->self);
	ASSERT_TRUE(quiet());
	ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_INTR_STATUS), 0);
	ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_RUNG_BY), 0);
	/* Reads of any other width give nothing but the name's bytes. */
	ASSERT_EQ(mmio_read64(r + SHIKIRI_SHM_IV_POSITION), 0);
	ASSERT_EQ(mmio_read16(r + SHIKIRI_SHM_PEERS), 0);
	ASSERT_EQ(mmio_read8(r + SHIKIRI_SHM_NAME + 1), (uint8_t)f->name[1]);
	doorbell_off(f);
}

TEST(shm_a_flood_of_rings_to_a_peer)
{
	const struct comm_fn *f = comm_rw_fn();
	unsigned flood = 0;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	/* The peer takes one interrupt until it acknowledges (the test
	 * counts them in Linux); the sender is never held up. */
	for (uint32_t p = 0; p < 32; p++) {
		if (p == f->self || !(f->peers & (1u << p)))
			continue;
		for (unsigned i = 0; i < FLOOD_RINGS; i++)
			ring(f, p, 0);
		flood += FLOOD_RINGS;
	}
	ASSERT_TRUE(flood > 0);
	rung_peer += flood;
	printf("baremetal: shm %s rings self=%u peer=%u all=%u refused=%u\n",
	       f->name, rung_self, rung_peer, rung_all, rung_refused);
}
