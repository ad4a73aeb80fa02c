/* SPDX-License-Identifier: MIT */
/*
 * wdtstorm: a VM's watchdog keeps its deadlines on the VM's own CPUs, and
 * its offset has a floor (tests/system/test_watchdog_storm.py).
 *
 * The guest asks for the smallest offset there is (WOR = 1 tick) and reads
 * back what it got: at least VWDT_MIN_STAGE_MS (10 ms).  Then it runs its
 * watchdog at that floor, refreshing it four times a period, for
 * "wdtstorm.ms" milliseconds (bootargs), while the test counts the EL2
 * timer interrupts of every CPU in the shell's `stats`: the guest's own CPU
 * serves about one deadline per period, the Linux VM's CPUs none.  Last, it
 * stops refreshing: the watchdog must expire (cause "watchdog"), served by
 * its own CPU alone.
 */
#include "baremetal/bootargs.h"
#include "baremetal/fdt.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"

/* SBSA Generic Watchdog (Arm DEN0029): control frame, refresh frame. */
#define WDT_WCS 0x000
#define WDT_WOR 0x008
#define WDT_WRR 0x1000
#define WCS_EN 1u
#define MIN_STAGE_MS 10 /* docs/lifecycle.md, "Watchdog" */
#define DEFAULT_MS 5000

static uint64_t wdt_base(void)
{
	int node = fdt_path(platform.dtb, "/watchdog");
	uint32_t len;
	const void *reg = node < 0 ? NULL :
				     fdt_prop(platform.dtb, node, "reg", &len);

	/* Two entries of two address and two size cells. */
	return reg && len == 32 ? fdt_cells(reg, 2) : 0;
}

static uint64_t counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static uint32_t floor_ticks(void)
{
	return (uint32_t)(read_sysreg(cntfrq_el0) / 1000 * MIN_STAGE_MS);
}

TEST(offset_has_a_floor)
{
	uint64_t wdt = wdt_base();
	uint32_t wor, hz = (uint32_t)read_sysreg(cntfrq_el0);

	ASSERT_NE(wdt, 0);
	mmio_write32(wdt + WDT_WOR, 1);
	wor = mmio_read32(wdt + WDT_WOR);
	printf("wdtstorm: WOR 1 reads back %u ticks (%lu us)\n", wor,
	       (uint64_t)wor * 1000000 / hz);
	ASSERT_TRUE(wor >= floor_ticks());
}

TEST(refresh_at_the_floor)
{
	uint64_t wdt = wdt_base(), ms = DEFAULT_MS, refreshes = 0;
	uint64_t hz = read_sysreg(cntfrq_el0), start, end, next;
	uint32_t wor;

	ASSERT_NE(wdt, 0);
	ASSERT_TRUE(bootargs_u64("wdtstorm.ms", &ms) >= 0);
	/*
	 * The floor, whatever the hypervisor allows: the same load with a
	 * hypervisor that has no floor, where 1 tick would bite at once.
	 */
	wor = mmio_read32(wdt + WDT_WOR);
	if (wor < floor_ticks())
		mmio_write32(wdt + WDT_WOR, floor_ticks());
	wor = mmio_read32(wdt + WDT_WOR);
	printf("wdtstorm: refreshing for %lu ms, WOR %lu us\n", ms,
	       (uint64_t)wor * 1000000 / hz);
	mmio_write32(wdt + WDT_WCS, WCS_EN);
	start = counter();
	end = start + hz / 1000 * ms;
	for (next = start; next < end; next += wor / 4) {
		while (counter() < next)
			;
		mmio_write32(wdt + WDT_WRR, 0);
		refreshes++;
	}
	printf("wdtstorm: refreshed %lu times\n", refreshes);
	ASSERT_TRUE(refreshes > 0);
}

TEST(expires_without_refresh)
{
	uint64_t wdt = wdt_base();

	ASSERT_NE(wdt, 0);
	mmio_write32(wdt + WDT_WRR, 0);
	printf("wdtstorm: no more refreshes\n");
	/* Two periods later the hypervisor applies on-crash: never back. */
	for (;;)
		wfi();
}
