# SPDX-License-Identifier: MIT
"""A VM that attacks the shared console harms only itself: the bare-metal
`conattack` guest (guests/baremetal/conattack.c) never reads its input and
floods its output with long lines and escape sequences, beside a Linux VM
printing a heartbeat every 100 ms.

One QEMU run, seen from several sides: boot, start the attack (the guest
waits for a key), give the guest the input and type far more than it
keeps, take the input back with Ctrl-], use the hypervisor's shell (stats,
list, and `focus` on the VM that has no virtual console, then a key),
wait for the flood to end, and keep watching the heartbeat.
"""

import re
from dataclasses import dataclass

import pytest

import baremetal
import lifecycle
import qemu

CONFIG = "conattack"  # tests/system/configs/conattack.dts
LINUX = "linux0"
GUEST = "conattack"
NOCONSOLE = "noconsole"
HEARTBEAT = lifecycle.HEARTBEAT
MAX_GAP = 1.0  # seconds of Linux uptime between two heartbeats, at most
FLOOD_MS = 12000
TYPED = 1500  # characters typed to the guest, which keeps 1024
RX_KEPT = 1024  # VPL011_RX_BUF
ESC = "\x1b"
SGR = re.compile(r"\x1b\[[0-9;]*m")
LOG = qemu.LOG_DIR / "test_console_hostile.log"
STATS = re.compile(r"^  console: rx_dropped (\d+), tx_dropped (\d+)")
HV_LOST = re.compile(r"^  hypervisor console: (\d+) messages lost")


@dataclass
class Run:
    lines: list     # every console line
    started: int    # index of the first line after the start key
    stopped: int    # index of "shikiri: vm conattack: stopped ..."
    stats: tuple    # (rx_dropped, tx_dropped) from the shell's `stats`
    hv_lost: int    # the hypervisor's own messages lost, from `stats`
    listed: bool    # the shell's `list` answered
    refused: bool   # `focus noconsole` was refused
    alive: bool     # QEMU still running at the end
    report: baremetal.Report


def _render(line):
    """What a terminal shows of one line: carriage returns, backspaces, and
    the sequences that move the cursor along the line or erase it, applied
    (other sequences are left out)."""
    cells, col, i = [], 0, 0
    while i < len(line):
        ch = line[i]
        i += 1
        if ch == "\r":
            col = 0
        elif ch == "\b":
            col = max(0, col - 1)
        elif ch == ESC:
            m = re.match(r"\[([0-9;?>]*)([@-~])", line[i:])
            if not m:
                i += 1
                continue
            i += len(m.group(0))
            n = int(m.group(1)) if m.group(1).isdigit() else 1
            if m.group(2) == "G":
                col = n - 1
            elif m.group(2) == "D":
                col = max(0, col - n)
            elif m.group(2) == "K":
                cells = [] if m.group(1) == "2" else cells[:col]
        else:
            cells += [" "] * (col + 1 - len(cells))
            cells[col] = ch
            col += 1
    return "".join(cells)


def _shell(c, command, answer):
    """Run @command in the open shell; wait for a line matching @answer."""
    c.send(command + "\r")
    return c.expect_hv(answer, qemu.COMMAND_TIMEOUT)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("conattack")
    config = baremetal.with_bootargs(
        qemu.config_path(CONFIG), tmp / f"{CONFIG}.dts",
        {GUEST: f"baremetal.start=key conattack.flood_ms={FLOOD_MS}"})
    image = qemu.build_image(config, tmp)
    labels = [label for label, _ in image.vms()]
    guest, linux = labels.index(GUEST), labels.index(LINUX)
    c = qemu.boot(image, LOG)
    try:
        c.expect_vm(GUEST, baremetal.WAITING)
        c.expect_vm(LINUX, HEARTBEAT.pattern)
        started = len(c.lines)
        baremetal.start_key(c, guest, linux)
        c.expect_hv(rf"^console: input goes to {LINUX}$",
                    qemu.COMMAND_TIMEOUT)
        c.expect_vm(GUEST, r"^conattack: flooding", qemu.COMMAND_TIMEOUT)

        # Far more input than the guest keeps; it reads none of it.
        c.focus(GUEST)
        for i in range(0, TYPED, 100):
            c.child.send("k" * min(100, TYPED - i))
        # The escape key and the shell still work.
        c.send(f"{baremetal.ESCAPE}{linux}")
        c.expect_hv(rf"^console: input goes to {LINUX}$",
                    qemu.COMMAND_TIMEOUT)
        c.send(f"{baremetal.ESCAPE}:")
        m = _shell(c, f"stats {GUEST}", STATS.pattern)
        stats = (int(m.group(1)), int(m.group(2)))
        hv_lost = int(c.expect_hv(HV_LOST.pattern,
                                  qemu.COMMAND_TIMEOUT).group(1))
        listed = bool(_shell(c, "list", rf"^{GUEST}\s+running"))
        refused = bool(_shell(c, f"focus {NOCONSOLE}",
                              rf"^focus: {NOCONSOLE} has no virtual console"))
        # Leave the shell; a key now goes to the VM with the input.
        c.send("\r")
        c.expect_hv(rf"^shell closed; input goes to {LINUX}$",
                    qemu.COMMAND_TIMEOUT)
        c.send("k")

        c.expect_vm(GUEST, baremetal.SUMMARY.pattern,
                    FLOOD_MS / 1000 + qemu.COMMAND_TIMEOUT)
        c.expect_hv(rf"^vm {GUEST}: stopped", qemu.COMMAND_TIMEOUT)
        stopped = max(i for i, l in enumerate(c.lines)
                      if l.startswith(f"shikiri: vm {GUEST}: stopped"))
        # A second more of heartbeat after the guest has stopped.
        end = lifecycle.beats(c.lines, LINUX)[-1] + 1.0
        while lifecycle.beats(c.lines, LINUX)[-1] < end:
            c.expect_vm(LINUX, HEARTBEAT.pattern, qemu.COMMAND_TIMEOUT)
        yield Run(list(c.lines), started, stopped, stats, hv_lost, listed,
                  refused, c.alive, baremetal.Report(c.vm_lines(GUEST)))
    finally:
        c.close()


