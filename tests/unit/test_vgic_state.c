/* SPDX-License-Identifier: MIT */
/*
 * The pending and active state the guest's ISPENDR/ICPENDR/ISACTIVER/
 * ICACTIVER show and change (hv/arch/aarch64/vgic_state.c): for hardware
 * lines the physical GIC, the queue and the list registers combined; SGIs'
 * active state from the list registers; writes that act where the state
 * lives, on the VM's own lines only.  The VM is tests/unit/vgic_fixture.h's
 * (vCPU 0 on CPU 2, vCPU 1 on CPU 3; hardware SPI 48 is physical 78).
 */
#include "arch/gic.h"
#include "vgic_fixture.h"

/* Redistributor SGI-frame registers of vCPU @f, distributor ones of @n. */
#define ISPENDR0(f) (GICR + (f)*0x20000ull + 0x10200)
#define ICPENDR0(f) (GICR + (f)*0x20000ull + 0x10280)
#define ISACTIVER0(f) (GICR + (f)*0x20000ull + 0x10300)
#define ICACTIVER0(f) (GICR + (f)*0x20000ull + 0x10380)
#define ISPENDR(n) (GICD + 0x200 + ((n) / 32) * 4)
#define ICPENDR(n) (GICD + 0x280 + ((n) / 32) * 4)
#define ISACTIVER(n) (GICD + 0x300 + ((n) / 32) * 4)
#define ICACTIVER(n) (GICD + 0x380 + ((n) / 32) * 4)
#define BIT_OF(n) (1u << ((n) % 32))
#define HW_BIT BIT_OF(OWNED_HW)
#define PHYS 78
#define SGI 3

/*
 * Physical @pintid fires on vCPU @v's CPU and the hypervisor takes it
 * (acknowledged: active in the GIC) and forwards it to @v.
 */
static void take(unsigned v, uint32_t pintid)
{
	unsigned was = fake_cpu.pcpu;

	fake_cpu.pcpu = vm.vcpu[v].pcpu;
	fake_gic_raise(fake_cpu.pcpu, pintid);
	assert_int_equal(gic_ack(), pintid);
	assert_true(vgic_forward_hw(&vm.vcpu[v], pintid));
	fake_cpu.pcpu = was;
}

/* vCPU 0's guest acknowledges @vintid: its list register turns active. */
static void guest_ack(uint32_t vintid)
{
	for (unsigned n = 0; n < FAKE_LRS; n++)
		if ((uint32_t)*lr0(n) == vintid && (*lr0(n) & LR_PENDING)) {
			*lr0(n) = (*lr0(n) & ~LR_PENDING) | LR_ACTIVE;
			return;
		}
	fail_msg("INTID %u in no list register", vintid);
}

static uint64_t lr_state(uint32_t vintid)
{
	for (unsigned n = 0; n < FAKE_LRS; n++)
		if ((uint32_t)*lr0(n) == vintid &&
		    (*lr0(n) & (LR_PENDING | LR_ACTIVE)))
			return *lr0(n) & (LR_PENDING | LR_ACTIVE);
	return 0;
}

/*
 * The case: the guest masks its timer PPI in the GIC and lets the
 * timer fire; the line is pending in the physical redistributor of the
 * vCPU's CPU, and reads so in that vCPU's frame only.
 */
