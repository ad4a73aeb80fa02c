/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues (virtio 1.1 section 2.6) as the device side sees them,
 * with the guest as hostile input: every value the guest controls is read
 * once into hypervisor memory, chains are bounded by the queue size, and
 * every buffer lies in the VM's RAM.
 */
#ifndef HV_VIRTQ_H
#define HV_VIRTQ_H

#include "hv/types.h"

struct vm;

/** The largest queue a device offers (QueueNumMax). */
#define VIRTQ_MAX_SIZE 256u

/** One buffer of a chain: checked to lie in the VM's RAM. */
struct virtq_seg {
	uint64_t ipa;
	uint32_t len;
};

/**
 * One virtqueue: what the driver configured, the hypervisor's own view of
 * its progress, and the chain taken last (virtq_peek()).  Whoever uses it
 * serialises the calls (the device's locks).
 */
struct virtq {
	uint16_t num; /**< QueueNum as written; checked by virtq_enable() */
	bool ready;   /**< QueueReady: the rings below are checked */
	uint64_t desc_ipa, avail_ipa, used_ipa;
	/* Host views of the rings while ready. */
	unsigned char *desc, *avail, *used;
	uint16_t last_avail; /**< the next avail ring entry to take */
	uint16_t avail_idx;  /**< avail idx as last read */
	uint16_t used_idx;   /**< what used idx holds (written only here) */
	/* The chain virtq_peek() took. */
	uint16_t head;
	unsigned seg_count;
	uint64_t chain_len; /**< bytes in seg[] */
	struct virtq_seg seg[VIRTQ_MAX_SIZE];
};

/** virtq_reset() - Forget @q's configuration and progress (device reset). */
void virtq_reset(struct virtq *q);

/**
 * virtq_enable() - The driver set QueueReady: check @q's size (a power of
 * two up to @num_max) and that each ring is aligned and lies in one of
 * @vm's RAM regions, then use it from index 0.
 * Return: 0, or -HV_EINVAL (the queue stays not ready).
 */
int virtq_enable(struct virtq *q, const struct vm *vm, unsigned num_max);

/**
 * virtq_avail() - Read the avail ring's idx once (acquire: the entries and
 * descriptors it covers are read after it).
 * Return: the chains the driver made available and the device has not
 * taken (at most the queue size), or -HV_EINVAL when idx moved by more
 * than the queue size.
 */
int virtq_avail(struct virtq *q);

/**
 * virtq_peek() - Read the next available chain (as of the last
 * virtq_avail()) into @q->seg, each descriptor once, without taking it.
 * @device_writes: every buffer must be device-writable (else readable).
 * Return: 1 with the chain in @q, 0 when none is available, or -HV_EINVAL
 * when it is malformed: head or next out of range, longer than the queue
 * (a loop), indirect, of the wrong direction, or outside @vm's RAM.
 */
int virtq_peek(struct virtq *q, const struct vm *vm, bool device_writes);

/** virtq_consume() - Take the chain virtq_peek() read. */
void virtq_consume(struct virtq *q);

/**
 * virtq_push() - Return the chain taken last to the driver with @len
 * bytes written; used idx is published with release semantics.
 */
void virtq_push(struct virtq *q, uint32_t len);

/**
 * virtq_wants_irq() - Whether the driver asks to be interrupted for used
 * buffers (VRING_AVAIL_F_NO_INTERRUPT clear), read after the used idx
 * just published.
 */
bool virtq_wants_irq(const struct virtq *q);

/**
 * virtq_gather() - Copy the first @len bytes of the peeked chain (at most
 * its length) into @dst, in hypervisor memory.  Return: bytes copied.
 */
uint64_t virtq_gather(const struct virtq *q, const struct vm *vm, void *dst,
		      uint64_t len);

/**
 * virtq_scatter() - Copy @len bytes from @src into the peeked chain at
 * byte @off (nothing past its end).  Return: bytes copied.
 */
uint64_t virtq_scatter(const struct virtq *q, const struct vm *vm, uint64_t off,
		       const void *src, uint64_t len);

#endif /* HV_VIRTQ_H */
