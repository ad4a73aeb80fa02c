# SPDX-License-Identifier: MIT
"""VM lifecycle on two Linux VMs (tests/system/configs/lifecycle.dts):
linux1 reboots, powers off and crashes alone, linux0 manages it with
shikirictl and linux1 may not manage linux0, garbage on the management
page changes nothing, and the hypervisor's shell lists, starts, stops and
restarts VMs.  Every test boots a fresh machine; the reboot storm is in
test_lifecycle_storm.py, RAM scrubbing in test_lifecycle_scrub.py.

The tests marked BOTH run on x86-64 too (configs/lifecycle-q35.dts, the
same two VMs on q35); what only a PC has is in test_x86_lifecycle.py."""

import re
import time

import pytest

import lifecycle
import qemu
from lifecycle import (alive, back_in_userspace, boot_pair, ctl_list, events,
                       list_rows, run_status, shell)

LINUX0, LINUX1 = lifecycle.MANAGER, lifecycle.MANAGED
MANAGE_PAGE = 0x3FFFF000  # shikiri-manage@3ffff000 in both VMs' DTs
# A VM that should stay stopped is watched this long: a restart, when its
# policy wrongly said so, would have started it within about 1 s.
STAY_STOPPED = 3.0

# STATUS codes of the management page (include/shikiri/manage.h), as the
# 32-bit register reads.
OK, EPERM, ENOENT, EINVAL = 0, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFEA
REG = {"magic": 0x00, "version": 0x04, "self": 0x08, "count": 0x0C,
       "select": 0x10, "command": 0x14, "status": 0x18, "state": 0x20,
       "restarts": 0x24, "cpus": 0x28, "mem_mb": 0x2C, "uptime_ms": 0x30,
       "name": 0x40}
BUS_ERROR = 128 + 7  # the shell's exit status for a process killed by SIGBUS


# The tests marked so run on both architectures: what they check is the
# same on a PC (test_x86_lifecycle.py has what only a PC has).  The shell's
# parsing and errors are the core's alone: those run on Arm only.
BOTH = pytest.mark.arches("aarch64", "x86_64")


@pytest.fixture
def image(shikiri_image, arch):
    """The lifecycle config of @arch, built once per session."""
    return shikiri_image(lifecycle.CONFIGS[arch.name])


@pytest.fixture
def pair(boot, image):
    """A fresh machine with both VMs in userspace."""
    return boot_pair(boot, image)


# --- a VM's own reboot, power-off and crash ------------------------------


@BOTH
def test_reboot_returns_to_userspace(boot, image):
    """`reboot -f` in linux1: it comes back to userspace, linux0 is not
    touched.  Also measures the restart against linux1's cold boot (both
    timed on the host, from the hypervisor's line to linux1's userspace)."""
    t0 = time.monotonic()
    c = boot(image)
    c.expect_hv(rf"^vm {LINUX1}: started$")
    t_start = time.monotonic()
    c.expect_vm(LINUX1, lifecycle.USERSPACE)
    t_cold = time.monotonic()
    c.expect_vm(LINUX0, lifecycle.USERSPACE)
    for vm in (LINUX0, LINUX1):
        lifecycle.wait_shell_banner(c, vm)

    c.start_in_vm(LINUX1, "reboot -f")
    t_cmd = time.monotonic()
    c.expect_hv(rf"^vm {LINUX1}: restarting \(guest reset\)$",
                qemu.COMMAND_TIMEOUT)
    t_req = time.monotonic()
    c.expect_hv(rf"^vm {LINUX1}: started \(guest reset, restart 1\)$",
                lifecycle.RESTART_TIMEOUT)
    t_started = time.monotonic()
    c.expect_vm(LINUX1, lifecycle.USERSPACE, lifecycle.RESTART_TIMEOUT)
    t_up = time.monotonic()
    print(f"\ncold boot: QEMU start to linux1 started {t_start - t0:.2f} s,"
          f" started to userspace {t_cold - t_start:.2f} s;"
          f" reboot -f: typed to restarting {t_req - t_cmd:.2f} s,"
          f" restarting to started {t_started - t_req:.2f} s,"
          f" started to userspace {t_up - t_started:.2f} s,"
          f" reboot -f to userspace {t_up - t_cmd:.2f} s")

    lifecycle.forget_shell(c, LINUX1)
    alive(c, LINUX1)
    alive(c, LINUX0)
    assert events(c, LINUX0) == [("started", None, None)]
    assert events(c, LINUX1) == [("started", None, None),
                                 ("restarting", "guest reset", None),
                                 ("started", "guest reset", 1)]