static void masked_timer_ppi_reads_pending(void **state)
{
	(void)state;
	fake_gic.ppi_level[2][VTIMER] = true;
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(rd(ICPENDR0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
	assert_int_equal(rd(ISPENDR0(1), 4), 0);
	assert_int_equal(rd_as(1, ISPENDR0(0), 4), BIT_OF(VTIMER));
	/* Still asserted: ICPENDR cannot clear it, as on the hardware. */
	assert_int_equal(wr(ICPENDR0(0), 4, BIT_OF(VTIMER)), 0);
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(VTIMER));
	/* The timer condition ends: no longer pending. */
	fake_gic.ppi_level[2][VTIMER] = false;
	assert_int_equal(rd(ISPENDR0(0), 4), 0);
}

/* ISPENDR/ICPENDR and ISACTIVER/ICACTIVER of a hardware PPI round-trip. */
static void hw_ppi_pending_and_active_round_trip(void **state)
{
	(void)state;
	assert_int_equal(wr(ISPENDR0(0), 4, BIT_OF(VTIMER)), 0);
	assert_true(fake_gic.ppi_pending[2][VTIMER]);
	assert_false(fake_gic.ppi_pending[3][VTIMER]);
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(wr(ICPENDR0(0), 4, BIT_OF(VTIMER)), 0);
	assert_false(fake_gic.ppi_pending[2][VTIMER]);
	assert_int_equal(rd(ISPENDR0(0), 4), 0);
	/* Another vCPU's frame: that vCPU's CPU. */
	assert_int_equal(wr(ISPENDR0(1), 4, BIT_OF(30)), 0);
	assert_true(fake_gic.ppi_pending[3][30]);
	assert_false(fake_gic.ppi_pending[2][30]);
	assert_int_equal(wr(ISACTIVER0(0), 4, BIT_OF(VTIMER)), 0);
	assert_true(fake_gic.ppi_active[2][VTIMER]);
	assert_int_equal(rd(ISACTIVER0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(rd(ICACTIVER0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(wr(ICACTIVER0(0), 4, BIT_OF(VTIMER)), 0);
	assert_false(fake_gic.ppi_active[2][VTIMER]);
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
}

/* The same for a passed-through SPI, in the distributor. */
static void hw_spi_state_is_the_physical_gics(void **state)
{
	(void)state;
	fake_gic.spi_level[PHYS] = true;
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), HW_BIT);
	assert_int_equal(wr(ICPENDR(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), HW_BIT);
	fake_gic.spi_level[PHYS] = false;
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), 0);
	assert_int_equal(wr(ISPENDR(OWNED_HW), 4, HW_BIT), 0);
	assert_true(fake_gic.spi_pending[PHYS]);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), HW_BIT);
	assert_int_equal(wr(ICPENDR(OWNED_HW), 4, HW_BIT), 0);
	assert_false(fake_gic.spi_pending[PHYS]);
	assert_int_equal(wr(ISACTIVER(OWNED_HW), 4, HW_BIT), 0);
	assert_true(fake_gic.spi_active[PHYS]);
	assert_int_equal(rd(ISACTIVER(OWNED_HW), 4), HW_BIT);
	assert_int_equal(wr(ICACTIVER(OWNED_HW), 4, HW_BIT), 0);
	assert_false(fake_gic.spi_active[PHYS]);
	assert_int_equal(rd(ISACTIVER(OWNED_HW), 4), 0);
}

/*
 * Taken by the hypervisor, the line is active in the physical GIC; the
 * guest sees it pending (queued, then in a list register), then active
 * once it acknowledged it, and pending too while still asserted.
 */
static void hw_ppi_delivered_reads_as_the_guest_has_it(void **state)
{
	(void)state;
	assert_int_equal(wr(GICR + 0x10100, 4, BIT_OF(VTIMER)), 0);
	fake_gic.ppi_level[2][VTIMER] = true;
	take(0, VTIMER);
	assert_true(fake_gic.ppi_active[2][VTIMER]);
	assert_int_equal(queued(0), 1);
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(lr_state(VTIMER), LR_PENDING);
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
	guest_ack(VTIMER);
	assert_int_equal(rd(ISACTIVER0(0), 4), BIT_OF(VTIMER));
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(VTIMER));
	fake_gic.ppi_level[2][VTIMER] = false;
	assert_int_equal(rd(ISPENDR0(0), 4), 0);
	/* ICACTIVER ends it: list register free, deactivated in the GIC. */
	assert_int_equal(wr(ICACTIVER0(0), 4, BIT_OF(VTIMER)), 0);
	assert_int_equal(lr_state(VTIMER), 0);
	assert_false(fake_gic.ppi_active[2][VTIMER]);
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
}

/*
 * ICPENDR of a delivery the guest has not taken withdraws it and ends the
 * hypervisor's acknowledgement: a line still asserted is pending again in
 * the GIC (and will be taken again), one that is not is gone.
 */
