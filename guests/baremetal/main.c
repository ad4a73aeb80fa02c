/* SPDX-License-Identifier: MIT */
/*
 * A bare-metal test guest's life: read the device tree, bring up the
 * console and the GIC, optionally wait for a key (bootarg
 * "baremetal.start=key", so a system test decides when the probing
 * starts), run every test, and switch the VM off.
 */
#include "baremetal/bootargs.h"
#include "baremetal/gic.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"
#include "baremetal/uart.h"

/* QEMU virt's UART: only to report a device tree that cannot be read. */
#define FALLBACK_UART 0x09000000ull
/* After the start key: plenty for the console focus to move on. */
#define START_PAUSE_US 500000

extern char _start[];

noreturn_fn void main_entry(const void *dtb);

/* Acknowledge and complete whatever is pending, until nothing is. */
static void drain_irqs(void)
{
	uint32_t intid;

	while ((intid = gic_ack()) != GIC_SPURIOUS)
		gic_eoi(intid);
}

/* Read and drop every received character; how many there were. */
static unsigned drain_input(void)
{
	unsigned n = 0;

	while (uart_getc() >= 0)
		n++;
	return n;
}

/*
 * Sleep until a character arrives: WFI wakes on the UART's receive
 * interrupt even with IRQs masked, so the vCPU idles instead of spinning.
 * The line is level-triggered: the input is read before the EOI, or the
 * interrupt would come straight back.  Then pause: a test that types the
 * key moves the console's input focus back to another VM right after it,
 * and the focused VM's output goes out character by character, where
 * other VMs' lines can cut into it.
 */
static void wait_key(void)
{
	bool use_irq = platform.uart_intid >= 32;

	printf("baremetal: waiting for a key\n");
	if (use_irq) {
		uart_rx_irq(true);
		gic_spi_enable(platform.uart_intid, true);
	}
	while (!drain_input()) {
		uint32_t intid;

		if (!use_irq)
			continue;
		wfi();
		intid = gic_ack();
		if (intid == GIC_SPURIOUS)
			continue;
		if (intid == platform.uart_intid && drain_input()) {
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
	timer_delay_us(START_PAUSE_US);
}

void main_entry(const void *dtb)
{
	const char *err = platform_init(dtb);

	if (err) {
		uart_init(FALLBACK_UART);
		printf("baremetal: bad device tree: %s\n", err);
		psci_system_off();
	}
	uart_init(platform.uart_base);
	if (platform.ram_base != (uintptr_t)_start) {
		printf("baremetal: linked at 0x%lx, but RAM starts at 0x%lx\n",
		       (uint64_t)(uintptr_t)_start, platform.ram_base);
		psci_system_off();
	}
	gic_init(platform.gicd_base, platform.gicr_base);
	printf("baremetal: vm %s, %u vCPU(s), RAM [0x%lx, 0x%lx)\n",
	       platform.vm_name, platform.cpu_count, platform.ram_base,
	       platform.ram_base + platform.ram_size);
	if (bootargs_is("baremetal.start", "key"))
		wait_key();
	test_run_all();
	psci_system_off();
}
