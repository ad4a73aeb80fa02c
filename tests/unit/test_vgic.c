/* SPDX-License-Identifier: MIT */
/*
 * The virtual GICv3 register model: a VM sees and touches only its own
 * interrupts, and SGIs reach only its own vCPUs; its hardware lines are
 * masked while it cannot take them (vCPU off, VM stopped).  The VM is
 * tests/unit/vgic_fixture.h's; pending and active state: test_vgic_state.c.
 */
#include "vgic_fixture.h"

static void foreign_spis_read_as_zero_and_ignore_writes(void **state)
{
	(void)state;
	/* ISENABLER1 covers INTIDs 32-63: FOREIGN is bit 8. */
	assert_int_equal(wr(GICD + 0x104, 4, ~0u), 0);
	assert_int_equal(wr(GICD + 0x404 * 0 + 0x400 + FOREIGN, 1, 0x10), 0);
	assert_int_equal(wr(GICD + 0x6000 + FOREIGN * 8, 8, 1), 0);
	assert_int_equal(wr(GICD + 0x204, 4, 1u << (FOREIGN - 32)), 0);
	assert_false(fake_gic.spi_enabled[FOREIGN]);
	assert_false(fake_gic.spi_pending[FOREIGN]);
	assert_int_equal(fake_gic.spi_route[FOREIGN], 0);
	/* Only the owned lines read back as enabled. */
	assert_int_equal(rd(GICD + 0x104, 4),
			 (1u << (OWNED_HW - 32)) | (1u << (OWNED_SW - 32)));
	assert_int_equal(rd(GICD + 0x400 + FOREIGN, 1), 0);
	/* The enable of the owned hardware line reached the physical GIC. */
	assert_true(fake_gic.spi_enabled[78]);
}

static void owned_hw_spi_routes_to_own_cpus_only(void **state)
{
	(void)state;
	assert_int_equal(wr(GICD + 0x6000 + OWNED_HW * 8, 8, 1), 0);
	assert_int_equal(fake_gic.spi_route[78], pcpus[3].hw_id);
	assert_int_equal(rd(GICD + 0x6000 + OWNED_HW * 8, 8), 1);
	/* A vCPU the VM does not have: vCPU 0's CPU, never someone else's. */
	assert_int_equal(wr(GICD + 0x6000 + OWNED_HW * 8, 8, 0x100000005ull), 0);
	assert_int_equal(fake_gic.spi_route[78], pcpus[2].hw_id);
	/* Edge configuration goes through; SGIs stay edge. */
	assert_int_equal(wr(GICD + 0xc00 + (OWNED_HW / 16) * 4, 4,
			    2u << ((OWNED_HW % 16) * 2)),
			 0);
	assert_true(fake_gic.spi_edge[78]);
}

static void sgis_reach_only_own_vcpus(void **state)
{
	(void)state;
	/* Guest enables SGI 1 on both vCPUs through their redistributors. */
	assert_int_equal(wr(GICR + 0x10100, 4, 0xffff), 0);
	assert_int_equal(wr(GICR + 0x20000 + 0x10100, 4, 0xffff), 0);
	/* To vCPU 1 by target list. */
	vgic_send_sgi(&vm.vcpu[0], 1ull << 24 | 0x2);
	assert_int_equal(queued(1), 1);
	assert_int_equal(vm.vcpu[1].arch.vgic.queue[0].vintid, 1);
	assert_int_equal(fake_cpu.kicks[3], 1);
	/* To affinity 0.0.1.x: no such vCPU in this VM, nothing happens. */
	vgic_send_sgi(&vm.vcpu[0], 1ull << 24 | 1ull << 16 | 0xffff);
	assert_int_equal(queued(0) + queued(1), 1);
	/* To target list bits beyond the VM's vCPUs: ignored. */
	vgic_send_sgi(&vm.vcpu[0], 1ull << 24 | 0xfffc);
	assert_int_equal(queued(0) + queued(1), 1);
	/* Broadcast: everyone but the sender. */
	vgic_send_sgi(&vm.vcpu[1], 1ull << 40 | 2ull << 24);
	assert_int_equal(queued(0), 1);
	assert_int_equal(queued(1), 1);
	for (unsigned i = 0; i < 8; i++)
		if (i != 2 && i != 3)
			assert_int_equal(fake_cpu.kicks[i], 0);
}

