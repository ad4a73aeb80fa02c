# SPDX-License-Identifier: MIT
"""Shared regions and the virtual LAN under attack: the bare-metal
`commprobe` guest (guests/baremetal/commprobe.c, comm/*.c) shares two
regions and lan0 with a Linux VM and attacks both devices; a third VM
(`commprobe` too) has neither and looks for the others' devices and
regions (tests/system/configs/comm-isolation.dts).

One QEMU run, seen from several sides: boot; linux0 writes a word into
both regions; the outsider probes; then the probe runs its checks and
attacks and ends serving pings; linux0 pings it, the hypervisor's `stats`
are read while every VM still runs, linux0 rings the probe's doorbell,
the probe ends, and linux0 checks the pattern the probe left in ring0.
"""

import random
import re
import string
import zlib
from dataclasses import dataclass

import pytest

import baremetal
import comm
import lifecycle
import linuxvm
import qemu

CONFIG = "comm-isolation"
LINUX, PROBE, OUTSIDER = "linux0", "probe", "outsider"
VMS = (LINUX, PROBE, OUTSIDER)
REGIONS = ("ring0", "ro0")
RW, RO = REGIONS
PROBE_IP = "10.0.0.2"
PEER_WORD_OFFSET = 0x8000  # where linux0 writes its word (commprobe.c)
# commprobe.c's pattern in the first 32 KiB of ring0.
PATTERN_SEED = 0x636F6D6D70726F62
PATTERN_MUL = 0x9E3779B97F4A7C15
PATTERN_BYTES = 0x8000
PROBE_TIMEOUT = 180 * qemu.TIMEOUT_SCALE
OUTSIDER_TIMEOUT = 60 * qemu.TIMEOUT_SCALE
LOG = qemu.LOG_DIR / "test_comm_isolation.log"

# Tests of the other role skip themselves: these are each role's.
OUTSIDER_TESTS = {"outsider_has_no_bus_and_no_network",
                  "outsider_finds_nothing_at_the_members_devices",
                  "region_physical_memory_is_unreachable"}
ATTACK = re.compile(r"^baremetal: attack (\w+): (\S+)$")
RACE = re.compile(r"^baremetal: race: notified=(\d+) needs-reset=(\d+)"
                  r" used=(\d+) rewrites=(\d+)$")
RINGS = re.compile(r"^baremetal: shm (\S+) rings self=(\d+) peer=(\d+)"
                   r" all=(\d+) refused=(\d+)$")
FUNCTION = re.compile(
    r"^baremetal: shm (\S+) at 00:([0-9a-f]{2})\.0 regs (0x[0-9a-f]+)"
    r" bar2 (0x[0-9a-f]+) size (0x[0-9a-f]+) intid (\d+) self (\d+)"
    r" peers (0x[0-9a-f]+) (rw|ro)$")
MAC = re.compile(r"^baremetal: net mac ([0-9a-f:]{17})$")
SERVING = r"^baremetal: serving pings until rung$"


