/* SPDX-License-Identifier: MIT */
/*
 * The attacks on the virtio-net device (see netprobe.c): descriptor
 * chains that loop or leave the ring, buffers outside the VM's RAM, over
 * its GIC, its shared region, the hypervisor's or another VM's memory,
 * absurd lengths, an avail index far ahead, rings outside RAM or
 * misaligned, queue sizes the device does not offer, a spoofed source
 * MAC, frames too long or too short, and receive buffers the device may
 * not write.  Each starts from a fresh device and ends with the device
 * reset and an exchange with the peer.
 */
#include "netprobe.h"

#include "comm.h"

#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/timer.h"

#define TXQ VNET_TXQ
#define RXQ VNET_RXQ
#define GOOD_LEN 72u /* header + a 60-byte frame */
#define OUTCOME_WAIT_US 200000
#define RX_OUTCOME_WAIT_US 1000000
#define RANGES_MAX 8
#define HUGE_CHUNK (8 * SZ_1M)

enum outcome {
	O_SKIP = 0,
	O_NOTHING = 1,
	O_RESET = 2,
	O_DROPPED = 4,
	O_REFUSED = 8,
};

static const char *const outcome_names[] = {
	[O_SKIP] = "skipped",	   [O_NOTHING] = "nothing",
	[O_RESET] = "needs-reset", [O_DROPPED] = "dropped",
	[O_REFUSED] = "refused",
};

static struct vnet *const dev = &netprobe_dev;

static uint64_t ram_end(void)
{
	return platform.ram_base + platform.ram_size;
}

static uint64_t buf(unsigned slot)
{
	return vnet_buf(dev, TXQ, slot);
}

static bool needs_reset(void)
{
	return vnet_reg(dev, VIRTIO_STATUS) & VIRTIO_S_NEEDS_RESET;
}

/* What became of what was handed to queue @qi, used index @before. */
static enum outcome wait_outcome(unsigned qi, uint16_t before, uint64_t us)
{
	uint64_t end = timer_now_us() + us;

	for (;;) {
		if (needs_reset())
			return O_RESET;
		if (vnet_used_idx(dev, qi) != before)
			return O_DROPPED;
		if (timer_now_us() > end)
			return O_NOTHING;
	}
}

/* Publish @head on TX (avail idx advanced by @step), notify, wait. */
static enum outcome tx_outcome(uint16_t head, uint16_t step)
{
	uint16_t before = vnet_used_idx(dev, TXQ);

	vnet_publish(dev, TXQ, head, step);
	vnet_notify(dev, TXQ);
	return wait_outcome(TXQ, before, OUTCOME_WAIT_US);
}

/* One TX descriptor as given, published alone. */
static enum outcome tx_one(uint64_t addr, uint32_t len, uint16_t flags,
			   uint16_t next)
{
	(void)netprobe_tx_frame(dev->mac, 60, 0);
	vnet_desc(dev, TXQ, 0, addr, len, flags, next);
	return tx_outcome(0, 1);
}

static void run_attack(const char *name, enum outcome (*fn)(void),
		       unsigned allowed)
{
	enum outcome o;

	NEED_NET();
	ASSERT_OK(vnet_up(dev, comm_get()->net, comm_get()->net_intid));
	o = fn();
	if (o == O_SKIP)
		SKIP_TEST("its addresses are not in the bootargs");
	printf("baremetal: attack %s: %s\n", name, outcome_names[o]);
	if (!(o & allowed)) {
		test_fail(__FILE_NAME__, __LINE__,
			  "%s: ended in '%s' (allowed: mask 0x%x)", name,
			  outcome_names[o], allowed);
		return;
	}
	if (o == O_RESET)
		ASSERT_TRUE(vnet_reg(dev, VIRTIO_INTERRUPT_STATUS) &
			    VIRTIO_INT_CONFIG);
	/* A reset, and the device works again. */
	ASSERT_OK(netprobe_up());
}

