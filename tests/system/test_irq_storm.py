# SPDX-License-Identifier: MIT
"""A passed-through device that keeps its level-triggered interrupt
asserted, routed to a vCPU that is off, does not keep its VM from being
restarted, reset, switched off or started (docs/lifecycle.md, "Interrupts
across a stop").  The bare-metal `storm` guest (guests/baremetal/storm.c)
owns QEMU virt's PL031 RTC, leaves its match interrupt asserted, and
switches vCPU 0 off with the line still high; in each life it then does a
bit more (see storm.c):

    life 1: nothing          -> the shell's `restart storm`
    life 2: SYSTEM_RESET     -> restarted by its on-reset policy
    life 3: SYSTEM_OFF       -> stopped; the shell's `start storm`
    life 4: SYSTEM_OFF       -> stopped

From life 2 on, before the reset or power-off, vCPU 1 powers vCPU 0 on
again: the line, masked while vCPU 0 was off, must come back as the guest
left it (enabled) and be taken by vCPU 0, which then goes off again.

Each life must start ("started" line, then the guest's own output), while
the Linux VM beside it keeps its 100 ms heartbeat (its worst gap is
printed)."""

import re

import baremetal
import lifecycle
import qemu
from lifecycle import events

CONFIG = "storm"  # tests/system/configs/storm.dts
GUEST = "storm"
LINUX = "linux0"
OFF = re.compile(r"^storm: life with (\d+) restarts: vcpu 0 goes off; "
                 r"then (.+)$")
PENDING = r"^storm: SPI 34 asserted, pending on vcpu 0$"
# Generous: a life of the guest takes well under a second, a restart of
# its 32 MiB about as long.
LIFE_TIMEOUT = 30 * qemu.TIMEOUT_SCALE
MAX_GAP = 2.0  # seconds of Linux uptime between two heartbeats, at most


def _life(c, restarts, then):
    """The guest's next life: its banner, the asserted line, vCPU 0 off."""
    c.expect_vm(GUEST, r"^baremetal: vm storm, 2 vCPU\(s\)", LIFE_TIMEOUT)
    c.expect_vm(GUEST, PENDING, LIFE_TIMEOUT)
    m = c.expect_vm(GUEST, OFF.pattern, LIFE_TIMEOUT)
    assert (int(m.group(1)), m.group(2)) == (restarts, then)
    if restarts:
        # vCPU 1 powered vCPU 0 on again: the line, held while it was
        # off, came back as the guest had left it (enabled) and was taken.
        c.expect_vm(GUEST, r"^storm: vcpu 0 on again, took INTID 34$",
                    LIFE_TIMEOUT)


def _shell_then(c, command, pattern):
    """Run @command in the shell; wait for the hypervisor line @pattern,
    which may come while the shell still runs."""
    since = len(c.lines)
    out = lifecycle.shell(c, command)
    assert not [l for l in out if "cannot" in l], out
    lifecycle.wait_hv(c, pattern, since, LIFE_TIMEOUT)
    return since


def test_restart_under_interrupt_storm(shikiri_image, boot):
    image = shikiri_image(CONFIG)
    c = boot(image)
    c.expect_vm(LINUX, lifecycle.USERSPACE)
    lifecycle.wait_shell_banner(c, LINUX)
    c.expect_vm(LINUX, lifecycle.HEARTBEAT.pattern)

    # Life 1: vCPU 0 is off, its CPU takes the asserted line; the restart
    # must still happen there.
    _life(c, 0, "nothing")
    since = _shell_then(c, f"restart {GUEST}",
                        rf"^vm {GUEST}: started \(console shell, restart 1\)$")

    # Life 2 resets itself (vCPU 1, while vCPU 0 is off): restarted.  Its
    # lines, and life 3's, may come while the shell above still runs.
    _life(c, 1, "vcpu 1 resets the VM")
    lifecycle.wait_hv(c, rf"^vm {GUEST}: started \(guest reset, restart 2\)$",
                      since, LIFE_TIMEOUT)

    # Life 3 switches itself off: stopped, then started from the shell.
    _life(c, 2, "vcpu 1 switches the VM off")
    lifecycle.wait_hv(c, rf"^vm {GUEST}: stopped \(guest power-off\)$",
                      since, LIFE_TIMEOUT)
    since = _shell_then(
        c, f"start {GUEST}",
        rf"^vm {GUEST}: started \(console shell, restart 2\)$")

    # Life 4: the same again (its lines may come while the shell runs).
    _life(c, 2, "vcpu 1 switches the VM off")
    lifecycle.wait_hv(c, rf"^vm {GUEST}: stopped \(guest power-off\)$",
                      since, LIFE_TIMEOUT)
    stats = lifecycle.shell(c, f"stats {GUEST}")
    print(f"\n{GUEST} stats after four lives:\n  " + "\n  ".join(stats))
    # Each time vCPU 0 went off, its CPU took the line once more and
    # masked it (seven times): a handful, not a storm.
    held = [int(m.group(1)) for l in stats
            for m in [re.match(r"^\s+CPU 2: .*, (\d+) held$", l)] if m]
    assert held and 1 <= held[0] <= 40, stats

    # Linux never noticed; its heartbeat went on throughout.
    first = lifecycle.beats(c.lines, LINUX)[-1]
    while lifecycle.beats(c.lines, LINUX)[-1] < first + 1.0:
        c.expect_vm(LINUX, lifecycle.HEARTBEAT.pattern, qemu.COMMAND_TIMEOUT)
    stamps = lifecycle.beats(c.lines, LINUX)
    worst, at = lifecycle.worst_gap(stamps)
    print(f"{LINUX} heartbeat: {len(stamps)} beats over"
          f" {stamps[-1] - stamps[0]:.1f} s, worst gap {worst:.2f} s"
          f" at uptime {at}")
    assert worst <= MAX_GAP, f"{LINUX} heartbeat stalled {worst:.2f} s"
    assert events(c, LINUX) == [("started", None, None)]
    report = baremetal.Report(c.vm_lines(GUEST))
    assert not report.with_status("FAIL"), report.with_status("FAIL")
    assert c.alive
