# SPDX-License-Identifier: MIT
"""PCIe passthrough on Arm, with device DMA confined by the SMMUv3 (issue
13, docs/pci.md), on QEMU virt with `iommu=smmuv3` (board qemu-virt-smmu)
and tests/system/configs/arm-pci.dts:

    00:02.0  virtio-blk-pci   linux1 (Debian's virtio_pci, virtio_blk)
    00:03.0  virtio-net-pci   linux1 (virtio_net, QEMU's user network)
    00:04.0  edu              dma (guests/baremetal/dmaprobe.c)

test_native_functions boots linux1's kernel and initramfs on the same
machine without the hypervisor: every check the other tests make of
linux1 passes there, so a failure under shikiri is shikiri's.
test_linux_owns_disk_and_nic: linux1 drives both functions (a pattern
written to the disk and read back from the device, a DHCP lease and
pings of the gateway), linux0 sees none of them, and after linux1 resets
itself in the middle of writing the disk its new kernel drives both
again.  test_dma_confined: the bare-metal guest makes edu DMA within its
RAM (works), then to the physical address of its own page and from
linux0's RAM (both outside its guest-physical RAM): the SMMU aborts each,
the hypervisor logs it as that VM's DMA fault and restarts the VM (its
on-fault policy), after which edu works again; linux0 and linux1 are
untouched throughout.
"""

import re
import time
from pathlib import Path

import pytest

import baremetal
import lifecycle
import pcimachine as pm
import qemu

CONFIG = "arm-pci"  # tests/system/configs/arm-pci.dts
LINUX0, LINUX1, DMA = "linux0", "linux1", "dma"
DISK, NIC, EDU = "0000:00:02.0", "0000:00:03.0", "0000:00:04.0"
# Each function's vendor:device and the driver that binds it, as /sys
# names them (pcitest ls): modern virtio-blk and virtio-net (1af4:1040 +
# the virtio device ID), edu without a driver.
FUNCTIONS = {DISK: ("1af4:1042", "virtio-pci"),
             NIC: ("1af4:1041", "virtio-pci")}
EDU_ID = "1234:11e8"
HOST_BRIDGE = "0000:00:00.0"  # a VM that owns functions may see one
# The QEMU options of board qemu-virt-smmu that add the three functions
# (the disk's drive comes with IMAGE.qemu, naming IMAGE.disk).  A virtio
# device's DMA goes through the SMMU only with iommu_platform=on: without
# it QEMU's virtio takes the guest's addresses for physical ones, untranslated.
DEVICES = ["-device", "virtio-blk-pci,disable-legacy=on,iommu_platform=on,"
           "addr=02.0,drive=blk0",
           "-device", "virtio-net-pci,disable-legacy=on,iommu_platform=on,"
           "addr=03.0,netdev=n0",
           "-netdev", "user,id=n0",
           "-device", "edu,addr=04.0,dma_mask=0xffffffffffffffff"]
MACHINE = "virt,virtualization=on,gic-version=3,iommu=smmuv3"
MODULES = r"^shikiri-guest: modules loaded:(.*)$"
WANT_MODULES = {"virtio_pci", "virtio_blk", "virtio_net"}
LEASE = r"shikiri-guest: eth0 leased (\d+\.\d+\.\d+\.\d+) by DHCP$"
# linux0's heartbeat may pause no longer than this (its uptime, s).
MAX_GAP = 3.0
FAULT = (r"^vm {vm}: DMA fault: device {bdf} at IPA (0x[0-9a-f]+)"
         r" \(([^)]*)\), on-fault (\w+)(?:; .*)?$")
PAGE = 4096
DISK_SIZE = 64 << 20  # what the tool makes IMAGE.disk


def _disk_path(args):
    """The disk image IMAGE.qemu attaches (-drive ...,file=PATH)."""
    files = [m.group(1) for a in args
             for m in [re.search(r"(?:^|,)file=([^,]+)", a)] if m]
    assert len(files) == 1, f"disk images in the QEMU options: {files}"
    return Path(files[0])


