/* SPDX-License-Identifier: MIT */
#ifndef ARCH_VPIT_H
#define ARCH_VPIT_H

#include "hv/types.h"

/* The 8254's input clock (Hz). */
#define VPIT_HZ 1193182ull
/* vpit_deadline() when channel 0 will not raise its output. */
#define VPIT_NO_DEADLINE UINT64_MAX
/*
 * The shortest interval between channel 0 interrupts: a guest asking for
 * a faster rate gets this, so it cannot keep its CPU in timer exits.
 */
#define VPIT_MIN_PERIOD_NS 100000ull

/** One counter of the 8254. */
struct vpit_channel {
	uint16_t count; /**< the reload value (0 means 65536) */
	uint8_t mode;	/**< 0-5 */
	uint8_t rw;	/**< access: 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;	/**< kept for the status byte; counting is binary */
	bool loaded;	/**< a count was written since the control word */
	bool running;	/**< counting: loaded and the gate high */
	bool gate;
	bool write_msb; /**< word write: the MSB comes next */
	bool read_msb;	/**< word read: the MSB comes next */
	bool count_latched, status_latched;
	bool latch_msb; /**< word read of the latch: the MSB comes next */
	uint16_t latch;
	uint8_t status;
	uint8_t lsb;	/**< a word write's first byte */
	uint64_t base;	/**< input clocks counted before @start */
	uint64_t start; /**< ns when this run began */
};

/**
 * An emulated Intel 8254 (82C54 datasheet) with port 0x61 (NMI status and
 * control: speaker gate and OUT2).  Channel 0's output is GSI 2 through
 * @irq; channel 2 is gated by port 0x61 bit 0, its output read in bit 5,
 * which is what Linux's TSC calibration uses.  Time is passed in (ns).
 */
struct vpit {
	struct vpit_channel ch[3];
	uint8_t port61; /**< bits 0 (gate 2) and 1 (speaker) as written */
	bool out0;	/**< channel 0's output as last told to @irq */
	uint64_t next;	/**< ns of channel 0's next interrupt, or none */
	void (*irq)(void *ctx, bool level);
	void *ctx;
};

/** vpit_init() - A PIT at time @now_ns, channel 0's output to @irq. */
void vpit_init(struct vpit *pit, void (*irq)(void *ctx, bool level), void *ctx,
	       uint64_t now_ns);

/** vpit_reset() - Power-on state: nothing counting, outputs low. */
void vpit_reset(struct vpit *pit, uint64_t now_ns);

/**
 * vpit_io() - A byte access to port 0x40-0x43 or 0x61 at @now_ns: *@val
 * is written, or set to what is read.  Other ports read 0xff.
 */
void vpit_io(struct vpit *pit, uint16_t port, bool write, uint8_t *val,
	     uint64_t now_ns);

/**
 * vpit_update() - The time is @now_ns: send channel 0's interrupt if due
 * (once, however many periods passed).
 */
void vpit_update(struct vpit *pit, uint64_t now_ns);

/** vpit_deadline() - When channel 0 next interrupts, or VPIT_NO_DEADLINE. */
uint64_t vpit_deadline(const struct vpit *pit);

#endif /* ARCH_VPIT_H */
