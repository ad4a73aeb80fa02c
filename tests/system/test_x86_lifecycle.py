# SPDX-License-Identifier: MIT
"""What only a PC has in the VM lifecycle (configs/lifecycle-q35.dts: two
Debian amd64 kernels on q35, 2 CPUs and 256 MiB each): every way a PC's
kernel resets itself reaches the VM's policy, a restart scrubs the VM's RAM
and only its own, the shell's `stats` counts SVM exits by reason, and each
VM's clock is the wall clock, in its first life and after a restart.

What a PC shares with Arm (reboot, power-off and shell start, panic with
on-crash restart and stop, shikirictl with and without rights, the shell)
runs on both in test_lifecycle.py; the reboot storm beside a heartbeat in
test_lifecycle_storm.py."""

import calendar
import re
import time

import pytest

import lifecycle
import qemu
import x86
from lifecycle import alive, events, run_status, shell

pytestmark = x86.needs_qemu

LINUX0, LINUX1 = lifecycle.MANAGER, lifecycle.MANAGED
CPUS, RAM = 2, 256 << 20  # each VM of lifecycle-q35.dts
# The kernel's image, page tables and reservations come off MemTotal:
# about 32 MiB of 256 for Debian's amd64 kernel.
KERNEL_RESERVE = 64 << 20

# A word of the VM's RAM that Linux neither uses nor reloads: inside the
# e820 "reserved" BIOS area (X86_PLAN.md's layout: [0x9f000, 0x100000)),
# backed by the VM's RAM like all of guest-physical [0, size), below the
# ACPI tables at 0xe0000, which a restart loads again.  /dev/mem reaches
# it because it is not "System RAM" and lies below 1 MiB.
MARKER_GPA = 0x9F800

# Linux's reset methods (/sys/kernel/reboot/type), the port write each one
# ends in, and the cause the hypervisor gives: ACPI's reset register is
# the FADT's (I/O 0xcf9, value 6); "pci" writes 0xcf9 itself; "kbd" pulses
# the keyboard controller's reset line (0xfe to port 0x64); "triple" loads
# an empty IDT and traps, which shuts the vCPU down: a triple fault, which
# on a PC is a crash (on-crash) whatever the guest meant by it.
RESETS = (("acpi", "guest reset"), ("pci", "guest reset"),
          ("kbd", "guest reset"), ("triple", "guest crash"))


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(lifecycle.CONFIGS["x86_64"])


def _devmem(c, vm, value=None):
    """Read (or write @value to) the marker word in VM @vm; return what
    the read gives."""
    if value is not None:
        c.run_in_vm(vm, f"devmem {MARKER_GPA:#x} 32 {value:#x}")
    return int(c.run_in_vm(vm, f"devmem {MARKER_GPA:#x} 32"), 16)


def _check_share(c, vm):
    """VM @vm sees exactly its CPUs and at most its RAM."""
    out = c.run_in_vm(vm, "nproc; grep -c ^processor /proc/cpuinfo;"
                          " grep MemTotal: /proc/meminfo")
    nproc, cpuinfo, mem = out.splitlines()
    assert (int(nproc), int(cpuinfo)) == (CPUS, CPUS), (vm, out)
    m = re.fullmatch(r"MemTotal:\s+(\d+) kB", mem.strip())
    assert m, (vm, mem)
    total = int(m.group(1)) * 1024
    assert RAM - KERNEL_RESERVE <= total <= RAM, (
        f"{vm}: MemTotal {total >> 10} KiB for {RAM >> 10} KiB given")