static void icpendr_withdraws_a_delivery_not_yet_taken(void **state)
{
	(void)state;
	enable_spi(OWNED_HW, 0);
	fake_gic.spi_level[PHYS] = true;
	take(0, PHYS);
	assert_int_equal(wr(ICPENDR(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(queued(0), 0);
	assert_false(fake_gic.spi_active[PHYS]);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), HW_BIT);
	/* Now from a list register, the line no longer asserted. */
	take(0, PHYS);
	vgic_lr_flush(&vm.vcpu[0]);
	fake_gic.spi_level[PHYS] = false;
	assert_int_equal(wr(ICPENDR(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(lr_state(OWNED_HW), 0);
	assert_false(fake_gic.spi_active[PHYS]);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), 0);
	assert_int_equal(rd(ISACTIVER(OWNED_HW), 4), 0);
	/* Taken by the guest: ICPENDR leaves the active state alone. */
	take(0, PHYS);
	vgic_lr_flush(&vm.vcpu[0]);
	guest_ack(OWNED_HW);
	assert_int_equal(wr(ICPENDR(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(lr_state(OWNED_HW), LR_ACTIVE);
	assert_true(fake_gic.spi_active[PHYS]);
	assert_int_equal(rd(ISACTIVER(OWNED_HW), 4), HW_BIT);
}

/*
 * ISACTIVER of a delivery not yet taken: active and pending, both kept by
 * the physical GIC, so the line is taken once ICACTIVER ends it.
 * ICACTIVER of a line only pending changes nothing.
 */
static void isactiver_on_a_delivered_line_keeps_it_pending(void **state)
{
	(void)state;
	enable_spi(OWNED_HW, 0);
	take(0, PHYS);
	assert_int_equal(wr(ICACTIVER(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(queued(0), 1);
	assert_true(fake_gic.spi_active[PHYS]);
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(wr(ICACTIVER(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(lr_state(OWNED_HW), LR_PENDING);
	assert_true(fake_gic.spi_active[PHYS]);
	assert_int_equal(wr(ISACTIVER(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(lr_state(OWNED_HW), 0);
	assert_true(fake_gic.spi_active[PHYS]);
	assert_true(fake_gic.spi_pending[PHYS]);
	assert_int_equal(rd(ISACTIVER(OWNED_HW), 4), HW_BIT);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), HW_BIT);
	assert_int_equal(wr(ICACTIVER(OWNED_HW), 4, HW_BIT), 0);
	assert_false(fake_gic.spi_active[PHYS]);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), HW_BIT);
	/* The same from the queue. */
	assert_int_equal(wr(ICPENDR(OWNED_HW), 4, HW_BIT), 0);
	take(0, PHYS);
	assert_int_equal(wr(ISACTIVER(OWNED_HW), 4, HW_BIT), 0);
	assert_int_equal(queued(0), 0);
	assert_true(fake_gic.spi_active[PHYS]);
	assert_true(fake_gic.spi_pending[PHYS]);
}

/*
 * Another vCPU's list registers cannot be read from here: a hardware line
 * there reads active (the physical GIC's state until that guest's EOI),
 * whether or not it has acknowledged it yet; that vCPU itself sees it
 * exactly.  An SGI there shows only in its own vCPU's frame.
 */
static void other_vcpus_list_registers(void **state)
{
	(void)state;
	enable_spi(OWNED_HW, 1);
	take(1, PHYS);
	fake_cpu.pcpu = 3;
	vgic_lr_flush(&vm.vcpu[1]);
	fake_cpu.pcpu = 2;
	assert_int_equal(rd(ISACTIVER(OWNED_HW), 4), HW_BIT);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), 0);
	assert_int_equal(rd_as(1, ISPENDR(OWNED_HW), 4), HW_BIT);
	assert_int_equal(rd_as(1, ISACTIVER(OWNED_HW), 4), 0);
	/* Queued for it (in no register yet): pending, seen from anywhere. */
	assert_int_equal(wr_as(1, ICPENDR(OWNED_HW), 4, HW_BIT), 0);
	take(1, PHYS);
	assert_int_equal(rd(ISPENDR(OWNED_HW), 4), HW_BIT);
	assert_int_equal(rd(ISACTIVER(OWNED_HW), 4), 0);
	/* An SGI vCPU 1 took. */
	assert_int_equal(wr(GICR + 0x20000 + 0x10100, 4, BIT_OF(SGI)), 0);
	vgic_send_sgi(&vm.vcpu[0], (uint64_t)SGI << 24 | 0x2);
	fake_cpu.pcpu = 3;
	vgic_lr_flush(&vm.vcpu[1]);
	for (unsigned n = 0; n < FAKE_LRS; n++)
		if ((uint32_t)fake_sysregs[3].lr[n] == SGI)
			fake_sysregs[3].lr[n] ^= LR_PENDING | LR_ACTIVE;
	fake_cpu.pcpu = 2;
	assert_int_equal(rd_as(1, ISACTIVER0(1), 4), BIT_OF(SGI));
	assert_int_equal(rd(ISACTIVER0(1), 4), 0);
}

/* SGIs: pending, then active once acknowledged; ICACTIVER ends it. */
static void sgi_active_state_shows_and_clears(void **state)
{
	(void)state;
	assert_int_equal(wr(GICR + 0x10100, 4, BIT_OF(SGI)), 0);
	vgic_send_sgi(&vm.vcpu[1], (uint64_t)SGI << 24 | 0x1);
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(SGI));
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(rd(ISPENDR0(0), 4), BIT_OF(SGI));
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
	/* ISACTIVER of a pending SGI: active and pending. */
	assert_int_equal(wr(ISACTIVER0(0), 4, BIT_OF(SGI)), 0);
	assert_int_equal(lr_state(SGI), LR_PENDING | LR_ACTIVE);
	assert_int_equal(wr(ICPENDR0(0), 4, BIT_OF(SGI)), 0);
	assert_int_equal(lr_state(SGI), LR_ACTIVE);
	assert_int_equal(rd(ISACTIVER0(0), 4), BIT_OF(SGI));
	assert_int_equal(rd(ISPENDR0(0), 4), 0);
	assert_int_equal(wr(ICACTIVER0(0), 4, BIT_OF(SGI)), 0);
	assert_int_equal(lr_state(SGI), 0);
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
	/* The guest's own acknowledgement, the same. */
	vgic_send_sgi(&vm.vcpu[1], (uint64_t)SGI << 24 | 0x1);
	vgic_lr_flush(&vm.vcpu[0]);
	guest_ack(SGI);
	assert_int_equal(rd(ISACTIVER0(0), 4), BIT_OF(SGI));
	/* vCPU 1's SGI 3 is another interrupt: not active. */
	assert_int_equal(rd(ISACTIVER0(1), 4), 0);
	/* Queued SGIs are withdrawn by ICPENDR. */
	vgic_send_sgi(&vm.vcpu[1], (uint64_t)(SGI + 1) << 24 | 0x1);
	assert_int_equal(wr(GICR + 0x10100, 4, BIT_OF(SGI + 1)), 0);
	assert_int_equal(queued(0), 1);
	assert_int_equal(wr(ICPENDR0(0), 4, BIT_OF(SGI + 1)), 0);
	assert_int_equal(queued(0), 0);
	assert_int_equal(rd(ISPENDR0(0), 4), 0);
}

/*
 * A software level line in flight reads active while it is in a list
 * register; ICACTIVER ends it as the guest's EOI would (the maintenance
 * interrupt asks the device again).
 */
static void level_line_in_flight(void **state)
{
	uint32_t bit = BIT_OF(OWNED_SW);

	(void)state;
	enable_spi(OWNED_SW, 0);
	line_high = true;
	vgic_set_level(&vm, OWNED_SW, true);
	assert_int_equal(rd(ISPENDR(OWNED_SW), 4), bit);
	assert_int_equal(rd(ISACTIVER(OWNED_SW), 4), 0);
	vgic_lr_flush(&vm.vcpu[0]);
	guest_ack(OWNED_SW);
	assert_int_equal(rd(ISACTIVER(OWNED_SW), 4), bit);
	assert_int_equal(rd(ISPENDR(OWNED_SW), 4), 0);
	/* Seen from vCPU 1: in flight elsewhere, active. */
	assert_int_equal(rd_as(1, ISACTIVER(OWNED_SW), 4), bit);
	assert_int_equal(wr(ICACTIVER(OWNED_SW), 4, bit), 0);
	assert_int_equal(lr_state(OWNED_SW), 0);
	assert_int_equal(rd(ISACTIVER(OWNED_SW), 4), 0);
	vgic_lr_maintenance(&vm.vcpu[0]);
	/* Still high: taken again at once. */
	assert_int_equal(lr_state(OWNED_SW), LR_PENDING);
	assert_true(vm.arch.vgic.spi[OWNED_SW - 32].in_flight);
	/* Low at the next end: the line is idle. */
	line_high = false;
	guest_ack(OWNED_SW);
	assert_int_equal(wr(ICACTIVER(OWNED_SW), 4, bit), 0);
	vgic_lr_maintenance(&vm.vcpu[0]);
	assert_int_equal(lr_state(OWNED_SW), 0);
	assert_false(vm.arch.vgic.spi[OWNED_SW - 32].in_flight);
	assert_int_equal(rd(ISPENDR(OWNED_SW), 4) | rd(ISACTIVER(OWNED_SW), 4),
			 0);
}

/*
 * Writes of all ones reach the physical GIC for the VM's hardware lines
 * only: not the hypervisor's PPIs (its timer 26, the maintenance 25, the
 * kick SGI 0), not another VM's SPI.
 */
static void writes_touch_only_own_hardware_lines(void **state)
{
	const uint64_t regs[] = { ISPENDR0(0), ISACTIVER0(0), ICPENDR0(0),
				  ICACTIVER0(0) };

	(void)state;
	fake_gic.ppi_active[2][0] = true;
	fake_gic.ppi_active[2][25] = true;
	fake_gic.ppi_active[2][26] = true;
	fake_gic.spi_active[FOREIGN] = true;
	fake_gic.spi_pending[FOREIGN] = true;
	assert_int_equal(wr(ISPENDR0(0), 4, ~0u), 0);
	assert_int_equal(wr(ISACTIVER0(0), 4, ~0u), 0);
	for (unsigned i = 0; i < 32; i++) {
		bool hw = i == VTIMER || i == 30;

		assert_int_equal(fake_gic.ppi_pending[2][i], hw);
		assert_false(fake_gic.ppi_pending[3][i]);
		if (i != 0 && i != 25 && i != 26)
			assert_int_equal(fake_gic.ppi_active[2][i], hw);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		assert_int_equal(wr(regs[i], 4, ~0u), 0);
	assert_true(fake_gic.ppi_active[2][0]);
	assert_true(fake_gic.ppi_active[2][25]);
	assert_true(fake_gic.ppi_active[2][26]);
	assert_false(fake_gic.ppi_active[2][VTIMER]);
	/* The distributor: the foreign SPI is neither read nor changed. */
	assert_int_equal(wr(ICPENDR(FOREIGN), 4, ~0u), 0);
	assert_int_equal(wr(ICACTIVER(FOREIGN), 4, ~0u), 0);
	assert_int_equal(rd(ISPENDR(FOREIGN), 4) & BIT_OF(FOREIGN), 0);
	assert_int_equal(rd(ISACTIVER(FOREIGN), 4) & BIT_OF(FOREIGN), 0);
	assert_true(fake_gic.spi_active[FOREIGN]);
	assert_true(fake_gic.spi_pending[FOREIGN]);
}

/* A vCPU's next life starts with its hardware PPIs idle. */
static void park_leaves_hw_ppis_idle(void **state)
{
	(void)state;
	assert_int_equal(wr(ISPENDR0(0), 4, BIT_OF(VTIMER)), 0);
	assert_int_equal(wr(ISACTIVER0(0), 4, BIT_OF(30)), 0);
	vgic_vcpu_park(&vm.vcpu[0]);
	assert_false(fake_gic.ppi_pending[2][VTIMER]);
	assert_false(fake_gic.ppi_active[2][30]);
	assert_int_equal(rd(ISPENDR0(0), 4), 0);
	assert_int_equal(rd(ISACTIVER0(0), 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(masked_timer_ppi_reads_pending, setup),
		cmocka_unit_test_setup(hw_ppi_pending_and_active_round_trip,
				       setup),
		cmocka_unit_test_setup(hw_spi_state_is_the_physical_gics,
				       setup),
		cmocka_unit_test_setup(
			hw_ppi_delivered_reads_as_the_guest_has_it, setup),
		cmocka_unit_test_setup(
			icpendr_withdraws_a_delivery_not_yet_taken, setup),
		cmocka_unit_test_setup(
			isactiver_on_a_delivered_line_keeps_it_pending, setup),
		cmocka_unit_test_setup(other_vcpus_list_registers, setup),
		cmocka_unit_test_setup(sgi_active_state_shows_and_clears,
				       setup),
		cmocka_unit_test_setup(level_line_in_flight, setup),
		cmocka_unit_test_setup(writes_touch_only_own_hardware_lines,
				       setup),
		cmocka_unit_test_setup(park_leaves_hw_ppis_idle, setup),
	};

	return cmocka_run_group_tests_name("vgic_state", tests, NULL, NULL);
}
