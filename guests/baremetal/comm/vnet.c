/* SPDX-License-Identifier: MIT */
/*
 * The minimal virtio-net driver (vnet.h).  The MMU is off, so every
 * access to the rings is a Device-memory access of its natural size: no
 * merging, no reordering across the barriers below, and nothing cached
 * that the hypervisor, which reads and writes them from its own mapping,
 * would not see.
 */
#include "vnet.h"

#include "baremetal/string.h"
#include "baremetal/sysreg.h"
#include "baremetal/timer.h"

#define RESET_WAIT_US 100000
#define SEND_WAIT_US 100000
/* Within the ring page: descriptors, then avail (2.7.6), then used (2.7.8). */
#define AVAIL_OFF 0x400
#define USED_OFF 0x800

static uint8_t rings[2][0x1000] __attribute__((aligned(0x1000)));
static uint8_t bufs[2][VNET_QSIZE][VNET_BUF_SIZE] __attribute__((aligned(16)));

uint32_t vnet_reg(const struct vnet *n, uint32_t off)
{
	return mmio_read32(n->base + off);
}

void vnet_set(const struct vnet *n, uint32_t off, uint32_t v)
{
	mmio_write32(n->base + off, v);
}

static void w16(uint64_t a, uint16_t v)
{
	*(volatile uint16_t *)(uintptr_t)a = v;
}

static uint16_t r16(uint64_t a)
{
	return *(volatile uint16_t *)(uintptr_t)a;
}

bool vnet_reset(struct vnet *n)
{
	uint64_t end = timer_now_us() + RESET_WAIT_US;

	vnet_set(n, VIRTIO_STATUS, 0);
	while (vnet_reg(n, VIRTIO_STATUS) != 0)
		if (timer_now_us() > end)
			return false;
	vnet_set(n, VIRTIO_INTERRUPT_ACK, vnet_reg(n, VIRTIO_INTERRUPT_STATUS));
	return true;
}

uint64_t vnet_device_features(const struct vnet *n)
{
	uint64_t f;

	vnet_set(n, VIRTIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)vnet_reg(n, VIRTIO_DEVICE_FEATURES) << 32;
	vnet_set(n, VIRTIO_DEVICE_FEATURES_SEL, 0);
	return f | vnet_reg(n, VIRTIO_DEVICE_FEATURES);
}