#define ATTACK(name, allowed)                              \
	static enum outcome attack_##name(void);           \
	TEST(attack_##name)                                \
	{                                                  \
		run_attack(#name, attack_##name, allowed); \
	}                                                  \
	static enum outcome attack_##name(void)

/* Descriptor chains ---------------------------------------------------- */

ATTACK(chain_loops_on_itself, O_RESET)
{
	return tx_one(buf(0), GOOD_LEN, VIRTQ_DESC_F_NEXT, 0);
}

ATTACK(chain_loops_over_two, O_RESET)
{
	(void)netprobe_tx_frame(dev->mac, 60, 0);
	vnet_desc(dev, TXQ, 0, buf(0), 40, VIRTQ_DESC_F_NEXT, 1);
	vnet_desc(dev, TXQ, 1, buf(0) + 40, 32, VIRTQ_DESC_F_NEXT, 0);
	return tx_outcome(0, 1);
}

ATTACK(chain_next_out_of_the_ring, O_RESET)
{
	return tx_one(buf(0), GOOD_LEN, VIRTQ_DESC_F_NEXT, VNET_QSIZE);
}

ATTACK(chain_next_far_out, O_RESET)
{
	return tx_one(buf(0), GOOD_LEN, VIRTQ_DESC_F_NEXT, 0xffff);
}

ATTACK(head_out_of_the_ring, O_RESET)
{
	(void)netprobe_tx_frame(dev->mac, 60, 0);
	vnet_desc(dev, TXQ, 0, buf(0), GOOD_LEN, 0, 0);
	return tx_outcome(0x8000, 1);
}

ATTACK(indirect_descriptor, O_RESET | O_DROPPED)
{
	/* A "table" of one good descriptor: the feature was not offered. */
	vnet_desc(dev, TXQ, 1, buf(1), GOOD_LEN, 0, 0);
	(void)netprobe_tx_frame(dev->mac, 60, 1);
	return tx_one(dev->q[TXQ].desc + 16, 16, VIRTQ_DESC_F_INDIRECT, 0);
}

ATTACK(transmit_buffer_device_writable, O_RESET | O_DROPPED)
{
	return tx_one(buf(0), GOOD_LEN, VIRTQ_DESC_F_WRITE, 0);
}

ATTACK(chain_longer_than_a_frame, O_RESET | O_DROPPED)
{
	/* Every descriptor of the ring, 100 bytes each: 1600 bytes. */
	(void)netprobe_tx_frame(dev->mac, 60, 0);
	for (uint16_t i = 0; i < VNET_QSIZE; i++)
		vnet_desc(dev, TXQ, i, buf(i), 100,
			  i + 1u < VNET_QSIZE ? VIRTQ_DESC_F_NEXT : 0,
			  (uint16_t)(i + 1));
	return tx_outcome(0, 1);
}

ATTACK(chain_of_huge_buffers_in_ram, O_RESET | O_DROPPED)
{
	uint64_t at = ALIGN_UP(platform_image_end(), SZ_1M);

	/* Inside the VM's RAM, but megabytes: no frame is that long. */
	if (at + 4 * HUGE_CHUNK > ram_end())
		at = platform.ram_base;
	(void)netprobe_tx_frame(dev->mac, 60, 0);
	vnet_desc(dev, TXQ, 0, buf(0), GOOD_LEN, VIRTQ_DESC_F_NEXT, 1);
	for (uint16_t i = 1; i < 4; i++)
		vnet_desc(dev, TXQ, i, at + (i - 1) * HUGE_CHUNK,
			  (uint32_t)HUGE_CHUNK, i < 3 ? VIRTQ_DESC_F_NEXT : 0,
			  (uint16_t)(i + 1));
	return tx_outcome(0, 1);
}

/* Buffers outside the VM's RAM ----------------------------------------- */

ATTACK(buffer_past_ram_end, O_RESET)
{
	return tx_one(ram_end(), GOOD_LEN, 0, 0);
}

ATTACK(buffer_straddles_ram_end, O_RESET)
{
	return tx_one(ram_end() - 32, GOOD_LEN, 0, 0);
}

ATTACK(buffer_below_ram, O_RESET)
{
	return tx_one(platform.ram_base - 0x1000, GOOD_LEN, 0, 0);
}

ATTACK(buffer_over_the_gic, O_RESET)
{
	return tx_one(platform.gicd_base, GOOD_LEN, 0, 0);
}

ATTACK(buffer_in_the_shared_region, O_RESET)
{
	const struct comm_fn *f = comm_rw_fn();

	if (!f)
		return O_SKIP;
	return tx_one(f->bar2, GOOD_LEN, 0, 0);
}

ATTACK(buffer_over_the_virtio_registers, O_RESET)
{
	return tx_one(comm_get()->net, GOOD_LEN, 0, 0);
}

/* A physical address from bootarg @key that is no IPA of this VM's own. */
static enum outcome tx_at_foreign(const char *key)
{
	struct range r[RANGES_MAX];
	int n = bootargs_ranges(key, r, RANGES_MAX);

	for (int i = 0; i < n; i++) {
		uint64_t at[3];

		if (comm_foreign_points(r[i], at))
			return tx_one(at[0], GOOD_LEN, 0, 0);
	}
	return O_SKIP;
}

ATTACK(buffer_at_the_hypervisor, O_RESET)
{
	return tx_at_foreign("commprobe.hv_pa");
}

ATTACK(buffer_at_another_vm, O_RESET)
{
	return tx_at_foreign("commprobe.other_ram");
}

ATTACK(buffer_address_wraps, O_RESET)
{
	return tx_one(0xfffffffffffff000ull, 0x2000, 0, 0);
}

/* Lengths -------------------------------------------------------------- */

ATTACK(length_zero, O_RESET | O_DROPPED)
{
	return tx_one(buf(0), 0, 0, 0);
}

ATTACK(length_4gib, O_RESET | O_DROPPED)
{
	return tx_one(buf(0), 0xffffffffu, 0, 0);
}

ATTACK(avail_index_far_ahead, O_RESET | O_DROPPED)
{
	(void)netprobe_tx_frame(dev->mac, 60, 0);
	vnet_desc(dev, TXQ, 0, buf(0), GOOD_LEN, 0, 0);
	return tx_outcome(0, 1000);
}

/* Frames the switch must refuse ------------------------------------------ */

ATTACK(spoofed_source_mac, O_DROPPED)
{
	uint8_t src[ETH_ALEN];

	for (unsigned i = 0; i < ETH_ALEN; i++)
		src[i] = dev->mac[i];
	src[5] ^= 0x55;
	vnet_desc(dev, TXQ, 0, buf(0), netprobe_tx_frame(src, 60, 0), 0, 0);
	return tx_outcome(0, 1);
}

ATTACK(frame_longer_than_ethernet, O_DROPPED | O_RESET)
{
	/* 1600 bytes of frame: more than 1514 (1518 with the FCS). */
	vnet_desc(dev, TXQ, 0, buf(0), netprobe_tx_frame(dev->mac, 1600, 0), 0,
		  0);
	return tx_outcome(0, 1);
}

ATTACK(frame_shorter_than_its_header, O_DROPPED | O_RESET)
{
	(void)netprobe_tx_frame(dev->mac, 60, 0);
	vnet_desc(dev, TXQ, 0, buf(0), VNET_HDR_LEN + 8, 0, 0);
	return tx_outcome(0, 1);
}

/* Receive buffers: the peer's answer to a good frame lands in them. ---- */

static enum outcome rx_outcome(uint64_t addr, uint32_t len, uint16_t flags)
{
	uint16_t before = vnet_used_idx(dev, RXQ);

	for (uint16_t i = 0; i < VNET_QSIZE; i++)
		vnet_desc(dev, RXQ, i, addr, len, flags, 0);
	dsb(sy);
	vnet_desc(dev, TXQ, 0, buf(0), netprobe_tx_frame(dev->mac, 60, 0), 0,
		  0);
	if (tx_outcome(0, 1) != O_DROPPED)
		return O_NOTHING;
	return wait_outcome(RXQ, before, RX_OUTCOME_WAIT_US);
}

ATTACK(receive_buffer_read_only, O_RESET)
{
	return rx_outcome(vnet_buf(dev, RXQ, 0), VNET_BUF_SIZE, 0);
}

ATTACK(receive_buffer_past_ram_end, O_RESET)
{
	return rx_outcome(ram_end(), VNET_BUF_SIZE, VIRTQ_DESC_F_WRITE);
}

ATTACK(receive_buffer_over_the_gic, O_RESET)
{
	return rx_outcome(platform.gicd_base, VNET_BUF_SIZE,
			  VIRTQ_DESC_F_WRITE);
}

ATTACK(receive_buffer_smaller_than_the_header, O_RESET | O_NOTHING)
{
	return rx_outcome(vnet_buf(dev, RXQ, 0), 4, VIRTQ_DESC_F_WRITE);
}

/* Rings ------------------------------------------------------------------ */

enum ring_part {
	RING_DESC,
	RING_AVAIL,
	RING_USED,
	RING_NONE
};

/*
 * TX's ring part @part at @addr instead of its page, @size entries: then
 * a good frame in descriptor 0 published, DRIVER_OK and a notification.
 * Refused when the device does not keep QueueReady.
 */
static enum outcome bad_ring(enum ring_part part, uint64_t addr, uint16_t size)
{
	struct vq *q = &dev->q[TXQ];
	struct vq saved = *q;
	uint16_t before;
	bool ready;

	if (!vnet_negotiate(dev,
			    BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_NET_F_MAC)))
		return O_NOTHING;
	vnet_queue_setup(dev, RXQ, VNET_QSIZE);
	if (part == RING_DESC)
		q->desc = addr;
	else if (part == RING_AVAIL)
		q->avail = addr;
	else if (part == RING_USED)
		q->used = addr;
	vnet_queue_setup(dev, TXQ, size);
	*q = saved;
	ready = vnet_reg(dev, VIRTIO_QUEUE_READY) == 1;
	vnet_set(dev, VIRTIO_STATUS,
		 vnet_reg(dev, VIRTIO_STATUS) | VIRTIO_S_DRIVER_OK);
	if (needs_reset())
		return O_RESET;
	if (!ready)
		return O_REFUSED;
	vnet_desc(dev, TXQ, 0, buf(0), netprobe_tx_frame(dev->mac, 60, 0), 0,
		  0);
	before = vnet_used_idx(dev, TXQ);
	vnet_publish(dev, TXQ, 0, 1);
	vnet_notify(dev, TXQ);
	return wait_outcome(TXQ, before, OUTCOME_WAIT_US);
}

#define RING_BAD (O_RESET | O_REFUSED)

ATTACK(ring_descriptors_past_ram_end, RING_BAD)
{
	return bad_ring(RING_DESC, ram_end(), VNET_QSIZE);
}

ATTACK(ring_descriptors_over_the_gic, RING_BAD)
{
	return bad_ring(RING_DESC, platform.gicd_base, VNET_QSIZE);
}

ATTACK(ring_descriptors_straddle_ram_end, RING_BAD)
{
	return bad_ring(RING_DESC, ram_end() - 64, VNET_QSIZE);
}

ATTACK(ring_descriptors_misaligned, RING_BAD)
{
	return bad_ring(RING_DESC, dev->q[TXQ].desc + 8, VNET_QSIZE);
}

ATTACK(ring_avail_past_ram_end, RING_BAD)
{
	return bad_ring(RING_AVAIL, ram_end(), VNET_QSIZE);
}

ATTACK(ring_avail_misaligned, RING_BAD)
{
	return bad_ring(RING_AVAIL, dev->q[TXQ].avail + 1, VNET_QSIZE);
}

ATTACK(ring_used_over_the_gic, RING_BAD)
{
	return bad_ring(RING_USED, platform.gicd_base, VNET_QSIZE);
}

ATTACK(ring_used_straddles_ram_end, RING_BAD)
{
	return bad_ring(RING_USED, ram_end() - 8, VNET_QSIZE);
}

ATTACK(ring_used_misaligned, RING_BAD)
{
	return bad_ring(RING_USED, dev->q[TXQ].used + 2, VNET_QSIZE);
}

ATTACK(queue_size_beyond_the_maximum, RING_BAD)
{
	vnet_set(dev, VIRTIO_QUEUE_SEL, TXQ);
	return bad_ring(RING_NONE, 0,
			(uint16_t)(vnet_reg(dev, VIRTIO_QUEUE_NUM_MAX) * 2));
}

ATTACK(queue_size_not_a_power_of_two, RING_BAD)
{
	return bad_ring(RING_NONE, 0, VNET_QSIZE - 1);
}

ATTACK(queue_size_zero, RING_BAD)
{
	return bad_ring(RING_NONE, 0, 0);
}

/* After NEEDS_RESET --------------------------------------------------------- */

TEST(net_needs_reset_stops_the_device_until_reset)
{
	uint16_t before;

	NEED_NET();
	ASSERT_OK(vnet_up(dev, comm_get()->net, comm_get()->net_intid));
	ASSERT_EQ(tx_one(buf(0), GOOD_LEN, VIRTQ_DESC_F_NEXT, 0), O_RESET);
	/* A good frame now is not taken, not even after a wait. */
	vnet_desc(dev, TXQ, 1, buf(0), netprobe_tx_frame(dev->mac, 60, 0), 0,
		  0);
	before = vnet_used_idx(dev, TXQ);
	ASSERT_EQ(tx_outcome(1, 1), O_RESET);
	timer_delay_us(OUTCOME_WAIT_US);
	ASSERT_EQ(vnet_used_idx(dev, TXQ), before);
	ASSERT_TRUE(needs_reset());
	/* DRIVER_OK again is no way out: only a reset is. */
	vnet_set(dev, VIRTIO_STATUS,
		 vnet_reg(dev, VIRTIO_STATUS) | VIRTIO_S_DRIVER_OK);
	ASSERT_TRUE(needs_reset());
	ASSERT_OK(netprobe_up());
}
