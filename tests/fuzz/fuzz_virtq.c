// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the virtio-net device, its virtqueues and the switch
 * (hv/core/virtq.c, virtio_mmio.c, vnet.c, vswitch.c) driven by a hostile
 * guest, on the unit tests' fake VMs (tests/unit/vnet_fixture.h).  VM F
 * (0) is the fuzzer's: 4 KiB of RAM from malloc(), so ASan catches any
 * access outside it, its rings wherever the input says, their contents
 * the input's.  P (1) is a well-behaved peer on the same LAN that posts
 * receive buffers and sends to F; L (2) sits on another LAN.
 *
 * Input: 8 header bytes, then steps of 8 bytes, then F's RAM image,
 * repeated to fill it (so short inputs reach every byte of it).
 *
 *   header  byte 0: log2 of each queue's size (low nibble RX, high TX,
 *           mod 9); byte 1: step count (mod 65); bytes 2-4: where RX's
 *           desc, avail and used rings are, bytes 5-7 TX's (ring_at())
 *   step    byte 0 action (mod 8): F notifies TX, P broadcasts, P sends
 *           to F, F pokes its RAM, F writes a register, F's driver sets
 *           the device up again, F acknowledges, F's VM restarts;
 *           byte 1 argument (a length); bytes 2-3 an offset; 4-7 a value
 *
 * After each step: P's device never fails and P only ever receives
 * frames from F's address, of a sane length; L's counters and RAM stay
 * as they were; F takes at most one edge per acknowledgement or reset it
 * made; one notify consumes at most a queue's worth of F's chains; one
 * frame at most one of P's.  A broken invariant aborts.
 */
#include <stdarg.h>

#include "../unit/vnet_fixture.h"
#include "fuzz_check.h"

#define F 0u
#define P 1u
#define L 2u
#define F_RAM 0x1000u
#define HDR 8u
#define STEP 8u
#define STEPS_MAX 64u