@BOTH
def test_poweroff_then_shell_start(pair):
    """`poweroff -f` stops linux1 alone; `start linux1` in the hypervisor's
    shell boots it again."""
    c = pair
    mark = len(c.lines)
    c.start_in_vm(LINUX1, "poweroff -f")
    lifecycle.wait_hv(c, rf"^vm {LINUX1}: stopped \(guest power-off\)$",
                      mark, qemu.COMMAND_TIMEOUT)
    alive(c, LINUX0)
    rows = list_rows(c)
    assert rows[LINUX1]["state"] == "stopped"
    assert rows[LINUX1]["cause"] == "guest power-off"
    assert rows[LINUX1]["uptime"] == "-"
    assert rows[LINUX0]["state"] == "running"
    assert c.alive
    assert not [l for l in c.lines if "powering off" in l]

    mark = len(c.lines)
    assert shell(c, f"start {LINUX1}") == []
    # A start from stopped is not a restart: the count stays 0.
    back_in_userspace(c, LINUX1, "console shell", 0, mark)
    # A fresh boot: its uptime starts again.
    up = float(c.run_in_vm(LINUX1, "cut -d' ' -f1 /proc/uptime"))
    assert up < lifecycle.RESTART_TIMEOUT
    assert events(c, LINUX0) == [("started", None, None)]
    assert events(c, LINUX1) == [("started", None, None),
                                 ("stopping", "guest power-off", None),
                                 ("stopped", "guest power-off", None),
                                 ("started", "console shell", 0)]


def _crash(c):
    """Panic linux1's kernel; return once the hypervisor has seen it, with
    the index in c.lines where it started."""
    mark = len(c.lines)
    c.start_in_vm(LINUX1, "echo c > /proc/sysrq-trigger")
    c.expect_vm(LINUX1, r"Kernel panic - not syncing", qemu.COMMAND_TIMEOUT)
    c.expect_hv(rf"^vm {LINUX1}: (restarting|stopping) \(guest crash\)$",
                qemu.COMMAND_TIMEOUT)
    return mark


@BOTH
def test_crash_restarts(pair):
    """A kernel panic in linux1 (Arm: `panic=-1 reboot=panic_warm`; PC:
    `panic=-1` and the pvpanic driver) with on-crash = "restart":
    restarted, cause "guest crash"."""
    c = pair
    mark = _crash(c)
    back_in_userspace(c, LINUX1, "guest crash", 1, mark)
    alive(c, LINUX0)
    assert events(c, LINUX0) == [("started", None, None)]
    assert events(c, LINUX1) == [("started", None, None),
                                 ("restarting", "guest crash", None),
                                 ("started", "guest crash", 1)]


@BOTH
def test_crash_stops(boot, tmp_path, arch):
    """The same panic with on-crash = "stop": linux1 stays stopped, linux0
    runs on."""
    config = lifecycle.derive(lifecycle.CONFIGS[arch.name],
                              tmp_path / "crash-stop.dts",
                              props={LINUX1: {"on-crash": "stop"}})
    c = boot_pair(boot, qemu.build_image(config, tmp_path))
    mark = _crash(c)
    lifecycle.wait_hv(c, rf"^vm {LINUX1}: stopped \(guest crash\)$", mark,
                      qemu.COMMAND_TIMEOUT)
    deadline = time.monotonic() + STAY_STOPPED
    while time.monotonic() < deadline:
        alive(c, LINUX0)
    rows = list_rows(c)
    assert (rows[LINUX1]["state"], rows[LINUX1]["cause"]) == (
        "stopped", "guest crash")
    assert rows[LINUX0]["state"] == "running"
    assert events(c, LINUX0) == [("started", None, None)]
    assert events(c, LINUX1) == [("started", None, None),
                                 ("stopping", "guest crash", None),
                                 ("stopped", "guest crash", None)]
    assert c.alive


# --- shikirictl and the management page ---------------------------------


