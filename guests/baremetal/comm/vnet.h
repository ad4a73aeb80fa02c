/* SPDX-License-Identifier: MIT */
/*
 * A minimal driver for a virtio-net device over virtio-mmio version 2
 * (Virtual I/O Device 1.2, 4.2.2 and 5.1), polled, with split virtqueues
 * (2.7) small enough to fit a page each, and the raw access the probes
 * need to hand the device what no driver would.
 */
#ifndef COMM_VNET_H
#define COMM_VNET_H

#include "baremetal/types.h"

/* virtio-mmio registers (4.2.2). */
#define VIRTIO_MAGIC 0x000
#define VIRTIO_VERSION 0x004
#define VIRTIO_DEVICE_ID 0x008
#define VIRTIO_VENDOR_ID 0x00c
#define VIRTIO_DEVICE_FEATURES 0x010
#define VIRTIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_DRIVER_FEATURES 0x020
#define VIRTIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_QUEUE_SEL 0x030
#define VIRTIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_QUEUE_NUM 0x038
#define VIRTIO_QUEUE_READY 0x044
#define VIRTIO_QUEUE_NOTIFY 0x050
#define VIRTIO_INTERRUPT_STATUS 0x060
#define VIRTIO_INTERRUPT_ACK 0x064
#define VIRTIO_STATUS 0x070
#define VIRTIO_QUEUE_DESC 0x080
#define VIRTIO_QUEUE_DRIVER 0x090
#define VIRTIO_QUEUE_DEVICE 0x0a0
#define VIRTIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_CONFIG 0x100

#define VIRTIO_MAGIC_VALUE 0x74726976u /* "virt" */
#define VIRTIO_ID_NET 1u

/* Device status (2.1). */
#define VIRTIO_S_ACKNOWLEDGE 1u
#define VIRTIO_S_DRIVER 2u
#define VIRTIO_S_DRIVER_OK 4u
#define VIRTIO_S_FEATURES_OK 8u
#define VIRTIO_S_NEEDS_RESET 0x40u
#define VIRTIO_S_FAILED 0x80u

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_INT_VRING 1u
#define VIRTIO_INT_CONFIG 2u

/* Feature bits (5.1.3, 6). */
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1 32

/* Descriptor flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u

#define VNET_RXQ 0
#define VNET_TXQ 1
#define VNET_QSIZE 16u
#define VNET_HDR_LEN 12u /* struct virtio_net_hdr with num_buffers */
#define VNET_BUF_SIZE 2048u
#define ETH_ALEN 6

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/** One split virtqueue: its three parts in one page, and its buffers. */
struct vq {
	uint64_t desc, avail, used; /**< guest-physical addresses */
	uint16_t size;
	uint16_t avail_idx; /**< next avail->idx to publish */
	uint16_t used_seen; /**< used->idx consumed so far */
	uint8_t *buf;	    /**< VNET_QSIZE buffers of VNET_BUF_SIZE */
};

/** The device and its two queues. */
struct vnet {
	uint64_t base;
	uint32_t intid;
	uint8_t mac[ETH_ALEN];
	struct vq q[2];
};

/** vnet_reg() / vnet_set() - Read / write register @off (32-bit). */
uint32_t vnet_reg(const struct vnet *n, uint32_t off);
void vnet_set(const struct vnet *n, uint32_t off, uint32_t v);

/** vnet_reset() - Write 0 to Status and wait for it to read 0; false if it never does. */
bool vnet_reset(struct vnet *n);

/** vnet_device_features() - The 64 feature bits the device offers. */
uint64_t vnet_device_features(const struct vnet *n);

/**
 * vnet_negotiate() - Reset, ACKNOWLEDGE, DRIVER, accept @features, and
 * FEATURES_OK.  Return: whether the device kept FEATURES_OK.
 */
bool vnet_negotiate(struct vnet *n, uint64_t features);

/** vnet_queue_setup() - Give queue @qi its rings (@q->desc...) and size; set ready. */
void vnet_queue_setup(struct vnet *n, unsigned qi, uint16_t size);

/**
 * vnet_up() - The whole initialisation with VERSION_1 | MAC | STATUS, both
 * queues of VNET_QSIZE, every RX buffer posted, DRIVER_OK.
 * Return: NULL, or what went wrong.
 */
const char *vnet_up(struct vnet *n, uint64_t base, uint32_t intid);

/** vnet_desc() - Write descriptor @i of queue @qi as given. */
void vnet_desc(struct vnet *n, unsigned qi, uint16_t i, uint64_t addr,
	       uint32_t len, uint16_t flags, uint16_t next);

/** vnet_publish() - Put head @head in @qi's avail ring, advance idx by @step. */
void vnet_publish(struct vnet *n, unsigned qi, uint16_t head, uint16_t step);

/** vnet_notify() - Barrier, then QueueNotify @qi. */
void vnet_notify(struct vnet *n, unsigned qi);

/** vnet_used_idx() - The device's used->idx of @qi. */
uint16_t vnet_used_idx(const struct vnet *n, unsigned qi);

/** vnet_buf() - Address of buffer @i of @qi. */
uint64_t vnet_buf(const struct vnet *n, unsigned qi, unsigned i);

/**
 * vnet_send() - Send the Ethernet frame @frame (@len bytes, header added
 * here) in TX slot 0, and wait for the device to use it.
 * Return: 0, -1 when not used in time, -2 on NEEDS_RESET.
 */
int vnet_send(struct vnet *n, const uint8_t *frame, uint32_t len);

/**
 * vnet_recv() - Wait up to @us for a received frame; copy its Ethernet
 * part (header stripped) to @out (@max bytes) and post the buffer again.
 * Return: the frame's length, -1 on timeout, -2 on NEEDS_RESET.
 */
int vnet_recv(struct vnet *n, uint8_t *out, uint32_t max, uint64_t us);

#endif /* COMM_VNET_H */
