/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 only (virtio 1.1 section 4.2.2;
 * legacy version 1 is not offered).  Registers are 32-bit and aligned;
 * any other access to them reads as zero and writes are ignored, as are
 * accesses to what does not exist, so a guest's access never faults.  The
 * configuration space from 0x100 takes 1, 2 and 4-byte accesses.
 *
 * Lock order: virtio_mmio.work_lock, then virtio_mmio.lock, then the
 * interrupt controller's (arch_virq_pulse()).
 */
#include "hv/arch/virq.h"
#include "hv/errno.h"
#include "hv/mmio.h"
#include "hv/virtio_mmio.h"
#include "hv/vm.h"

#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_VENDOR_ID 0x00c
#define REG_DEVICE_FEATURES 0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES 0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QUEUE_DESC_LOW 0x080
#define REG_QUEUE_DESC_HIGH 0x084
#define REG_QUEUE_DRIVER_LOW 0x090
#define REG_QUEUE_DRIVER_HIGH 0x094
#define REG_QUEUE_DEVICE_LOW 0x0a0
#define REG_QUEUE_DEVICE_HIGH 0x0a4
#define REG_SHM_LEN_LOW 0x0b0
#define REG_SHM_BASE_HIGH 0x0bc
#define REG_CONFIG_GENERATION 0x0fc
#define REG_CONFIG 0x100

#define MAGIC_VALUE 0x74726976u /* "virt" */
#define VERSION_MODERN 2u
#define VENDOR_ID 0x4b494853u /* "SHIK" */

bool virtio_mmio_live(const struct virtio_mmio *t)
{
	uint32_t s = __atomic_load_n(&t->status, __ATOMIC_ACQUIRE);

	return (s & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)) ==
		       (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK) &&
	       !(s & VIRTIO_STATUS_NEEDS_RESET);
}

void virtio_mmio_interrupt(struct virtio_mmio *t, uint32_t bits)
{
	uint32_t old =
		__atomic_fetch_or(&t->irq_status, bits, __ATOMIC_ACQ_REL);

	/* A stopped guest takes nothing: its restart resets its lines. */
	if (old || !bits || !vm_running(t->vm))
		return;
	__atomic_add_fetch(&t->irqs, 1, __ATOMIC_RELAXED);
	arch_virq_pulse(t->vm, t->intid);
}

void virtio_mmio_fail_locked(struct virtio_mmio *t)
{
	__atomic_add_fetch(&t->errors, 1, __ATOMIC_RELAXED);
	__atomic_or_fetch(&t->status, VIRTIO_STATUS_NEEDS_RESET,
			  __ATOMIC_RELEASE);
	virtio_mmio_interrupt(t, VIRTIO_IRQ_CONFIG);
}

/* Status 0: everything as at power-on.  Both locks held. */
static void reset_locked(struct virtio_mmio *t)
{
	__atomic_store_n(&t->status, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->irq_status, 0, __ATOMIC_RELEASE);
	t->dev_features_sel = t->drv_features_sel = 0;
	t->drv_features = 0;
	t->queue_sel = 0;
	for (unsigned i = 0; i < t->dev->queue_count; i++)
		virtq_reset(&t->queue[i]);
}

static void lock_all(struct virtio_mmio *t)
{
	if (t->work_lock)
		spin_lock(t->work_lock);
	spin_lock(&t->lock);
}

static void unlock_all(struct virtio_mmio *t)
{
	spin_unlock(&t->lock);
	if (t->work_lock)
		spin_unlock(t->work_lock);
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
	lock_all(t);
	reset_locked(t);
	unlock_all(t);
}

/* The selected queue, or NULL when it does not exist. */
static struct virtq *selected(const struct virtio_mmio *t)
{
	return t->queue_sel < t->dev->queue_count ? &t->queue[t->queue_sel] :
						    NULL;
}

/*
 * The driver sets status bits one by one; FEATURES_OK sticks only when it
 * chose offered features, VERSION_1 among them (virtio 1.1 3.1.1), and
 * NEEDS_RESET is the device's own.
 */
static void write_status(struct virtio_mmio *t, uint32_t val)
{
	uint32_t old = __atomic_load_n(&t->status, __ATOMIC_RELAXED);
	uint32_t s = (val & 0xffu & ~VIRTIO_STATUS_NEEDS_RESET) |
		     (old & VIRTIO_STATUS_NEEDS_RESET);

	if (!val) {
		reset_locked(t);
		return;
	}
	if ((s & VIRTIO_STATUS_FEATURES_OK) &&
	    !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    ((t->drv_features & ~t->dev->features) ||
	     !(t->drv_features & VIRTIO_F_VERSION_1)))
		s &= ~VIRTIO_STATUS_FEATURES_OK;
	__atomic_store_n(&t->status, s, __ATOMIC_RELEASE);
}

