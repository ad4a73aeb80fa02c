/* SPDX-License-Identifier: MIT */
/*
 * A bare-metal test guest's life: read the device tree, bring up the
 * console and the GIC, optionally wait for a key (bootarg
 * "baremetal.start=key", so a system test decides when the probing
 * starts), run every test, and switch the VM off.
 */
#include "baremetal/bootargs.h"
#include "baremetal/gic.h"
#include "baremetal/key.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"
#include "baremetal/uart.h"

/* QEMU virt's UART: only to report a device tree that cannot be read. */
#define FALLBACK_UART 0x09000000ull

extern char _start[];

noreturn_fn void main_entry(const void *dtb);

/*
 * Wait for a key, then pause: a test that types the key moves the
 * console's input focus back to another VM right after it, and the
 * focused VM's output goes out character by character, where other VMs'
 * lines can cut into it.
 */
static void wait_key(void)
{
	printf("baremetal: waiting for a key\n");
	key_wait();
	timer_delay_us(KEY_PAUSE_US);
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
