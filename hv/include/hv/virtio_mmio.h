/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 (virtio 1.1 section 4.2.2), for
 * devices the hypervisor emulates: one 4 KiB page of registers, trapped,
 * and an edge-triggered interrupt line.
 */
#ifndef HV_VIRTIO_MMIO_H
#define HV_VIRTIO_MMIO_H

#include "hv/spinlock.h"
#include "hv/types.h"
#include "hv/virtq.h"

struct vm;
struct virtio_mmio;

#define VIRTIO_MMIO_SIZE 0x1000u

/* Device status bits (virtio 1.1 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/* InterruptStatus bits (virtio 1.1 4.2.2). */
#define VIRTIO_IRQ_VRING 1u
#define VIRTIO_IRQ_CONFIG 2u

#define VIRTIO_F_VERSION_1 BIT(32)

/** What a device behind the transport is. */
struct virtio_dev {
	uint32_t device_id;	/**< virtio 1.1 5: 1 network */
	uint64_t features;	/**< offered; VIRTIO_F_VERSION_1 needed */
	unsigned queue_count;	/**< queues 0 .. queue_count - 1 */
	uint16_t queue_num_max; /**< QueueNumMax of each */
	/** Its configuration space from 0x100: @size bytes at @off. */
	uint64_t (*config_read)(struct virtio_mmio *t, uint64_t off,
				unsigned size);
	/** The driver wrote QueueNotify (no lock held). */
	void (*notify)(struct virtio_mmio *t, unsigned queue);
};

/**
 * One device's transport state.  Lock order: @work_lock (when the device
 * has one), then @lock.  Changing the device's status or a queue's
 * configuration takes both, so a device's work that holds either sees
 * queues that stay as they are.
 */
struct virtio_mmio {
	struct spinlock lock;
	/**
	 * The device's own work on its queues outside @lock (e.g. the net
	 * device's transmit path), or NULL.
	 */
	struct spinlock *work_lock;
	const struct virtio_dev *dev;
	struct vm *vm;
	uint32_t intid;
	uint32_t status;     /* atomic: read without @lock by the work */
	uint32_t irq_status; /* atomic: InterruptStatus */
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t drv_features;
	uint32_t queue_sel;
	struct virtq *queue; /**< dev->queue_count of them */
	uint64_t kicks;	     /**< QueueNotify writes */
	uint64_t irqs;	     /**< edges sent to the guest */
	uint64_t errors;     /**< malformed rings or chains (NEEDS_RESET) */
};

/**
 * virtio_mmio_init() - Emulate @dev at @ipa of @vm with interrupt @intid,
 * its queues in @queue.  Boot time.
 * Return: 0, or the error of registering the page or the line.
 */
int virtio_mmio_init(struct virtio_mmio *t, struct vm *vm, uint64_t ipa,
		     uint32_t intid, const struct virtio_dev *dev,
		     struct virtq *queue, struct spinlock *work_lock);

/**
 * virtio_mmio_reset() - Back to the power-on state (status 0, queues
 * forgotten), as the VM restarts: once it returns, the device touches the
 * VM's RAM no more until a driver sets it up again.
 */
void virtio_mmio_reset(struct virtio_mmio *t);

/**
 * virtio_mmio_live() - Whether the driver made the device work (FEATURES_OK
 * and DRIVER_OK) and it has not failed since (NEEDS_RESET).  Under either
 * of the transport's locks.
 */
bool virtio_mmio_live(const struct virtio_mmio *t);

/**
 * virtio_mmio_interrupt() - Set @bits in InterruptStatus; the guest gets an
 * edge only when it goes from 0 to non-zero, so it takes at most one
 * interrupt per acknowledgement it writes.  Any CPU, any lock.
 */
void virtio_mmio_interrupt(struct virtio_mmio *t, uint32_t bits);

/**
 * virtio_mmio_fail_locked() - The driver gave the device something it
 * cannot use: count it, set NEEDS_RESET and raise the configuration-change
 * interrupt; the device does nothing more until the driver resets it.
 * With @t->lock held.
 */
void virtio_mmio_fail_locked(struct virtio_mmio *t);

#endif /* HV_VIRTIO_MMIO_H */
