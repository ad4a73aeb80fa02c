/* SPDX-License-Identifier: MIT */
/*
 * The virtio-net device and the switch (hv/core/vnet.c, vswitch.c,
 * virtio_mmio.c) with four fake VMs: v0, v1, v2 on lan0, v3 on lan1, each
 * driven by the test as Linux's virtio_net drives it.  Proves: the
 * transport's identity and feature negotiation; unicast reaches only its
 * port and broadcast every other port of the LAN and no other LAN; a
 * spoofed source, an oversized frame, an unknown destination are dropped
 * at the sender; a receiver without buffers, stopped, or not DRIVER_OK
 * drops (counted at the receiver); a bad receive chain sets NEEDS_RESET
 * and raises the config interrupt of that receiver only, while the others
 * keep working, until its driver resets it; edges go out only when
 * InterruptStatus goes from 0 to non-zero; a reset forgets the queues and
 * nothing is written into the VM's RAM after it; one notify sends every
 * queued frame; the stats and boot lines read as documented.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "hv/print.h"
#include "vnet_fixture.h"

#define REG_INT_STATUS 0x060
#define REG_INT_ACK 0x064
#define REG_STATUS 0x070

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static char logbuf[4096];

void hv_log(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(logbuf);

	va_start(ap, fmt);
	vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	va_end(ap);
	n = strlen(logbuf);
	if (n + 1 < sizeof(logbuf))
		strcat(logbuf, "\n");
}

static unsigned pulses(unsigned v)
{
	return fake_virq.pulses[v][FX_INTID];
}

static const struct vnet_stats *stats(unsigned v)
{
	return &vms[v].net.stats;
}

/* Four VMs, their drivers up, nothing posted. */
static int setup(void **state)
{
	static const int lans[4] = { 0, 0, 0, 1 };

	(void)state;
	fx_reset(2);
	logbuf[0] = '\0';
	for (unsigned v = 0; v < 4; v++) {
		fx_add_vm(lans[v], FX_RAM_SIZE);
		assert_int_equal(vnet_init(&vms[v]), 0);
		fx_driver_up(v);
		assert_int_equal(fx_read(v, REG_STATUS, 4), 0xf);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_reset(0);
	return 0;
}

static void mac_of(unsigned v, uint8_t *mac)
{
	fx_mac(v, mac);
}

/* Whether VM @v received exactly one frame equal to @f (@len bytes). */
static void assert_received(unsigned v, const uint8_t *f, uint32_t len)
{
	uint32_t id, used_len;
	const unsigned char *buf;

	assert_int_equal(fx_used_new(v, VNET_RXQ), 1);
	fx_used_entry(v, VNET_RXQ, fx_q[v][VNET_RXQ].used_seen - 1, &id,
		      &used_len);
	assert_int_equal(used_len, VNET_HDR_LEN + len);
	buf = fx_at(v, FX_BUF(VNET_RXQ, id));
	/* virtio_net_hdr_v1: all zero but num_buffers = 1. */
	for (unsigned i = 0; i < VNET_HDR_LEN; i++)
		assert_int_equal(buf[i], i == 10 ? 1 : 0);
	assert_memory_equal(buf + VNET_HDR_LEN, f, len);
}

static void test_identity(void **state)
{
	(void)state;
	assert_int_equal(fx_read(0, 0x000, 4), 0x74726976);
	assert_int_equal(fx_read(0, 0x004, 4), 2);
	assert_int_equal(fx_read(0, 0x008, 4), 1);
	fx_write(0, 0x014, 0);
	assert_int_equal(fx_read(0, 0x010, 4), 1u << 5 | 1u << 16);
	fx_write(0, 0x014, 1);
	assert_int_equal(fx_read(0, 0x010, 4), 1);
	fx_write(0, 0x014, 2);
	assert_int_equal(fx_read(0, 0x010, 4), 0);
	fx_write(0, 0x030, 0);
	assert_int_equal(fx_read(0, 0x034, 4), 256);
	fx_write(0, 0x030, 2); /* no such queue */
	assert_int_equal(fx_read(0, 0x034, 4), 0);
	/* Config: the MAC byte by byte, then the status (link up). */
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(fx_read(0, 0x100 + i, 1), i == 0 ? 2 :
							   i == 5 ? 1 :
								    0);
	assert_int_equal(fx_read(0, 0x106, 2), 1);
	assert_int_equal(fx_read(0, 0x104, 4), 0x00010100);
	/* Odd accesses to registers read zero and never fault. */
	assert_int_equal(fx_read(0, 0x001, 1), 0);
	assert_int_equal(fx_read(0, 0x070, 2), 0);
}

static void test_features_need_version_1(void **state)
{
	(void)state;
	fx_write(1, REG_STATUS, 0);
	fx_write(1, REG_STATUS, FX_ST_ACK | FX_ST_DRIVER);
	fx_write(1, 0x024, 0);
	fx_write(1, 0x020, 1u << 5); /* a legacy driver: no VERSION_1 */
	fx_write(1, REG_STATUS, FX_ST_ACK | FX_ST_DRIVER | FX_ST_FEATURES_OK);
	assert_int_equal(fx_read(1, REG_STATUS, 4), FX_ST_ACK | FX_ST_DRIVER);
	/* Something not offered: refused too. */
	fx_write(1, 0x024, 1);
	fx_write(1, 0x020, 1 | 1u << 2);
	fx_write(1, REG_STATUS, FX_ST_ACK | FX_ST_DRIVER | FX_ST_FEATURES_OK);
	assert_int_equal(fx_read(1, REG_STATUS, 4), FX_ST_ACK | FX_ST_DRIVER);
}

static void test_unicast(void **state)
{
	uint8_t f[100], dst[6];

	(void)state;
	for (unsigned v = 1; v < 4; v++)
		fx_post_rx(v, FX_BUF_LEN);
	mac_of(1, dst);
	fx_send(0, f, fx_frame(f, 0, dst, sizeof(f), 0x5a));
	assert_received(1, f, sizeof(f));
	assert_int_equal(fx_used_new(2, VNET_RXQ), 0);
	assert_int_equal(fx_used_new(3, VNET_RXQ), 0);
	assert_int_equal(stats(0)->tx, 1);
	assert_int_equal(stats(1)->rx, 1);
	assert_int_equal(stats(2)->rx + stats(2)->rx_dropped, 0);
	assert_int_equal(pulses(1), 1);
	assert_int_equal(pulses(2), 0);
	/* The sender's chain came back used. */
	assert_int_equal(fx_used_new(0, VNET_TXQ), 1);
	assert_int_equal(fake_virq.stray, 0);
}

static void test_broadcast(void **state)
{
	uint8_t f[60];

	(void)state;
	for (unsigned v = 0; v < 4; v++)
		fx_post_rx(v, FX_BUF_LEN);
	fx_send(0, f, fx_frame(f, 0, bcast, sizeof(f), 0x11));
	assert_received(1, f, sizeof(f));
	assert_received(2, f, sizeof(f));
	/* Not back to the sender, not to another LAN. */
	assert_int_equal(fx_used_new(0, VNET_RXQ), 0);
	assert_int_equal(fx_used_new(3, VNET_RXQ), 0);
	assert_int_equal(stats(3)->rx + stats(3)->rx_dropped, 0);
	assert_int_equal(stats(0)->tx, 1);
	/* Multicast goes the same way. */
	f[0] = 0x01;
	f[1] = 0x00;
	f[2] = 0x5e;
	fx_post_rx(1, FX_BUF_LEN);
	fx_post_rx(2, FX_BUF_LEN);
	fx_send(0, f, sizeof(f));
	assert_received(1, f, sizeof(f));
	assert_received(2, f, sizeof(f));
}

static void test_sender_drops(void **state)
{
	uint8_t f[1600], dst[6];

	(void)state;
	for (unsigned v = 1; v < 3; v++)
		fx_post_rx(v, FX_BUF_LEN);
	mac_of(1, dst);
	/* v0 claims to be v2. */
	fx_frame(f, 2, dst, 64, 0);
	fx_send(0, f, 64);
	/* Too big by one byte. */
	fx_frame(f, 0, dst, VNET_FRAME_MAX + 1, 0);
	fx_send(0, f, VNET_FRAME_MAX + 1);
	/* Shorter than an Ethernet header. */
	fx_send(0, f, 10);
	/* To no one on the LAN (v3's address is on lan1). */
	mac_of(3, dst);
	fx_send(0, f, fx_frame(f, 0, dst, 64, 0));
	assert_int_equal(stats(0)->tx_dropped, 4);
	assert_int_equal(stats(0)->tx, 0);
	assert_int_equal(fx_used_new(1, VNET_RXQ), 0);
	assert_int_equal(fx_used_new(3, VNET_RXQ), 0);
	assert_int_equal(stats(3)->rx + stats(3)->rx_dropped, 0);
	/* Every chain is returned all the same. */
	assert_int_equal(fx_used_new(0, VNET_TXQ), 4);
	/* The largest frame goes through. */
	mac_of(1, dst);
	fx_send(0, f, fx_frame(f, 0, dst, VNET_FRAME_MAX, 7));
	assert_received(1, f, VNET_FRAME_MAX);
}

static void test_receiver_drops(void **state)
{
	uint8_t f[64], dst[6];

	(void)state;
	mac_of(1, dst);
	fx_frame(f, 0, dst, sizeof(f), 0);
	/* No buffer posted. */
	fx_send(0, f, sizeof(f));
	assert_int_equal(stats(1)->rx_dropped, 1);
	assert_int_equal(stats(0)->tx_dropped, 1);
	/* A buffer too small stays posted for a frame that fits. */
	fx_post_rx(1, VNET_HDR_LEN + 20);
	fx_send(0, f, sizeof(f));
	assert_int_equal(stats(1)->rx_dropped, 2);
	fx_send(0, f, 20);
	assert_received(1, f, 20);
	/* Stopped. */
	fx_post_rx(1, FX_BUF_LEN);
	vms[1].life.state = VM_STOPPED;
	fx_send(0, f, sizeof(f));
	assert_int_equal(stats(1)->rx_dropped, 3);
	assert_int_equal(fx_used_new(1, VNET_RXQ), 0);
	vms[1].life.state = VM_RUNNING;
	/* Its driver not done (DRIVER_OK clear). */
	fx_write(1, REG_STATUS, 0);
	fx_write(1, REG_STATUS, FX_ST_ACK);
	fx_send(0, f, sizeof(f));
	assert_int_equal(stats(1)->rx_dropped, 4);
	assert_int_equal(stats(1)->rx, 1);
	assert_int_equal(pulses(1), 1);
}

static void test_bad_chain_fails_receiver_only(void **state)
{
	uint8_t f[64];
	struct fx_queue *rq = &fx_q[1][VNET_RXQ];

	(void)state;
	fx_post_rx(2, FX_BUF_LEN);
	fx_post_rx(2, FX_BUF_LEN);
	/* v1 posts a buffer in the middle of nowhere. */
	fx_desc(1, VNET_RXQ, 0, 0x10, 2048, 2, 0);
	fx_avail(1, VNET_RXQ, 0);
	rq->next_desc = 1;
	fx_send(0, f, fx_frame(f, 0, bcast, sizeof(f), 3));
	assert_true(fx_read(1, REG_STATUS, 4) & FX_ST_NEEDS_RESET);
	assert_int_equal(fx_read(1, REG_INT_STATUS, 4), 2);
	assert_int_equal(pulses(1), 1);
	assert_int_equal(vms[1].net.mmio.errors, 1);
	assert_received(2, f, sizeof(f));
	assert_false(fx_read(0, REG_STATUS, 4) & FX_ST_NEEDS_RESET);
	assert_false(fx_read(2, REG_STATUS, 4) & FX_ST_NEEDS_RESET);
	/* v1 is left alone from now on: no more walks of its rings. */
	fx_send(0, f, sizeof(f));
	assert_int_equal(vms[1].net.mmio.errors, 1);
	assert_received(2, f, sizeof(f));
	/* The driver's status writes keep NEEDS_RESET until a reset. */
	fx_write(1, REG_STATUS, 0xf);
	assert_true(fx_read(1, REG_STATUS, 4) & FX_ST_NEEDS_RESET);
	fx_write(1, REG_INT_ACK, 2);
	fx_driver_up(1);
	assert_int_equal(fx_read(1, REG_STATUS, 4), 0xf);
	fx_post_rx(1, FX_BUF_LEN);
	fx_send(0, f, sizeof(f));
	assert_received(1, f, sizeof(f));
}

static void test_bad_tx_fails_sender(void **state)
{
	uint8_t f[64], dst[6];

	(void)state;
	fx_post_rx(1, FX_BUF_LEN);
	mac_of(1, dst);
	fx_frame(f, 0, dst, sizeof(f), 0);
	fx_queue_tx(0, f, sizeof(f));
	/* A loop queued behind a good frame. */
	fx_desc(0, VNET_TXQ, 5, FX_RAM_IPA + 0x30000, 8, 1, 6);
	fx_desc(0, VNET_TXQ, 6, FX_RAM_IPA + 0x30000, 8, 1, 5);
	fx_avail(0, VNET_TXQ, 5);
	fx_write(0, 0x050, VNET_TXQ);
	assert_received(1, f, sizeof(f));
	assert_true(fx_read(0, REG_STATUS, 4) & FX_ST_NEEDS_RESET);
	assert_int_equal(vms[0].net.mmio.errors, 1);
	assert_int_equal(stats(0)->tx, 1);
	/* Another notify does nothing. */
	fx_write(0, 0x050, VNET_TXQ);
	assert_int_equal(vms[0].net.mmio.errors, 1);
	assert_int_equal(vms[0].net.mmio.kicks, 2);
	/* A receiver's view of it is untouched. */
	assert_false(fx_read(1, REG_STATUS, 4) & FX_ST_NEEDS_RESET);
}

static void test_edges(void **state)
{
	uint8_t f[64], dst[6];

	(void)state;
	mac_of(1, dst);
	fx_frame(f, 0, dst, sizeof(f), 0);
	for (unsigned i = 0; i < 4; i++)
		fx_post_rx(1, FX_BUF_LEN);
	fx_send(0, f, sizeof(f));
	fx_send(0, f, sizeof(f));
	fx_send(0, f, sizeof(f));
	/* Three frames, one edge: the driver has not acknowledged yet. */
	assert_int_equal(stats(1)->rx, 3);
	assert_int_equal(pulses(1), 1);
	assert_int_equal(fx_read(1, REG_INT_STATUS, 4), 1);
	fx_write(1, REG_INT_ACK, 1);
	assert_int_equal(fx_read(1, REG_INT_STATUS, 4), 0);
	fx_send(0, f, sizeof(f));
	assert_int_equal(pulses(1), 2);
	assert_int_equal(vms[1].net.mmio.irqs, 2);
	/* A driver in its poll loop (NO_INTERRUPT) gets no edge. */
	fx_write(1, REG_INT_ACK, 1);
	fx_put16(1, FX_AVAIL(VNET_RXQ), 1);
	fx_post_rx(1, FX_BUF_LEN);
	fx_send(0, f, sizeof(f));
	assert_int_equal(stats(1)->rx, 5);
	assert_int_equal(pulses(1), 2);
	/* The receive queue never needs a notify (VRING_USED_F_NO_NOTIFY). */
	assert_int_equal(fx_get16(1, FX_USED(VNET_RXQ)), 1);
	/* The sender's transmit queue interrupted it for its used chains. */
	assert_int_equal(pulses(0), 1);
}

static void test_batch(void **state)
{
	uint8_t f[64], dst[6];

	(void)state;
	mac_of(2, dst);
	for (unsigned i = 0; i < 8; i++)
		fx_post_rx(2, FX_BUF_LEN);
	for (unsigned i = 0; i < 8; i++)
		fx_queue_tx(1, f, fx_frame(f, 1, dst, sizeof(f), (uint8_t)i));
	fx_write(1, 0x050, VNET_TXQ);
	assert_int_equal(stats(1)->tx, 8);
	assert_int_equal(stats(2)->rx, 8);
	assert_int_equal(fx_used_new(1, VNET_TXQ), 8);
	assert_int_equal(fx_used_new(2, VNET_RXQ), 8);
	/* A notify of the receive queue sends nothing. */
	fx_queue_tx(1, f, sizeof(f));
	fx_write(1, 0x050, VNET_RXQ);
	fx_write(1, 0x050, 7);
	assert_int_equal(stats(1)->tx, 8);
}

static void test_reset(void **state)
{
	uint8_t f[64], dst[6];
	unsigned char before[FX_BUF_LEN];

	(void)state;
	mac_of(1, dst);
	fx_frame(f, 0, dst, sizeof(f), 9);
	fx_post_rx(1, FX_BUF_LEN);
	memcpy(before, fx_at(1, FX_BUF(VNET_RXQ, 0)), sizeof(before));
	/* The VM restarts: its device forgets its queues. */
	vnet_reset(&vms[1]);
	assert_int_equal(fx_read(1, REG_STATUS, 4), 0);
	fx_write(1, 0x030, VNET_RXQ);
	assert_int_equal(fx_read(1, 0x044, 4), 0);
	fx_send(0, f, sizeof(f));
	assert_int_equal(stats(1)->rx_dropped, 1);
	assert_memory_equal(fx_at(1, FX_BUF(VNET_RXQ, 0)), before,
			    sizeof(before));
	assert_int_equal(fx_get16(1, FX_USED(VNET_RXQ) + 2), 0);
	/* Its next driver gets frames again; the peer noticed nothing. */
	fx_driver_up(1);
	fx_post_rx(1, FX_BUF_LEN);
	fx_send(0, f, sizeof(f));
	assert_received(1, f, sizeof(f));
	assert_int_equal(fx_read(0, REG_STATUS, 4), 0xf);
}

static void test_bad_ring_at_ready(void **state)
{
	(void)state;
	fx_write(2, REG_STATUS, 0);
	fx_write(2, REG_STATUS, FX_ST_ACK | FX_ST_DRIVER | FX_ST_FEATURES_OK);
	fx_queue_setup(2, VNET_RXQ, FX_QSIZE);
	fx_write(2, 0x080, (uint32_t)(FX_RAM_IPA + FX_RAM_SIZE - 8));
	fx_write(2, 0x044, 1);
	assert_int_equal(fx_read(2, 0x044, 4), 0);
	assert_true(fx_read(2, REG_STATUS, 4) & FX_ST_NEEDS_RESET);
	assert_int_equal(fx_read(2, REG_INT_STATUS, 4), 2);
	assert_int_equal(vms[2].net.mmio.errors, 1);
	/* A ready queue's addresses cannot change under the device. */
	fx_driver_up(2);
	fx_write(2, 0x030, VNET_RXQ);
	fx_write(2, 0x080, 0x10);
	assert_int_equal(fx_read(2, 0x080, 4),
			 (uint32_t)(FX_RAM_IPA + FX_DESC(VNET_RXQ)));
}

static void test_log_lines(void **state)
{
	uint8_t f[64], dst[6];

	(void)state;
	assert_non_null(strstr(logbuf, "vm v0: net lan0 02:00:00:00:00:01 "
				       "virtio-mmio at IPA 0xa000000, INTID "
				       "48\n"));
	assert_non_null(strstr(logbuf, "vm v3: net lan1 02:00:00:00:00:04 "));
	mac_of(1, dst);
	fx_post_rx(1, FX_BUF_LEN);
	fx_send(0, f, fx_frame(f, 0, dst, sizeof(f), 0));
	fx_send(0, f, sizeof(f));
	logbuf[0] = '\0';
	vnet_log_stats(&vms[0]);
	vnet_log_stats(&vms[1]);
	assert_string_equal(logbuf,
			    "vm v0: net lan0 02:00:00:00:00:01: tx=1 rx=0 "
			    "tx_dropped=1 rx_dropped=0 errors=0 kicks=2 "
			    "irqs=1\n"
			    "vm v1: net lan0 02:00:00:00:00:02: tx=0 rx=1 "
			    "tx_dropped=0 rx_dropped=1 errors=0 kicks=0 "
			    "irqs=1\n");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_identity),
		T(test_features_need_version_1),
		T(test_unicast),
		T(test_broadcast),
		T(test_sender_drops),
		T(test_receiver_drops),
		T(test_bad_chain_fails_receiver_only),
		T(test_bad_tx_fails_sender),
		T(test_edges),
		T(test_batch),
		T(test_reset),
		T(test_bad_ring_at_ready),
		T(test_log_lines),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