static void disabled_sgi_is_latched_until_enabled(void **state)
{
	(void)state;
	vgic_send_sgi(&vm.vcpu[1], 5ull << 24 | 0x1);
	assert_int_equal(queued(0), 0);
	assert_int_equal(rd(GICR + 0x10200, 4), 1u << 5); /* ISPENDR0 */
	assert_int_equal(wr(GICR + 0x10100, 4, 1u << 5), 0);
	assert_int_equal(queued(0), 1);
	/* Delivered: the latch is spent, pending until the guest takes it. */
	assert_false(vm.vcpu[0].arch.vgic.priv[5].pending);
	assert_int_equal(rd(GICR + 0x10200, 4), 1u << 5);
}

static void level_software_line_resampled_on_eoi(void **state)
{
	(void)state;
	assert_int_equal(wr(GICD + 0x104, 4, 1u << (OWNED_SW - 32)), 0);
	line_high = true;
	vgic_set_level(&vm, OWNED_SW, true);
	vgic_set_level(&vm, OWNED_SW, true);
	assert_int_equal(queued(0), 1); /* once while in flight */
	assert_true(vm.vcpu[0].arch.vgic.queue[0].notify_eoi);
	vm.vcpu[0].arch.vgic.queue_len = 0; /* into a list register */
	vgic_eoi(&vm.vcpu[0], OWNED_SW);
	assert_int_equal(queued(0), 1); /* still high: taken again */
	vm.vcpu[0].arch.vgic.queue_len = 0;
	line_high = false;
	vgic_eoi(&vm.vcpu[0], OWNED_SW);
	assert_int_equal(queued(0), 0);
}

/*
 * An interrupt raised again while it waits is the same pending interrupt:
 * 70 SGIs fill no queue.  (Before, the 65th was dropped, and a hardware
 * line forwarded after it stayed active in the GIC for good: fuzz finding
 * full-queue-loses-hw-line.)
 */
static void queue_holds_one_entry_per_interrupt(void **state)
{
	(void)state;
	assert_int_equal(wr(GICR + 0x20000 + 0x10100, 4, 0xffff), 0);
	for (unsigned i = 0; i < 70; i++)
		vgic_send_sgi(&vm.vcpu[0], (uint64_t)(i % 16) << 24 | 0x2);
	assert_int_equal(queued(1), 16);
	assert_true(vgic_forward_hw(&vm.vcpu[0], 78));
	assert_int_equal(queued(0), 1);
	assert_int_equal(vm.vcpu[0].arch.vgic.queue[0].pintid, 78);
}

/*
 * A vCPU parked (PSCI CPU_OFF) with the console's level line in flight:
 * the EOI will never come, so the line counts as EOIed and, still high,
 * is raised again.  (Before, it stayed "in flight" and the VM's console
 * interrupt was dead until a restart: fuzz finding
 * cpu-off-loses-level-line.)
 */
static void parked_vcpu_gives_back_its_level_line(void **state)
{
	(void)state;
	assert_int_equal(wr(GICD + 0x104, 4, 1u << (OWNED_SW - 32)), 0);
	line_high = true;
	vgic_set_level(&vm, OWNED_SW, true);
	assert_int_equal(queued(0), 1);
	vm.vcpu[0].arch.vgic.queue_len = 0; /* dropped by the park */
	vgic_flight_lost(&vm.vcpu[0]);
	assert_int_equal(queued(0), 1);
	assert_int_equal(vm.vcpu[0].arch.vgic.queue[0].vintid, OWNED_SW);
	/* Another vCPU's park leaves it alone. */
	vm.vcpu[0].arch.vgic.queue_len = 0;
	vgic_flight_lost(&vm.vcpu[1]);
	assert_int_equal(queued(0) + queued(1), 0);
}

