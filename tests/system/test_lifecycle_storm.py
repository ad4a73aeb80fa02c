# SPDX-License-Identifier: MIT
"""Reboot storm: linux1 reboots itself 20 times in a row
(guests/rootfs/etc/shikiri/rebootstorm) while linux0 prints a heartbeat
every 100 ms.  linux1 reaches userspace at every one of its 21 boots;
linux0 is never restarted and its heartbeat never stalls.  On x86-64 (q35,
configs/lifecycle-q35.dts) the same with 8 reboots and a liveness bound
only (STORMS)."""

import pytest

import lifecycle
import qemu

LINUX0, LINUX1 = lifecycle.MANAGER, lifecycle.MANAGED
REBOOTS = 20
AFTER = 1.0  # seconds of heartbeat watched after the storm

# How far apart two heartbeats may be, in linux0's own uptime (10 ms
# resolution).  The goal was twice the period, 0.2 s; under TCG on the
# 2-core machine these tests were written on that cannot hold, so the
# limits are set from measurements (8 storms without other load):
#
#  * A beat takes 0.137-0.147 s on average, not 0.1 s: `usleep 100000`
#    plus a fork and a console line on an emulated CPU.
#  * While the hypervisor restarts linux1 (from "restarting" to "started":
#    park, zero 256 MiB, reload; about 1 s, all on linux1's CPUs) the
#    worst gap was 0.16-0.25 s, once 0.30 s while linux0 itself was still
#    finishing its boot.  If a restart held linux0 up for its length, the
#    gap would be about 1 s: MAX_RESET_GAP is 0.4 s, three mean beats.
#  * Over the whole storm the worst gap was 0.44-0.66 s (0.73 s with
#    another QEMU running on the machine), always while linux1's *kernel*
#    was booting, never during the hypervisor's part of a restart nor while
#    linux1 sat in userspace.  The hypervisor does nothing on linux0's
#    CPUs then; the likely cause is TCG itself: a broadcast TLB
#    invalidation in one guest makes QEMU stop every vCPU thread to flush
#    their soft TLBs (QEMU's `info jit` after a storm: 0 TB flushes, 861k
#    cross-CPU TLB flushes), which real hardware does not.  MAX_GAP is
#    1.0 s: 1.5 times the worst seen, still below a restart's length.
MAX_RESET_GAP = 0.4
MAX_GAP = 1.0

# Per architecture: (reboots, MAX_RESET_GAP, MAX_GAP).  On q35 the storm is
# shorter (a PC's test time adds to Arm's) and bounds liveness only: linux0
# must never stall for as long as one of linux1's restarts and boots takes
# (about 2.5 s, test_x86_lifecycle.py); the gaps measured are printed.
STORMS = {"aarch64": (REBOOTS, MAX_RESET_GAP, MAX_GAP),
          "x86_64": (8, 2.0, 2.0)}


@pytest.mark.arches("aarch64", "x86_64")
def test_reboot_storm(shikiri_image, boot, tmp_path, arch):
    reboots, max_reset_gap, max_gap = STORMS[arch.name]
    config = lifecycle.derive(
        lifecycle.CONFIGS[arch.name], tmp_path / "storm.dts",
        bootargs={LINUX0: "shikiri.run=heartbeat",
                  LINUX1: f"shikiri.run=rebootstorm "
                          f"rebootstorm.count={reboots}"})
    image = qemu.build_image(config, tmp_path)
    c = boot(image)
    c.expect_vm(LINUX0, lifecycle.HEARTBEAT.pattern)

    boots = []  # host time at each of linux1's "userspace up"
    try:
        for n in range(reboots + 1):
            if n:
                c.expect_hv(rf"^vm {LINUX1}: started \(guest reset,"
                            rf" restart {n}\)", lifecycle.RESTART_TIMEOUT)
            boots.append(lifecycle.wait_userspace(c, LINUX1))
            if n < reboots:
                c.expect_vm(LINUX1, rf"rebootstorm: restart {n + 1} of"
                                    rf" {reboots}$", qemu.COMMAND_TIMEOUT)
        c.expect_vm(LINUX1, rf"rebootstorm: done after {reboots} restarts$",
                    qemu.COMMAND_TIMEOUT)
    except qemu.ConsoleError as e:
        raise AssertionError(
            f"{LINUX1} did not come back from reboot {len(boots)} of"
            f" {reboots} (on x86, tools/diag/x86-boot-watch.py dumps a"
            " stuck boot's CPUs)") from e
    last = lifecycle.beats(c.lines, LINUX0)[-1]
    while lifecycle.beats(c.lines, LINUX0)[-1] < last + AFTER:
        c.expect_vm(LINUX0, lifecycle.HEARTBEAT.pattern,
                    qemu.COMMAND_TIMEOUT)

    # linux1: 21 boots, each one to userspace, each restart a guest reset.
    ups = [l for l in c.vm_lines(LINUX1) if "userspace up" in l]
    assert len(ups) == reboots + 1
    ev = lifecycle.events(c, LINUX1)
    assert ev == [("started", None, None)] + [
        e for n in range(1, reboots + 1)
        for e in (("restarting", "guest reset", None),
                  ("started", "guest reset", n))], ev

    # linux0: started once, one userspace, never anything else.
    assert lifecycle.events(c, LINUX0) == [("started", None, None)]
    assert len([l for l in c.vm_lines(LINUX0) if "userspace up" in l]) == 1

    # Its heartbeat went on all the time: the uptime stamps never go back
    # (a restart would start them again from 0) and never jump.
    stamps = lifecycle.beats(c.lines, LINUX0)
    assert stamps == sorted(stamps), "linux0's uptime went backwards"
    indexed = lifecycle.indexed_beats(c.lines, LINUX0)
    resets = lifecycle.spans(c.lines, rf"^shikiri: vm {LINUX1}: restarting",
                             rf"^shikiri: vm {LINUX1}: started")
    kernel = lifecycle.spans(c.lines, rf"^shikiri: vm {LINUX1}: started",
                             rf"^\[{LINUX1}\] .*userspace up")
    assert len(resets) == reboots and len(kernel) == reboots + 1
    gap, at = lifecycle.worst_gap(stamps)
    reset_gap, reset_at = max(lifecycle.gaps_during(indexed, resets))
    boot_gap, boot_at = max(lifecycle.gaps_during(indexed, kernel))
    period = (stamps[-1] - stamps[0]) / (len(stamps) - 1)
    cycle = [b - a for a, b in zip(boots, boots[1:])]
    print(f"\nstorm: {reboots} reboots in {boots[-1] - boots[0]:.1f} s"
          f" (reboot to userspace {min(cycle):.2f}-{max(cycle):.2f} s);"
          f" heartbeat: {len(stamps)} beats, mean period {period:.3f} s,"
          f" worst gap {gap:.2f} s at uptime {at}; while the hypervisor"
          f" reset linux1 {reset_gap:.2f} s at {reset_at}; while linux1's"
          f" kernel booted {boot_gap:.2f} s at {boot_at}")
    assert reset_gap <= max_reset_gap, (
        f"linux0's heartbeat stalled {reset_gap:.2f} s at uptime"
        f" {reset_at} while the hypervisor restarted linux1")
    assert gap <= max_gap, (
        f"linux0's heartbeat stalled {gap:.2f} s at uptime {at}")
