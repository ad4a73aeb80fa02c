/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues, device side (see hv/virtq.h).  The guest writes the
 * rings while the hypervisor reads them, so nothing is read twice: the
 * avail idx and each ring entry and descriptor are copied once into the
 * hypervisor's memory and only the copies are checked and used.  A chain
 * is followed at most queue-size descriptors (a longer one loops), so the
 * work of one chain is bounded whatever the guest writes.  Buffers are
 * reached through the VM's own RAM regions only: never its MMIO, a shared
 * region, or the hypervisor.
 */
#include <string.h>

#include "hv/errno.h"
#include "hv/virtq.h"
#include "hv/vm.h"

#define DESC_SIZE 16u
#define DESC_F_NEXT 1u
#define DESC_F_WRITE 2u
#define DESC_F_INDIRECT 4u
#define AVAIL_F_NO_INTERRUPT 1u
#define RING_HDR 4u /* flags and idx of the avail and used rings */
#define USED_ELEM 8u

/*
 * The bytes of [@ipa, @ipa + @len) that lie in one of @vm's RAM regions
 * from @ipa on (*@host: where they are), or 0 when @ipa is not in RAM.
 */
static uint64_t ram_chunk(const struct vm *vm, uint64_t ipa, uint64_t len,
			  unsigned char **host)
{
	for (unsigned i = 0; i < vm->plan->ram_count; i++) {
		const struct shikiri_region *r = &vm->plan->ram[i];

		if (ipa >= r->ipa && ipa - r->ipa < r->size) {
			*host = (unsigned char *)(uintptr_t)(r->pa +
							     (ipa - r->ipa));
			return MIN(len, r->size - (ipa - r->ipa));
		}
	}
	return 0;
}

/*
 * Whether every byte of [@ipa, @ipa + @len) is in @vm's RAM; an empty
 * buffer must start there too, so that no address outside it is taken.
 */
static bool in_ram(const struct vm *vm, uint64_t ipa, uint64_t len)
{
	unsigned char *host;

	if (ipa + len < ipa || !ram_chunk(vm, ipa, 1, &host))
		return false;
	/* Each step ends a region, so this ends after ram_count steps. */
	while (len) {
		uint64_t n = ram_chunk(vm, ipa, len, &host);

		if (!n)
			return false;
		ipa += n;
		len -= n;
	}
	return true;
}

/* A ring of @size bytes at @ipa: aligned, and in one RAM region. */
static unsigned char *map_ring(const struct vm *vm, uint64_t ipa, uint64_t size,
			       uint64_t align)
{
	unsigned char *host;

	if (!IS_ALIGNED(ipa, align) || ipa + size < ipa ||
	    ram_chunk(vm, ipa, size, &host) != size)
		return NULL;
	return host;
}

void virtq_reset(struct virtq *q)
{
	q->num = 0;
	q->ready = false;
	q->desc_ipa = q->avail_ipa = q->used_ipa = 0;
	q->desc = q->avail = q->used = NULL;
	q->last_avail = q->avail_idx = q->used_idx = 0;
	q->head = 0;
	q->seg_count = 0;
	q->chain_len = 0;
}

int virtq_enable(struct virtq *q, const struct vm *vm, unsigned num_max)
{
	unsigned num = q->num;

	/* virtio 1.1 2.6: a split queue's size is a power of 2. */
	if (!num || num > num_max || (num & (num - 1)))
		return -HV_EINVAL;
	/* Alignments of virtio 1.1 2.6 table "Virtqueue Part Alignment". */
	q->desc = map_ring(vm, q->desc_ipa, (uint64_t)DESC_SIZE * num, 16);
	q->avail = map_ring(vm, q->avail_ipa, RING_HDR + 2ull * num + 2, 2);
	q->used = map_ring(vm, q->used_ipa,
			   RING_HDR + (uint64_t)USED_ELEM * num + 2, 4);
	if (!q->desc || !q->avail || !q->used) {
		q->desc = q->avail = q->used = NULL;
		return -HV_EINVAL;
	}
	q->last_avail = q->avail_idx = q->used_idx = 0;
	q->ready = true;
	return 0;
}

int virtq_avail(struct virtq *q)
{
	uint16_t idx =
		__atomic_load_n((uint16_t *)(q->avail + 2), __ATOMIC_ACQUIRE);
	uint16_t pending = (uint16_t)(idx - q->last_avail);

	if (pending > q->num)
		return -HV_EINVAL;
	q->avail_idx = idx;
	return pending;
}