@BOTH
def test_shikirictl_manages_with_rights(pair):
    """linux0 (manage = <1>) lists both VMs and restarts linux1."""
    c = pair
    rows, other = ctl_list(c, LINUX0)
    assert rows == {LINUX0: ("running", 0, True),
                    LINUX1: ("running", 0, False)}, (rows, other)
    assert not other

    mark = len(c.lines)
    status, out = run_status(c, LINUX0, f"shikirictl restart {LINUX1}")
    assert (status, out) == (0, f"{LINUX1}: restart requested")
    lifecycle.wait_hv(c, rf"^vm {LINUX1}: restarting \(managing VM\)$",
                      mark, qemu.COMMAND_TIMEOUT)
    back_in_userspace(c, LINUX1, "managing VM", 1, mark)

    assert run_status(c, LINUX0, f"shikirictl status {LINUX1}") == (0, "running")
    rows, _ = ctl_list(c, LINUX0)
    assert rows[LINUX1] == ("running", 1, False)
    assert events(c, LINUX0) == [("started", None, None)]
    # Usage errors and unknown names: exit status 2.
    assert run_status(c, LINUX0, "shikirictl frobnicate")[0] == 2
    status, out = run_status(c, LINUX0, "shikirictl restart nosuchvm")
    assert status == 2 and "no such VM" in out, out


@BOTH
def test_shikirictl_refused_without_rights(pair):
    """linux1 (no `manage`) sees only itself and may not touch linux0."""
    c = pair
    rows, other = ctl_list(c, LINUX1)
    assert rows == {LINUX1: ("running", 0, True)}
    assert other == ["(1 VM(s) hidden: no right to manage them)"]

    for cmd in (f"shikirictl restart {LINUX0}", "shikirictl stop 0",
                "shikirictl start 0", "shikirictl restart 0",
                f"shikirictl status {LINUX0}"):
        status, out = run_status(c, LINUX1, cmd)
        assert status == 3, f"`{cmd}` in {LINUX1}: exit {status}: {out}"
        assert "permission denied" in out, f"`{cmd}`: {out}"
    # Nor may it manage itself through the page: that is not in its rights.
    status, out = run_status(c, LINUX1, f"shikirictl restart {LINUX1}")
    assert status == 3 and "permission denied" in out, out

    alive(c, LINUX0)
    assert events(c, LINUX0) == [("started", None, None)]
    assert events(c, LINUX1) == [("started", None, None)]


class Page:
    """Accesses to the management page from VM @vm with busybox devmem,
    typed in batches (one command line per access would take a second
    each).  Two shell functions do the work: `r OFF [WIDTH]` reads and
    prints "@EXIT VALUE"; `w OFF VALUE [WIDTH]` writes, then reads STATUS
    back and prints "@EXIT STATUS"."""

    FUNCS = (f"B={MANAGE_PAGE:#x}; "
             'r(){ v=$(devmem $((B+$1)) ${2:-32}); echo "@$? $v"; }; '
             'w(){ devmem $((B+$1)) ${3:-32} $2; '
             'echo "@$? $(devmem $((B+24)))"; }')
    LINE = 300  # characters typed per command line, at most
    RESULT = re.compile(r"@(\d+) ?(0x[0-9A-Fa-f]+)?")

    def __init__(self, c, vm):
        self.c, self.vm = c, vm
        c.run_in_vm(vm, self.FUNCS)

    def run(self, ops):
        """Run @ops, e.g. ["r 0", "w 16 1", "r 64 8"]; return one (exit
        status, value or None) per op."""
        chunks = [[]]
        for op in ops:
            if sum(len(o) + 1 for o in chunks[-1]) + len(op) > self.LINE:
                chunks.append([])
            chunks[-1].append(op)
        results = []
        for chunk in chunks:
            out = self.c.run_in_vm(self.vm, ";".join(chunk))
            got = [self.RESULT.fullmatch(l.strip())
                   for l in out.splitlines() if l.startswith("@")]
            assert len(got) == len(chunk) and all(got), (chunk, out)
            results += [(int(m.group(1)),
                         int(m.group(2), 16) if m.group(2) else None)
                        for m in got]
        return results

    def read(self, reg, width=32):
        return self.run([f"r {REG.get(reg, reg)} {width}"])[0]

    def write(self, reg, value, width=32):
        """(exit status, STATUS read after the write)."""
        return self.run([f"w {REG.get(reg, reg)} {value} {width}"])[0]