def test_reset_paths_restart_and_scrub(boot, image):
    """linux1 resets itself by each of a PC's ways in turn; each restarts
    it with the cause its policy names, with its RAM scrubbed: a marker it
    wrote is gone in the next life, while linux0's marker, in the same
    place of its own RAM, stays through all of them."""
    c = lifecycle.boot_pair(boot, image)
    for vm in (LINUX0, LINUX1):
        _check_share(c, vm)
    keep = 0x5C1B0000
    assert _devmem(c, LINUX0, keep) == keep
    figures = []
    for n, (method, cause) in enumerate(RESETS, 1):
        marker = 0x5C1B1E00 + n
        # Read back: the word is RAM that keeps what is written.
        assert _devmem(c, LINUX1, marker) == marker
        c.run_in_vm(LINUX1, f"echo {method} > /sys/kernel/reboot/type")
        assert c.run_in_vm(LINUX1, "cat /sys/kernel/reboot/type") == method
        mark = len(c.lines)
        t0 = time.monotonic()
        c.start_in_vm(LINUX1, "reboot -f")
        lifecycle.wait_hv(c, rf"^vm {LINUX1}: restarting \({cause}\)$",
                          mark, qemu.COMMAND_TIMEOUT)
        lifecycle.back_in_userspace(c, LINUX1, cause, n, mark)
        figures.append(f"{method} {time.monotonic() - t0:.2f} s")
        if method == "triple":
            lifecycle.wait_hv(c, rf"^vm {LINUX1}: vcpu \d+: triple fault",
                              mark, 1)
        # The new life's RAM: the marker is gone, nothing else is there.
        assert _devmem(c, LINUX1) == 0, f"{method}: marker survived"
        assert _devmem(c, LINUX0) == keep
    print("\nreset to shell, by method: " + ", ".join(figures))
    alive(c, LINUX0)
    assert events(c, LINUX0) == [("started", None, None)]
    assert events(c, LINUX1) == [("started", None, None)] + [
        e for n, (_, cause) in enumerate(RESETS, 1)
        for e in (("restarting", cause, None), ("started", cause, n))]


# SVM exits counted by `stats` (hv/arch/x86_64/exit_kinds.c), all parts
# of "sync": IOIO, MMIO (nested page faults on a device), MSR, CPUID, HLT,
# other nested page faults, VINTR.
X86_EXITS = ("io", "mmio", "msr", "cpuid", "hlt", "npf", "vintr")
STATS = re.compile(r"vm (\S+): exits: (\d+) sync \(([^)]*)\), (\d+) irq;"
                   r" (\d+) interrupts injected")


def _stats(c, vm):
    """`stats @vm`: (sync, {part: count}, irq, injected, per-vCPU lines).
    The per-vCPU summary lines are those naming the vCPU's CPU; the
    `vcpu N x86 exits GROUP:` detail lines that follow are not parsed."""
    out = shell(c, f"stats {vm}")
    m = STATS.fullmatch(out[0])
    assert m and m.group(1) == vm, out
    parts = {}
    for part in m.group(3).split(", "):
        count, name = part.split()
        parts[name] = int(count)
    vcpus = [re.fullmatch(r"\s*vcpu (\d+) \(CPU (\d+)\): (\d+) sync, (\d+)"
                          r" irq exits, (\d+) injected, (\d+) queued", l)
             for l in out[1:] if re.match(r"\s*vcpu \d+ \(CPU", l)]
    assert all(vcpus), out
    return (int(m.group(2)), parts, int(m.group(4)), int(m.group(5)),
            [tuple(int(x) for x in v.groups()) for v in vcpus])