static void hw_forwarding_only_for_own_lines(void **state)
{
	(void)state;
	assert_true(vgic_forward_hw(&vm.vcpu[0], 78));
	assert_int_equal(vm.vcpu[0].arch.vgic.queue[0].vintid, OWNED_HW);
	assert_int_equal(vm.vcpu[0].arch.vgic.queue[0].pintid, 78);
	assert_true(vgic_forward_hw(&vm.vcpu[0], 27)); /* the virtual timer */
	assert_false(vgic_forward_hw(&vm.vcpu[0], FOREIGN));
	assert_false(vgic_forward_hw(&vm.vcpu[0], 26)); /* hypervisor timer */
}

static void redistributor_identity_and_timer_ppi(void **state)
{
	(void)state;
	assert_int_equal(rd(GICR + 0x8, 8), 0);               /* vCPU 0 */
	assert_int_equal(rd(GICR + 0x20000 + 0x8, 8),
			 1ull << 32 | 1u << 8 | 1u << 4);      /* 1, Last */
	assert_int_equal(rd(GICR + 0xffe8, 4) >> 4 & 0xf, 3); /* GICv3 */
	assert_int_equal(wr(GICR + 0x20000 + 0x10100, 4, 1u << 27), 0);
	assert_true(fake_gic.ppi_enabled[3][27]);
	assert_false(fake_gic.ppi_enabled[2][27]);
	/* WAKER: sleep and wake. */
	assert_int_equal(rd(GICR + 0x14, 4), 6);
	assert_int_equal(wr(GICR + 0x14, 4, 0), 0);
	assert_int_equal(rd(GICR + 0x14, 4), 0);
}

/*
 * The PMU's PPI is a hardware line only where pmu_guest_intid() gives it
 * (the PMU is the guest's on that CPU): then the guest's enable reaches
 * that CPU's redistributor, the physical interrupt is forwarded and a
 * reset keeps it; elsewhere it is a software line the GIC never sees.
 */
static void pmu_ppi_is_hardware_only_where_the_pmu_is_given(void **state)
{
	(void)state;
	fake_gic.pmu_intid[3] = PMU_PPI;
	vgic_reset_vm(&vm);
	assert_false(vgic_forward_hw(&vm.vcpu[0], PMU_PPI));
	assert_true(vgic_forward_hw(&vm.vcpu[1], PMU_PPI));
	assert_int_equal(vm.vcpu[1].arch.vgic.queue[0].vintid, PMU_PPI);
	assert_int_equal(vm.vcpu[1].arch.vgic.queue[0].pintid, PMU_PPI);
	/* Each vCPU's redistributor enables its own PPI. */
	assert_int_equal(wr(GICR + 0x20000 + 0x10100, 4, 1u << PMU_PPI), 0);
	assert_int_equal(wr(GICR + 0x10100, 4, 1u << PMU_PPI), 0);
	assert_true(fake_gic.ppi_enabled[3][PMU_PPI]);
	assert_false(fake_gic.ppi_enabled[2][PMU_PPI]);
	assert_int_equal(rd(GICR + 0x10100, 4) & (1u << PMU_PPI),
			 1u << PMU_PPI);
	/* Parked, the vCPU's PMU PPI is deactivated with the timers'. */
	fake_gic.ppi_active[3][PMU_PPI] = true;
	vgic_vcpu_park(&vm.vcpu[1]);
	assert_false(fake_gic.ppi_active[3][PMU_PPI]);
	/* Once the PMU is not the guest's, a reset makes it software. */
	fake_gic.pmu_intid[3] = 0;
	vgic_reset_vm(&vm);
	assert_false(vgic_forward_hw(&vm.vcpu[1], PMU_PPI));
}

