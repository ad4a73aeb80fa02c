# SPDX-License-Identifier: MIT
"""Helpers for system tests that run bare-metal test guests
(guests/baremetal): the partition table shikiri-build explains, configs
with extra bootargs, starting a guest that waits for a key, and reading its
results.

A bare-metal guest prints one line per test and a summary:

    PASS name
    FAIL name: file:line: what went wrong
    SKIP name: why
    baremetal: N passed, N failed
"""

import re
import subprocess
from pathlib import Path

import fdt
import qemu

RESULT = re.compile(r"^(PASS|FAIL|SKIP) ([A-Za-z0-9_]+)(?:: (.*))?$")
SUMMARY = re.compile(r"^baremetal: (\d+) passed, (\d+) failed$")
WAITING = r"^baremetal: waiting for a key$"
ESCAPE = "\x1d"  # Ctrl-]: the hypervisor console's escape key


def shikiri_build(*args):
    """Run shikiri-build with @args; return its output, raise when it
    fails."""
    cmd = [str(qemu.SHIKIRI_BUILD), *[str(a) for a in args]]
    r = subprocess.run(cmd, cwd=qemu.REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n"
                           f"{r.stdout}")
    return r.stdout


def explain(config, board=("--board", "qemu-virt"), hv=None):
    """`shikiri-build --check --explain` of @config (a path): its text.
    @board: the board arguments (none for a config naming its board);
    @hv: the hypervisor binary, the Arm one by default."""
    return shikiri_build(*board, "--check", "--explain", "--hv",
                         hv or qemu.HV_BIN, config)


def line_index(lines, prefix, pattern):
    """Index of the first of @lines that starts with @prefix and whose
    rest matches @pattern; None if there is none."""
    regex = re.compile(pattern)
    for i, line in enumerate(lines):
        if line.startswith(prefix) and regex.search(line[len(prefix):]):
            return i
    return None


class Partition:
    """Where things are in physical memory, as `--explain` tells it.

    hv_image: the hypervisor's load address; hv_ram: (start, end) of the
    memory it reserves; vms: {name: index}; vm_ram: {name: [(start, end)]}
    of each VM's physical RAM.
    """

    HV = re.compile(r"^hypervisor: .*loaded at (0x[0-9a-f]+)[ ,].*"
                    r"reserved \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)", re.M)
    VM = re.compile(r"^VM (\d+) (\S+)")
    RAM = re.compile(r"^\s+RAM\s+PA \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)")

    def __init__(self, text):
        m = self.HV.search(text)
        if not m:
            raise ValueError(f"no hypervisor line in --explain:\n{text}")
        self.hv_image = int(m.group(1), 16)
        self.hv_ram = (int(m.group(2), 16), int(m.group(3), 16))
        self.vms = {}
        self.vm_ram = {}
        vm = None
        for line in text.splitlines():
            m = self.VM.match(line)
            if m:
                vm = m.group(2)
                self.vms[vm] = int(m.group(1))
                self.vm_ram[vm] = []
                continue
            m = self.RAM.match(line)
            if m and vm:
                self.vm_ram[vm].append((int(m.group(1), 16),
                                        int(m.group(2), 16)))
        if not self.vms or not all(self.vm_ram.values()):
            raise ValueError(f"no VM RAM lines in --explain:\n{text}")


def _dts_string(text):
    """@text as a DTS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ranges(pairs):
    return ",".join(f"{a:#x}-{b:#x}" for a, b in pairs)


def isolation_bootargs(part, vm):
    """What the `isolation` guest in VM @vm needs to know: every other
    VM's RAM and the hypervisor's memory (see guests/baremetal/isolation.c)."""
    others = [r for name, rs in part.vm_ram.items() if name != vm for r in rs]
    args = [f"isolation.hv_ram={_ranges([part.hv_ram])}",
            f"isolation.hv_image={part.hv_image:#x}"]
    if others:
        args.append(f"isolation.other_ram={_ranges(others)}")
    return " ".join(args)


def with_bootargs(config, out, extra):
    """Write @out, a config that is @config (a path) with words appended to
    the bootargs of some VMs: @extra = {vm label: "words"}.  Return @out.

    The new file includes the original and overrides properties, so
    relative payload paths are made absolute (they are relative to the
    config file's directory).
    """
    config = Path(config).resolve()
    tree = fdt.compile_dts(config)
    lines = ["/dts-v1/;", f"/include/ {_dts_string(str(config))}", "/ {"]
    done = set()
    for node in tree.children:
        if "label" not in node.props:
            continue
        label = node.string("label")
        lines.append(f"\t{node.name} {{")
        for prop in ("kernel", "initrd"):
            if prop in node.props:
                path = (config.parent / node.string(prop)).resolve()
                lines.append(f"\t\t{prop} = {_dts_string(str(path))};")
        if label in extra:
            old = node.string("bootargs") if "bootargs" in node.props else ""
            new = f"{old} {extra[label]}".strip()
            lines.append(f"\t\tbootargs = {_dts_string(new)};")
            done.add(label)
        lines.append("\t};")
    lines.append("};")
    missing = set(extra) - done
    if missing:
        raise ValueError(f"{config}: no VM labelled {sorted(missing)}")
    out = Path(out)
    out.write_text("\n".join(lines) + "\n")
    return out


def start_key(console, vm_index, back_to):
    """Type a key into VM number @vm_index and give the input focus back to
    VM number @back_to, in one write: the guest waits for the key (bootarg
    baremetal.start=key) and pauses after it, so its output starts once the
    focus has moved on."""
    console.send(f"{ESCAPE}{vm_index}g{ESCAPE}{back_to}")


class Report:
    """What a bare-metal guest printed: results {name: (status, detail)}
    in order, and its summary (passed, failed), None if it never came."""

    def __init__(self, lines):
        self.results = {}
        self.summary = None
        self.stray = []
        for line in lines:
            line = line.rstrip()
            m = RESULT.match(line)
            if m:
                if m.group(2) in self.results:
                    self.stray.append(f"reported twice: {line}")
                self.results[m.group(2)] = (m.group(1), m.group(3) or "")
                continue
            m = SUMMARY.match(line)
            if m:
                self.summary = (int(m.group(1)), int(m.group(2)))
            elif not line.startswith("baremetal: "):
                self.stray.append(line)

    def with_status(self, status):
        """{name: detail} of the tests that ended with @status."""
        return {n: d for n, (s, d) in self.results.items() if s == status}
