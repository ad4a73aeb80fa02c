/* SPDX-License-Identifier: MIT */
/*
 * The virtual LANs' switch: each VM whose plan names LAN n is a port of
 * LAN n (hv/vnet.h).  Frames are copied by the sender's CPU into each
 * receiver's buffers; no VM maps another's memory.
 */
#ifndef HV_VSWITCH_H
#define HV_VSWITCH_H

#include "hv/types.h"

struct vnet;

/**
 * vswitch_send() - Switch @frame (@len bytes, in hypervisor memory) sent
 * by port @from: dropped when its source MAC is not @from's; else to the
 * port whose MAC is its destination, or to every other port of the LAN
 * for a broadcast or multicast destination.  With @from->tx_lock held.
 * Return: the ports that took it.
 */
unsigned vswitch_send(struct vnet *from, const uint8_t *frame, uint32_t len);

#endif /* HV_VSWITCH_H */