static void distributor_identity_and_access_sizes(void **state)
{
	struct mmio_access a = { .ipa = GICD + 0x100, .size = 2, .reg = 0 };
	uint64_t regs[31] = { 0 };

	(void)state;
	assert_int_equal(rd(GICD + 0x4, 4) & 0x1f, 7); /* ITLinesNumber */
	assert_int_equal(rd(GICD + 0x0, 4) & 0x50, 0x50); /* ARE, DS */
	assert_int_equal(rd(GICD + 0xffe8, 4) >> 4 & 0xf, 3);
	assert_int_equal(mmio_dispatch(&vm.mmio, &vm.vcpu[0], &a, regs),
			 -HV_EFAULT);
	/* Byte access to priorities is allowed. */
	assert_int_equal(wr(GICD + 0x400 + OWNED_HW, 1, 0xa0), 0);
	assert_int_equal(rd(GICD + 0x400 + (OWNED_HW & ~3u), 4),
			 0xa0u << ((OWNED_HW % 4) * 8));
}

/* Masking a VM's hardware lines while they cannot be taken. */

static void line_for_an_off_vcpu_is_masked_until_it_is_on(void **state)
{
	(void)state;
	assert_int_equal(vgic_add_hw_spi(&vm, OTHER_HW, 79), 0);
	enable_spi(OWNED_HW, 0);
	enable_spi(OTHER_HW, 1);
	assert_true(fake_gic.spi_enabled[78]);
	/* vCPU 0 is off: its CPU takes the line and masks it. */
	assert_true(vgic_hold_hw(&vm.vcpu[0], 78));
	assert_false(fake_gic.spi_enabled[78]);
	assert_int_equal(vm.vcpu[0].arch.vgic.queue_len, 0);
	/* vCPU 1 coming on does not unmask vCPU 0's line ... */
	vgic_release_hw(&vm.vcpu[1]);
	assert_false(fake_gic.spi_enabled[78]);
	assert_true(fake_gic.spi_enabled[79]);
	/* ... vCPU 0 coming on does: the guest has it enabled. */
	vgic_release_hw(&vm.vcpu[0]);
	assert_true(fake_gic.spi_enabled[78]);
	/* Taken again now, it is forwarded. */
	assert_true(vgic_forward_hw(&vm.vcpu[0], 78));
}

static void release_keeps_a_line_the_guest_disabled(void **state)
{
	(void)state;
	enable_spi(OWNED_HW, 0);
	assert_true(vgic_hold_hw(&vm.vcpu[0], 78));
	/* The guest (on vCPU 1) disables it meanwhile. */
	assert_int_equal(
		wr(GICD + 0x180 + (OWNED_HW / 32) * 4, 4, 1u << (OWNED_HW % 32)), 0);
	vgic_release_hw(&vm.vcpu[0]);
	assert_false(fake_gic.spi_enabled[78]);
}

static void rerouting_a_held_line_unmasks_it(void **state)
{
	(void)state;
	enable_spi(OWNED_HW, 0);
	assert_true(vgic_hold_hw(&vm.vcpu[0], 78));
	/* The guest moves it to vCPU 1, which is on: it may fire there. */
	assert_int_equal(wr(GICD + 0x6000 + OWNED_HW * 8, 8, 1), 0);
	assert_true(fake_gic.spi_enabled[78]);
	assert_int_equal(fake_gic.spi_route[78], pcpus[3].hw_id);
}

static void foreign_lines_are_not_held(void **state)
{
	(void)state;
	assert_false(vgic_hold_hw(&vm.vcpu[0], 40));
	assert_false(vgic_hold_hw(&vm.vcpu[0], 26)); /* the hypervisor's */
	assert_false(fake_gic.spi_enabled[40]);
}