def test_stats_count_svm_exits(pair_x86):
    """`stats` names the SVM exits; once linux1 is stopped its counters
    hold still, and their parts add up to no more than the sync total."""
    c = pair_x86
    sync, parts, irq, injected, vcpus = _stats(c, LINUX1)
    assert tuple(parts) == X86_EXITS, parts
    assert [v[:2] for v in vcpus] == [(0, 2), (1, 3)]
    # Linux on a PC: port I/O (console, PIT), the APICs (MMIO), CPUID,
    # idle HLT, interrupts injected; no access outside its devices.
    for kind in ("io", "mmio", "cpuid", "hlt"):
        assert parts[kind] > 0, parts
    assert parts["npf"] == 0, parts
    assert irq > 0 and injected > 0

    mark = len(c.lines)
    shell(c, f"stop {LINUX1}")
    lifecycle.wait_hv(c, rf"^vm {LINUX1}: stopped \(console shell\)$",
                      mark, qemu.COMMAND_TIMEOUT)
    sync, parts, irq, injected, vcpus = _stats(c, LINUX1)
    assert _stats(c, LINUX1)[:2] == (sync, parts), "counters still move"
    assert sum(parts.values()) <= sync, (sync, parts)
    assert sum(v[2] for v in vcpus) == sync
    assert sum(v[3] for v in vcpus) == irq
    # The VM's line at its stop says the same.
    stop_line = lifecycle.wait_hv(c, rf"^vm {LINUX1}: exits: ", mark, 1)
    assert stop_line.string.startswith(f"vm {LINUX1}: exits: {sync} sync")
    alive(c, LINUX0)
    status, out = run_status(c, LINUX0, f"shikirictl status {LINUX1}")
    assert (status, out) == (0, "stopped")


@pytest.fixture
def pair_x86(boot, image):
    return lifecycle.boot_pair(boot, image)


# How far a VM's clock may be from the host's: "a few minutes".  What is
# measured is about a second (the RTC counts whole seconds); the margin is
# for a loaded TCG host.  A restart must not move the clock by more than
# RESTART_SKEW, and the first life lasts at least FIRST_LIFE, so a restart
# that gave the VM its first start's time again would be caught.
WALL_SKEW, RESTART_SKEW, FIRST_LIFE = 180, 15, 60
WALL_LINE = (r"^wall clock (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC "
             r"from the machine's RTC$")


def _clock_offset(c, vm):
    """VM @vm's `date +%s` minus the host's time at the answer, seconds."""
    status, out = run_status(c, vm, "date +%s")
    host = time.time()
    assert status == 0 and out.strip().isdigit(), out
    return int(out) - host


def test_wall_clock_through_restart(pair_x86):
    """The hypervisor reads q35's RTC (QEMU's: the host's UTC) once at boot
    and logs it; each VM's clock (Linux sets it from the VM's emulated RTC)
    is the host's time within WALL_SKEW, and linux1's still is after a
    restart, within RESTART_SKEW of what it was before.  On a hypervisor
    whose VMs' RTCs start at 1970 the first check fails."""
    c = pair_x86
    m = lifecycle.wait_hv(c, WALL_LINE, 0, 1)
    logged = calendar.timegm(tuple(int(x) for x in m.groups()))
    assert abs(logged - time.time()) < WALL_SKEW, m.group(0)
    before = {vm: _clock_offset(c, vm) for vm in (LINUX0, LINUX1)}
    for vm, off in before.items():
        assert abs(off) < WALL_SKEW, (
            f"{vm}: clock {off:+.0f} s from the host's "
            f"({time.strftime('%F %T', time.gmtime(time.time() + off))})")
    uptime = float(c.run_in_vm(LINUX1, "cut -d' ' -f1 /proc/uptime"))
    if uptime < FIRST_LIFE:
        time.sleep(FIRST_LIFE - uptime)
    mark = len(c.lines)
    c.start_in_vm(LINUX1, "reboot -f")
    lifecycle.back_in_userspace(c, LINUX1, "guest reset", 1, mark)
    after = _clock_offset(c, LINUX1)
    assert abs(after) < WALL_SKEW, f"{LINUX1} restarted: {after:+.0f} s"
    assert abs(after - before[LINUX1]) < RESTART_SKEW, (before, after)
    assert abs(_clock_offset(c, LINUX0) - before[LINUX0]) < RESTART_SKEW
    print(f"\nclock offsets from the host: linux0 {before[LINUX0]:+.1f} s,"
          f" linux1 {before[LINUX1]:+.1f} s, after its restart"
          f" {after:+.1f} s (first life {uptime:.0f} s)")