static void write_ready(struct virtio_mmio *t, struct virtq *q, uint32_t val)
{
	if (!val) {
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	if (virtq_enable(q, t->vm, t->dev->queue_num_max))
		virtio_mmio_fail_locked(t);
}

/* Replace the low or high half of @v with @val. */
static void set_half(uint64_t *v, uint64_t off, uint32_t val)
{
	if (off & 4)
		*v = (*v & 0xffffffffull) | (uint64_t)val << 32;
	else
		*v = (*v & ~0xffffffffull) | val;
}

/* A queue's configuration; only while it is not ready. Both locks held. */
static void write_queue(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	struct virtq *q = selected(t);

	if (!q)
		return;
	if (off == REG_QUEUE_READY) {
		write_ready(t, q, val);
		return;
	}
	if (q->ready)
		return;
	if (off == REG_QUEUE_NUM) {
		q->num = (uint16_t)MIN(val, 0xffffu);
		return;
	}
	switch (off & ~4ull) {
	case REG_QUEUE_DESC_LOW:
		set_half(&q->desc_ipa, off, val);
		break;
	case REG_QUEUE_DRIVER_LOW:
		set_half(&q->avail_ipa, off, val);
		break;
	case REG_QUEUE_DEVICE_LOW:
		set_half(&q->used_ipa, off, val);
		break;
	default:
		break;
	}
}

/* Registers that change the device's configuration.  Both locks held. */
static void write_locked(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	switch (off) {
	case REG_DEVICE_FEATURES_SEL:
		t->dev_features_sel = val;
		break;
	case REG_DRIVER_FEATURES:
		if (t->drv_features_sel < 2 &&
		    !(t->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&t->drv_features, t->drv_features_sel * 4,
				 val);
		break;
	case REG_DRIVER_FEATURES_SEL:
		t->drv_features_sel = val;
		break;
	case REG_QUEUE_SEL:
		t->queue_sel = val;
		break;
	case REG_STATUS:
		write_status(t, val);
		break;
	default:
		write_queue(t, off, val);
		break;
	}
}

static int vm_write(struct vcpu *vcpu, void *priv, uint64_t off, unsigned size,
		    uint64_t val)
{
	struct virtio_mmio *t = priv;

	(void)vcpu;
	/* Config space writes: the net device has nothing writable. */
	if (size != 4 || !IS_ALIGNED(off, 4) || off >= REG_CONFIG)
		return 0;
	switch (off) {
	case REG_QUEUE_NOTIFY:
		__atomic_add_fetch(&t->kicks, 1, __ATOMIC_RELAXED);
		if (val < t->dev->queue_count)
			t->dev->notify(t, (unsigned)val);
		break;
	case REG_INTERRUPT_ACK:
		__atomic_and_fetch(&t->irq_status, ~(uint32_t)val,
				   __ATOMIC_ACQ_REL);
		break;
	default:
		lock_all(t);
		write_locked(t, off, (uint32_t)val);
		unlock_all(t);
		break;
	}
	return 0;
}

/* A register of the selected queue. */
static uint32_t read_queue(const struct virtio_mmio *t, uint64_t off)
{
	const struct virtq *q = selected(t);
	uint64_t v;

	if (!q)
		return 0;
	if (off == REG_QUEUE_NUM_MAX)
		return t->dev->queue_num_max;
	if (off == REG_QUEUE_NUM)
		return q->num;
	if (off == REG_QUEUE_READY)
		return q->ready;
	switch (off & ~4ull) {
	case REG_QUEUE_DESC_LOW:
		v = q->desc_ipa;
		break;
	case REG_QUEUE_DRIVER_LOW:
		v = q->avail_ipa;
		break;
	case REG_QUEUE_DEVICE_LOW:
		v = q->used_ipa;
		break;
	default:
		return 0;
	}
	return (uint32_t)(off & 4 ? v >> 32 : v);
}

static uint32_t read_reg(const struct virtio_mmio *t, uint64_t off)
{
	switch (off) {
	case REG_MAGIC:
		return MAGIC_VALUE;
	case REG_VERSION:
		return VERSION_MODERN;
	case REG_DEVICE_ID:
		return t->dev->device_id;
	case REG_VENDOR_ID:
		return VENDOR_ID;
	case REG_DEVICE_FEATURES:
		return t->dev_features_sel < 2 ?
			       (uint32_t)(t->dev->features >>
					  (32 * t->dev_features_sel)) :
			       0;
	case REG_INTERRUPT_STATUS:
		return __atomic_load_n(&t->irq_status, __ATOMIC_ACQUIRE);
	case REG_STATUS:
		return __atomic_load_n(&t->status, __ATOMIC_ACQUIRE);
	case REG_CONFIG_GENERATION:
		return 0; /* the configuration never changes */
	default:
		/* No shared memory regions: their length reads as -1. */
		if (off >= REG_SHM_LEN_LOW && off <= REG_SHM_BASE_HIGH)
			return 0xffffffffu;
		return read_queue(t, off);
	}
}

static int vm_read(struct vcpu *vcpu, void *priv, uint64_t off, unsigned size,
		   uint64_t *val)
{
	struct virtio_mmio *t = priv;

	(void)vcpu;
	*val = 0;
	if (off >= REG_CONFIG) {
		if ((size == 1 || size == 2 || size == 4) &&
		    IS_ALIGNED(off, size))
			*val = t->dev->config_read(t, off - REG_CONFIG, size);
		return 0;
	}
	if (size != 4 || !IS_ALIGNED(off, 4))
		return 0;
	spin_lock(&t->lock);
	*val = read_reg(t, off);
	spin_unlock(&t->lock);
	return 0;
}

static const struct mmio_ops virtio_mmio_ops = {
	.read = vm_read,
	.write = vm_write,
};

int virtio_mmio_init(struct virtio_mmio *t, struct vm *vm, uint64_t ipa,
		     uint32_t intid, const struct virtio_dev *dev,
		     struct virtq *queue, struct spinlock *work_lock)
{
	int ret;

	t->dev = dev;
	t->vm = vm;
	t->intid = intid;
	t->queue = queue;
	t->work_lock = work_lock;
	t->kicks = t->irqs = t->errors = 0;
	reset_locked(t);
	ret = arch_virq_add(vm, intid);
	if (!ret)
		ret = mmio_register(&vm->mmio, ipa, VIRTIO_MMIO_SIZE,
				    &virtio_mmio_ops, t);
	return ret;
}
