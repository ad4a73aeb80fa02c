/* SPDX-License-Identifier: MIT */
/*
 * Waiting for a key: WFI wakes on the UART's receive interrupt even with
 * IRQs masked, so the vCPU idles instead of spinning while a system test
 * decides when the guest goes on.
 */
#include "baremetal/gic.h"
#include "baremetal/key.h"
#include "baremetal/platform.h"
#include "baremetal/sysreg.h"
#include "baremetal/uart.h"

/* Acknowledge and complete whatever is pending, until nothing is. */
static void drain_irqs(void)
{
	uint32_t intid;

	while ((intid = gic_ack()) != GIC_SPURIOUS)
		gic_eoi(intid);
}

/* The first received character, reading and dropping the rest; -1 if none. */
static int drain_input(void)
{
	int first = -1, c;

	while ((c = uart_getc()) >= 0)
		if (first < 0)
			first = c;
	return first;
}

/*
 * The line is level-triggered: the input is read before the EOI, or the
 * interrupt would come straight back.
 */
int key_wait(void)
{
	bool use_irq = platform.uart_intid >= 32;
	int key;

	if (use_irq) {
		uart_rx_irq(true);
		gic_spi_enable(platform.uart_intid, true);
	}
	while ((key = drain_input()) < 0) {
		uint32_t intid;

		if (!use_irq)
			continue;
		wfi();
		intid = gic_ack();
		if (intid == GIC_SPURIOUS)
			continue;
		if (intid == platform.uart_intid &&
		    (key = drain_input()) >= 0) {
			gic_eoi(intid);
			break;
		}
		gic_eoi(intid);
	}
	if (use_irq) {
		uart_rx_irq(false);
		gic_spi_enable(platform.uart_intid, false);
		drain_irqs();
	}
	return key;
}
