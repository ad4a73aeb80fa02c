/* SPDX-License-Identifier: MIT */
/*
 * commprobe's network half: drive the VM's virtio-net device as a driver
 * would, exchange ARP with the peer on the LAN, then hand the device what
 * no driver would.  Every attack must end with the device in NEEDS_RESET
 * (bad descriptors, bad rings) or the frame dropped (a frame the switch
 * refuses), never with the device or the hypervisor stuck; after a reset
 * the device works again, which each attack checks by another exchange
 * with the peer.  Each attack prints its outcome,
 *
 *	baremetal: attack NAME: needs-reset | dropped | refused
 *
 * for the system test to compare with the hypervisor's counters.
 *
 * Parameters: commprobe.ip=0xAABBCCDD, commprobe.peer_ip=0x... (this
 * VM's and the peer's IPv4 addresses, default 10.0.0.2 and 10.0.0.1),
 * commprobe.hv_pa=A-B (the hypervisor's memory), commprobe.other_ram=A-B
 * (other VMs' RAM), physical addresses handed to the device as buffers.
 */
#include "netprobe.h"

#include "comm.h"

#include "baremetal/gic.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/string.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"

#define DEFAULT_IP 0x0a000002u
#define DEFAULT_PEER_IP 0x0a000001u
#define ETH_HLEN 14
#define ETH_P_ARP 0x0806
#define ARP_LEN 28
#define ETH_MIN 60
#define ETH_MAX 1514
#define ARP_TRIES 5
#define ARP_WAIT_US 400000
#define IRQ_WAIT_US 20000

struct vnet netprobe_dev;
static uint8_t peer_mac[ETH_ALEN];
/* The peer's MAC, and a frame being built. */
static uint8_t frame[VNET_BUF_SIZE] __attribute__((aligned(8)));

bool netprobe_member(void)
{
	return comm_is_role("member") && comm_get()->has_net;
}

