# SPDX-License-Identifier: MIT
"""Helpers for the tests of communication between VMs (test_comm_shm.py,
test_comm_net.py) and for `make bench`'s rows on it (bench/comm.py): the
two-VM config, what shikiri-shm prints, and the hypervisor's counters.

    c = boot_pair(boot, image)              # both VMs at their shells
    crc = fill_crc(seed, length)            # what `shikiri-shm fill` wrote
    s = stats(c)                            # the `stats` lines, parsed
    s.shm[("linux0", "ring0")]["sent"]; s.net["linux1"]["rx"]
    s.exits["linux0"]                       # exits of all its vCPUs
    s.mmio["linux0"]                        # of which MMIO (data aborts)
"""

import re
import zlib

import lifecycle

CONFIG = "comm"  # tests/system/configs/comm.dts
VMS = ("linux0", "linux1")
ADDR = {"linux0": "10.0.0.1", "linux1": "10.0.0.2"}
INDEX = {"linux0": 0, "linux1": 1}
REGION = "ring0"       # 16 MiB, read-write in both
REGION_SIZE = 16 << 20
RO_REGION = "ro0"      # 64 KiB, read-only in linux1
RO_SIZE = 64 << 10
LAN = "lan0"

# What shikiri-shm prints (tools/shm/shikiri-shm.c).
CRC = r"crc32 (0x[0-9a-f]{8})"
PINGPONG = (r"(\d+) round trips to VM (\d+): min (\d+) us, median (\d+) us,"
            r" max (\d+) us")
INFO = (r"^(\S+): slot (\S+), (\d+) KiB (rw|ro), this VM is (\d+),"
        r" peers (0x[0-9a-f]+), driver (\S+)")
# busybox ping's summary lines.
PING_LOSS = r"(\d+) packets transmitted, (\d+) packets received"
PING_RTT = r"round-trip min/avg/max = ([\d.]+)/([\d.]+)/([\d.]+) ms"

# The hypervisor's `stats VM` lines (docs/communication.md).
EXITS_LINE = re.compile(r"^vm (\S+): exits: (.*); (\d+) interrupts injected")
SHM_LINE = re.compile(
    r"^vm (\S+): shm (\S+): slot (\S+) (rw|ro), rings sent=(\d+)"
    r" taken=(\d+) dropped=(\d+) refused=(\d+)")
NET_LINE = re.compile(
    r"^vm (\S+): net (\S+) ([0-9a-f:]{17}): tx=(\d+) rx=(\d+)"
    r" tx_dropped=(\d+) rx_dropped=(\d+) errors=(\d+) kicks=(\d+)"
    r" irqs=(\d+)")
SHM_FIELDS = ("sent", "taken", "dropped", "refused")
NET_FIELDS = ("tx", "rx", "tx_dropped", "rx_dropped", "errors", "kicks",
              "irqs")


def fill_bytes(seed, length):
    """The bytes `shikiri-shm fill NAME SEED LENGTH` writes: word i is
    SplitMix64's output for seed + (i + 1) * the golden ratio."""
    mask = (1 << 64) - 1
    out = bytearray()
    for i in range(length // 8):
        z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out += (z ^ (z >> 31)).to_bytes(8, "little")
    return bytes(out)


def fill_crc(seed, length):
    """The CRC-32 `shikiri-shm fill` and `sum` print for that pattern."""
    return f"{zlib.crc32(fill_bytes(seed, length)):#010x}"


def zero_crc(length):
    """The CRC-32 of @length zero bytes: a region as the boot left it."""
    return f"{zlib.crc32(bytes(length)):#010x}"


def boot_pair(boot, image):
    """Boot @image; return the console once both VMs are at their shells
    with their modules loaded."""
    c = boot(image)
    for vm in VMS:
        c.expect_vm(vm, r"^shikiri-guest: modules loaded:")
        lifecycle.wait_shell_banner(c, vm)
    return c


def run(c, vm, cmd, pattern, timeout=None):
    """Run @cmd in @vm; return the re.Match of @pattern on its output (a
    failure when the command fails or prints no match)."""
    kw = {} if timeout is None else {"timeout": timeout}
    out = c.run_in_vm(vm, cmd, **kw)
    m = re.search(pattern, out, re.M)
    assert m, f"`{cmd}` in {vm}: no {pattern!r} in:\n{out}"
    return m


class Stats:
    """The hypervisor's counters for every VM of the comm config."""

    def __init__(self, lines):
        self.exits, self.injected, self.shm, self.net = {}, {}, {}, {}
        self.mmio = {}
        for line in lines:
            m = EXITS_LINE.match(line)
            if m:
                self.exits[m.group(1)] = exits_total(m.group(2))
                self.injected[m.group(1)] = int(m.group(3))
                mmio = re.search(r"(\d+) mmio", m.group(2))
                self.mmio[m.group(1)] = int(mmio.group(1)) if mmio else 0
            m = SHM_LINE.match(line)
            if m:
                self.shm[(m.group(1), m.group(2))] = dict(
                    slot=m.group(3), mode=m.group(4),
                    **{k: int(v) for k, v in zip(SHM_FIELDS, m.groups()[4:])})
            m = NET_LINE.match(line)
            if m:
                self.net[m.group(1)] = dict(
                    lan=m.group(2), mac=m.group(3),
                    **{k: int(v) for k, v in zip(NET_FIELDS, m.groups()[3:])})


def exits_total(text):
    """The exits of an exits line's list ("12 mmio (3 gic), 4 wfx"):
    the top-level counts only, the parts in parentheses being in them."""
    return sum(int(n) for n in re.findall(r"(\d+) [a-z]",
                                          re.sub(r"\([^)]*\)", "", text)))


def stats(c, vms=VMS):
    """Stats of @vms from the hypervisor's shell (`stats VM` each)."""
    lines = []
    for vm in vms:
        lines += lifecycle.shell(c, f"stats {vm}")
    s = Stats(lines)
    missing = [vm for vm in vms if vm not in s.exits]
    assert not missing, f"no exits line for {missing} in:\n" + "\n".join(
        lines)
    return s


def delta(after, before, fields):
    """{field: after - before} of two counter dicts."""
    return {k: after[k] - before[k] for k in fields}