static void timer_ppi_comes_back_as_the_guest_left_it(void **state)
{
	(void)state;
	/* vCPU 0's redistributor: enable PPI 27. */
	assert_int_equal(wr(GICR + 0x10100, 4, 1u << VTIMER), 0);
	assert_true(fake_gic.ppi_enabled[2][VTIMER]);
	assert_true(vgic_hold_hw(&vm.vcpu[0], VTIMER));
	assert_false(fake_gic.ppi_enabled[2][VTIMER]);
	vgic_release_hw(&vm.vcpu[0]);
	assert_true(fake_gic.ppi_enabled[2][VTIMER]);
	/* PPI 30 the guest never enabled stays off. */
	assert_false(fake_gic.ppi_enabled[2][30]);
}

static void stopped_vm_lines_stay_masked_until_enabled(void **state)
{
	(void)state;
	assert_int_equal(vgic_add_hw_spi(&vm, OTHER_HW, 79), 0);
	enable_spi(OWNED_HW, 0);
	enable_spi(OTHER_HW, 1);
	vgic_hold_vm(&vm);
	assert_false(fake_gic.spi_enabled[78]);
	assert_false(fake_gic.spi_enabled[79]);
	/* The next life: reset, then its guest enables one line only. */
	vgic_reset_vm(&vm);
	vgic_release_hw(&vm.vcpu[0]);
	vgic_release_hw(&vm.vcpu[1]);
	assert_false(fake_gic.spi_enabled[78]);
	assert_false(fake_gic.spi_enabled[79]);
	enable_spi(OTHER_HW, 1);
	assert_false(fake_gic.spi_enabled[78]);
	assert_true(fake_gic.spi_enabled[79]);
}

/* The core devices' edge lines (hv/arch/virq.h). */

static void edge_pulse_is_delivered_without_eoi_notice(void **state)
{
	(void)state;
	enable_spi(EDGE, 0);
	arch_virq_pulse(&vm, EDGE);
	assert_int_equal(queued(0), 1);
	assert_int_equal(vm.vcpu[0].arch.vgic.queue[0].vintid, EDGE);
	assert_int_equal(vm.vcpu[0].arch.vgic.queue[0].pintid, 0);
	/* An edge needs no look after the EOI: no maintenance exit. */
	assert_false(vm.vcpu[0].arch.vgic.queue[0].notify_eoi);
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(queued(0), 0);
	assert_int_equal(lrs_holding(EDGE), 1);
	assert_int_equal(*lr0(0) & (LR_PENDING | LR_ACTIVE), LR_PENDING);
	/* Routed to vCPU 1, it goes there. */
	*lr0(0) = 0;
	enable_spi(EDGE, 1);
	arch_virq_pulse(&vm, EDGE);
	assert_int_equal(queued(1), 1);
	assert_int_equal(fake_cpu.kicks[3], 1);
}

static void edge_pulse_while_disabled_pends_until_enabled(void **state)
{
	(void)state;
	arch_virq_pulse(&vm, EDGE);
	assert_int_equal(queued(0) + queued(1), 0);
	/* ISPENDR3 covers INTIDs 96-127. */
	assert_int_equal(rd(GICD + 0x20c, 4), 1u << (EDGE % 32));
	enable_spi(EDGE, 0);
	assert_int_equal(queued(0), 1);
	assert_false(vm.arch.vgic.spi[EDGE - 32].pending);
	assert_int_equal(rd(GICD + 0x20c, 4), 1u << (EDGE % 32));
}

/* GICD_TYPER.MBIS: only a VM with MSIs (its guest then uses MBIs). */
static void mbis_only_with_msis(void **state)
{
	(void)state;
	assert_int_equal(rd(GICD + 0x4, 4) & (1u << 16), 0);
	rec.arch.aarch64.msi_count = 32;
	assert_int_equal(rd(GICD + 0x4, 4) & (1u << 16), 1u << 16);
	rec.arch.aarch64.msi_count = 0;
}

