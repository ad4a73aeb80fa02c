/* SPDX-License-Identifier: MIT */
/* What the network probes share (netprobe.c, netattack.c, netrace.c). */
#ifndef COMM_NETPROBE_H
#define COMM_NETPROBE_H

#include "vnet.h"

#include "baremetal/test.h"

/** The device the probes drive. */
extern struct vnet netprobe_dev;

/** netprobe_member() - Whether this VM is a member with a network device. */
bool netprobe_member(void);

/** netprobe_exchange() - ARP with the peer once: NULL, or what failed. */
const char *netprobe_exchange(void);

/** netprobe_up() - A fresh device, and one exchange: NULL, or what failed. */
const char *netprobe_up(void);

/**
 * netprobe_tx_frame() - A good frame (an ARP request for the peer) from
 * @src, @len bytes (at least 60), with its virtio-net header, in TX buffer
 * @slot.  Return: the bytes written there, header included.
 */
uint32_t netprobe_tx_frame(const uint8_t *src, uint32_t len, unsigned slot);

#define NEED_NET()                                                       \
	do {                                                             \
		if (!netprobe_member())                                  \
			SKIP_TEST("no network (not a member, or none)"); \
	} while (0)

#define ASSERT_OK(expr)                                                     \
	do {                                                                \
		const char *e_ = (expr);                                    \
		if (e_) {                                                   \
			test_fail(__FILE_NAME__, __LINE__, "%s: %s", #expr, \
				  e_);                                      \
			return;                                             \
		}                                                           \
	} while (0)

#endif /* COMM_NETPROBE_H */