def _contains(args, seq):
    n = len(seq)
    return any(args[i:i + n] == seq for i in range(len(args) - n + 1))


class Setup:
    """The built image of CONFIG (with dma's attack addresses in its
    bootargs), the partition --explain gives it, and its disk."""

    def __init__(self, tmp_path):
        config = qemu.config_path(CONFIG)
        part = baremetal.Partition(baremetal.explain(config, board=()))
        self.dma_ram = part.vm_ram[DMA]
        self.linux0_ram = part.vm_ram[LINUX0]
        args = (f"dmaprobe.ram_pa={self.dma_ram[0][0]:#x}"
                f" dmaprobe.foreign={self.linux0_ram[0][0]:#x}")
        derived = baremetal.with_bootargs(config, tmp_path / "arm-pci.dts",
                                          {DMA: args})
        self.image = qemu.build_image(derived, tmp_path)
        qargs = self.image.qemu_args()
        for i in range(0, len(DEVICES), 2):
            assert _contains(qargs, DEVICES[i:i + 2]), (
                f"{self.image.qemu_path} lacks {DEVICES[i:i + 2]}: {qargs}")
        disk = _disk_path(qargs)
        assert disk.stat().st_size == DISK_SIZE, (
            f"{disk}: {disk.stat().st_size} bytes, want {DISK_SIZE}")
        self.disks = pm.Disks({DISK: disk})
        self.index = {vm: i for i, (vm, _) in enumerate(self.image.vms())}


@pytest.fixture
def setup(tmp_path):
    for path in (qemu.CACHE / "Image",
                 qemu.REPO / "build" / "guest" / "initramfs.cpio.gz",
                 qemu.REPO / "build" / "guests" / "dmaprobe.Image"):
        if not path.is_file():
            pytest.fail(f"missing {path} (scripts/setup, make)",
                        pytrace=False)
    try:
        return Setup(tmp_path)
    except (FileNotFoundError, RuntimeError, ValueError) as e:
        pytest.fail(f"{CONFIG} does not build: {e}", pytrace=False)


def _wait_linux1(c, timeout=qemu.BOOT_TIMEOUT):
    """linux1 reached userspace, loaded its drivers and leased eth0 an
    address by DHCP (init, shikiri.dhcp=eth0); returns the address."""
    c.expect_vm(LINUX1, lifecycle.USERSPACE, timeout)
    since = len(c.lines)
    loaded = set(c.expect_vm(LINUX1, MODULES, timeout).group(1).split())
    assert WANT_MODULES <= loaded, (
        f"{LINUX1} did not load {WANT_MODULES - loaded}")
    lifecycle.wait_shell_banner(c, LINUX1, timeout)
    lifecycle.forget_shell(c, LINUX1)
    return _lease(c, LINUX1, since)


def _lease(c, vm, since):
    """The address init's DHCP leased eth0 in VM @vm, from its line after
    c.lines[@since]: it comes in the background, before or after the
    shell's banner (or in the middle of its prompt)."""
    prefix = f"[{vm}] " if c.prefixed else ""
    for line in c.lines[since:]:
        m = re.search(LEASE, line) if line.startswith(prefix) else None
        if m:
            return m.group(1)
    return c.expect_vm(vm, LEASE, 60 * qemu.TIMEOUT_SCALE).group(1)


def _check_functions(c, vm, edu=False):
    """VM @vm sees linux1's two functions (and edu with @edu), each as
    FUNCTIONS says, bound to its driver."""
    seen = pm.functions(c, vm)
    want = dict(FUNCTIONS)
    if edu:
        want[EDU] = (EDU_ID, "-")
    assert set(seen) - {HOST_BRIDGE} == set(want), (
        f"{vm} sees {sorted(seen)}, want {sorted(want)}")
    for bdf, w in want.items():
        assert seen[bdf] == w, f"{vm}: {bdf} is {seen[bdf]}, want {w}"