def test_management_page_garbage(pair):
    """Garbage written to the page from linux1 (no rights) with busybox
    devmem: each access gets its error code in STATUS or, when it is not
    a 32-bit access, a bus error; nothing else happens to either VM."""
    c = pair
    page = Page(c, LINUX1)
    assert page.run(["r 0", "r 8", "r 12"]) == [
        (0, 0x474D4B53), (0, 1), (0, 2)]        # magic, self = 1, count = 2

    # (op, expected (exit status, value or STATUS)), run as one batch.
    checks = [(f"w {REG['select']} 1", (0, OK))]            # itself
    for cmd in (0, 4, 0x7FFFFFFF, 0xFFFFFFFF):              # unknown
        checks.append((f"w {REG['command']} {cmd}", (0, EINVAL)))
    for sel in (2, 8, 0x80000000, 0xFFFFFFFF):              # no such VM
        checks += [(f"w {REG['select']} {sel}", (0, ENOENT)),
                   (f"w {REG['command']} 3", (0, ENOENT)),
                   (f"r {REG['state']}", (0, 0)),
                   (f"r {REG['status']}", (0, ENOENT))]
    checks.append((f"w {REG['select']} 0", (0, OK)))        # linux0
    for cmd in (1, 2, 3):                                   # not ours
        checks.append((f"w {REG['command']} {cmd}", (0, EPERM)))
    for reg in ("state", "restarts", "cpus", "mem_mb", "uptime_ms", "name"):
        checks += [(f"r {REG[reg]}", (0, 0)),               # reads as 0
                   (f"r {REG['status']}", (0, EPERM))]
    for off in ("magic", "version", "self", "count", "status", "state",
                "restarts", "name", 0x34, 0x100, 0xF00):    # read-only
        checks.append((f"w {REG.get(off, off)} 0xdeadbeef", (0, EINVAL)))
    checks += [(f"r {REG['magic']}", (0, 0x474D4B53)),
               (f"r {REG['count']}", (0, 2)),
               (f"r {REG['select']}", (0, 0)),
               (f"w {REG['select']} 1", (0, OK))]
    # Not 32 bits wide (bytes are fine for NAME only): the access aborts,
    # Linux kills devmem with SIGBUS, and nothing is written: STATUS and
    # SELECT stay as they were.
    for reg, width, value in (("command", 16, 3), ("command", 8, 3),
                              ("select", 64, 0), ("select", 16, 0),
                              ("status", 8, None), ("magic", 64, None),
                              ("magic", 16, None)):
        if value is None:
            checks.append((f"r {REG[reg]} {width}", (BUS_ERROR, None)))
        else:
            checks.append((f"w {REG[reg]} {value} {width}", (BUS_ERROR, OK)))
        checks += [(f"r {REG['status']}", (0, OK)),
                   (f"r {REG['select']}", (0, 1))]
    checks += [(f"r {REG['name'] + i} 8", (0, ch))
               for i, ch in enumerate(b"linux1\0")]

    got = page.run([op for op, _ in checks])
    wrong = [f"{op}: {g} expected {e}" for (op, e), g in zip(checks, got)
             if g != e]
    assert not wrong, "\n".join(wrong)

    # Both VMs work as before and nothing was started or stopped.
    rows, _ = ctl_list(c, LINUX1)
    assert rows == {LINUX1: ("running", 0, True)}
    rows, _ = ctl_list(c, LINUX0)
    assert rows == {LINUX0: ("running", 0, True),
                    LINUX1: ("running", 0, False)}
    assert events(c, LINUX0) == [("started", None, None)]
    assert events(c, LINUX1) == [("started", None, None)]


def test_management_page_status_is_last_access(pair):
    """STATUS is "the result of the last access" (manage.h): a read of
    the caller's own STATE right after a refused command reads OK."""
    page = Page(pair, LINUX1)
    assert page.run([f"w {REG['select']} 1", f"w {REG['command']} 3",
                     f"r {REG['state']}", f"r {REG['status']}"]) == [
        (0, OK), (0, EPERM), (0, 2), (0, OK)]


# --- the hypervisor's shell ----------------------------------------------


def test_shell_list(pair):
    c = pair
    rows = list_rows(c)
    assert set(rows) == {LINUX0, LINUX1}
    for vm, cpus in ((LINUX0, "0,1"), (LINUX1, "2,3")):
        r = rows[vm]
        assert (r["state"], r["cpus"], r["mem"], r["restarts"], r["cause"]) \
            == ("running", cpus, 256, 0, "boot"), (vm, r)
        m = re.fullmatch(r"(\d+)\.(\d)s", r["uptime"])
        assert m and 0 < float(r["uptime"][:-1]) < 120, (vm, r)
    # Uptime goes on.
    time.sleep(1.0)
    later = list_rows(c)
    for vm in rows:
        assert float(later[vm]["uptime"][:-1]) >= \
            float(rows[vm]["uptime"][:-1]) + 0.9


