# SPDX-License-Identifier: MIT
"""The pending and active state of a VM's hardware-backed interrupts and
SGIs is the machine's (docs/architecture.md, "Interrupt state"): the
bare-metal `gicstate` guest (guests/baremetal/gicstate.c) masks its
virtual timer's PPI and lets the timer fire, and finds it pending in
GICR_ISPENDR0; clears and sets pending and active state with
ICPENDR0/ISPENDR0/ISACTIVER0/ICACTIVER0 and sees the line behave as on
the hardware (a level line still asserted stays pending, an active one is
not taken until deactivated); sees an SGI it acknowledged active; does the
same in the distributor for the passed-through RTC's SPI; and reads vCPU
1's frame from vCPU 0.  On the board's cortex-a72 and on `-cpu max`."""

import pytest

import baremetal
import qemu

CONFIG = "gicstate"  # tests/system/configs/gicstate.dts
GUEST = "gicstate"
TESTS = {
    "masked_vtimer_pending_shows_in_gicr_ispendr0",
    "ispendr0_sets_and_icpendr0_clears_the_timer_ppi",
    "active_timer_ppi_round_trips_and_holds_the_line",
    "taken_timer_reads_active_and_pending_until_ended",
    "icpendr0_withdraws_a_timer_interrupt_not_yet_taken",
    "sgi_active_state_shows_after_ack",
    "rtc_spi_pending_shows_in_gicd_ispendr",
    "rtc_spi_taken_reads_active",
    "another_vcpus_frame_shows_its_cpus_state",
}
GUEST_TIMEOUT = 60 * qemu.TIMEOUT_SCALE


@pytest.mark.parametrize("cpu", ["cortex-a72", "max"])
def test_interrupt_state(shikiri_image, boot, cpu):
    c = boot(shikiri_image(CONFIG), "-cpu", cpu)
    c.expect_vm(GUEST, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    report = baremetal.Report(c.vm_lines(GUEST))
    failed = report.with_status("FAIL")
    assert not failed, "probes failed:\n" + "\n".join(
        f"  {n}: {d}" for n, d in failed.items())
    assert set(report.with_status("PASS")) == TESTS, report.results
    assert report.summary == (len(TESTS), 0)
    assert not report.stray, report.stray
    c.expect_hv(rf"^vm {GUEST}: stopped", qemu.COMMAND_TIMEOUT)
