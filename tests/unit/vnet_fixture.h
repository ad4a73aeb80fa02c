/* SPDX-License-Identifier: MIT */
/*
 * Fake VMs with virtio-net devices for test_virtq.c, test_vnet.c and
 * tests/fuzz/fuzz_virtq.c: each VM's RAM is a host buffer (the plan's PA
 * is its host address, as the hypervisor's identity map makes PA its
 * address), and the test plays the guest's driver through the device's
 * registers: rings at fixed places in its RAM, descriptors handed out in
 * turn.
 */
#ifndef TESTS_UNIT_VNET_FIXTURE_H
#define TESTS_UNIT_VNET_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "../../hv/arch/fake/fake.h"
#include "hv/vm.h"
#include "hv/vnet.h"

#define FX_RAM_IPA 0x40000000ull
#define FX_RAM_SIZE 0x40000ull
#define FX_NET_IPA 0x0a000000ull
#define FX_INTID 48u
#define FX_QSIZE 16u
/* Where the driver keeps queue q's rings, and its buffers, in its RAM. */
#define FX_DESC(q) (0x1000ull + (q)*0x4000ull)
#define FX_AVAIL(q) (FX_DESC(q) + 0x1000ull)
#define FX_USED(q) (FX_DESC(q) + 0x2000ull)
#define FX_BUF(q, i) (0x10000ull + (q)*0x10000ull + (i)*0x800ull)
#define FX_BUF_LEN 0x800u

#define FX_ST_ACK 1u
#define FX_ST_DRIVER 2u
#define FX_ST_DRIVER_OK 4u
#define FX_ST_FEATURES_OK 8u
#define FX_ST_NEEDS_RESET 0x40u

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
struct pcpu pcpus[SHIKIRI_MAX_CPUS];

/* The plan header and its records, as the hypervisor keeps them. */
static union {
	struct shikiri_plan plan;
	unsigned char bytes[sizeof(struct shikiri_plan) +
			    SHIKIRI_MAX_VMS * sizeof(struct shikiri_plan_vm)];
} fx_plan;

/* What the driver of each VM has handed out. */
struct fx_queue {
	uint16_t next_desc;
	uint16_t avail_idx;
	uint16_t used_seen;
};
static struct fx_queue fx_q[SHIKIRI_MAX_VMS][2];
static unsigned char *fx_ram[SHIKIRI_MAX_VMS];

static inline unsigned char *fx_at(unsigned v, uint64_t off)
{
	return fx_ram[v] + off;
}

static inline void fx_put16(unsigned v, uint64_t off, uint16_t x)
{
	memcpy(fx_at(v, off), &x, 2);
}

static inline uint16_t fx_get16(unsigned v, uint64_t off)
{
	uint16_t x;

	memcpy(&x, fx_at(v, off), 2);
	return x;
}

static inline uint32_t fx_get32(unsigned v, uint64_t off)
{
	uint32_t x;

	memcpy(&x, fx_at(v, off), 4);
	return x;
}

/* The MAC of VM @v: 02:00:00:00:00:<v + 1>. */
static inline void fx_mac(unsigned v, uint8_t *mac)
{
	static const uint8_t base[6] = { 2, 0, 0, 0, 0, 0 };

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)(v + 1);
}

/* Forget every VM; the plan gets @lans LANs named lan0, lan1... */
static inline void fx_reset(unsigned lans)
{
	for (unsigned v = 0; v < SHIKIRI_MAX_VMS; v++) {
		free(fx_ram[v]);
		fx_ram[v] = NULL;
	}
	memset(vms, 0, sizeof(vms));
	memset(&fx_plan, 0, sizeof(fx_plan));
	memset(fx_q, 0, sizeof(fx_q));
	memset(&fake_virq, 0, sizeof(fake_virq));
	vm_count = 0;
	fx_plan.plan.lan_count = lans;
	for (unsigned l = 0; l < lans; l++) {
		memcpy(fx_plan.plan.lan[l], "lan", 3);
		fx_plan.plan.lan[l][3] = (char)('0' + l);
	}
}

/*
 * Add VM @v (the next index), running, on LAN @lan (-1: no device), with
 * @ram_size bytes of RAM from malloc(), so ASan guards its edges.
 */
static inline struct vm *fx_add_vm(int lan, uint64_t ram_size)
{
	unsigned v = vm_count++;
	struct shikiri_plan_vm *p = &fx_plan.plan.vm[v];
	struct vm *vm = &vms[v];

	fx_ram[v] = calloc(1, ram_size);
	fx_plan.plan.vm_count = vm_count;
	p->name[0] = 'v';
	p->name[1] = (char)('0' + v);
	p->ram_count = 1;
	p->ram[0] = (struct shikiri_region){ .ipa = FX_RAM_IPA,
					     .pa = (uintptr_t)fx_ram[v],
					     .size = ram_size };
	vm->id = v;
	vm->plan = p;
	memcpy(vm->name, p->name, sizeof(p->name));
	vm->life.state = VM_RUNNING;
	if (lan >= 0) {
		p->net.ipa = FX_NET_IPA;
		p->net.intid = FX_INTID;
		p->net.lan = (uint32_t)lan;
		fx_mac(v, p->net.mac);
	}
	return vm;
}

static inline void fx_write(unsigned v, uint64_t off, uint32_t val)
{
	const struct mmio_region *r =
		mmio_find(&vms[v].mmio, FX_NET_IPA + off, 4);

	r->ops->write(&vms[v].vcpu[0], r->priv, off, 4, val);
}

