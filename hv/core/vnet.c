/* SPDX-License-Identifier: MIT */
/*
 * The virtio-net device (virtio 1.1 section 5.1) of a VM on a virtual LAN
 * (see hv/vnet.h): features VERSION_1, MAC and STATUS (the link is always
 * up), queue 0 receive and queue 1 transmit, no offloads, no mergeable
 * buffers, no control queue.  A frame is copied once from the sender's
 * buffers into the sender's bounce buffer in hypervisor memory, where the
 * switch reads its addresses, then into each receiver's buffers; nothing
 * is read twice from a guest.
 *
 * A transmit notification sends every chain the driver made available at
 * that moment (at most the queue size), so one exit does bounded work.
 * The receive queue is never notified: the device looks for a posted
 * chain when a frame arrives, and tells the driver so (used flags
 * VRING_USED_F_NO_NOTIFY), which saves the driver an exit per refill.
 *
 * Lock order: vnet.tx_lock, then one port's vnet.mmio.lock (hv/vnet.h).
 */
#include <stddef.h>
#include <string.h>

#include "hv/print.h"
#include "hv/vm.h"
#include "hv/vnet.h"
#include "hv/vswitch.h"

#define VIRTIO_ID_NET 1u
#define VIRTIO_NET_F_MAC BIT(5)
#define VIRTIO_NET_F_STATUS BIT(16)
#define VIRTIO_NET_S_LINK_UP 1u
#define USED_F_NO_NOTIFY 1u
/* struct virtio_net_config: mac[6], then status (le16). */
#define CONFIG_STATUS 6u
#define CONFIG_SIZE 8u
/* struct virtio_net_hdr_v1: num_buffers (le16) at byte 10. */
#define HDR_NUM_BUFFERS 10u