def _nic(c, vm):
    """The network interface of the virtio-net function in VM @vm (its
    virtio device's, under the PCI function in /sys)."""
    names = pm.run(c, vm, f"ls /sys/bus/pci/devices/{NIC}/virtio*/net").split()
    assert len(names) == 1, f"{vm}: interfaces of {NIC}: {names}"
    return names[0]


def _read_rate(c, vm, dev, mib=48):
    """MiB/s at which VM @vm reads @mib MiB of disk @dev from the device
    (O_DIRECT: no page cache), by the VM's uptime: a figure, not a check."""
    out = pm.run(c, vm, f"pcitest rate {dev} {mib}", 120 * qemu.TIMEOUT_SCALE)
    m = re.search(r"^(\d+) (\d+\.\d+) (\d+\.\d+)$", out, re.M)
    assert m, f"{vm}: pcitest rate {dev}: {out!r}"
    return int(m.group(1)) / max(float(m.group(3)) - float(m.group(2)), 0.01)


def _interrupts(c, vm):
    """{bdf: (kind, count)}: how each of linux1's functions interrupts VM
    @vm (msix, msi or intx) and how often it has; each has."""
    rows = pm.irq_counts(c, vm)
    out = {}
    for bdf in FUNCTIONS:
        kinds = pm.msi_kinds(c, vm, bdf)
        if kinds:
            kind = sorted(set(kinds.values()))[0]
            count = sum(rows[i][3] for i in kinds if i in rows)
        else:
            irq = int(pm.run(c, vm, f"cat /sys/bus/pci/devices/{bdf}/irq"))
            kind, count = "intx", rows.get(irq, (0, 0, 0, 0))[3]
        assert count > 0, f"{vm}: {bdf} never interrupted ({kind})"
        out[bdf[len("0000:"):]] = (kind, count)
    return out


def test_native_functions(boot_native, tmp_path):
    """linux1's kernel and initramfs straight on the machine: virtio_pci
    binds both virtio functions, the disk reads the host's pattern and
    keeps what it writes, init's DHCP (`shikiri.dhcp` alone: every
    interface) leases eth0 an address and the gateway answers; edu is
    there without a driver."""
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(DISK_SIZE)
    disks = pm.Disks({DISK: disk})
    c = boot_native(
        "-M", MACHINE, *DEVICES,
        "-drive", f"if=none,id=blk0,format=raw,file={disks.disks[DISK]}",
        "-append", "console=ttyAMA0 quiet shikiri.dhcp")
    guest = "guest"  # natively the one console has no VM prefix
    loaded = set(c.expect_vm(guest, MODULES).group(1).split())
    assert WANT_MODULES <= loaded, WANT_MODULES - loaded
    addr = _lease(c, guest, 0)
    _check_functions(c, guest, edu=True)
    dev = pm.check_disk(c, guest, disks, DISK)
    pm.check_ping(c, guest)
    assert _nic(c, guest) == "eth0"
    kinds = _interrupts(c, guest)
    assert {k for k, _ in kinds.values()} == {"msix"}, kinds
    rate = _read_rate(c, guest, dev)
    print(f"\nnative: {dev} {addr}, interrupts {kinds}; reads {rate:.0f}"
          " MiB/s")


def _heartbeat(c):
    """linux0 never restarted and its heartbeat never stalled for more
    than MAX_GAP; returns the worst gap."""
    assert lifecycle.events(c, LINUX0) == [("started", None, None)], (
        lifecycle.events(c, LINUX0))
    stamps = lifecycle.beats(c.lines, LINUX0)
    assert len(stamps) > 3, f"{LINUX0} beat {len(stamps)} times"
    gap, at = lifecycle.worst_gap(stamps)
    assert gap <= MAX_GAP, (
        f"{LINUX0}'s heartbeat stalled {gap:.2f} s at uptime {at}")
    lifecycle.alive(c, LINUX0)
    return gap