static inline uint32_t fx_read(unsigned v, uint64_t off, unsigned size)
{
	const struct mmio_region *r =
		mmio_find(&vms[v].mmio, FX_NET_IPA + off, size);
	uint64_t val = ~0ull;

	r->ops->read(&vms[v].vcpu[0], r->priv, off, size, &val);
	return (uint32_t)val;
}

/* Point queue @q of VM @v at its rings (@num entries), not ready yet. */
static inline void fx_queue_setup(unsigned v, unsigned q, unsigned num)
{
	uint64_t base = FX_RAM_IPA;

	fx_write(v, 0x030, q);
	fx_write(v, 0x038, num);
	fx_write(v, 0x080, (uint32_t)(base + FX_DESC(q)));
	fx_write(v, 0x084, (uint32_t)((base + FX_DESC(q)) >> 32));
	fx_write(v, 0x090, (uint32_t)(base + FX_AVAIL(q)));
	fx_write(v, 0x094, 0);
	fx_write(v, 0x0a0, (uint32_t)(base + FX_USED(q)));
	fx_write(v, 0x0a4, 0);
}

/* Bring VM @v's device up as Linux does: features, queues, DRIVER_OK. */
static inline void fx_driver_up(unsigned v)
{
	memset(fx_q[v], 0, sizeof(fx_q[v]));
	fx_write(v, 0x070, 0);
	fx_write(v, 0x070, FX_ST_ACK | FX_ST_DRIVER);
	fx_write(v, 0x024, 0);
	fx_write(v, 0x020, 1u << 5 | 1u << 16); /* MAC, STATUS */
	fx_write(v, 0x024, 1);
	fx_write(v, 0x020, 1); /* VERSION_1 */
	fx_write(v, 0x070, FX_ST_ACK | FX_ST_DRIVER | FX_ST_FEATURES_OK);
	for (unsigned q = 0; q < 2; q++) {
		fx_queue_setup(v, q, FX_QSIZE);
		fx_write(v, 0x044, 1);
	}
	fx_write(v, 0x070,
		 FX_ST_ACK | FX_ST_DRIVER | FX_ST_FEATURES_OK |
			 FX_ST_DRIVER_OK);
}

/* Write descriptor @i of queue @q of VM @v. */
static inline void fx_desc(unsigned v, unsigned q, unsigned i, uint64_t addr,
			   uint32_t len, uint16_t flags, uint16_t next)
{
	unsigned char *d = fx_at(v, FX_DESC(q) + 16ull * i);

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/* Make chain @head available on queue @q of VM @v. */
static inline void fx_avail(unsigned v, unsigned q, uint16_t head)
{
	struct fx_queue *fq = &fx_q[v][q];

	fx_put16(v, FX_AVAIL(q) + 4 + 2u * (fq->avail_idx % FX_QSIZE), head);
	fx_put16(v, FX_AVAIL(q) + 2, ++fq->avail_idx);
}

/* Post one receive buffer of @len bytes (a single descriptor). */
static inline void fx_post_rx(unsigned v, uint32_t len)
{
	struct fx_queue *fq = &fx_q[v][VNET_RXQ];
	uint16_t i = fq->next_desc++ % FX_QSIZE;

	fx_desc(v, VNET_RXQ, i, FX_RAM_IPA + FX_BUF(VNET_RXQ, i), len, 2, 0);
	fx_avail(v, VNET_RXQ, i);
}

/* Queue a frame (header + @frame) for sending, without notifying. */
static inline void fx_queue_tx(unsigned v, const uint8_t *frame, uint32_t len)
{
	struct fx_queue *fq = &fx_q[v][VNET_TXQ];
	uint16_t i = fq->next_desc++ % FX_QSIZE;
	uint64_t off = FX_BUF(VNET_TXQ, i);

	memset(fx_at(v, off), 0, VNET_HDR_LEN);
	memcpy(fx_at(v, off + VNET_HDR_LEN), frame, len);
	fx_desc(v, VNET_TXQ, i, FX_RAM_IPA + off, VNET_HDR_LEN + len, 0, 0);
	fx_avail(v, VNET_TXQ, i);
}

/* Send a frame: queue it and notify the transmit queue. */
static inline void fx_send(unsigned v, const uint8_t *frame, uint32_t len)
{
	fx_queue_tx(v, frame, len);
	fx_write(v, 0x050, VNET_TXQ);
}

/* A frame from VM @from to @dst with @len bytes, payload byte @fill. */
static inline uint32_t fx_frame(uint8_t *f, unsigned from, const uint8_t *dst,
				uint32_t len, uint8_t fill)
{
	memset(f, fill, len);
	memcpy(f, dst, 6);
	fx_mac(from, f + 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	return len;
}

/* Used entries of queue @q of VM @v the driver has not looked at yet. */
static inline unsigned fx_used_new(unsigned v, unsigned q)
{
	uint16_t idx = fx_get16(v, FX_USED(q) + 2);
	unsigned n = (uint16_t)(idx - fx_q[v][q].used_seen);

	fx_q[v][q].used_seen = idx;
	return n;
}

/* The used entry @k of queue @q of VM @v: its id and length. */
static inline void fx_used_entry(unsigned v, unsigned q, unsigned k,
				 uint32_t *id, uint32_t *len)
{
	uint64_t e = FX_USED(q) + 4 + 8ull * (k % FX_QSIZE);

	*id = fx_get32(v, e);
	*len = fx_get32(v, e + 4);
}

#endif /* TESTS_UNIT_VNET_FIXTURE_H */
