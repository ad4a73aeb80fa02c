# SPDX-License-Identifier: MIT
"""Helpers for the VM lifecycle tests (test_lifecycle*.py): configs
derived from tests/system/configs/lifecycle.dts, the hypervisor's shell,
the hypervisor's lifecycle log lines, and heartbeats.

    cfg = derive(CONFIGS[arch.name], tmp / "x.dts", bootargs={"linux1": "..."},
                 props={"linux1": {"on-crash": "stop"}})
    out = shell(c, "list")          # the shell's answer, "shikiri: " cut
    events(c, "linux1")     # [("restarting", "guest reset", None), ...]
    forget_shell(c, "linux1")       # after a restart: wait for a new shell
    c = boot_pair(boot, image)      # both VMs at their shells
    status, out = run_status(c, "linux0", "shikirictl list")
"""

import re
import time
import uuid
from pathlib import Path

import baremetal
import fdt
import linuxvm
import qemu

CONFIG = "lifecycle"  # tests/system/configs/lifecycle.dts
# The same two VMs for each architecture (tests/system/configs).
CONFIGS = {"aarch64": CONFIG, "x86_64": "lifecycle-q35"}
MANAGER = "linux0"  # has `manage = <1>`
MANAGED = "linux1"  # has no rights
USERSPACE = linuxvm.USERSPACE
# The banner of busybox's shell, which init starts after "userspace up".
SHELL_BANNER = r"Enter 'help' for a list of built-in commands"
HEARTBEAT = re.compile(r"^heartbeat (\d+\.\d+)\s*$")
ESCAPE = "\x1d"  # Ctrl-]: the console's escape key; then ':' opens the shell

# A Linux VM of lifecycle.dts (256 MiB, `quiet`) reaches userspace in about
# 5 s under TCG from a cold start or a restart; 30 s is plenty for either.
RESTART_TIMEOUT = 30 * qemu.TIMEOUT_SCALE

# "shikiri: vm NAME: VERB" or "... VERB (CAUSE)" or "... VERB (CAUSE,
# restart N)": the hypervisor's lifecycle lines.
EVENT = re.compile(r"^vm (\S+): (restarting|stopping|stopped|started)"
                   r"(?: \(([^,)]+)(?:, restart (\d+))?\))?\s*$")


def _dts_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def derive(config, out, bootargs=None, props=None):
    """Write @out: config @config (a name or path) with words appended to
    some VMs' bootargs (@bootargs = {vm label: "words"}) and string
    properties set (@props = {vm label: {property: "value"}}).  Return
    @out.  Relative payload paths are made absolute (baremetal.with_bootargs
    does that); the properties go into a second root block, which dtc
    merges over the first."""
    config = qemu.config_path(config)
    out = Path(out)
    baremetal.with_bootargs(config, out, bootargs or {})
    props = props or {}
    if props:
        names = {vm: n for n, vm in _vm_nodes(config).items()}
        missing = set(props) - set(names)
        if missing:
            raise ValueError(f"{config}: no VM labelled {sorted(missing)}")
        lines = ["/ {"]
        for vm, values in props.items():
            lines.append(f"\t{names[vm]} {{")
            for prop, value in values.items():
                lines.append(f"\t\t{prop} = {_dts_string(value)};")
            lines.append("\t};")
        lines.append("};")
        with open(out, "a") as f:
            f.write("\n".join(lines) + "\n")
    return out


def _vm_nodes(config):
    """{node name: label} of the VMs in @config."""
    return {n.name: n.string("label") for n in fdt.compile_dts(config).children
            if "label" in n.props}


def shell(c, command, timeout=qemu.COMMAND_TIMEOUT):
    """Run @command in the hypervisor's shell and close it again; return
    the lines the shell printed for it, without their "shikiri: ".

    Ctrl-] then ':' opens the shell, an empty line closes it.  The shell
    prints no end marker, so the command goes between two unknown ones:
    their error lines bound its answer.  (The prompt line with the typed
    command cannot: a VM's line printed meanwhile cuts it in two.)  Lines
    the hypervisor logs meanwhile for other reasons, e.g. a VM restarting,
    are part of the answer.
    """
    if "\r" in command or "\n" in command:
        raise ValueError("shell takes one command line")
    tag = uuid.uuid4().hex[:8]
    begin, end = f"@begin{tag}", f"@end{tag}"
    c.send(f"{ESCAPE}:{begin}\r")
    c.expect_hv(rf"^unknown command '{begin}'", timeout)
    c.send(f"{command}\r{end}\r")
    c.expect_hv(rf"^unknown command '{end}'", timeout)
    c.send("\r")
    c.expect_hv(r"^shell closed; input goes to ", timeout)
    start = _index(c.lines, f"shikiri: unknown command '{begin}'")
    stop = _index(c.lines, f"shikiri: unknown command '{end}'", start)
    return [l[len("shikiri: "):] for l in c.lines[start + 1:stop]
            if l.startswith("shikiri: ")]


