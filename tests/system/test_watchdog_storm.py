# SPDX-License-Identifier: MIT
"""A VM's watchdog runs on its own CPUs only, and its offset has a floor
(docs/lifecycle.md, "Watchdog").  The bare-metal `wdtstorm` guest
(guests/baremetal/wdtstorm.c) asks for a 1-tick offset and must get at
least 10 ms; then it runs its watchdog at that floor, refreshing it, while
the Linux VM beside it prints a heartbeat and partial lines (so the EL2
timer of Linux's CPUs fires for its console: before the fix, any CPU's EL2
timer served every VM's watchdog and re-armed its deadlines there, so
Linux's CPUs took the other VM's watchdog interrupts for good).

The shell's `stats` counts each CPU's EL2 timer interrupts: over a window
before the guest starts (A) and one while its watchdog runs (B), Linux's
CPUs must take about as many in B as in A, while the guest's own CPU
serves its watchdog.  Last, the guest stops refreshing and its watchdog
expires (on-crash "stop")."""

import re
import time

import baremetal
import lifecycle
import qemu

CONFIG = "wdtstorm"  # tests/system/configs/wdtstorm.dts
GUEST = "wdtstorm"
LINUX = "linux0"
LINUX_CPUS = (0, 1)
GUEST_CPU = 2
WINDOW = 4.0  # host seconds per counting window
# Printed without a newline for 250 ms, 4 times a second, from a second
# on (after run_in_vm's end marker); the heartbeat's lines may land inside,
# so beats are searched, not matched.
PARTIAL = ("(sleep 1; while :; do printf 'partial '; usleep 250000;"
           " echo end; done) &")
BEAT = re.compile(r"heartbeat (\d+\.\d+)\s*$")
CPU_LINE = re.compile(r"^\s+CPU (\d+): (\d+) EL2 timer, (\d+) other "
                      r"hypervisor interrupts, (\d+) held$")
MAX_GAP = 2.0  # seconds of Linux uptime between two heartbeats, at most


def _timer_counts(c):
    """{CPU: EL2 timer interrupts so far} from `stats` of both VMs, and
    the host time it was read (between the two commands)."""
    counts = {}
    for vm in (LINUX, GUEST):
        for line in lifecycle.shell(c, f"stats {vm}"):
            m = CPU_LINE.match(line)
            if m:
                counts[int(m.group(1))] = int(m.group(2))
        if vm == LINUX:
            when = time.monotonic()
    assert set(counts) == set(LINUX_CPUS) | {GUEST_CPU}, counts
    return counts, when


def _rate(before, after, cpus):
    (c0, t0), (c1, t1) = before, after
    return sum(c1[k] - c0[k] for k in cpus) / (t1 - t0)


def _pump(c, seconds):
    """Read the console for @seconds of host time."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        c.expect_vm(LINUX, BEAT.pattern, qemu.COMMAND_TIMEOUT)


def _beats(c):
    prefix = f"[{LINUX}] "
    return [float(m.group(1)) for l in c.lines if l.startswith(prefix)
            for m in [BEAT.search(l)] if m]


def test_watchdog_stays_on_its_own_cpu(shikiri_image, boot):
    image = shikiri_image(CONFIG)
    part = baremetal.Partition(baremetal.explain(image.config))
    c = boot(image)
    c.expect_vm(GUEST, baremetal.WAITING)
    c.expect_vm(LINUX, lifecycle.USERSPACE)
    lifecycle.wait_shell_banner(c, LINUX)
    c.run_in_vm(LINUX, PARTIAL)
    c.expect_vm(LINUX, BEAT.pattern)

    # Window A: the guest waits for its key, its watchdog is off.
    a0 = _timer_counts(c)
    _pump(c, WINDOW)
    a1 = _timer_counts(c)

    # Window B: its watchdog runs at the floor, refreshed.
    since = len(c.lines)
    baremetal.start_key(c, part.vms[GUEST], part.vms[LINUX])
    m = c.expect_vm(GUEST, r"^wdtstorm: WOR 1 reads back (\d+) ticks "
                           r"\((\d+) us\)$", qemu.COMMAND_TIMEOUT)
    floor_us = int(m.group(2))
    c.expect_vm(GUEST, r"^wdtstorm: refreshing for \d+ ms",
                qemu.COMMAND_TIMEOUT)
    b0 = _timer_counts(c)
    _pump(c, WINDOW)
    b1 = _timer_counts(c)

    # Last, it stops refreshing and its watchdog expires.  (Before the fix
    # it could expire earlier: Linux's CPUs judged it while the guest's
    # own, emulated CPU was not running, so no refresh could come.)
    lifecycle.wait_hv(c, rf"^vm {GUEST}: watchdog expired$", since,
                      qemu.COMMAND_TIMEOUT)
    lifecycle.wait_hv(c, rf"^vm {GUEST}: stopped \(watchdog\)$", since,
                      qemu.COMMAND_TIMEOUT)
    _pump(c, 1.0)
    guest = c.vm_lines(GUEST)
    done = [re.match(r"^wdtstorm: refreshed (\d+) times$", l) for l in guest]
    refreshes = next((int(m.group(1)) for m in done if m), None)

    linux_a = _rate(a0, a1, LINUX_CPUS)
    linux_b = _rate(b0, b1, LINUX_CPUS)
    guest_b = _rate(b0, b1, (GUEST_CPU,))
    stamps = _beats(c)
    worst, at = lifecycle.worst_gap(stamps)
    print(f"\n{GUEST}: WOR 1 gave {floor_us} us; {refreshes} refreshes;"
          f" EL2 timer interrupts/s: {LINUX} CPUs {linux_a:.1f} before,"
          f" {linux_b:.1f} while the watchdog ran; {GUEST}'s CPU"
          f" {guest_b:.1f}")
    print(f"{LINUX} heartbeat: {len(stamps)} beats over"
          f" {stamps[-1] - stamps[0]:.1f} s, worst gap {worst:.2f} s"
          f" at uptime {at}")

    # Linux's CPUs served none of the guest's deadlines: what they take
    # beyond their own console's interrupts is a small part of what the
    # guest's CPU takes for its watchdog (about one per 10 ms period).
    assert linux_b - linux_a < guest_b / 4, (
        f"{LINUX}'s CPUs took {linux_b - linux_a:.1f} EL2 timer interrupts"
        f"/s more while {GUEST}'s watchdog ran ({guest_b:.1f}/s there)")
    assert guest_b >= 20, f"{GUEST}'s CPU served {guest_b:.1f}/s"
    assert floor_us >= 10000, f"WOR 1 gave {floor_us} us"
    report = baremetal.Report(guest)
    assert report.with_status("FAIL") == {}, report.with_status("FAIL")
    assert refreshes, f"{GUEST}'s watchdog expired while it refreshed it"
    assert set(report.with_status("PASS")) == {
        "offset_has_a_floor", "refresh_at_the_floor"}
    assert worst <= MAX_GAP, f"{LINUX} heartbeat stalled {worst:.2f} s"
    assert lifecycle.events(c, LINUX) == [("started", None, None)]
    assert c.alive