void hv_log(const char *fmt, ...)
{
	(void)fmt;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Where a ring is: header byte @b times 17, so anywhere in F's RAM and a
 * little past it, aligned or not, and many of them running past its end.
 */
static uint32_t ring_at(uint8_t b)
{
	return (uint32_t)(FX_RAM_IPA + b * 17u);
}

/* F's driver: features, both queues where the header says, DRIVER_OK. */
static void f_up(const uint8_t *hdr)
{
	fx_write(F, 0x070, 0);
	fx_write(F, 0x070, FX_ST_ACK | FX_ST_DRIVER);
	fx_write(F, 0x024, 1);
	fx_write(F, 0x020, 1);
	fx_write(F, 0x070, FX_ST_ACK | FX_ST_DRIVER | FX_ST_FEATURES_OK);
	for (unsigned q = 0; q < 2; q++) {
		unsigned shift = (q ? hdr[0] >> 4 : hdr[0] & 15) % 9;

		fx_write(F, 0x030, q);
		fx_write(F, 0x038, 1u << shift);
		fx_write(F, 0x080, ring_at(hdr[2 + 3 * q]));
		fx_write(F, 0x090, ring_at(hdr[3 + 3 * q]));
		fx_write(F, 0x0a0, ring_at(hdr[4 + 3 * q]));
		fx_write(F, 0x044, 1);
	}
	fx_write(F, 0x070, 0xf);
}

/* A frame from P: to F, or to everyone; @arg picks the length. */
static void p_send(bool bcast, uint8_t arg)
{
	static const uint8_t all[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[VNET_FRAME_MAX], dst[6];

	fx_mac(F, dst);
	fx_send(P, f, fx_frame(f, P, bcast ? all : dst, 14 + arg * 5u, arg));
}

/* Every frame P received since the last look came from F: repost. */
static unsigned p_received(void)
{
	unsigned n = fx_used_new(P, VNET_RXQ);
	uint8_t mac[6];

	fx_mac(F, mac);
	for (unsigned k = 0; k < n; k++) {
		uint32_t id, len;
		unsigned at = fx_q[P][VNET_RXQ].used_seen - n + k;

		fx_used_entry(P, VNET_RXQ, at, &id, &len);
		CHECK(id < FX_QSIZE);
		CHECK(len >= VNET_HDR_LEN + VNET_ETH_HLEN &&
		      len <= VNET_HDR_LEN + VNET_FRAME_MAX);
		CHECK(!memcmp(fx_at(P, FX_BUF(VNET_RXQ, id)) + VNET_HDR_LEN + 6,
			      mac, 6));
		fx_post_rx(P, FX_BUF_LEN);
	}
	return n;
}

static uint64_t l_sum(void)
{
	uint64_t s = 0;

	for (uint64_t i = 0; i < FX_RAM_SIZE; i += 8) {
		uint64_t w;

		memcpy(&w, fx_at(L, i), 8);
		s = s * 31 + w;
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct vnet *fn = &vms[F].net, *pn = &vms[P].net;
	const uint8_t *steps = data + HDR;
	unsigned count, clears = 0;
	uint64_t l_before;
	size_t image;

	if (size < HDR)
		return 0;
	count = data[1] % (STEPS_MAX + 1);
	if (size < HDR + (size_t)count * STEP)
		count = (unsigned)((size - HDR) / STEP);
	fx_reset(2);
	fx_add_vm(0, F_RAM);
	fx_add_vm(0, FX_RAM_SIZE);
	fx_add_vm(1, FX_RAM_SIZE);
	for (unsigned v = 0; v < 3; v++)
		CHECK(vnet_init(&vms[v]) == 0);
	image = size - HDR - (size_t)count * STEP;
	for (size_t i = 0; image && i < F_RAM; i++)
		*fx_at(F, i) = steps[count * STEP + i % image];
	fx_driver_up(P);
	fx_driver_up(L);
	for (unsigned i = 0; i < 8; i++)
		fx_post_rx(P, FX_BUF_LEN);
	l_before = l_sum();
	f_up(data);
	clears++;

	for (unsigned s = 0; s < count; s++) {
		const uint8_t *st = steps + s * STEP;
		uint16_t off = le16(st + 2);
		uint32_t val = le32(st + 4);
		const struct virtq *tx = &fn->queue[VNET_TXQ];
		uint16_t tx_used = tx->used_idx;
		uint64_t p_rx = pn->stats.rx, f_tx_seen = 0;
		bool notify = st[0] % 8 == 0 ||
			      (st[0] % 8 == 4 && (off & 0x1fc) == 0x050);

		switch (st[0] % 8) {
		case 0:
			fx_write(F, 0x050, VNET_TXQ);
			break;
		case 1:
		case 2:
			p_send(st[0] % 8 == 1, st[1]);
			break;
		case 3:
			memcpy(fx_at(F, off % (F_RAM - 3)), &val, 4);
			break;
		case 4:
			off &= 0x1fc;
			if (off == 0x064 || off == 0x070)
				clears++;
			fx_write(F, off, val);
			break;
		case 5:
			f_up(data);
			clears++;
			break;
		case 6:
			fx_write(F, 0x064, 3);
			clears++;
			break;
		default:
			vnet_reset(&vms[F]);
			clears++;
			break;
		}
		/* Only a notify sends, and only what it found available. */
		if (notify)
			f_tx_seen = (uint16_t)(tx->used_idx - tx_used);
		CHECK(f_tx_seen <= tx->num);
		CHECK(p_received() <= f_tx_seen);
		CHECK(pn->stats.rx - p_rx <= f_tx_seen);
		CHECK(!(fx_read(P, 0x070, 4) & FX_ST_NEEDS_RESET));
		CHECK(pn->mmio.errors == 0);
		CHECK(fake_virq.pulses[F][FX_INTID] <= clears);
		CHECK(fake_virq.stray == 0);
	}
	CHECK(!memcmp(&vms[L].net.stats, &(struct vnet_stats){ 0 },
		      sizeof(struct vnet_stats)));
	CHECK(l_sum() == l_before);
	return 0;
}