/*
 * GICD_SETSPI_NSR / CLRSPI_NSR: the MBI doorbell raises and lowers the
 * VM's own lines only, as ISPENDR / ICPENDR would.
 */
static void setspi_raises_own_lines_only(void **state)
{
	(void)state;
	enable_spi(EDGE, 0);
	assert_int_equal(wr(GICD + 0x40, 4, EDGE), 0);
	assert_int_equal(queued(0), 1);
	assert_int_equal(vm.vcpu[0].arch.vgic.queue[0].vintid, EDGE);
	/* A line the VM does not own, SGIs and PPIs: nothing. */
	assert_int_equal(wr(GICD + 0x40, 4, FOREIGN), 0);
	assert_int_equal(wr(GICD + 0x40, 4, 1), 0);
	assert_int_equal(wr(GICD + 0x40, 4, 27), 0);
	assert_int_equal(wr(GICD + 0x40, 4, 0xffffffffu), 0);
	assert_int_equal(queued(0), 1);
	assert_int_equal(queued(1), 0);
	assert_false(fake_gic.spi_pending[FOREIGN]);
	/* Its hardware line: pending at the physical GIC, then cleared. */
	assert_int_equal(wr(GICD + 0x40, 4, OWNED_HW), 0);
	assert_true(fake_gic.spi_pending[78]);
	assert_int_equal(wr(GICD + 0x48, 4, OWNED_HW), 0);
	assert_false(fake_gic.spi_pending[78]);
}

static void setspi_latches_a_disabled_line(void **state)
{
	(void)state;
	assert_int_equal(wr(GICD + 0x40, 4, EDGE), 0);
	assert_int_equal(queued(0), 0);
	/* CLRSPI drops the latch: enabling it later delivers nothing. */
	assert_int_equal(wr(GICD + 0x48, 4, EDGE), 0);
	enable_spi(EDGE, 0);
	assert_int_equal(queued(0), 0);
	assert_int_equal(wr(GICD + 0x40, 4, EDGE), 0);
	assert_int_equal(queued(0), 1);
}

static void edge_pulses_coalesce(void **state)
{
	(void)state;
	enable_spi(EDGE, 0);
	for (unsigned i = 0; i < 1000; i++)
		arch_virq_pulse(&vm, EDGE);
	assert_int_equal(queued(0), 1);
	vgic_lr_flush(&vm.vcpu[0]);
	/* Not yet taken by the guest: the same pending interrupt. */
	for (unsigned i = 0; i < 1000; i++)
		arch_virq_pulse(&vm, EDGE);
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(queued(0), 0);
	assert_int_equal(lrs_holding(EDGE), 1);
	assert_int_equal(*lr0(0) & (LR_PENDING | LR_ACTIVE), LR_PENDING);
}

static void edge_pulse_while_active_is_taken_after_eoi(void **state)
{
	(void)state;
	enable_spi(EDGE, 0);
	arch_virq_pulse(&vm, EDGE);
	vgic_lr_flush(&vm.vcpu[0]);
	/* The guest acknowledged it: active in its list register. */
	*lr0(0) = (*lr0(0) & ~LR_PENDING) | LR_ACTIVE;
	arch_virq_pulse(&vm, EDGE);
	vgic_lr_flush(&vm.vcpu[0]);
	/*
	 * Active and pending in the same register: the guest's EOI ends the
	 * active state and the pending one is taken at once (IHI0069
	 * 4.1.2), with no exit; a second register would deliver it while
	 * the first is still being handled.
	 */
	assert_int_equal(lrs_holding(EDGE), 1);
	assert_int_equal(*lr0(0) & (LR_PENDING | LR_ACTIVE),
			 LR_PENDING | LR_ACTIVE);
	assert_int_equal(queued(0), 0);
	/* After the EOI (only pending left), a new pulse merges again. */
	*lr0(0) &= ~LR_ACTIVE;
	arch_virq_pulse(&vm, EDGE);
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(lrs_holding(EDGE), 1);
	/* Once the register is free, the next pulse takes a fresh one. */
	*lr0(0) = 0;
	arch_virq_pulse(&vm, EDGE);
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(lrs_holding(EDGE), 1);
}

