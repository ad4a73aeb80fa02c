/* SPDX-License-Identifier: MIT */
/*
 * Descriptors that change under the device's feet: vCPU 1 rewrites TX
 * descriptor 0 without pause (a good buffer, one past the end of RAM, a
 * 4 GiB length, a loop on itself) while vCPU 0 publishes it and notifies
 * again and again.  Whatever the device reads, it must read each field
 * once and act on that: send a frame, drop it, or go to NEEDS_RESET;
 * never hang, and work again after a reset.
 */
#include "netprobe.h"

#include "comm.h"

#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/secondary.h"
#include "baremetal/sysreg.h"
#include "baremetal/timer.h"

#define RACE_US 1500000
#define RACE_STEP_US 20000
#define START_WAIT_US 1000000
#define GOOD_LEN 72u

/* vCPU 1's stack, its state, and its entry (below). */
uint8_t netrace_stack[4096] __attribute__((aligned(16)));
volatile uint32_t netrace_stop, netrace_running;
volatile uint64_t netrace_flips, netrace_desc;
volatile uint64_t netrace_ram_end, netrace_good;

noreturn_fn void netrace_main(void);
SECONDARY_ENTRY(netrace_secondary, netrace_stack, netrace_main);

void netrace_main(void)
{
	uint64_t d = netrace_desc;

	netrace_running = 1;
	dsb(sy);
	while (!netrace_stop) {
		mmio_write64(d, netrace_good);
		mmio_write32(d + 8, GOOD_LEN);
		*(volatile uint32_t *)(uintptr_t)(d + 12) = 0;
		mmio_write64(d, netrace_ram_end);
		mmio_write64(d, netrace_good);
		mmio_write32(d + 8, 0xffffffffu);
		mmio_write32(d + 8, GOOD_LEN);
		/* flags NEXT, next 0: a loop on itself. */
		*(volatile uint32_t *)(uintptr_t)(d + 12) = VIRTQ_DESC_F_NEXT;
		netrace_flips++;
	}
	netrace_running = 0;
	dsb(sy);
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

static bool wait_flag(volatile uint32_t *flag, uint32_t want)
{
	uint64_t end = timer_now_us() + START_WAIT_US;

	while (*flag != want)
		if (timer_now_us() > end)
			return false;
	return true;
}

TEST(attack_descriptors_rewritten_while_notified)
{
	struct vnet *dev = &netprobe_dev;
	uint64_t end;
	unsigned notified = 0, resets = 0, used = 0;

	NEED_NET();
	if (platform.cpu_count < 2)
		SKIP_TEST("one vCPU");
	ASSERT_OK(vnet_up(dev, comm_get()->net, comm_get()->net_intid));
	netrace_desc = dev->q[VNET_TXQ].desc;
	netrace_good = vnet_buf(dev, VNET_TXQ, 0);
	vnet_desc(dev, VNET_TXQ, 0, netrace_good,
		  netprobe_tx_frame(dev->mac, 60, 0), 0, 0);
	netrace_ram_end = platform.ram_base + platform.ram_size;
	netrace_stop = 0;
	netrace_flips = 0;
	dsb(sy);
	ASSERT_EQ(psci_call(PSCI_CPU_ON_64, 1,
			    (uint64_t)(uintptr_t)netrace_secondary, 0),
		  PSCI_SUCCESS);
	ASSERT_TRUE(wait_flag(&netrace_running, 1));
	end = timer_now_us() + RACE_US;
	while (timer_now_us() < end) {
		uint16_t before = vnet_used_idx(dev, VNET_TXQ);
		uint64_t step = timer_now_us() + RACE_STEP_US;

		vnet_publish(dev, VNET_TXQ, 0, 1);
		vnet_notify(dev, VNET_TXQ);
		notified++;
		while (timer_now_us() < step &&
		       vnet_used_idx(dev, VNET_TXQ) == before &&
		       !(vnet_reg(dev, VIRTIO_STATUS) & VIRTIO_S_NEEDS_RESET))
			;
		if (vnet_reg(dev, VIRTIO_STATUS) & VIRTIO_S_NEEDS_RESET) {
			resets++;
			/*
			 * The rings are rebuilt, descriptor 0 too: vCPU 1
			 * goes on rewriting it, if the host runs it.
			 */
			ASSERT_OK(vnet_up(dev, comm_get()->net,
					  comm_get()->net_intid));
			vnet_desc(dev, VNET_TXQ, 0, netrace_good,
				  netprobe_tx_frame(dev->mac, 60, 0), 0, 0);
		} else if (vnet_used_idx(dev, VNET_TXQ) != before) {
			used++;
		}
	}
	netrace_stop = 1;
	dsb(sy);
	ASSERT_TRUE(wait_flag(&netrace_running, 0));
	printf("baremetal: race: notified=%u needs-reset=%u used=%u "
	       "rewrites=%lu\n",
	       notified, resets, used, (uint64_t)netrace_flips);
	ASSERT_TRUE(netrace_flips > notified);
	ASSERT_TRUE(resets + used > 0);
	ASSERT_OK(netprobe_up());
}