static void count(uint64_t *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

static uint64_t config_read(struct virtio_mmio *t, uint64_t off, unsigned size)
{
	const struct vnet *n = (const struct vnet *)t;
	uint8_t cfg[CONFIG_SIZE];
	uint64_t v = 0;

	memcpy(cfg, n->mac, 6);
	cfg[CONFIG_STATUS] = VIRTIO_NET_S_LINK_UP;
	cfg[CONFIG_STATUS + 1] = 0;
	for (unsigned i = 0; i < size; i++)
		if (off + i < CONFIG_SIZE)
			v |= (uint64_t)cfg[off + i] << (8 * i);
	return v;
}

/* @n's own chain was malformed: fail its device. */
static void fail(struct vnet *n, bool locked)
{
	if (!locked)
		spin_lock(&n->mmio.lock);
	virtio_mmio_fail_locked(&n->mmio);
	if (!locked)
		spin_unlock(&n->mmio.lock);
}

/* Send the frame in the chain just taken, if it is one. */
static void send_chain(struct vnet *n, const struct virtq *q)
{
	uint64_t len = q->chain_len;

	if (len < VNET_HDR_LEN + VNET_ETH_HLEN ||
	    len > VNET_HDR_LEN + VNET_FRAME_MAX) {
		count(&n->stats.tx_dropped);
		return;
	}
	virtq_gather(q, n->vm, n->bounce, len);
	if (vswitch_send(n, n->bounce + VNET_HDR_LEN,
			 (uint32_t)(len - VNET_HDR_LEN)))
		count(&n->stats.tx);
	else
		count(&n->stats.tx_dropped);
}

/*
 * The driver notified the transmit queue: send every chain available now.
 * The avail idx is read once, so a driver that keeps adding chains cannot
 * keep this CPU here.
 */
static void transmit(struct vnet *n)
{
	struct virtq *q = &n->queue[VNET_TXQ];
	bool pushed = false;
	int pending;

	spin_lock(&n->tx_lock);
	if (!virtio_mmio_live(&n->mmio) || !q->ready)
		goto out;
	pending = virtq_avail(q);
	if (pending < 0)
		fail(n, false);
	for (int k = 0; k < pending; k++) {
		int r = virtq_peek(q, n->vm, false);

		if (r < 0) {
			fail(n, false);
			break;
		}
		virtq_consume(q);
		send_chain(n, q);
		virtq_push(q, 0);
		pushed = true;
	}
	if (pushed && virtq_wants_irq(q))
		virtio_mmio_interrupt(&n->mmio, VIRTIO_IRQ_VRING);
out:
	spin_unlock(&n->tx_lock);
}

static void notify(struct virtio_mmio *t, unsigned queue)
{
	if (queue == VNET_TXQ)
		transmit((struct vnet *)t);
}

static const struct virtio_dev vnet_dev = {
	.device_id = VIRTIO_ID_NET,
	.features = VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS,
	.queue_count = VNET_QUEUES,
	.queue_num_max = VIRTQ_MAX_SIZE,
	.config_read = config_read,
	.notify = notify,
};

/* The receive chain just peeked holds @len bytes of frame: fill it. */
static void fill(struct vnet *n, struct virtq *q, const uint8_t *frame,
		 uint32_t len)
{
	uint8_t hdr[VNET_HDR_LEN] = { 0 };

	/* virtio 1.1 5.1.6.4: one buffer per packet without MRG_RXBUF. */
	hdr[HDR_NUM_BUFFERS] = 1;
	virtq_scatter(q, n->vm, 0, hdr, sizeof(hdr));
	virtq_scatter(q, n->vm, VNET_HDR_LEN, frame, len);
	virtq_consume(q);
	virtq_push(q, VNET_HDR_LEN + len);
}

bool vnet_rx_locked(struct vnet *n, const uint8_t *frame, uint32_t len)
{
	struct virtq *q = &n->queue[VNET_RXQ];
	int r = 0;

	if (!vm_running(n->vm) || !virtio_mmio_live(&n->mmio) || !q->ready)
		goto drop;
	/* The avail idx is read again only when what it said is used up. */
	if (q->last_avail == q->avail_idx && virtq_avail(q) < 0)
		r = -1;
	else
		r = virtq_peek(q, n->vm, true);
	if (r < 0) {
		fail(n, true);
		goto drop;
	}
	/* A chain too small for the frame stays posted for a smaller one. */
	if (!r || q->chain_len < VNET_HDR_LEN + len)
		goto drop;
	/* The driver need not notify this queue: frames look for buffers. */
	*(volatile uint16_t *)q->used = USED_F_NO_NOTIFY;
	fill(n, q, frame, len);
	count(&n->stats.rx);
	if (virtq_wants_irq(q))
		virtio_mmio_interrupt(&n->mmio, VIRTIO_IRQ_VRING);
	return true;
drop:
	count(&n->stats.rx_dropped);
	return false;
}

/*
 * The name of @vm's LAN, from the plan header: @vm's record is vm[id] of
 * the checked plan (vm_from_plan()), which follows the header.
 */
static const char *lan_name(const struct vm *vm)
{
	const struct shikiri_plan_vm *first = vm->plan - vm->id;
	const struct shikiri_plan *plan =
		(const void *)((const char *)first -
			       offsetof(struct shikiri_plan, vm));

	return plan->lan[vm->plan->net.lan];
}

int vnet_init(struct vm *vm)
{
	const struct shikiri_vm_net *p = &vm->plan->net;
	struct vnet *n = &vm->net;
	int ret;

	if (!p->ipa)
		return 0;
	n->vm = vm;
	n->lan = p->lan;
	n->lan_name = lan_name(vm);
	memcpy(n->mac, p->mac, 6);
	n->stats = (struct vnet_stats){ 0 };
	ret = virtio_mmio_init(&n->mmio, vm, p->ipa, p->intid, &vnet_dev,
			       n->queue, &n->tx_lock);
	if (ret)
		return ret;
	n->present = true;
	hv_log("vm %s: net %s %02x:%02x:%02x:%02x:%02x:%02x virtio-mmio at "
	       "IPA 0x%lx, INTID %u",
	       vm->name, n->lan_name, n->mac[0], n->mac[1], n->mac[2],
	       n->mac[3], n->mac[4], n->mac[5], p->ipa, p->intid);
	return 0;
}

void vnet_reset(struct vm *vm)
{
	if (vm->net.present)
		virtio_mmio_reset(&vm->net.mmio);
}

void vnet_log_stats(const struct vm *vm)
{
	const struct vnet *n = &vm->net;
	const struct vnet_stats *s = &n->stats;

	if (!n->present)
		return;
	hv_log("vm %s: net %s %02x:%02x:%02x:%02x:%02x:%02x: tx=%lu rx=%lu "
	       "tx_dropped=%lu rx_dropped=%lu errors=%lu kicks=%lu irqs=%lu",
	       vm->name, n->lan_name, n->mac[0], n->mac[1], n->mac[2],
	       n->mac[3], n->mac[4], n->mac[5],
	       __atomic_load_n(&s->tx, __ATOMIC_RELAXED),
	       __atomic_load_n(&s->rx, __ATOMIC_RELAXED),
	       __atomic_load_n(&s->tx_dropped, __ATOMIC_RELAXED),
	       __atomic_load_n(&s->rx_dropped, __ATOMIC_RELAXED),
	       __atomic_load_n(&n->mmio.errors, __ATOMIC_RELAXED),
	       __atomic_load_n(&n->mmio.kicks, __ATOMIC_RELAXED),
	       __atomic_load_n(&n->mmio.irqs, __ATOMIC_RELAXED));
}