def _start_churn(c, disks, dev):
    """Write linux1's disk over and over in the background; return once
    the host sees the writes land."""
    before = disks.image_span(DISK)
    c.run_in_vm(LINUX1, f"pcitest churn {dev} {pm.SPAN} & sleep 1")
    deadline = time.monotonic() + qemu.COMMAND_TIMEOUT
    while disks.image_span(DISK) == before:
        assert time.monotonic() < deadline, (
            f"{LINUX1}'s background writes do not reach the disk")
        time.sleep(0.2)


def test_linux_owns_disk_and_nic(boot, setup):
    """linux1 drives its disk and NIC with Debian's drivers; linux0 sees
    no PCI function; linux1 reset by itself (SysRq-b, no device shutdown)
    while writing the disk comes back and drives both again."""
    s = setup
    t0 = time.monotonic()
    c = boot(s.image)
    addr = _wait_linux1(c)
    boot_s = time.monotonic() - t0
    _check_functions(c, LINUX1)
    assert _nic(c, LINUX1) == "eth0"
    other = pm.addresses(c, LINUX0)
    assert set(other) <= {HOST_BRIDGE}, (
        f"{LINUX0} owns no PCI function and sees {sorted(other)}")
    dev = pm.check_disk(c, LINUX1, s.disks, DISK)
    pm.check_ping(c, LINUX1)
    kinds = _interrupts(c, LINUX1)
    # MSI-X through the ITS, as natively: a silent fall back to INTx (no
    # MSI controller in the guest's DT, or MSI-X refused) is a failure.
    assert {k for k, _ in kinds.values()} == {"msix"}, kinds
    rate = _read_rate(c, LINUX1, dev)

    # The reset in the middle of disk I/O: SysRq-b goes straight to PSCI
    # SYSTEM_RESET, with the device busy (no driver shutdown first).
    _start_churn(c, s.disks, dev)
    mark = len(c.lines)
    c.start_in_vm(LINUX1, "echo b > /proc/sysrq-trigger")
    lifecycle.wait_hv(c, rf"^vm {LINUX1}: started \(guest reset,"
                         r" restart 1\)$", mark)
    t0 = time.monotonic()
    addr2 = _wait_linux1(c, lifecycle.RESTART_TIMEOUT * 2)
    back_s = time.monotonic() - t0
    _check_functions(c, LINUX1)
    dev = pm.wait_disk(c, LINUX1, DISK)
    assert pm.span_sha(c, LINUX1, dev) == s.disks.image_span(DISK), (
        f"{LINUX1} after its reset: {dev} does not read what the disk"
        " holds")
    s.disks.patterns[DISK] = s.disks.image_span(DISK)
    pm.check_disk(c, LINUX1, s.disks, DISK)
    pm.check_ping(c, LINUX1)
    gap = _heartbeat(c)
    print(f"\narm pci: {dev} {addr} (again {addr2}), interrupts {kinds};"
          f" reads {rate:.0f} MiB/s;"
          f" linux1 from power-on to its shell {boot_s:.1f} s, after the reset"
          f" {back_s:.1f} s; linux0 worst heartbeat gap {gap:.2f} s")


def _report(c, since):
    """dmaprobe's results since c.lines[@since]: {test: (status, detail)}."""
    prefix = f"[{DMA}] "
    return baremetal.Report(l[len(prefix):] for l in c.lines[since:]
                            if l.startswith(prefix)).results


