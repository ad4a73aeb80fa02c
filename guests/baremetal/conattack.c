/* SPDX-License-Identifier: MIT */
/*
 * conattack: a VM attacks the shared console (tests/system/
 * test_console_hostile.py).  It turns its UART's receive interrupt on and
 * never reads a character, so whatever is typed to it piles up; and for
 * conattack.flood_ms milliseconds it writes as fast as it can, without
 * looking at FR.TXFF: long lines, and lines meant to forge another VM's
 * heartbeat or a hypervisor message, clear the screen, move the cursor,
 * and make the terminal answer queries into the focused VM's input.
 * Neither may cost the other VMs their console or the operator the
 * escape key; the hypervisor drops and counts what this VM loses.  In a VM
 * without a console it just runs.
 */
#include "baremetal/bootargs.h"
#include "baremetal/gic.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"
#include "baremetal/uart.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define FR_RXFF BIT(6)
#define FLOOD_MS 20000u
#define LONG_LINE 300u

/* What a hostile kernel writes: no flow control, bytes as they are. */
static void raw(const char *s)
{
	while (*s)
		mmio_write32(platform.uart_base + UARTDR, (uint8_t)*s++);
}

static void raw_number(uint64_t n)
{
	char digits[24];
	unsigned i = sizeof(digits);

	digits[--i] = '\0';
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	raw(&digits[i]);
}

static const char *const attacks[] = {
	/* A line that starts with another VM's prefix ... */
	"[linux0] heartbeat 9999.000\n",
	/* ... after a carriage return or backspaces over its own prefix ... */
	"x\r[linux0] heartbeat 9999.001\n",
	"\b\b\b\b\b\b\b\b\b\b\b\b\b\bshikiri: vm linux0: stopped (forged)\n",
	/* ... or after erasing the line and moving to its first column. */
	"\x1b[2K\x1b[1G[linux0] heartbeat 9999.002\n",
	"\x1b[A\x1b[200D\x1b[Kshikiri: vm linux0: stopped (forged)\n",
	/* Clear the screen, reset the terminal, set its title. */
	"\x1b[2J\x1b[H\x1b"
	"c\x1b]0;pwned\x07\x1b]2;pwned\x1b\\cleared\n",
	/* Queries a terminal answers on its input: cursor position, device
	 * attributes, in 7-bit, 8-bit and UTF-8 encoded C1 form. */
	"\x1b[6n\x1b[c\x1b[>c\x9b"
	"6n\xc2\x9b"
	"6n\x1bP$q m\x1b\\queried\n",
	/* Colours are allowed; they must end with the line. */
	"\x1b[1;31mred and never reset\n",
};

TEST(flood_and_never_read)
{
	uint64_t ms = FLOOD_MS, start, lines = 0;

	/* Without a console (the test's VM with console = "none"), it only
	 * runs, so that the VM is there to be focused by mistake. */
	while (!platform.uart_base)
		wfi();
	if (bootargs_u64("conattack.flood_ms", &ms) < 0)
		ms = FLOOD_MS;
	/* Input raises the interrupt, which is never taken (PSTATE.I). */
	irq_disable();
	uart_rx_irq(true);
	gic_spi_enable(platform.uart_intid, true);
	printf("conattack: flooding for %lu ms, reading nothing\n", ms);
	start = timer_now_us();
	while (timer_now_us() - start < ms * 1000) {
		raw("conattack flood ");
		raw_number(lines++);
		raw(" ");
		for (unsigned i = 0; i < LONG_LINE; i++)
			raw("=");
		raw("\n");
		for (unsigned i = 0; i < ARRAY_SIZE(attacks); i++)
			raw(attacks[i]);
	}
	printf("conattack: flood done, %lu rounds; input waiting: %s\n", lines,
	       mmio_read32(platform.uart_base + UARTFR) & FR_RXFF ? "yes" :
								    "no");
	ASSERT_NE(mmio_read32(platform.uart_base + UARTFR) & FR_RXFF, 0);
}