bool vnet_negotiate(struct vnet *n, uint64_t features)
{
	uint32_t s = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER;

	if (!vnet_reset(n))
		return false;
	vnet_set(n, VIRTIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
	vnet_set(n, VIRTIO_STATUS, s);
	(void)vnet_device_features(n);
	vnet_set(n, VIRTIO_DRIVER_FEATURES_SEL, 0);
	vnet_set(n, VIRTIO_DRIVER_FEATURES, (uint32_t)features);
	vnet_set(n, VIRTIO_DRIVER_FEATURES_SEL, 1);
	vnet_set(n, VIRTIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	vnet_set(n, VIRTIO_STATUS, s | VIRTIO_S_FEATURES_OK);
	return vnet_reg(n, VIRTIO_STATUS) & VIRTIO_S_FEATURES_OK;
}

static void set64(struct vnet *n, uint32_t off, uint64_t v)
{
	vnet_set(n, off, (uint32_t)v);
	vnet_set(n, off + 4, (uint32_t)(v >> 32));
}

void vnet_queue_setup(struct vnet *n, unsigned qi, uint16_t size)
{
	struct vq *q = &n->q[qi];

	vnet_set(n, VIRTIO_QUEUE_SEL, qi);
	vnet_set(n, VIRTIO_QUEUE_NUM, size);
	set64(n, VIRTIO_QUEUE_DESC, q->desc);
	set64(n, VIRTIO_QUEUE_DRIVER, q->avail);
	set64(n, VIRTIO_QUEUE_DEVICE, q->used);
	vnet_set(n, VIRTIO_QUEUE_READY, 1);
}

/* Fresh rings in the static pages, nothing published. */
static void vq_init(struct vnet *n, unsigned qi)
{
	struct vq *q = &n->q[qi];
	uint64_t page = (uint64_t)(uintptr_t)rings[qi];

	memset(rings[qi], 0, sizeof(rings[qi]));
	q->desc = page;
	q->avail = page + AVAIL_OFF;
	q->used = page + USED_OFF;
	q->size = VNET_QSIZE;
	q->avail_idx = 0;
	q->used_seen = 0;
	q->buf = &bufs[qi][0][0];
}

uint64_t vnet_buf(const struct vnet *n, unsigned qi, unsigned i)
{
	return (uint64_t)(uintptr_t)(n->q[qi].buf +
				     (uint64_t)i * VNET_BUF_SIZE);
}

void vnet_desc(struct vnet *n, unsigned qi, uint16_t i, uint64_t addr,
	       uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t d = n->q[qi].desc + (uint64_t)i * sizeof(struct virtq_desc);

	mmio_write64(d, addr);
	mmio_write32(d + 8, len);
	w16(d + 12, flags);
	w16(d + 14, next);
}

void vnet_publish(struct vnet *n, unsigned qi, uint16_t head, uint16_t step)
{
	struct vq *q = &n->q[qi];

	/* avail: flags, idx, ring[size] (2.7.6). */
	w16(q->avail + 4 + 2 * (q->avail_idx % q->size), head);
	dsb(sy);
	q->avail_idx = (uint16_t)(q->avail_idx + step);
	w16(q->avail + 2, q->avail_idx);
}

void vnet_notify(struct vnet *n, unsigned qi)
{
	dsb(sy);
	vnet_set(n, VIRTIO_QUEUE_NOTIFY, qi);
}

uint16_t vnet_used_idx(const struct vnet *n, unsigned qi)
{
	uint16_t v = r16(n->q[qi].used + 2);

	dsb(sy);
	return v;
}

static void read_mac(struct vnet *n)
{
	for (unsigned i = 0; i < ETH_ALEN; i++)
		n->mac[i] = mmio_read8(n->base + VIRTIO_CONFIG + i);
}

const char *vnet_up(struct vnet *n, uint64_t base, uint32_t intid)
{
	const uint64_t want = BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_NET_F_MAC) |
			      BIT(VIRTIO_NET_F_STATUS);

	n->base = base;
	n->intid = intid;
	if (vnet_reg(n, VIRTIO_MAGIC) != VIRTIO_MAGIC_VALUE ||
	    vnet_reg(n, VIRTIO_VERSION) != 2 ||
	    vnet_reg(n, VIRTIO_DEVICE_ID) != VIRTIO_ID_NET)
		return "not a virtio-mmio v2 network device";
	if ((vnet_device_features(n) & want) != want)
		return "VERSION_1, MAC or STATUS not offered";
	if (!vnet_negotiate(n, want))
		return "FEATURES_OK refused";
	for (unsigned qi = 0; qi < 2; qi++) {
		vq_init(n, qi);
		vnet_queue_setup(n, qi, VNET_QSIZE);
	}
	for (uint16_t i = 0; i < VNET_QSIZE; i++) {
		vnet_desc(n, VNET_RXQ, i, vnet_buf(n, VNET_RXQ, i),
			  VNET_BUF_SIZE, VIRTQ_DESC_F_WRITE, 0);
		vnet_publish(n, VNET_RXQ, i, 1);
	}
	read_mac(n);
	vnet_set(n, VIRTIO_STATUS,
		 vnet_reg(n, VIRTIO_STATUS) | VIRTIO_S_DRIVER_OK);
	if (vnet_reg(n, VIRTIO_STATUS) & VIRTIO_S_NEEDS_RESET)
		return "NEEDS_RESET right after DRIVER_OK";
	vnet_notify(n, VNET_RXQ);
	return NULL;
}

static bool needs_reset(const struct vnet *n)
{
	return vnet_reg(n, VIRTIO_STATUS) & VIRTIO_S_NEEDS_RESET;
}

int vnet_send(struct vnet *n, const uint8_t *frame, uint32_t len)
{
	struct vq *q = &n->q[VNET_TXQ];
	uint64_t buf = vnet_buf(n, VNET_TXQ, 0);
	uint64_t end = timer_now_us() + SEND_WAIT_US;
	uint16_t want = (uint16_t)(q->used_seen + 1);

	if (len + VNET_HDR_LEN > VNET_BUF_SIZE)
		return -1;
	memset(q->buf, 0, VNET_HDR_LEN);
	memcpy(q->buf + VNET_HDR_LEN, frame, len);
	vnet_desc(n, VNET_TXQ, 0, buf, VNET_HDR_LEN + len, 0, 0);
	vnet_publish(n, VNET_TXQ, 0, 1);
	vnet_notify(n, VNET_TXQ);
	while (vnet_used_idx(n, VNET_TXQ) != want) {
		if (needs_reset(n))
			return -2;
		if (timer_now_us() > end)
			return -1;
	}
	q->used_seen = want;
	return 0;
}

int vnet_recv(struct vnet *n, uint8_t *out, uint32_t max, uint64_t us)
{
	struct vq *q = &n->q[VNET_RXQ];
	uint64_t end = timer_now_us() + us;
	uint64_t elem;
	uint32_t id, len;

	while (vnet_used_idx(n, VNET_RXQ) == q->used_seen) {
		if (needs_reset(n))
			return -2;
		if (timer_now_us() > end)
			return -1;
	}
	/* used: flags, idx, ring[size] of {u32 id, u32 len} (2.7.8). */
	elem = q->used + 4 + 8 * (q->used_seen % q->size);
	id = mmio_read32(elem);
	len = mmio_read32(elem + 4);
	q->used_seen++;
	if (id >= VNET_QSIZE || len < VNET_HDR_LEN || len > VNET_BUF_SIZE)
		return -3;
	len -= VNET_HDR_LEN;
	memcpy(out, q->buf + (uint64_t)id * VNET_BUF_SIZE + VNET_HDR_LEN,
	       MIN(len, max));
	vnet_desc(n, VNET_RXQ, (uint16_t)id, vnet_buf(n, VNET_RXQ, id),
		  VNET_BUF_SIZE, VIRTQ_DESC_F_WRITE, 0);
	vnet_publish(n, VNET_RXQ, (uint16_t)id, 1);
	vnet_notify(n, VNET_RXQ);
	return (int)MIN(len, max);
}