def _probe_ready(c, since, timeout=qemu.BOOT_TIMEOUT):
    """dmaprobe (re)started, found edu and moved a page through it within
    its RAM, and waits for the key of its attack."""
    c.expect_vm(DMA, r"^dmaprobe: waiting for a key", timeout)
    res = _report(c, since)
    for test in ("edu_on_the_bus", "dma_within_own_ram"):
        assert res.get(test, ("none",))[0] == "PASS", (
            f"{DMA}: {test}: {res.get(test)}")
    m = re.search(r"(\d+) us a transfer", "\n".join(c.vm_lines(DMA)[-20:]))
    return int(m.group(1)) if m else None


def _attack(c, setup, key, restart):
    """Type @key into dma (its attack), with linux0 focused again at
    once; the hypervisor reports the DMA fault at the address the probe
    names and restarts dma (restart number @restart).  Returns (IPA,
    fault type, index in c.lines where the attack began)."""
    mark = len(c.lines)
    c.send(f"{qemu.ESCAPE}{setup.index[DMA]}{key}"
           f"{qemu.ESCAPE}{setup.index[LINUX0]}")
    what = "write to" if key == "w" else "read from"
    m = c.expect_vm(DMA, rf"^dmaprobe: DMA {what} (0x[0-9a-f]+)")
    target = int(m.group(1), 16)
    fault = lifecycle.wait_hv(
        c, FAULT.format(vm=DMA, bdf=re.escape(EDU[len("0000:"):])), mark)
    ipa = int(fault.group(1), 16)
    assert ipa // PAGE == target // PAGE, (
        f"the fault names IPA {ipa:#x}, the probe's {what} {target:#x}")
    assert fault.group(3) == "restart", fault.group(0)
    lifecycle.wait_hv(c, rf"^vm {DMA}: started \([^)]*fault[^)]*,"
                         rf" restart {restart}\)$", mark)
    res = _report(c, mark)
    assert res.get("dma_outside_ram", ("PASS",))[0] == "PASS", (
        f"{DMA}: the {what} went through: {res['dma_outside_ram']}")
    return ipa, fault.group(2), mark


def _dma_faults(c, vm):
    """The DMA faults the hypervisor counted for VM @vm (`stats VM`)."""
    out = lifecycle.shell(c, f"stats {vm}")
    counts = [int(m.group(1)) for line in out for m in
              [re.fullmatch(rf"vm {vm}: pci: dma faults=(\d+)", line)] if m]
    assert len(counts) == 1, f"stats {vm}: {out}"
    return counts[0]


def test_dma_confined(boot, setup):
    """dma's edu DMAs within dma's RAM; a write to the physical address
    of dma's own page (outside its IPA space) and a read of linux0's RAM
    are each aborted, reported as dma's DMA fault and answered by dma's
    on-fault restart, after which edu works again; linux0 and linux1 run
    on untouched."""
    s = setup
    c = boot(s.image)
    c.expect_vm(LINUX0, lifecycle.HEARTBEAT.pattern)
    us = _probe_ready(c, 0)
    _wait_linux1(c)

    lo, hi = s.dma_ram[0]
    ipa, kind, mark = _attack(c, s, "w", 1)
    assert lo <= ipa < hi, (
        f"the write went to {ipa:#x}, not to dma's own RAM [{lo:#x},"
        f" {hi:#x}) physically")
    _probe_ready(c, mark)
    ipa2, kind2, mark = _attack(c, s, "r", 2)
    assert ipa2 // PAGE == s.linux0_ram[0][0] // PAGE
    _probe_ready(c, mark)

    assert lifecycle.events(c, LINUX1) == [("started", None, None)]
    lifecycle.alive(c, LINUX1)
    faults = {vm: _dma_faults(c, vm) for vm in (DMA, LINUX1)}
    assert faults[DMA] >= 2 and faults[LINUX1] == 0, faults
    gap = _heartbeat(c)
    print(f"\narm dma: edu DMA {us} us a transfer; write to {ipa:#x} ({kind}),"
          f" read from {ipa2:#x} ({kind2}) blocked; dma faults counted"
          f" {faults}; linux0 worst heartbeat gap {gap:.2f} s")