class Layout:
    """What `shikiri-build --explain` says of the regions and devices:
    regions {name: (pa, end)}, view {(vm, region): dict(ipa, mode, regs,
    intid, slot)}, ecam {vm: ipa}, net {vm: dict(lan, mac, ipa, intid)}."""

    REGION = re.compile(r"^shm \d+ (\S+)\s+PA \[(0x[0-9a-f]+),"
                        r" (0x[0-9a-f]+)\)")
    VIEW = re.compile(r"^    (\S+)\s+IPA (0x[0-9a-f]+) (rw|ro), registers"
                      r" (0x[0-9a-f]+), doorbell INTID (\d+), PCI"
                      r" 00:([0-9a-f]{2})\.0")
    VM = re.compile(r"^VM (\d+) (\S+)")
    ECAM = re.compile(r"^    PCI bus\s+virtual, ECAM (0x[0-9a-f]+)")
    NET = re.compile(r"^    network\s+(\S+), MAC ([0-9a-f:]{17}),"
                     r" virtio-mmio at IPA (0x[0-9a-f]+), INTID (\d+)")

    def __init__(self, text):
        self.regions, self.view, self.ecam, self.net = {}, {}, {}, {}
        region = vm = None
        for line in text.splitlines():
            m = self.REGION.match(line)
            if m:
                region = m.group(1)
                self.regions[region] = (int(m.group(2), 16),
                                        int(m.group(3), 16))
                continue
            m = self.VM.match(line)
            if m:
                vm, region = m.group(2), None
                continue
            m = self.VIEW.match(line)
            if m and region:
                self.view[(m.group(1), region)] = dict(
                    ipa=int(m.group(2), 16), mode=m.group(3),
                    regs=int(m.group(4), 16), intid=int(m.group(5)),
                    slot=int(m.group(6), 16))
                continue
            m = self.ECAM.match(line)
            if m and vm:
                self.ecam[vm] = int(m.group(1), 16)
                continue
            m = self.NET.match(line)
            if m and vm:
                self.net[vm] = dict(lan=m.group(1), mac=m.group(2),
                                    ipa=int(m.group(3), 16),
                                    intid=int(m.group(4)))
        if set(self.regions) != set(REGIONS) or not self.net:
            raise ValueError(f"no regions or network in --explain:\n{text}")

    def size(self, region):
        pa, end = self.regions[region]
        return end - pa

    def devices(self, vm):
        """[(start, end)] of VM @vm's ECAM, BARs and virtio page (IPAs)."""
        out = []
        if vm in self.ecam:
            out.append((self.ecam[vm], self.ecam[vm] + (1 << 20)))
        for (v, region), d in self.view.items():
            if v == vm:
                out.append((d["regs"], d["regs"] + 0x1000))
                out.append((d["ipa"], d["ipa"] + self.size(region)))
        if vm in self.net:
            out.append((self.net[vm]["ipa"], self.net[vm]["ipa"] + 0x1000))
        return out


def _ranges(pairs):
    return ",".join(f"{a:#x}-{b:#x}" for a, b in pairs)


def _bootargs(part, lay, word):
    regions = _ranges(lay.regions.values())
    others = [r for vm in (LINUX, OUTSIDER) for r in part.vm_ram[vm]]
    # The members see their devices at the same IPAs: each range once.
    members = sorted({r for vm in (LINUX, PROBE) for r in lay.devices(vm)})
    return {
        PROBE: (f"commprobe.outsider={part.vms[OUTSIDER]}"
                f" commprobe.shm_pa={regions}"
                f" commprobe.hv_pa={_ranges([part.hv_ram])}"
                f" commprobe.other_ram={_ranges(others)}"
                f" commprobe.word={word:#x}"),
        OUTSIDER: (f"commprobe.shm_pa={regions}"
                   f" commprobe.foreign={_ranges(members)}"),
    }


def _build(tmp, word):
    """The image with the guests told where everything is; building again
    with those bootargs must not move anything."""
    config = qemu.config_path(CONFIG)
    text = baremetal.explain(config)
    part, lay = baremetal.Partition(text), Layout(text)
    gen = tmp / f"{CONFIG}.dts"
    for _ in range(3):
        baremetal.with_bootargs(config, gen, _bootargs(part, lay, word))
        text = baremetal.explain(gen)
        p2, l2 = baremetal.Partition(text), Layout(text)
        if vars(p2) == vars(part) and vars(l2) == vars(lay):
            return qemu.build_image(gen, tmp), part, lay
        part, lay = p2, l2
    raise RuntimeError(f"{gen}: the layout keeps moving")