/* Descriptor @i, each field read once. */
static void read_desc(const struct virtq *q, unsigned i, uint64_t *addr,
		      uint32_t *len, uint16_t *flags, uint16_t *next)
{
	const volatile unsigned char *d = q->desc + (uint64_t)DESC_SIZE * i;

	*addr = *(const volatile uint64_t *)d;
	*len = *(const volatile uint32_t *)(d + 8);
	*flags = *(const volatile uint16_t *)(d + 12);
	*next = *(const volatile uint16_t *)(d + 14);
}

int virtq_peek(struct virtq *q, const struct vm *vm, bool device_writes)
{
	const volatile uint16_t *ring =
		(const volatile uint16_t *)(q->avail + RING_HDR);
	uint16_t want = device_writes ? DESC_F_WRITE : 0;
	unsigned i;

	q->seg_count = 0;
	q->chain_len = 0;
	if (q->last_avail == q->avail_idx)
		return 0;
	i = ring[q->last_avail & (q->num - 1)];
	q->head = (uint16_t)i;
	/*
	 * A chain visits distinct descriptors, so one longer than the queue
	 * has a loop (virtio 1.1 2.6.5.3.1: the driver must not create one).
	 */
	for (unsigned n = 0;; n++) {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;

		if (i >= q->num || n >= q->num)
			return -HV_EINVAL;
		read_desc(q, i, &addr, &len, &flags, &next);
		/* Indirect descriptors are not offered (no feature bit 28). */
		if ((flags & DESC_F_INDIRECT) ||
		    (flags & DESC_F_WRITE) != want || !in_ram(vm, addr, len))
			return -HV_EINVAL;
		q->seg[n] = (struct virtq_seg){ .ipa = addr, .len = len };
		q->seg_count = n + 1;
		q->chain_len += len;
		if (!(flags & DESC_F_NEXT))
			return 1;
		i = next;
	}
}

void virtq_consume(struct virtq *q)
{
	q->last_avail++;
}

void virtq_push(struct virtq *q, uint32_t len)
{
	volatile unsigned char *e =
		q->used + RING_HDR +
		(uint64_t)USED_ELEM * (q->used_idx & (q->num - 1));

	*(volatile uint32_t *)e = q->head;
	*(volatile uint32_t *)(e + 4) = len;
	q->used_idx++;
	/* virtio 1.1 2.6.8.2: the element is visible before the new idx. */
	__atomic_store_n((uint16_t *)(q->used + 2), q->used_idx,
			 __ATOMIC_RELEASE);
}

bool virtq_wants_irq(const struct virtq *q)
{
	/*
	 * The driver writes the flag, then reads used idx; the device writes
	 * used idx, then reads the flag: a full barrier on both sides makes
	 * sure one of them sees the other's write (virtio 1.1 2.6.7.2).
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(*(const volatile uint16_t *)q->avail & AVAIL_F_NO_INTERRUPT);
}

/*
 * Copy between hypervisor memory @buf and the chain's bytes
 * [@off, @off + @len), piece by RAM piece.  Return: bytes copied.
 */
static uint64_t copy_chain(const struct virtq *q, const struct vm *vm,
			   uint64_t off, unsigned char *buf, uint64_t len,
			   bool to_guest)
{
	uint64_t done = 0;

	for (unsigned s = 0; s < q->seg_count && done < len; s++) {
		uint64_t ipa = q->seg[s].ipa, left = q->seg[s].len;

		if (off >= left) {
			off -= left;
			continue;
		}
		ipa += off;
		left -= off;
		off = 0;
		while (left && done < len) {
			unsigned char *host;
			uint64_t n = ram_chunk(vm, ipa, MIN(left, len - done),
					       &host);

			/* virtq_peek() checked the whole segment. */
			if (!n)
				return done;
			if (to_guest)
				memcpy(host, buf + done, n);
			else
				memcpy(buf + done, host, n);
			ipa += n;
			left -= n;
			done += n;
		}
	}
	return done;
}

uint64_t virtq_gather(const struct virtq *q, const struct vm *vm, void *dst,
		      uint64_t len)
{
	return copy_chain(q, vm, 0, dst, len, false);
}

uint64_t virtq_scatter(const struct virtq *q, const struct vm *vm, uint64_t off,
		       const void *src, uint64_t len)
{
	return copy_chain(q, vm, off, (unsigned char *)(uintptr_t)src, len,
			  true);
}
