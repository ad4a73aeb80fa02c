/* SPDX-License-Identifier: MIT */
/*
 * A VM's virtio-net device (virtio 1.1 section 5.1) over virtio-mmio: a
 * port of a virtual LAN whose switch is the hypervisor (hv/vswitch.h).
 */
#ifndef HV_VNET_H
#define HV_VNET_H

#include "hv/spinlock.h"
#include "hv/types.h"
#include "hv/virtio_mmio.h"
#include "hv/virtq.h"

struct vm;

#define VNET_RXQ 0u
#define VNET_TXQ 1u
#define VNET_QUEUES 2u
/** struct virtio_net_hdr_v1: every buffer starts with it. */
#define VNET_HDR_LEN 12u
#define VNET_ETH_HLEN 14u
/** The largest frame switched: 1500 bytes of payload and a VLAN tag. */
#define VNET_FRAME_MAX 1518u

/** A port's counters (see docs/communication.md); atomic. */
struct vnet_stats {
	uint64_t tx;	     /**< frames at least one port took */
	uint64_t rx;	     /**< frames written into its buffers */
	uint64_t tx_dropped; /**< its frames no port took, spoofed, oversized */
	uint64_t rx_dropped; /**< frames for it lost: no buffer, not running */
};

/**
 * The device.  Lock order: @tx_lock, then any one port's transport lock
 * (its own, or a receiver's); never two of either.  @tx_lock serialises
 * the transmit path, which owns @bounce and the TX queue's progress; the
 * transport's lock (the port lock) covers the receive queue, which other
 * ports' transmit paths fill.
 */
struct vnet {
	struct virtio_mmio mmio;
	struct spinlock tx_lock;
	struct virtq queue[VNET_QUEUES];
	struct vm *vm;
	bool present; /**< the VM has the device (plan net.ipa) */
	uint32_t lan; /**< index in the plan's LANs */
	const char *lan_name;
	uint8_t mac[6];
	struct vnet_stats stats;
	/* One frame being sent, read once from the sender's buffers. */
	uint8_t bounce[VNET_HDR_LEN + VNET_FRAME_MAX];
};

/** vnet_init() - Give @vm its device if its plan has one.  Boot time. */
int vnet_init(struct vm *vm);

/**
 * vnet_reset() - Reset @vm's device as the VM restarts, before its RAM is
 * scrubbed: from then on no port writes into it until its next driver
 * sets the device up.
 */
void vnet_reset(struct vm *vm);

/**
 * vnet_rx_locked() - Write @frame (@len bytes, in hypervisor memory) into
 * @n's next posted receive chain, or drop it, counted at @n.  With
 * @n->mmio.lock held (the sender's CPU, vswitch_send()).
 * Return: whether @n took it.
 */
bool vnet_rx_locked(struct vnet *n, const uint8_t *frame, uint32_t len);

/** vnet_log_stats() - Log @vm's port counters (nothing without one). */
void vnet_log_stats(const struct vm *vm);

#endif /* HV_VNET_H */
