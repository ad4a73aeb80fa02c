// SPDX-License-Identifier: MIT
/*
 * GICv3 ITS command encodings (IHI0069 6.3.x, one section per command):
 * field positions in the comments are those of the command's doublewords.
 */
#include "arch/its_cmd.h"

/* RDbase and ITT addresses are encoded in place: bits [51:16], [51:8]. */
#define RDBASE_MASK 0x000fffffffff0000ull
#define ITT_MASK 0x000fffffffffff00ull
#define VALID (1ull << 63)

struct its_cmd its_cmd_mapd(uint32_t devid, uint64_t itt_pa,
			    unsigned event_bits)
{
	/* DW0: command, DeviceID [63:32]; DW1: Size [4:0] = bits - 1. */
	return (struct its_cmd){ .dw = {
					 ITS_CMD_MAPD | (uint64_t)devid << 32,
					 (event_bits - 1) & 0x1fu,
					 VALID | (itt_pa & ITT_MASK),
					 0,
				 } };
}

struct its_cmd its_cmd_mapc(uint16_t icid, uint64_t rdbase)
{
	/* DW2: ICID [15:0], RDbase [51:16], Valid [63]. */
	return (struct its_cmd){ .dw = {
					 ITS_CMD_MAPC,
					 0,
					 VALID | ((rdbase << 16) & RDBASE_MASK) |
						 icid,
					 0,
				 } };
}

struct its_cmd its_cmd_mapti(uint32_t devid, uint32_t event, uint32_t lpi,
			     uint16_t icid)
{
	/* DW1: EventID [31:0], pINTID [63:32]; DW2: ICID [15:0]. */
	return (struct its_cmd){ .dw = {
					 ITS_CMD_MAPTI | (uint64_t)devid << 32,
					 event | (uint64_t)lpi << 32,
					 icid,
					 0,
				 } };
}

struct its_cmd its_cmd_sync(uint64_t rdbase)
{
	return (struct its_cmd){ .dw = {
					 ITS_CMD_SYNC,
					 0,
					 (rdbase << 16) & RDBASE_MASK,
					 0,
				 } };
}

struct its_cmd its_cmd_invall(uint16_t icid)
{
	return (struct its_cmd){ .dw = { ITS_CMD_INVALL, 0, icid, 0 } };
}

struct its_cmd its_cmd_int(uint32_t devid, uint32_t event)
{
	return (struct its_cmd){ .dw = {
					 ITS_CMD_INT | (uint64_t)devid << 32,
					 event,
					 0,
					 0,
				 } };
}

unsigned its_event_bits(uint32_t count)
{
	unsigned bits = 1;

	while (bits < 32 && (1ull << bits) < count)
		bits++;
	return bits;
}

uint32_t its_queue_free(uint32_t size, uint32_t rd, uint32_t wr)
{
	uint32_t used = (wr + size - rd) % size;

	return (size - used) / ITS_CMD_SIZE - 1;
}
