# SPDX-License-Identifier: MIT
"""A VM cannot reach outside its partition, and trying does not disturb the
others: the bare-metal `isolation` guest (guests/baremetal/isolation.c)
probes memory, devices, the GIC and PSCI beyond what it owns, while a Linux
VM beside it prints a heartbeat every 100 ms.

The tests share one QEMU run, one scenario seen from several sides: boot,
let the heartbeat run for a while, start the probes (the guest waits for a
key on its console), wait for the guest to report and switch its VM off,
then keep watching the heartbeat.
"""

import re
from dataclasses import dataclass

import pytest

import baremetal
import qemu

CONFIG = "isolation"  # tests/system/configs/isolation.dts
LINUX = "linux0"
GUEST = "isolation"
HEARTBEAT = re.compile(r"^heartbeat (\d+\.\d+)\s*$")
MAX_GAP = 1.0  # seconds of Linux uptime between two heartbeats, at most
BEFORE = 1.0  # seconds of heartbeat before the probes start
AFTER = 2.0  # ... and after the guest has switched itself off
STRESS_MS = 3000  # the guest's last probe aborts this long without pause
MIN_PROBES = 10
PROBE_TIMEOUT = 60 * qemu.TIMEOUT_SCALE
LOG = qemu.LOG_DIR / "test_isolation.log"

# Probes that fail because of a known hypervisor bug, {name: the bug}.  The
# test for each is expected to fail (strictly: fixing the bug makes it an
# unexpected pass, and then its entry goes).


@dataclass
class Run:
    lines: list        # every console line
    started: int       # index of the first line after the start key
    stopped: int       # index of "shikiri: vm isolation: stopped ..."
    alive: bool        # QEMU still running after the guest stopped
    report: baremetal.Report


def _build(tmp):
    """The image of CONFIG with the guest told where the other VM's RAM
    and the hypervisor are.  Those addresses come from `--explain`;
    building again with them in the bootargs must not move anything."""
    config = qemu.config_path(CONFIG)
    part = baremetal.Partition(baremetal.explain(config))
    gen = tmp / f"{CONFIG}.dts"
    for _ in range(3):
        args = (baremetal.isolation_bootargs(part, GUEST)
                + f" isolation.stress_ms={STRESS_MS}")
        baremetal.with_bootargs(config, gen, {GUEST: args})
        final = baremetal.Partition(baremetal.explain(gen))
        if vars(final) == vars(part):
            return qemu.build_image(gen, tmp), part
        part = final
    raise RuntimeError(f"{gen}: the partition keeps moving")


def _beats(lines, start=0, end=None):
    """(line index, uptime) of every heartbeat in @lines[start:end]."""
    prefix = f"[{LINUX}] "
    out = []
    for i in range(start, len(lines) if end is None else end):
        if lines[i].startswith(prefix):
            m = HEARTBEAT.match(lines[i][len(prefix):])
            if m:
                out.append((i, float(m.group(1))))
    return out


def _heartbeat_until(c, uptime):
    """Wait for a heartbeat stamped @uptime or later."""
    while True:
        m = c.expect_vm(LINUX, HEARTBEAT.pattern, qemu.COMMAND_TIMEOUT)
        if float(m.group(1)) >= uptime:
            return


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    image, part = _build(tmp_path_factory.mktemp("isolation"))
    c = qemu.boot(image, LOG)
    try:
        c.expect_vm(GUEST, baremetal.WAITING)
        m = c.expect_vm(LINUX, HEARTBEAT.pattern)
        _heartbeat_until(c, float(m.group(1)) + BEFORE)

        started = len(c.lines)
        baremetal.start_key(c, part.vms[GUEST], part.vms[LINUX])
        c.expect_hv(rf"^console: input goes to {LINUX}$",
                    qemu.COMMAND_TIMEOUT)
        c.expect_vm(GUEST, baremetal.SUMMARY.pattern, PROBE_TIMEOUT)
        c.expect_hv(rf"^vm {GUEST}: stopped", qemu.COMMAND_TIMEOUT)
        stopped = baremetal.line_index(c.lines, "shikiri: ", rf"^vm {GUEST}: stopped")

        before = _beats(c.lines, 0, stopped)
        assert before, "no heartbeat before the guest stopped"
        _heartbeat_until(c, before[-1][1] + AFTER)
        yield Run(list(c.lines), started, stopped, c.alive,
                  baremetal.Report(c.vm_lines(GUEST)))
    finally:
        c.close()


@pytest.fixture(autouse=True)
def _logs(request):
    """Name the shared console log in a failing test's report."""
    request.node.shikiri_logs = [LOG]


def test_every_probe_passes(run):
    r = run.report
    failed = r.with_status("FAIL")
    assert not failed, "probes failed:\n" + "\n".join(
        f"  {n}: {d}" for n, d in failed.items())
    skipped = r.with_status("SKIP")
    assert not skipped, f"probes skipped: {skipped}"
    assert not r.stray, f"unexpected lines from {GUEST}: {r.stray}"
    assert r.summary, f"{GUEST} printed no 'baremetal: N passed, N failed'"
    passed = len(r.with_status("PASS"))
    assert r.summary == (passed, len(failed)), (
        f"summary {r.summary} disagrees with {passed} PASS and"
        f" {len(failed)} FAIL lines")
    assert passed >= MIN_PROBES


def test_output_was_not_cut_by_console_focus(run):
    """The guest's lines are whole: the console focus went back to Linux
    before the guest printed its first result."""
    focus = baremetal.line_index(run.lines[run.started:], "shikiri: ",
                        rf"^console: input goes to {LINUX}$")
    first = baremetal.line_index(run.lines[run.started:], f"[{GUEST}] ",
                        r"^(PASS|FAIL|SKIP) ")
    assert focus is not None and first is not None
    assert focus < first, "the guest printed while it had the input focus"


def test_guest_vm_stops_alone(run):
    hv = [l for l in run.lines if l.startswith("shikiri: ")]
    stops = [l for l in hv if re.match(r"shikiri: vm \S+: stopped", l)]
    assert len(stops) == 1 and stops[0].startswith(
        f"shikiri: vm {GUEST}: stopped"), f"VMs stopped: {stops}"
    assert not [l for l in hv if "powering off" in l], hv
    assert run.alive, "QEMU exited when the guest's VM stopped"


def test_heartbeat_never_stalls(run):
    beats = _beats(run.lines)
    stamps = [t for _, t in beats]
    assert stamps == sorted(stamps), "heartbeat uptimes go backwards"
    gaps = [(b - a, a) for a, b in zip(stamps, stamps[1:])]
    worst, at = max(gaps)
    assert worst <= MAX_GAP, (
        f"heartbeat stalled {worst:.2f} s at uptime {at:.2f}"
        f" (most gaps: {sorted(gaps, reverse=True)[:5]})")

    during = [t for i, t in beats if run.started < i < run.stopped]
    after = [t for i, t in beats if i > run.stopped]
    # The probes end with STRESS_MS of aborts without pause.
    assert during and during[-1] - during[0] >= STRESS_MS / 1000 * 0.9, (
        f"heartbeat while the guest probed: {during}")
    assert after and after[-1] - after[0] >= AFTER * 0.9, (
        f"heartbeat after the guest stopped: {after}")