def _stats(c, vm, name=None):
    """`stats @vm` of the VM called @name (default @vm): (total sync exits,
    total irq exits, [(vcpu, CPU, sync, irq)])."""
    out = shell(c, f"stats {vm}")
    m = re.fullmatch(rf"vm {name or vm}: exits: (\d+) sync \((\d+) mmio,"
                     rf" (\d+) hvc, (\d+) smc, (\d+) sysreg\), (\d+) irq;"
                     rf" (\d+)"
                     rf" interrupts injected", out[0])
    assert m, out
    vcpus = []
    for line in out[1:]:
        if re.fullmatch(r"\s*CPU \d+: \d+ EL2 timer, \d+ other hypervisor"
                        r" interrupts, \d+ held", line):
            continue  # the vCPU's physical CPU (test_watchdog_storm.py)
        if re.fullmatch(r"\s*console: rx_dropped \d+, tx_dropped \d+ .*",
                        line):
            continue
        if re.fullmatch(r"\s*hypervisor console: \d+ messages lost to a full"
                        r" buffer", line):
            continue
        v = re.fullmatch(r"\s*vcpu (\d+) \(CPU (\d+)\): (\d+) sync, (\d+) irq"
                         r" exits, (\d+) injected, (\d+) queued", line)
        assert v, f"unexpected `stats` line: {line!r}"
        vcpus.append(tuple(int(v.group(i)) for i in (1, 2, 3, 4)))
    return int(m.group(1)), int(m.group(6)), vcpus


def test_shell_stats(pair):
    c = pair
    sync, irq, vcpus = _stats(c, LINUX1)
    assert [(v, cpu) for v, cpu, _, _ in vcpus] == [(0, 2), (1, 3)]
    assert sync > 0 and irq > 0
    # The total is read first, each vCPU's line after it, while the vCPUs
    # run on: the counters only grow, so the total is at most their sum.
    assert sync <= sum(s for _, _, s, _ in vcpus) < 2 * sync
    assert irq <= sum(i for _, _, _, i in vcpus) < 2 * irq
    # The counters are live: linux1 works, its numbers grow.
    alive(c, LINUX1)
    sync2, irq2, _ = _stats(c, LINUX1)
    assert sync2 > sync and irq2 >= irq
    _, _, vcpus0 = _stats(c, "0", LINUX0)   # by index
    assert [(v, cpu) for v, cpu, _, _ in vcpus0] == [(0, 0), (1, 1)]


@BOTH
def test_shell_stop_start_restart(pair):
    c = pair
    mark = len(c.lines)
    assert shell(c, f"stop {LINUX1}")[:1] == [
        f"vm {LINUX1}: stopping (console shell)"]
    lifecycle.wait_hv(c, rf"^vm {LINUX1}: stopped \(console shell\)$",
                      mark, qemu.COMMAND_TIMEOUT)
    rows = list_rows(c)
    assert (rows[LINUX1]["state"], rows[LINUX1]["uptime"],
            rows[LINUX1]["cause"]) == ("stopped", "-", "console shell")
    assert shell(c, f"stop {LINUX1}") == [
        f"{LINUX1}: cannot stop it while it is stopped"]
    alive(c, LINUX0)

    mark = len(c.lines)
    assert shell(c, f"start {LINUX1}") == []
    back_in_userspace(c, LINUX1, "console shell", 0, mark)

    mark = len(c.lines)
    assert shell(c, "restart 1")[:1] == [
        f"vm {LINUX1}: restarting (console shell)"]
    back_in_userspace(c, LINUX1, "console shell", 1, mark)
    rows = list_rows(c)
    assert (rows[LINUX1]["state"], rows[LINUX1]["restarts"]) == (
        "running", 1)
    assert (rows[LINUX0]["state"], rows[LINUX0]["restarts"]) == (
        "running", 0)
    alive(c, LINUX0)
    assert events(c, LINUX0) == [("started", None, None)]


def test_shell_errors(pair):
    """Unknown commands, unknown VMs and impossible requests get a message
    and change nothing."""
    c = pair
    assert shell(c, "frobnicate") == [
        "unknown command 'frobnicate' (try: help)"]
    for cmd in ("start", "stop", "restart", "stats", "focus"):
        assert shell(c, f"{cmd} nosuchvm") == [
            f"{cmd}: no VM 'nosuchvm' (try: list)"]
    assert shell(c, "stop 7") == ["stop: no VM '7' (try: list)"]
    assert shell(c, "restart") == ["restart: no VM '' (try: list)"]
    assert shell(c, f"start {LINUX0}") == [
        f"{LINUX0}: cannot start it while it is running"]
    help_ = " ".join(shell(c, "help"))
    for word in ("list", "start", "stop", "restart", "stats", "help"):
        assert word in help_
    for vm in (LINUX0, LINUX1):
        alive(c, vm)
        assert events(c, vm) == [("started", None, None)]