def _index(lines, head, start=0):
    """Index of the first line in @lines[@start:] that starts with @head."""
    return next(i for i in range(start, len(lines))
                if lines[i].startswith(head))


def events(c, vm, start=0):
    """[(verb, cause, restart number)] of the hypervisor's lifecycle lines
    for VM @vm from c.lines[@start:]: verb is restarting, stopping, stopped
    or started; cause None for the first start ("started" alone); the
    restart number is an int on "started (CAUSE, restart N)", else None."""
    out = []
    for line in c.lines[start:]:
        if not line.startswith("shikiri: "):
            continue
        m = EVENT.match(line[len("shikiri: "):])
        if m and m.group(1) == vm:
            n = m.group(4)
            out.append((m.group(2), m.group(3), int(n) if n else None))
    return out


# events() of a VM whose guest reset itself once and then powered off.
RESET_ONCE_THEN_OFF = [
    ("started", None, None),
    ("restarting", "guest reset", None),
    ("started", "guest reset", 1),
    ("stopping", "guest power-off", None),
    ("stopped", "guest power-off", None),
]


def wait_hv(c, pattern, since, timeout=RESTART_TIMEOUT):
    """Wait for a hypervisor line matching @pattern among c.lines[@since:]
    and what comes after; return the match.

    Unlike c.expect_hv() alone, this finds a line that arrived while the
    console waited for something else (e.g. a VM's "stopped" line that
    came before the end of a shell() command, which moved the hypervisor
    channel's cursor past it)."""
    regex = re.compile(pattern)
    for line in c.lines[since:]:
        if line.startswith("shikiri: "):
            m = regex.search(line[len("shikiri: "):])
            if m:
                return m
    return c.expect_hv(pattern, timeout)


def forget_shell(c, vm):
    """VM @vm restarted: its shell is a new one, so the next command waits
    until it answers again (qemu.Console remembers a VM whose shell
    answered once)."""
    ready = getattr(c, "_shell_ready", None)
    if ready is not None:
        ready.discard(vm)


def beats(lines, vm):
    """The uptime stamps of VM @vm's "heartbeat T" lines in @lines."""
    return [t for _, t in indexed_beats(lines, vm)]


def indexed_beats(lines, vm):
    """[(index in @lines, uptime stamp)] of VM @vm's heartbeat lines."""
    prefix = f"[{vm}] "
    out = []
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            m = HEARTBEAT.match(line[len(prefix):])
            if m:
                out.append((i, float(m.group(1))))
    return out


def spans(lines, first, then):
    """[(i, j)]: index i of each line in @lines matching regex @first and
    index j of the next one after it matching regex @then (len(@lines)
    if none does)."""
    out, start = [], None
    for i, line in enumerate(lines):
        if start is None and re.search(first, line):
            start = i
        elif start is not None and re.search(then, line):
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(lines)))
    return out


def gaps_during(indexed, windows):
    """[(gap, uptime where it starts)] between consecutive beats of
    @indexed (indexed_beats()) whose interval overlaps one of @windows
    ([(i, j)] line indices, spans()): a line printed while the window was
    open lies between the two beats."""
    out = []
    for (i, a), (j, b) in zip(indexed, indexed[1:]):
        if any(i < hi and j > lo for lo, hi in windows):
            out.append((b - a, a))
    return out


def worst_gap(stamps):
    """(largest difference between consecutive @stamps, where it starts)."""
    return max(((b - a, a) for a, b in zip(stamps, stamps[1:])),
               default=(0.0, None))


def wait_userspace(c, vm, timeout=RESTART_TIMEOUT):
    """Wait for VM @vm's next "userspace up" line; return the host's
    monotonic time when it was read."""
    c.expect_vm(vm, USERSPACE, timeout)
    return time.monotonic()