static uint32_t ip_arg(const char *key, uint32_t dflt)
{
	uint64_t v;

	return bootargs_u64(key, &v) == 0 ? (uint32_t)v : dflt;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* An ARP request (RFC 826) for the peer's address from @src, in @frame. */
static uint32_t arp_request(uint8_t *frame, const uint8_t *src)
{
	uint8_t *a = frame + ETH_HLEN;

	memset(frame, 0, ETH_MIN);
	memset(frame, 0xff, ETH_ALEN);
	memcpy(frame + ETH_ALEN, src, ETH_ALEN);
	put16(frame + 12, ETH_P_ARP);
	put16(a, 1); /* Ethernet */
	put16(a + 2, 0x0800);
	a[4] = ETH_ALEN;
	a[5] = 4;
	put16(a + 6, 1); /* request */
	memcpy(a + 8, src, ETH_ALEN);
	put32(a + 14, ip_arg("commprobe.ip", DEFAULT_IP));
	put32(a + 24, ip_arg("commprobe.peer_ip", DEFAULT_PEER_IP));
	return ETH_MIN;
}

static bool is_arp_reply(const uint8_t *f, int len)
{
	const uint8_t *a = f + ETH_HLEN;

	return len >= ETH_HLEN + ARP_LEN && f[12] == 0x08 && f[13] == 0x06 &&
	       a[6] == 0 && a[7] == 2 &&
	       !memcmp(f, netprobe_dev.mac, ETH_ALEN) &&
	       get32(a + 14) == ip_arg("commprobe.peer_ip", DEFAULT_PEER_IP) &&
	       get32(a + 24) == ip_arg("commprobe.ip", DEFAULT_IP);
}

uint32_t netprobe_tx_frame(const uint8_t *src, uint32_t len, unsigned slot)
{
	uint8_t *b =
		(uint8_t *)(uintptr_t)vnet_buf(&netprobe_dev, VNET_TXQ, slot);

	memset(b, 0, VNET_HDR_LEN + len);
	arp_request(b + VNET_HDR_LEN, src);
	return VNET_HDR_LEN + MAX(len, ETH_MIN);
}

const char *netprobe_exchange(void)
{
	static uint8_t in[VNET_BUF_SIZE] __attribute__((aligned(8)));

	for (unsigned t = 0; t < ARP_TRIES; t++) {
		uint64_t end = timer_now_us() + ARP_WAIT_US;
		int len = vnet_send(&netprobe_dev, frame,
				    arp_request(frame, netprobe_dev.mac));

		if (len == -2)
			return "NEEDS_RESET on a good frame";
		if (len < 0)
			return "a good frame was not sent";
		while (timer_now_us() < end) {
			len = vnet_recv(&netprobe_dev, in, sizeof(in),
					end - timer_now_us());
			if (len == -2)
				return "NEEDS_RESET receiving";
			if (len == -3)
				return "a used RX element out of bounds";
			if (len > 0 && is_arp_reply(in, len)) {
				memcpy(peer_mac, in + ETH_HLEN + 8, ETH_ALEN);
				return NULL;
			}
		}
	}
	return "no ARP reply from the peer";
}

const char *netprobe_up(void)
{
	const struct comm *c = comm_get();
	const char *err = vnet_up(&netprobe_dev, c->net, c->net_intid);

	return err ? err : netprobe_exchange();
}

/* (b) The device as a driver sees it ------------------------------------ */

TEST(net_device_in_device_tree)
{
	const struct comm *c = comm_get();

	NEED_NET();
	ASSERT_TRUE(!c->err);
	ASSERT_TRUE(c->net_size >= 0x200);
	ASSERT_EQ(c->net % 0x1000, 0);
	ASSERT_TRUE(c->net_intid >= 32 && c->net_intid < 1020);
	ASSERT_EQ(c->net_irq_flags, 1);
}

TEST(net_registers_and_features)
{
	uint64_t f;

	NEED_NET();
	netprobe_dev.base = comm_get()->net;
	ASSERT_EQ(vnet_reg(&netprobe_dev, VIRTIO_MAGIC), VIRTIO_MAGIC_VALUE);
	ASSERT_EQ(vnet_reg(&netprobe_dev, VIRTIO_VERSION), 2);
	ASSERT_EQ(vnet_reg(&netprobe_dev, VIRTIO_DEVICE_ID), VIRTIO_ID_NET);
	f = vnet_device_features(&netprobe_dev);
	ASSERT_TRUE(f & BIT(VIRTIO_F_VERSION_1));
	ASSERT_TRUE(f & BIT(VIRTIO_NET_F_MAC));
	ASSERT_TRUE(f & BIT(VIRTIO_NET_F_STATUS));
	ASSERT_TRUE(!(f & BIT(VIRTIO_F_INDIRECT_DESC)));
	ASSERT_TRUE(vnet_reset(&netprobe_dev));
	for (unsigned q = 0; q < 2; q++) {
		vnet_set(&netprobe_dev, VIRTIO_QUEUE_SEL, q);
		ASSERT_TRUE(vnet_reg(&netprobe_dev, VIRTIO_QUEUE_NUM_MAX) >=
			    VNET_QSIZE);
		ASSERT_EQ(vnet_reg(&netprobe_dev, VIRTIO_QUEUE_READY), 0);
	}
	vnet_set(&netprobe_dev, VIRTIO_QUEUE_SEL, 2);
	ASSERT_EQ(vnet_reg(&netprobe_dev, VIRTIO_QUEUE_NUM_MAX), 0);
	vnet_set(&netprobe_dev, VIRTIO_QUEUE_SEL, 0xffff);
	ASSERT_EQ(vnet_reg(&netprobe_dev, VIRTIO_QUEUE_NUM_MAX), 0);
	for (unsigned i = 0; i < ETH_ALEN; i++)
		netprobe_dev.mac[i] =
			mmio_read8(netprobe_dev.base + VIRTIO_CONFIG + i);
	/* Unicast; link up (config status, VIRTIO_NET_S_LINK_UP). */
	ASSERT_EQ(netprobe_dev.mac[0] & 1, 0);
	ASSERT_EQ(mmio_read8(netprobe_dev.base + VIRTIO_CONFIG + 6) & 1, 1);
	printf("baremetal: net mac %02x:%02x:%02x:%02x:%02x:%02x\n",
	       netprobe_dev.mac[0], netprobe_dev.mac[1], netprobe_dev.mac[2],
	       netprobe_dev.mac[3], netprobe_dev.mac[4], netprobe_dev.mac[5]);
}

TEST(net_unoffered_features_are_refused)
{
	const uint64_t base = BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_NET_F_MAC);

	NEED_NET();
	netprobe_dev.base = comm_get()->net;
	ASSERT_TRUE(vnet_negotiate(&netprobe_dev, base));
	ASSERT_TRUE(!vnet_negotiate(&netprobe_dev,
				    base | BIT(VIRTIO_F_INDIRECT_DESC)));
	ASSERT_TRUE(!vnet_negotiate(&netprobe_dev, base | BIT(63)));
	ASSERT_TRUE(vnet_reset(&netprobe_dev));
}

TEST(net_frames_go_both_ways_with_an_interrupt)
{
	const struct comm *c = comm_get();
	uint32_t intid;

	NEED_NET();
	comm_spi_setup(c->net_intid, true);
	ASSERT_OK(netprobe_up());
	intid = comm_irq_wait(IRQ_WAIT_US);
	ASSERT_EQ(intid, c->net_intid);
	ASSERT_TRUE(vnet_reg(&netprobe_dev, VIRTIO_INTERRUPT_STATUS) &
		    VIRTIO_INT_VRING);
	vnet_set(&netprobe_dev, VIRTIO_INTERRUPT_ACK, VIRTIO_INT_VRING);
	gic_eoi(intid);
	comm_spi_setup(c->net_intid, false);
	printf("baremetal: net peer mac %02x:%02x:%02x:%02x:%02x:%02x\n",
	       peer_mac[0], peer_mac[1], peer_mac[2], peer_mac[3], peer_mac[4],
	       peer_mac[5]);
}

TEST(net_unknown_queue_notifications_are_ignored)
{
	NEED_NET();
	ASSERT_OK(netprobe_up());
	vnet_set(&netprobe_dev, VIRTIO_QUEUE_NOTIFY, 2);
	vnet_set(&netprobe_dev, VIRTIO_QUEUE_NOTIFY, 0xffff);
	vnet_set(&netprobe_dev, VIRTIO_QUEUE_NOTIFY, ~0u);
	ASSERT_EQ(vnet_reg(&netprobe_dev, VIRTIO_STATUS) & VIRTIO_S_NEEDS_RESET,
		  0);
	ASSERT_OK(netprobe_exchange());
}
