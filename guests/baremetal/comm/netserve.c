/* SPDX-License-Identifier: MIT */
/*
 * The last probe: after every attack, be an ordinary host on the LAN.
 * Answer the peer's ARP requests and ICMP echo requests (RFC 826, RFC
 * 792) until a peer of the read-write region rings this VM's doorbell,
 * which is how the system test says it has pinged enough and read the
 * hypervisor's counters while this VM still runs.
 */
#include "netprobe.h"

#include "comm.h"

#include "baremetal/printf.h"
#include "baremetal/string.h"
#include "baremetal/sysreg.h"
#include "baremetal/timer.h"
#include "shikiri/shm.h"

#define SERVE_US 120000000ull
#define POLL_US 1000
#define ETH_HLEN 14
#define IP_HLEN 20
#define DEFAULT_IP 0x0a000002u

static uint32_t own_ip(void)
{
	uint64_t v;

	return bootargs_u64("commprobe.ip", &v) == 0 ? (uint32_t)v : DEFAULT_IP;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void swap(uint8_t *a, uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

/* Turn the ARP request in @f into its reply; false if it is not for us. */
static bool arp_answer(uint8_t *f, int len)
{
	uint8_t *a = f + ETH_HLEN;

	if (len < ETH_HLEN + 28 || f[12] != 0x08 || f[13] != 0x06 ||
	    a[7] != 1 || get32(a + 24) != own_ip())
		return false;
	a[7] = 2;
	swap(a + 8, a + 18, 10); /* sender <-> target */
	memcpy(a + 8, netprobe_dev.mac, ETH_ALEN);
	memcpy(f, a + 18, ETH_ALEN);
	memcpy(f + ETH_ALEN, netprobe_dev.mac, ETH_ALEN);
	return true;
}

/* Turn the echo request in @f into its reply; false if it is none. */
static bool echo_answer(uint8_t *f, int len)
{
	uint8_t *ip = f + ETH_HLEN, *icmp = ip + IP_HLEN;
	uint32_t sum;

	if (len < ETH_HLEN + IP_HLEN + 8 || f[12] != 0x08 || f[13] != 0x00 ||
	    ip[0] != 0x45 || ip[9] != 1 || icmp[0] != 8 ||
	    get32(ip + 16) != own_ip())
		return false;
	swap(f, f + ETH_ALEN, ETH_ALEN);
	swap(ip + 12, ip + 16, 4);
	/* Type 8 -> 0: the checksum grows by 0x0800 (RFC 1624). */
	icmp[0] = 0;
	sum = ((uint32_t)icmp[2] << 8 | icmp[3]) + 0x0800;
	sum = (sum & 0xffff) + (sum >> 16);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	return true;
}

TEST(net_serves_the_peer_until_rung)
{
	static uint8_t f[VNET_BUF_SIZE] __attribute__((aligned(8)));
	const struct comm_fn *shm = comm_rw_fn();
	uint64_t end = timer_now_us() + SERVE_US;
	unsigned echoes = 0;
	uint32_t rung_by = 0;

	NEED_NET();
	ASSERT_TRUE(shm);
	ASSERT_OK(netprobe_up());
	(void)mmio_read32(shm->regs + SHIKIRI_SHM_INTR_STATUS);
	(void)mmio_read32(shm->regs + SHIKIRI_SHM_RUNG_BY);
	printf("baremetal: serving pings until rung\n");
	while (timer_now_us() < end) {
		int len = vnet_recv(&netprobe_dev, f, sizeof(f), POLL_US);

		ASSERT_TRUE(len != -2 && len != -3);
		if (len > 0 && (arp_answer(f, len) || echo_answer(f, len))) {
			echoes += f[12] == 0x08 && f[13] == 0x00;
			ASSERT_EQ(vnet_send(&netprobe_dev, f, (uint32_t)len),
				  0);
		}
		if (mmio_read32(shm->regs + SHIKIRI_SHM_INTR_STATUS) & 1) {
			rung_by = mmio_read32(shm->regs + SHIKIRI_SHM_RUNG_BY);
			break;
		}
	}
	printf("baremetal: answered %u echo requests; rung by 0x%x\n", echoes,
	       rung_by);
	ASSERT_TRUE(rung_by & shm->peers & ~(1u << shm->self));
	ASSERT_TRUE(echoes > 0);
}
