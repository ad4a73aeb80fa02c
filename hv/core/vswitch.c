/* SPDX-License-Identifier: MIT */
/*
 * The virtual LANs' switch (see hv/vswitch.h).  It keeps no table: the
 * ports of a LAN are the VMs whose plan puts their device on it, and each
 * port's MAC is fixed by the plan, so unicast needs no learning and an
 * unknown destination reaches no one.  The sender's CPU does the copying,
 * one receiver at a time under that receiver's port lock, so a receiver
 * costs the sender at most one chain walk and one frame copy per frame,
 * and a hostile receiver's bad chain fails that receiver only.
 *
 * Lock order: the sender's vnet.tx_lock, then one receiver's port lock
 * (vnet.mmio.lock) at a time.
 */
#include <string.h>

#include "hv/vm.h"
#include "hv/vnet.h"
#include "hv/vswitch.h"

static bool group_address(const uint8_t *mac)
{
	return mac[0] & 1;
}

unsigned vswitch_send(struct vnet *from, const uint8_t *frame, uint32_t len)
{
	const uint8_t *dst = frame, *src = frame + 6;
	unsigned taken = 0;

	/* No spoofing: a port sends from its own address only. */
	if (len < VNET_ETH_HLEN || memcmp(src, from->mac, 6))
		return 0;
	for (unsigned i = 0; i < vm_count; i++) {
		struct vnet *to = &vms[i].net;

		/* Ethernet switches never send a frame back to its port. */
		if (to == from || !to->present || to->lan != from->lan)
			continue;
		if (!group_address(dst) && memcmp(dst, to->mac, 6))
			continue;
		spin_lock(&to->mmio.lock);
		taken += vnet_rx_locked(to, frame, len);
		spin_unlock(&to->mmio.lock);
	}
	return taken;
}