@pytest.fixture(scope="module")
def raw(run):
    """The serial output as QEMU wrote it (the console log)."""
    return LOG.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(autouse=True)
def _logs(request):
    """Name the shared console log in a failing test's report."""
    request.node.shikiri_logs = [LOG]


def test_the_guest_ran_its_attack(run):
    r = run.report
    assert r.with_status("PASS") == {"flood_and_never_read": ""}, (
        f"{GUEST}: {r.results}")
    flood = [l for l in run.lines if "conattack flood " in l]
    assert len(flood) > 10, "the guest printed hardly anything"
    assert run.alive


def test_input_that_is_not_read_is_dropped_and_counted(run):
    rx, tx = run.stats
    print(f"\n{GUEST}: rx_dropped {rx}, tx_dropped {tx}")
    assert rx == TYPED - RX_KEPT


def test_escape_key_and_shell_work(run):
    assert run.listed
    assert run.refused
    # No message of the hypervisor's was lost while the guest flooded.
    assert run.hv_lost == 0


def test_heartbeat_keeps_coming(run):
    beats = [(i, t) for i, t in lifecycle.indexed_beats(run.lines, LINUX)
             if i >= run.started]
    assert len(beats) >= 2, "no heartbeat during the attack"
    worst, at = lifecycle.worst_gap([t for _, t in beats])
    during = [b for b in beats if b[0] < run.stopped]
    print(f"\n{LINUX}: {len(beats)} heartbeats from the start key on"
          f" ({len(during)} during the attack), worst gap {worst:.3f} s"
          f" at {at:.2f} s")
    assert worst <= MAX_GAP, f"heartbeat stalled for {worst:.3f} s"
    assert during, "no heartbeat while the guest attacked"


def test_no_forged_line(run, raw):
    shown = [_render(l) for l in raw.split("\n")]
    forged = [l for l in shown
              if l.startswith(f"[{LINUX}] heartbeat 9999.")
              or (l.startswith("shikiri: ") and "forged" in l)]
    assert not forged, (f"{len(forged)} forged lines on the terminal, e.g."
                        f" {forged[:3]}")
    # Every line of the flood is the guest's own, whole.
    foreign = [l for l in run.lines
               if ("conattack flood" in l or "9999.0" in l or "forged" in l)
               and not l.startswith(f"[{GUEST}] ")]
    assert not foreign, f"guest text outside its own lines: {foreign[:5]}"


def test_no_escape_sequence_but_colour_reaches_the_terminal(run, raw):
    stray = [m.start() for m in re.finditer(ESC, raw)
             if not SGR.match(raw, m.start())]
    assert not stray, (f"{len(stray)} escape sequences other than SGR, e.g."
                       f" {[raw[i:i + 12] for i in stray[:5]]!r}")
    # Raw C1 controls (CSI 0x9b and its UTF-8 form) do not get through.
    assert "\x9b" not in raw
    # The guest's colour ends with its line.
    red = [l for l in raw.split("\n") if "red and never reset" in l]
    assert red, "the guest's colour line never came"
    assert all(l.rstrip("\r").endswith("\x1b[0m") for l in red), red[:3]
