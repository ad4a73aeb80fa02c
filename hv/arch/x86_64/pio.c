/* SPDX-License-Identifier: MIT */
/*
 * Port I/O dispatch for one VM's emulated legacy PC: a const table of port
 * ranges sorted by port, searched by bisection.  Byte-wide devices see a
 * wider access as bytes at consecutive ports (as an ISA bus splits it);
 * the ACPI blocks take it whole, so the PM timer is read in one sample.
 * The tiny devices (reset, keyboard controller, pvpanic, port 0x80) are
 * here; each real one has its own file.
 */
#include "arch/pio.h"
#include "hv/errno.h"
#include "hv/v16550.h"

#define PIO_RESET_CONTROL 0xcf9
#define CF9_SYS_RST BIT(1)
#define CF9_RST_CPU BIT(2)
#define CF9_FULL_RST BIT(3)
#define KBC_PULSE_RESET 0xfe

/* A byte-wide device: one byte at @port, *@v written or read. */
typedef void (*pio_byte_fn)(struct pio_bus *b, uint16_t port, bool write,
			    uint8_t *v, uint64_t now);

struct pio_range {
	uint16_t first, last;
	pio_byte_fn fn; /* NULL: the ACPI PM blocks, which take any width */
};

static void pit_fn(struct pio_bus *b, uint16_t port, bool write, uint8_t *v,
		   uint64_t now)
{
	vpit_io(&b->pit, port, write, v, now);
}

static void pic_fn(struct pio_bus *b, uint16_t port, bool write, uint8_t *v,
		   uint64_t now)
{
	(void)now;
	vpic_io(&b->pic, port, write, v);
}

static void rtc_fn(struct pio_bus *b, uint16_t port, bool write, uint8_t *v,
		   uint64_t now)
{
	vrtc_io(&b->rtc, port, write, v, now);
}

/* The keyboard controller, for its reset line only (0x60 and 0x64). */
static void kbc_fn(struct pio_bus *b, uint16_t port, bool write, uint8_t *v,
		   uint64_t now)
{
	(void)now;
	if (!write)
		*v = 0; /* status 0: both buffers empty, so reset loops go on */
	else if (port == 0x64 && *v == KBC_PULSE_RESET && b->ops->reset)
		b->ops->reset(b->ctx);
}

/*
 * Reset control (Intel ICH/PCH 0xcf9): a write with RST_CPU set resets.
 * Linux writes SYS_RST first, then SYS_RST | RST_CPU; the FADT's reset
 * value is 0x06.
 */
static void cf9_fn(struct pio_bus *b, uint16_t port, bool write, uint8_t *v,
		   uint64_t now)
{
	(void)port;
	(void)now;
	if (!write) {
		*v = b->cf9;
		return;
	}
	b->cf9 = *v & (CF9_SYS_RST | CF9_FULL_RST);
	if ((*v & CF9_RST_CPU) && b->ops->reset)
		b->ops->reset(b->ctx);
}

static void pvpanic_fn(struct pio_bus *b, uint16_t port, bool write, uint8_t *v,
		       uint64_t now)
{
	(void)port;
	(void)now;
	/* Reads: the events offered.  CRASH_LOADED (kdump) needs nothing. */
	if (!write)
		*v = PIO_PVPANIC_PANICKED | PIO_PVPANIC_CRASH_LOADED;
	else if ((*v & PIO_PVPANIC_PANICKED) && b->ops->crash)
		b->ops->crash(b->ctx);
}

/* Port 0x80, Linux's I/O delay: accepted, not counted as unknown. */
static void delay_fn(struct pio_bus *b, uint16_t port, bool write, uint8_t *v,
		     uint64_t now)
{
	(void)b;
	(void)port;
	(void)now;
	if (!write)
		*v = 0xff;
}

