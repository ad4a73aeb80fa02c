/* SPDX-License-Identifier: MIT */
/* QEMU virt's PL031 RTC and its interrupt line (Arm DDI0224). */
#include "baremetal/fdt.h"
#include "baremetal/platform.h"
#include "baremetal/rtc.h"
#include "baremetal/sysreg.h"

bool rtc_find(uint64_t *base, uint32_t *intid)
{
	int node = fdt_path(platform.dtb, "/pl031");
	uint32_t len;
	const void *reg, *irq;

	if (node < 0)
		return false;
	reg = fdt_prop(platform.dtb, node, "reg", &len);
	if (!reg || len != 16)
		return false;
	*base = fdt_cells(reg, 2);
	irq = fdt_prop(platform.dtb, node, "interrupts", &len);
	/* <type number flags>: type 0 is an SPI, INTID number + 32. */
	if (!irq || len != 12 || fdt_cells(irq, 1) != 0)
		return false;
	*intid = (uint32_t)fdt_cells((const uint32_t *)irq + 1, 1) + 32;
	return true;
}

bool rtc_assert(uint64_t base)
{
	/*
	 * The match register set to the current count raises the match
	 * interrupt at once; a second may tick between the read and the
	 * write, so try again.
	 */
	mmio_write32(base + RTCIMSC, 0);
	mmio_write32(base + RTCICR, 1);
	for (unsigned i = 0; i < 3 && !(mmio_read32(base + RTCRIS) & 1); i++)
		mmio_write32(base + RTCMR, mmio_read32(base + RTCDR));
	mmio_write32(base + RTCIMSC, 1);
	return mmio_read32(base + RTCMIS) & 1;
}

void rtc_deassert(uint64_t base)
{
	mmio_write32(base + RTCIMSC, 0);
	mmio_write32(base + RTCICR, 1);
}