def pattern_crc():
    """CRC-32 of what commprobe.c writes in ring0's first 64 KiB."""
    mask = (1 << 64) - 1
    data = b"".join(((PATTERN_SEED ^ (i * PATTERN_MUL)) & mask)
                    .to_bytes(8, "little")
                    for i in range(PATTERN_BYTES // 8))
    return f"{zlib.crc32(data):#010x}"


def uio_irqs(c):
    """Doorbell interrupts linux0 took, all CPUs and regions."""
    out = c.run_in_vm(LINUX, "grep uio_pci_generic /proc/interrupts")
    rows = re.findall(r"^\s*\d+:((?:\s+\d+)+)\s", out, re.M)
    assert rows, f"no uio_pci_generic interrupt in linux0:\n{out}"
    return sum(int(n) for row in rows for n in row.split())


@dataclass
class Run:
    lay: Layout
    part: baremetal.Partition
    probe: baremetal.Report
    outsider: baremetal.Report
    probe_lines: list
    stats: comm.Stats       # while every VM ran, after linux0's pings
    ping: str               # linux0's ping of the probe
    linux_crc: str          # linux0's CRC of the probe's pattern
    linux_errors: str       # linux0's eth0 error counters
    linux_irqs: tuple       # linux0's doorbell interrupts before, after
    linux_rung_by: int      # RUNG_BY as linux0's `shikiri-shm wait` saw it
    last: comm.Stats        # linux0's, after its ring to the stopped probe
    hv_lines: list
    alive: bool


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    text = "".join(random.choice(string.ascii_lowercase) for _ in range(4))
    word = int.from_bytes(text.encode(), "little")
    image, part, lay = _build(tmp_path_factory.mktemp("comm-iso"), word)
    c = qemu.boot(image, LOG)
    try:
        c.expect_vm(PROBE, baremetal.WAITING)
        c.expect_vm(OUTSIDER, baremetal.WAITING)
        c.expect_vm(LINUX, linuxvm.USERSPACE)
        lifecycle.wait_shell_banner(c, LINUX)
        # linux0's word at 64 KiB of both regions, for the probe to read.
        c.run_in_vm(LINUX, f"echo -n {text} > /tmp/w && " + " && ".join(
            f"shikiri-shm copy-in {r} /tmp/w {PEER_WORD_OFFSET}"
            for r in REGIONS))

        baremetal.start_key(c, part.vms[OUTSIDER], part.vms[LINUX])
        c.expect_hv(rf"^console: input goes to {LINUX}$",
                    qemu.COMMAND_TIMEOUT)
        c.expect_vm(OUTSIDER, baremetal.SUMMARY.pattern, OUTSIDER_TIMEOUT)

        # linux0 waits for the doorbell: its interrupt unmasked, once.
        irqs = [uio_irqs(c)]
        c.run_in_vm(LINUX, f"shikiri-shm wait {RW} 600000 &")
        baremetal.start_key(c, part.vms[PROBE], part.vms[LINUX])
        c.expect_hv(rf"^console: input goes to {LINUX}$",
                    qemu.COMMAND_TIMEOUT)
        c.expect_vm(PROBE, SERVING, PROBE_TIMEOUT)
        rung = c.expect_vm(LINUX, rf"^{RW}: rung by (0x[0-9a-f]+)",
                           qemu.COMMAND_TIMEOUT)
        ping = c.run_in_vm(LINUX, f"ping -c 3 -W 5 {PROBE_IP}",
                           check=False)
        stats = comm.stats(c, VMS)
        irqs.append(uio_irqs(c))
        c.run_in_vm(LINUX, f"shikiri-shm ring {RW} {part.vms[PROBE]}")
        c.expect_vm(PROBE, baremetal.SUMMARY.pattern, qemu.COMMAND_TIMEOUT)
        c.expect_hv(rf"^vm {PROBE}: stopped", qemu.COMMAND_TIMEOUT)
        crc = c.run_in_vm(LINUX, f"shikiri-shm sum {RW} 0 {PATTERN_BYTES}")
        errors = c.run_in_vm(
            LINUX, "cat /sys/class/net/eth0/statistics/rx_errors"
                   " /sys/class/net/eth0/statistics/tx_errors")
        # The probe is stopped now: a ring to it is dropped, and counted.
        c.run_in_vm(LINUX, f"shikiri-shm ring {RW} {part.vms[PROBE]}")
        last = comm.stats(c, (LINUX,))
        yield Run(lay, part, baremetal.Report(c.vm_lines(PROBE)),
                  baremetal.Report(c.vm_lines(OUTSIDER)),
                  c.vm_lines(PROBE), stats, ping, crc, errors, tuple(irqs),
                  int(rung.group(1), 16), last,
                  [l for l in c.lines if l.startswith("shikiri: ")],
                  c.alive)
    finally:
        c.close()


@pytest.fixture(autouse=True)
def _logs(request):
    """Name the shared console log in a failing test's report."""
    request.node.shikiri_logs = [LOG]


def _check_report(r, vm, own):
    """@vm's report: no failure, a summary that agrees, its own tests
    (@own: a set, or None for all but the outsider's) passed, the others
    skipped."""
    failed = r.with_status("FAIL")
    assert not failed, f"{vm}: probes failed:\n" + "\n".join(
        f"  {n}: {d}" for n, d in failed.items())
    assert not r.stray, f"unexpected lines from {vm}: {r.stray}"
    assert r.summary, f"{vm} printed no 'baremetal: N passed, N failed'"
    passed = set(r.with_status("PASS"))
    assert r.summary == (len(passed), 0)
    mine = own if own is not None else set(r.results) - (
        OUTSIDER_TESTS - {"region_physical_memory_is_unreachable"})
    skipped = {n: d for n, d in r.with_status("SKIP").items() if n in mine}
    assert not skipped, f"{vm}: its probes skipped: {skipped}"
    assert mine <= passed, f"{vm}: not passed: {sorted(mine - passed)}"
    return passed


def test_every_probe_passes(run):
    """The member's checks and attacks all pass (none skipped), the
    outsider's too; each skips only the other role's."""
    passed = _check_report(run.probe, PROBE, None)
    assert len(passed) >= 50, sorted(passed)
    _check_report(run.outsider, OUTSIDER, OUTSIDER_TESTS)


def test_probe_sees_its_functions_where_the_plan_puts_them(run):
    """Each function the probe found on its bus (slot, BAR 0, BAR 2, size,
    INTID, mode) is what --explain says, and IV_POSITION and PEERS name
    the VMs of the config."""
    seen = {m.group(1): m for m in map(FUNCTION.match, run.probe_lines) if m}
    assert set(seen) == set(REGIONS), run.probe_lines
    peers = (1 << run.part.vms[LINUX]) | (1 << run.part.vms[PROBE])
    for region, m in seen.items():
        want = run.lay.view[(PROBE, region)]
        assert int(m.group(2), 16) == want["slot"]
        assert int(m.group(3), 16) == want["regs"]
        assert int(m.group(4), 16) == want["ipa"]
        assert int(m.group(5), 16) == run.lay.size(region)
        assert int(m.group(6)) == want["intid"]
        assert int(m.group(7)) == run.part.vms[PROBE]
        assert int(m.group(8), 16) == peers
        assert m.group(9) == want["mode"] == ("ro" if region == RO else "rw")
    macs = [m.group(1) for m in map(MAC.match, run.probe_lines) if m]
    assert macs == [run.lay.net[PROBE]["mac"]]


def test_doorbells_are_counted_as_rung(run):
    """The hypervisor counted exactly the probe's rings: to itself and to
    linux0 sent and taken, the forbidden ones refused, nothing dropped."""
    m = next(filter(None, map(RINGS.match, run.probe_lines)), None)
    assert m and m.group(1) == RW, run.probe_lines
    own, peer, every, refused = (int(m.group(i)) for i in range(2, 6))
    probe = run.stats.shm[(PROBE, RW)]
    linux = run.stats.shm[(LINUX, RW)]
    # PEER_ALL rings the one other member, linux0.
    assert probe["sent"] == own + peer + every, probe
    assert probe["taken"] == own, probe
    assert probe["refused"] == refused and refused >= 8, probe
    assert probe["dropped"] == 0, probe
    assert linux["taken"] == peer + every and linux["refused"] == 0, linux
    assert (OUTSIDER, RW) not in run.stats.shm


def test_a_flood_of_rings_is_one_interrupt(run):
    """linux0 waited for its doorbell (`shikiri-shm wait`, which unmasks
    it, and once rung acknowledges and unmasks once more before it ends);
    the probe rang it thousands of times, every ring taken into its
    status, and linux0 took one interrupt, two at most (one per
    acknowledgement, plus the first), for them all; the wait saw the
    probe ring."""
    m = next(filter(None, map(RINGS.match, run.probe_lines)), None)
    assert m and int(m.group(3)) >= 10000, run.probe_lines
    assert run.stats.shm[(LINUX, RW)]["taken"] >= 10000
    before, after = run.linux_irqs
    assert 1 <= after - before <= 2, run.linux_irqs
    assert run.linux_rung_by == 1 << run.part.vms[PROBE]


def test_rings_to_the_stopped_probe_are_dropped(run):
    """linux0 rang the probe once while it ran (it ended the probe's last
    test) and once after it stopped: that ring is dropped and counted, not
    sent."""
    before, after = run.stats.shm[(LINUX, RW)], run.last.shm[(LINUX, RW)]
    assert before["sent"] == 0 and before["dropped"] == 0, before
    assert after["sent"] == 1 and after["dropped"] == 1, after
    assert after["refused"] == 0, after


def test_attacks_end_in_reset_or_drop_and_are_counted(run):
    """Every attack ended in NEEDS_RESET, a drop or a refused ring; the
    probe's counters hold them: each error is a NEEDS_RESET it saw, every
    descriptor attack that reset is an error, every dropped frame a
    tx_dropped."""
    outcomes = {}
    for m in map(ATTACK.match, run.probe_lines):
        if m:
            outcomes[m.group(1)] = m.group(2)
    assert len(outcomes) >= 30, outcomes
    bad = {n: o for n, o in outcomes.items()
           if o not in ("needs-reset", "dropped", "refused")
           and n != "receive_buffer_smaller_than_the_header"}
    assert not bad, bad
    race = next(filter(None, map(RACE.match, run.probe_lines)), None)
    assert race, "no race line"
    resets = [n for n, o in outcomes.items() if o == "needs-reset"]
    descriptor = [n for n in resets
                  if not n.startswith(("ring_", "queue_size_"))]
    all_resets = len(resets) + int(race.group(2)) + 1
    net = run.stats.net[PROBE]
    assert len(descriptor) <= net["errors"] <= all_resets, (net, outcomes)
    dropped = [n for n, o in outcomes.items() if o == "dropped"]
    assert "spoofed_source_mac" in dropped
    assert net["tx_dropped"] >= len(dropped), (net, dropped)


def test_linux_peer_is_unharmed(run):
    """After the attacks linux0 pings the probe without loss, its device
    counted no error, and Linux saw none on eth0."""
    m = re.search(comm.PING_LOSS, run.ping)
    assert m and m.group(1) == m.group(2) == "3", run.ping
    net = run.stats.net[LINUX]
    assert net["errors"] == 0, net
    assert net["rx"] > 0 and net["tx"] > 0, net
    assert run.linux_errors.split() == ["0", "0"], run.linux_errors


def test_shared_data_crosses_both_ways(run):
    """linux0 reads the pattern the probe wrote in ring0 (the probe read
    linux0's word in both regions: shm_region_reads_back_... and
    shm_read_only_region_aborts_stores passed)."""
    m = re.search(comm.CRC, run.linux_crc)
    assert m and m.group(1) == pattern_crc(), run.linux_crc


def test_outsider_has_no_device_and_nothing_counted(run):
    """The hypervisor gives the outsider no function and no port."""
    assert not [k for k in run.stats.shm if k[0] == OUTSIDER]
    assert OUTSIDER not in run.stats.net
    assert OUTSIDER not in run.lay.net and OUTSIDER not in run.lay.ecam


def test_only_the_probes_stopped(run):
    """Two guests ended (each switches itself off), nothing else did:
    no VM restarted or faulted out, the hypervisor and QEMU run on."""
    stops = [l for l in run.hv_lines
             if re.match(r"shikiri: vm \S+: stopped", l)]
    assert sorted(l.split()[2].rstrip(":") for l in stops) == sorted(
        [PROBE, OUTSIDER]), stops
    assert not [l for l in run.hv_lines
                if re.search(r": restarting|: started \(.*restart [1-9]"
                             r"|panic|powering off", l)], run.hv_lines
    assert run.alive, "QEMU exited"