static void edge_line_stays_edge_and_resets_with_the_vm(void **state)
{
	uint32_t icfgr = GICD + 0xc00 + (EDGE / 16) * 4;
	unsigned shift = (EDGE % 16) * 2;

	(void)state;
	assert_int_equal(rd(icfgr, 4) >> shift & 3, 2);
	/* The guest cannot make it level: its pulses would be lost. */
	assert_int_equal(wr(icfgr, 4, 0), 0);
	assert_int_equal(rd(icfgr, 4) >> shift & 3, 2);
	arch_virq_pulse(&vm, EDGE);
	assert_int_equal(wr(GICD + 0x400 + EDGE, 1, 0x80), 0);
	vgic_reset_vm(&vm);
	assert_int_equal(rd(GICD + 0x20c, 4), 0); /* not pending */
	assert_int_equal(rd(GICD + 0x10c, 4), 0); /* not enabled */
	assert_int_equal(rd(GICD + 0x400 + EDGE, 1), 0);
	assert_int_equal(rd(icfgr, 4) >> shift & 3, 2);
	assert_int_equal(queued(0) + queued(1), 0);
	/* And works in the next life. */
	enable_spi(EDGE, 0);
	arch_virq_pulse(&vm, EDGE);
	assert_int_equal(queued(0), 1);
}

static void edge_lines_grow_the_distributor(void **state)
{
	(void)state;
	/* The fake GIC has 256 lines: 224 SPIs, INTIDs 32-255. */
	assert_int_equal(rd(GICD + 0x4, 4) & 0x1f, 7);
	assert_int_equal(arch_virq_add(&vm, 280), 0);
	assert_int_equal(rd(GICD + 0x4, 4) & 0x1f, 8);
	arch_virq_pulse(&vm, 280);
	assert_int_equal(rd(GICD + 0x200 + (280 / 32) * 4, 4),
			 1u << (280 % 32));
	/* Taken, beyond the vGIC, private, or another kind of line. */
	assert_int_equal(arch_virq_add(&vm, EDGE), -HV_EINVAL);
	assert_int_equal(arch_virq_add(&vm, 288), -HV_EINVAL);
	assert_int_equal(arch_virq_add(&vm, 20), -HV_EINVAL);
	assert_int_equal(arch_virq_add(&vm, OWNED_SW), -HV_EINVAL);
	/* Pulses of lines that are not edge lines of the core do nothing. */
	arch_virq_pulse(&vm, OWNED_SW);
	arch_virq_pulse(&vm, OWNED_HW);
	arch_virq_pulse(&vm, FOREIGN);
	arch_virq_pulse(&vm, 5000);
	assert_int_equal(rd(GICD + 0x204, 4), 0);
	assert_false(fake_gic.spi_pending[78]);
}

/*
 * A vCPU parked (PSCI CPU_OFF) with a doorbell pending in its list
 * registers or queue: the guest moved the line away first, so the edge is
 * taken by its new target instead of being lost with the registers.
 */