/* Sorted by port, no overlap (test_pio reads every port). */
static const struct pio_range ranges[] = {
	{ 0x020, 0x021, pic_fn },
	{ 0x040, 0x043, pit_fn },
	{ 0x060, 0x060, kbc_fn },
	{ 0x061, 0x061, pit_fn },
	{ 0x064, 0x064, kbc_fn },
	{ 0x070, 0x071, rtc_fn },
	{ 0x080, 0x080, delay_fn },
	{ 0x0a0, 0x0a1, pic_fn },
	{ 0x4d0, 0x4d1, pic_fn },
	{ PIO_PVPANIC_PORT, PIO_PVPANIC_PORT, pvpanic_fn },
	{ VPM_EVT_PORT, VPM_TMR_PORT + 3, NULL },
	{ PIO_RESET_CONTROL, PIO_RESET_CONTROL, cf9_fn },
};

static const struct pio_range *find(uint16_t port)
{
	unsigned lo = 0, hi = ARRAY_SIZE(ranges);

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (port < ranges[mid].first)
			hi = mid;
		else if (port > ranges[mid].last)
			lo = mid + 1;
		else
			return &ranges[mid];
	}
	return NULL;
}

/* One byte at @port; false when no device has it. */
static bool byte_access(struct pio_bus *b, uint16_t port, bool write,
			uint8_t *v, uint64_t now)
{
	const struct pio_range *r;
	uint32_t val = *v;

	if (b->uart && (uint16_t)(port - b->uart->base) < V16550_PORTS) {
		v16550_io(b->uart, (uint16_t)(port - b->uart->base), write, v);
		return true;
	}
	r = find(port);
	if (!r)
		return false;
	if (r->fn) {
		r->fn(b, port, write, v, now);
	} else {
		vpm_io(&b->pm, port, 1, write, &val, now);
		*v = (uint8_t)val;
	}
	return true;
}

int pio_access(struct pio_bus *b, uint16_t port, unsigned size, bool write,
	       uint32_t *val, uint64_t now)
{
	const struct pio_range *r = find(port);
	bool hit = false;
	uint32_t in = 0;

	if (size != 1 && size != 2 && size != 4)
		return -HV_EINVAL;
	if (r && !r->fn && port + size - 1u <= r->last) {
		vpm_io(&b->pm, port, size, write, val, now);
		return 0;
	}
	for (unsigned i = 0; i < size; i++) {
		uint8_t v = (uint8_t)(*val >> (8 * i));

		/*
		 * Reset control answers byte accesses only: a wider one at
		 * 0xcf8 is PCI CONFIG_ADDRESS (Intel ICH9 datasheet, RST_CNT),
		 * which no VM has, so its function bits never reset the VM.
		 */
		if (size > 1 && port + i == PIO_RESET_CONTROL)
			v = 0xff;
		else if (!byte_access(b, (uint16_t)(port + i), write, &v, now))
			v = 0xff;
		else
			hit = true;
		in |= (uint32_t)v << (8 * i);
	}
	if (!write)
		*val = in;
	if (!hit) {
		if (write)
			b->unknown_writes++;
		else
			b->unknown_reads++;
	}
	return 0;
}

void pio_update(struct pio_bus *b, uint64_t now)
{
	vpit_update(&b->pit, now);
}

uint64_t pio_deadline(const struct pio_bus *b)
{
	return vpit_deadline(&b->pit);
}

static void pit_irq(void *ctx, bool level)
{
	struct pio_bus *b = ctx;

	if (b->ops->irq)
		b->ops->irq(b->ctx, PIO_PIT_GSI, level);
}

static void pm_poweroff(void *ctx)
{
	struct pio_bus *b = ctx;

	if (b->ops->poweroff)
		b->ops->poweroff(b->ctx);
}

void pio_reset(struct pio_bus *b, uint64_t now)
{
	vpit_reset(&b->pit, now);
	vpm_reset(&b->pm);
	vrtc_reset(&b->rtc);
	vpic_reset(&b->pic);
	b->cf9 = 0;
}

void pio_init(struct pio_bus *b, const struct pio_ops *ops, void *ctx,
	      struct v16550 *uart, uint64_t epoch_s, uint64_t now)
{
	*b = (struct pio_bus){ .ops = ops, .ctx = ctx, .uart = uart };
	vpit_init(&b->pit, pit_irq, b, now);
	vpm_init(&b->pm, pm_poweroff, b, now);
	vrtc_init(&b->rtc, epoch_s, now);
	vpic_reset(&b->pic);
}
