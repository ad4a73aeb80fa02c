/* SPDX-License-Identifier: MIT */
/*
 * GICv3 ITS commands (IHI0069, 6.3 "ITS commands"): the 32-byte records
 * the hypervisor writes into the ITS command queue, and the numbering of
 * the physical LPIs it maps its VMs' MSIs to.  Pure encoding, so host
 * unit tests check it bit by bit.
 */
#ifndef ARCH_ITS_CMD_H
#define ARCH_ITS_CMD_H

#include "hv/types.h"

/** One ITS command: four little-endian doublewords. */
struct its_cmd {
	uint64_t dw[4];
};

#define ITS_CMD_SIZE 32u
#define ITS_CMD_INT 0x03u
#define ITS_CMD_SYNC 0x05u
#define ITS_CMD_MAPD 0x08u
#define ITS_CMD_MAPC 0x09u
#define ITS_CMD_MAPTI 0x0au
#define ITS_CMD_INVALL 0x0du

/* The first LPI (IHI0069 1.2.1); LPIs of VM n: ITS_LPI_BASE + n * 64. */
#define ITS_LPI_BASE 8192u
/* The most MSIs (events per DeviceID) a VM has: its LPI block's size. */
#define ITS_MAX_MSIS 64u

/**
 * its_cmd_mapd() - MAPD: DeviceID @devid's events, EventIDs of @event_bits
 * bits (1..32), are translated through the ITT at @itt_pa (256-byte
 * aligned).
 */
struct its_cmd its_cmd_mapd(uint32_t devid, uint64_t itt_pa,
			    unsigned event_bits);

/**
 * its_cmd_mapc() - MAPC: collection @icid targets the redistributor
 * @rdbase (its processor number when GITS_TYPER.PTA is 0, else its
 * physical address >> 16).
 */
struct its_cmd its_cmd_mapc(uint16_t icid, uint64_t rdbase);

/** its_cmd_mapti() - MAPTI: (@devid, @event) is LPI @lpi of collection @icid. */
struct its_cmd its_cmd_mapti(uint32_t devid, uint32_t event, uint32_t lpi,
			     uint16_t icid);

/** its_cmd_sync() - SYNC: earlier commands' effects on @rdbase are visible. */
struct its_cmd its_cmd_sync(uint64_t rdbase);

/** its_cmd_invall() - INVALL: reload collection @icid's LPI configuration. */
struct its_cmd its_cmd_invall(uint16_t icid);

/** its_cmd_int() - INT: make (@devid, @event)'s LPI pending, as a write would. */
struct its_cmd its_cmd_int(uint32_t devid, uint32_t event);

/**
 * its_event_bits() - The EventID width MAPD needs for events 0..@count-1:
 * at least 1 (a one-event device still has a 1-bit EventID space).
 */
unsigned its_event_bits(uint32_t count);

/** its_lpi_of() - The physical LPI of event @event of VM @vm_index. */
static inline uint32_t its_lpi_of(unsigned vm_index, uint32_t event)
{
	return ITS_LPI_BASE + vm_index * ITS_MAX_MSIS + event;
}

/**
 * its_queue_free() - Commands that fit in a ring of @size bytes whose
 * reader is at @rd and writer at @wr (byte offsets): one slot stays empty,
 * so that a full ring is not taken for an empty one.
 */
uint32_t its_queue_free(uint32_t size, uint32_t rd, uint32_t wr);

#endif /* ARCH_ITS_CMD_H */