static void parked_vcpu_hands_its_pending_edges_on(void **state)
{
	(void)state;
	enable_spi(EDGE, 0);
	arch_virq_pulse(&vm, EDGE);
	vgic_lr_flush(&vm.vcpu[0]);
	assert_int_equal(lrs_holding(EDGE), 1);
	enable_spi(EDGE, 1);
	vgic_vcpu_park(&vm.vcpu[0]);
	assert_int_equal(lrs_holding(EDGE), 0);
	assert_int_equal(queued(1), 1);
	assert_int_equal(vm.vcpu[1].arch.vgic.queue[0].vintid, EDGE);
	/* Still queued (not yet in a register) when parking: the same. */
	vm.vcpu[1].arch.vgic.queue_len = 0;
	enable_spi(EDGE, 0);
	arch_virq_pulse(&vm, EDGE);
	enable_spi(EDGE, 1);
	vgic_vcpu_park(&vm.vcpu[0]);
	assert_int_equal(queued(0), 0);
	assert_int_equal(queued(1), 1);
	/* Still routed to the parked vCPU: latched until routed away. */
	vm.vcpu[1].arch.vgic.queue_len = 0;
	enable_spi(EDGE, 0);
	arch_virq_pulse(&vm, EDGE);
	vgic_vcpu_park(&vm.vcpu[0]);
	assert_int_equal(queued(0) + queued(1), 0);
	assert_int_equal(rd(GICD + 0x20c, 4), 1u << (EDGE % 32));
	enable_spi(EDGE, 1);
	assert_int_equal(queued(1), 1);
	assert_false(vm.arch.vgic.spi[EDGE - 32].pending);
	assert_int_equal(rd(GICD + 0x20c, 4), 1u << (EDGE % 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			foreign_spis_read_as_zero_and_ignore_writes, setup),
		cmocka_unit_test_setup(owned_hw_spi_routes_to_own_cpus_only,
				       setup),
		cmocka_unit_test_setup(sgis_reach_only_own_vcpus, setup),
		cmocka_unit_test_setup(disabled_sgi_is_latched_until_enabled,
				       setup),
		cmocka_unit_test_setup(level_software_line_resampled_on_eoi,
				       setup),
		cmocka_unit_test_setup(queue_holds_one_entry_per_interrupt,
				       setup),
		cmocka_unit_test_setup(parked_vcpu_gives_back_its_level_line,
				       setup),
		cmocka_unit_test_setup(hw_forwarding_only_for_own_lines, setup),
		cmocka_unit_test_setup(redistributor_identity_and_timer_ppi,
				       setup),
		cmocka_unit_test_setup(
			line_for_an_off_vcpu_is_masked_until_it_is_on, setup),
		cmocka_unit_test_setup(release_keeps_a_line_the_guest_disabled,
				       setup),
		cmocka_unit_test_setup(rerouting_a_held_line_unmasks_it, setup),
		cmocka_unit_test_setup(foreign_lines_are_not_held, setup),
		cmocka_unit_test_setup(
			timer_ppi_comes_back_as_the_guest_left_it, setup),
		cmocka_unit_test_setup(
			stopped_vm_lines_stay_masked_until_enabled, setup),
		cmocka_unit_test_setup(
			pmu_ppi_is_hardware_only_where_the_pmu_is_given, setup),
		cmocka_unit_test_setup(distributor_identity_and_access_sizes,
				       setup),
		cmocka_unit_test_setup(
			edge_pulse_is_delivered_without_eoi_notice, setup),
		cmocka_unit_test_setup(
			edge_pulse_while_disabled_pends_until_enabled, setup),
		cmocka_unit_test_setup(edge_pulses_coalesce, setup),
		cmocka_unit_test_setup(mbis_only_with_msis, setup),
		cmocka_unit_test_setup(setspi_raises_own_lines_only, setup),
		cmocka_unit_test_setup(setspi_latches_a_disabled_line, setup),
		cmocka_unit_test_setup(
			edge_pulse_while_active_is_taken_after_eoi, setup),
		cmocka_unit_test_setup(
			edge_line_stays_edge_and_resets_with_the_vm, setup),
		cmocka_unit_test_setup(edge_lines_grow_the_distributor, setup),
		cmocka_unit_test_setup(parked_vcpu_hands_its_pending_edges_on,
				       setup),
	};

	return cmocka_run_group_tests_name("vgic", tests, NULL, NULL);
}
