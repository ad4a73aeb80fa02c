# SPDX-License-Identifier: MIT
"""The PMU's overflow interrupt reaches the VM owning the CPU, and only it
(docs/isolation.md "PMU"): the bare-metal `pmuirq` guest
(guests/baremetal/pmuirq.c) finds the PMU's PPI in its device tree, takes
cycle-counter overflow interrupts, each with its overflow flag set and
cleared, leaves one pending across a reset and finds nothing of it in its
next life; the same guest in the VM `quiet`, on another CPU, listens with
the PPI enabled all the while and gets none.

On QEMU's `-cpu max` (PMUv3p5: the PMU is the guest's), and on the
board's cortex-a72, where the PMU is hidden: no overflow test runs there,
and the enabled PPI never fires.
"""

import re

import pytest

import baremetal
import lifecycle
import qemu

CONFIG = "pmuirq"  # tests/system/configs/pmuirq.dts
GUEST, QUIET = "pmuirq", "quiet"
CPUS = {"cortex-a72": (), "max": ("-cpu", "max")}
OVERFLOWS = 8  # guests/baremetal/pmuirq.c
PENDING = re.compile(r"^pmuirq: overflow (pending|NOT pending) "
                     r"\(PMOVSSET (0x[0-9a-f]+)\), resetting$")
TAKEN = re.compile(r"^pmuirq: (\d+) overflow interrupts \((\d+) arrivals\) "
                   r"in (\d+) us$")
LISTENING = r"^pmuirq: listening \d+ ms$"
LISTENED = re.compile(r"^pmuirq: listened, (\d+) interrupts$")
PPI = re.compile(r"^pmuirq: PMU PPI (\d+), PMU (given|hidden), "
                 r"status (\w+)$")
GUEST_TIMEOUT = 60 * qemu.TIMEOUT_SCALE


@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_pmu_overflow_interrupt_reaches_its_vm_only(shikiri_image, boot, cpu):
    part = baremetal.Partition(baremetal.explain(qemu.config_path(CONFIG)))
    c = boot(shikiri_image(CONFIG), *CPUS[cpu])
    c.expect_vm(GUEST, r"^pmuirq: waiting for a key$")
    c.expect_vm(QUIET, LISTENING)
    baremetal.start_key(c, part.vms[GUEST], part.vms[QUIET])
    c.expect_vm(GUEST, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    c.expect_vm(QUIET, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    c.expect_hv(rf"^vm {GUEST}: stopped \(guest power-off\)",
                qemu.COMMAND_TIMEOUT)
    given = cpu == "max"

    lines = c.vm_lines(GUEST)
    report = baremetal.Report(lines)
    assert report.summary and report.summary[1] == 0, (
        f"{GUEST}: {report.summary}; failed: {report.with_status('FAIL')}")
    ppis = [PPI.match(l) for l in lines if PPI.match(l)]
    # Both lives find QEMU virt's PMU PPI (PPI 7) in their device tree,
    # "fail" where the hypervisor hides the PMU.
    assert [m.groups() for m in ppis] == \
        [("23", "given", "okay") if given else ("23", "hidden", "fail")] * 2
    assert lifecycle.events(c, GUEST) == lifecycle.RESET_ONCE_THEN_OFF
    if given:
        m = [PENDING.match(l) for l in lines if PENDING.match(l)]
        assert m and m[0].group(1) == "pending", lines
        assert int(m[0].group(2), 16) & (1 << 31), "no cycle overflow flag"
        taken = [TAKEN.match(l) for l in lines if TAKEN.match(l)]
        assert len(taken) == 1
        assert int(taken[0].group(1)) == OVERFLOWS
        assert int(taken[0].group(2)) == OVERFLOWS
        print(f"{cpu}: {OVERFLOWS} overflow interrupts in "
              f"{taken[0].group(3)} us")
        assert set(report.results.values()) == {("PASS", "")} | {
            ("SKIP", "default role")}
    else:
        assert any(l == "pmuirq: no PMU, resetting" for l in lines)
        assert report.with_status("SKIP") == {
            "previous_life_overflow_is_gone": "PMU hidden",
            "cycle_counter_overflow_interrupts_arrive": "PMU hidden",
            "other_vms_overflows_never_arrive": "default role"}

    quiet = baremetal.Report(c.vm_lines(QUIET))
    assert quiet.summary and quiet.summary[1] == 0, (
        f"{QUIET}: {quiet.summary}; failed: {quiet.with_status('FAIL')}")
    assert quiet.results["other_vms_overflows_never_arrive"][0] == "PASS"
    heard = [LISTENED.match(l) for l in c.vm_lines(QUIET) if LISTENED.match(l)]
    assert len(heard) == 1 and int(heard[0].group(1)) == 0
    # The quiet VM listened over the whole of the other VM's overflows.
    at_quiet, at_guest = f"[{QUIET}] ", f"[{GUEST}] "
    start = baremetal.line_index(c.lines, at_quiet, LISTENING)
    end = baremetal.line_index(c.lines, at_quiet, LISTENED.pattern)
    first = baremetal.line_index(c.lines, at_guest,
                                 r"^pmuirq: (overflow|no PMU)")
    last = baremetal.line_index(c.lines, at_guest, baremetal.SUMMARY.pattern)
    assert None not in (start, end, first, last)
    assert start < first and last < end, (
        "the quiet VM did not listen through the other VM's run")
    if given:
        assert quiet.results["cycle_counter_overflow_interrupts_arrive"] \
            == ("PASS", "")