def wait_shell_banner(c, vm, timeout=RESTART_TIMEOUT):
    """Wait until VM @vm's console shell has printed its banner, i.e. the
    VM is done printing its boot.  Typing while VMs print a lot is what
    loses console input (see the report on the PL011 input race in
    docs/lifecycle.md), so the tests wait for this before they type."""
    c.expect_vm(vm, SHELL_BANNER, timeout)


def sysrq_restart(c, vm, other):
    """Reset VM @vm from inside by SysRq-b (straight to PSCI SYSTEM_RESET)
    and wait until its new life's shell is up; assert the VM @other saw no
    lifecycle event meanwhile.  Returns where in c.lines the reset began."""
    start = len(c.lines)
    c.start_in_vm(vm, "echo b > /proc/sysrq-trigger")
    wait_hv(c, rf"^vm {vm}: started \(guest reset, restart 1\)", start)
    forget_shell(c, vm)
    c.expect_vm(vm, r"^shikiri-guest: modules loaded:", RESTART_TIMEOUT)
    wait_shell_banner(c, vm)
    assert [e[0] for e in events(c, other, start)] == [], (
        f"{other} was touched by {vm}'s restart")
    return start


# --- what test_lifecycle.py and test_x86_lifecycle.py share ---------------


def boot_pair(boot, image):
    """Boot @image and wait until both VMs' shells are up; return the
    console."""
    c = boot(image)
    for vm in (MANAGER, MANAGED):
        c.expect_vm(vm, USERSPACE)
        wait_shell_banner(c, vm)
    return c


def run_status(c, vm, cmd):
    """(exit status, output) of shell command @cmd in VM @vm."""
    out = c.run_in_vm(vm, f"{cmd}; echo @rc=$?", check=False)
    lines = out.splitlines()
    m = re.fullmatch(r"@rc=(\d+)", lines[-1].strip()) if lines else None
    assert m, f"`{cmd}` in {vm}: no exit status in {out!r}"
    return int(m.group(1)), "\n".join(lines[:-1])


def ctl_list(c, vm):
    """`shikirictl list` in VM @vm: {name: (state, restarts, this VM)}
    and the lines that are not rows."""
    status, out = run_status(c, vm, "shikirictl list")
    assert status == 0, out
    rows, other = {}, []
    for line in out.splitlines()[1:]:
        m = re.fullmatch(r"(\d+)\s+(\S+)\s+(\S+)\s+(\d+)M\s+([\d.]+)s\s+"
                         r"(\d+)(  \(this VM\))?\s*", line)
        if m:
            rows[m.group(2)] = (m.group(3), int(m.group(6)),
                                bool(m.group(7)))
        else:
            other.append(line)
    return rows, other


def alive(c, vm):
    """VM @vm's shell still runs commands."""
    tag = f"alive-{vm}-{time.monotonic_ns()}"
    assert c.run_in_vm(vm, f"echo {tag}") == tag


def back_in_userspace(c, vm, cause, restart, since):
    """VM @vm was restarted for @cause (its restart number @restart), after
    c.lines[@since], and reaches its shell again."""
    wait_hv(c, rf"^vm {vm}: started \({re.escape(cause)}, restart"
               rf" {restart}\)$", since)
    c.expect_vm(vm, USERSPACE, RESTART_TIMEOUT)
    wait_shell_banner(c, vm)
    forget_shell(c, vm)
    alive(c, vm)


def list_rows(c):
    """The shell's `list`: {name: {column: value}}."""
    out = shell(c, "list")
    head = out[0].split()
    assert head == ["VM", "STATE", "CPUS", "MEMORY", "UPTIME", "RESTARTS",
                    "LAST", "CAUSE"], out
    rows = {}
    for line in out[1:]:
        m = re.fullmatch(r"(\S+)\s+(\S+)\s+(\S+)\s+(\d+)M\s+(\S+)\s+(\d+)"
                         r"\s+(.+?)\s*", line)
        assert m, f"unexpected `list` line: {line!r}"
        rows[m.group(1)] = dict(state=m.group(2), cpus=m.group(3),
                                mem=int(m.group(4)), uptime=m.group(5),
                                restarts=int(m.group(6)), cause=m.group(7))
    return rows
