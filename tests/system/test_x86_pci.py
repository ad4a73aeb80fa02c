# SPDX-License-Identifier: MIT
"""PCI passthrough on x86-64 (configs/qemu-q35-pci.dts on the PCI test
machine, pcimachine.py): linux1 owns the AHCI, e1000e and xHCI controllers
at 00:04.0-00:06.0 and drives each with Debian's own driver; linux0 owns
none and sees none, and its heartbeat never stops, not even while linux1
is reset in the middle of disk I/O or reboots again and again with its
devices busy.

Every guest-side check here passes on the bare machine
(test_x86_pci_native.py), so a failure is the hypervisor's or the tool's.
"""

import re
import time

import pytest

import fdt
import lifecycle
import pcimachine as pm
import qemu
import x86

pytestmark = x86.needs_qemu

CONFIG = "qemu-q35-pci"
LINUX0, LINUX1 = "linux0", "linux1"
HOST_BRIDGE = "0000:00:00.0"  # a VM that owns functions may see it
# linux0's heartbeat may pause no longer than this (linux0's uptime, s):
# below one of linux1's restarts and boots, as in the x86 reboot storm
# (test_lifecycle_storm.py, STORMS).
MAX_GAP = 2.0
# Restarts of linux1 in test_pci_reboot_storm: with the one in
# test_pci_passthrough, four with its disks busy, each to its drivers and
# disks in about 19 s under TCG; the two tests take about 3 min.
STORM = 3
MODULES = r"^shikiri-guest: modules loaded:(.*)$"


def _bdf(text):
    """Config-space address "0000:bb:dd.f" as an int (bus << 8 | devfn)."""
    _, bus, devfn = text.split(":")
    dev, fn = devfn.split(".")
    return int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn, 16)


def test_board_file_gives_the_measured_gsis():
    """The board file lists each of the test machine's functions with the
    INTx line q35 really routes it to (pcimachine.GSIS, measured by
    test_x86_pci_native.py): level, active high."""
    board = qemu.REPO / "configs" / "boards" / (
        qemu.config_board(qemu.config_path(CONFIG)) + ".dts")
    root = fdt.compile_dts(board)
    hosts = [n for n in root.children
             if n.props.get("compatible", b"").startswith(
                 b"pci-host-ecam-generic")]
    assert len(hosts) == 1, f"{board}: {len(hosts)} PCI host nodes"
    nodes = {n.cells("reg")[0] >> 8: n for n in hosts[0].children
             if "reg" in n.props}
    for bdf, gsi in pm.GSIS.items():
        node = nodes.get(_bdf(bdf))
        assert node is not None, f"{board}: no node for {bdf}"
        assert "interrupts" in node.props, f"{board}: {node.name}: no INTx"
        assert node.cells("interrupts") == [gsi, 4], (
            f"{board}: {node.name}: interrupts {node.cells('interrupts')},"
            f" measured <{gsi} 4> (level, active high)")


@pytest.fixture
def machine(tmp_path):
    """The disk images and the image of CONFIG, with linux0's heartbeat
    on and linux1's e1000e on INTx, both `quiet` (kernel messages would
    cut into the commands' output on the console)."""
    missing = pm.payloads_missing()
    if missing:
        pytest.fail(f"missing {', '.join(missing)} (scripts/setup, make)",
                    pytrace=False)
    config = lifecycle.derive(
        CONFIG, tmp_path / "pci.dts",
        bootargs={LINUX0: "quiet shikiri.run=heartbeat",
                  LINUX1: f"quiet {pm.BOOTARGS}"})
    try:
        image = qemu.build_image(config, tmp_path)
    except (FileNotFoundError, RuntimeError) as e:
        pytest.fail(f"{CONFIG} does not build: {e}", pytrace=False)
    args = image.qemu_args()
    n = len(pm.CONTROLLERS)
    assert any(args[i:i + n] == pm.CONTROLLERS
               for i in range(len(args) - n + 1)), (
        f"{image.qemu_path} does not add the test machine's controllers"
        f" {pm.CONTROLLERS}: {args}")
    return image, pm.Machine(tmp_path)


def _boot(boot, image, m):
    """Boot @image on the machine with its disks; wait for linux0's
    heartbeat and linux1's modules.  Returns the console."""
    c = boot(image, *m.disk_args())
    c.expect_vm(LINUX0, lifecycle.HEARTBEAT.pattern)
    _wait_modules(c)
    return c


def _wait_modules(c, timeout=qemu.BOOT_TIMEOUT):
    """linux1 reached userspace and loaded its drivers: all of them."""
    c.expect_vm(LINUX1, lifecycle.USERSPACE, timeout)
    loaded = set(c.expect_vm(LINUX1, MODULES, timeout).group(1).split())
    want = {"ahci", "sd_mod", "e1000e", "xhci_pci", "usb_storage"}
    assert want <= loaded, f"{LINUX1} did not load {want - loaded}"
    lifecycle.wait_shell_banner(c, LINUX1, timeout)
    lifecycle.forget_shell(c, LINUX1)


def _check_sees(c, linux0=True):
    """linux1 sees its three functions (and maybe the host bridge), each
    bound by its driver; with @linux0, linux0 sees none of the machine's
    functions.  (Typing into linux0 mangles the heartbeat lines it prints
    meanwhile, so the restarts do not ask it again.)"""
    seen = pm.functions(c, LINUX1)
    assert set(seen) - {HOST_BRIDGE} == set(pm.FUNCTIONS), (
        f"{LINUX1} sees {sorted(seen)}, owns {sorted(pm.FUNCTIONS)}")
    for bdf, want in pm.FUNCTIONS.items():
        assert seen[bdf] == want, (
            f"{LINUX1}: {bdf} is {seen[bdf]}, want {want}")
    if linux0:
        other = pm.addresses(c, LINUX0)
        assert set(other) <= {HOST_BRIDGE}, (
            f"{LINUX0} owns no PCI function and sees {sorted(other)}")


def _reset_methods(c):
    """{bdf: reset method} as the hypervisor's boot log states them."""
    out = {}
    for bdf in pm.FUNCTIONS:
        short = bdf[len("0000:"):]
        m = lifecycle.wait_hv(c, rf"^vm {LINUX1}: pci {re.escape(short)}"
                                 r" .*reset (.+)$", 0, 1)
        out[short] = m.group(1)
    return out


def _start_churn(c, m):
    """Start writing both of linux1's disks over and over in the
    background; return once the host sees the writes land."""
    before = {bdf: m.image_span(bdf) for bdf in m.disks}
    c.run_in_vm(LINUX1, " ".join(
        f"pcitest churn $(pcitest disk {bdf}) {pm.SPAN} &"
        for bdf in m.disks) + " sleep 1")
    deadline = time.monotonic() + qemu.COMMAND_TIMEOUT
    while any(m.image_span(b) == before[b] for b in before):
        assert time.monotonic() < deadline, (
            f"{LINUX1}'s background writes do not reach the disks")
        time.sleep(0.2)


def _back_with_devices(c, m, cause, n, since):
    """linux1 was restarted (@cause, restart @n) after c.lines[@since]:
    its new OS loads its drivers, sees its functions and reads from each
    disk what the host finds in the image (the last write that landed)."""
    lifecycle.wait_hv(c, rf"^vm {LINUX1}: started \({re.escape(cause)},"
                         rf" restart {n}\)$", since)
    _wait_modules(c, lifecycle.RESTART_TIMEOUT * 2)
    _check_sees(c, linux0=False)
    for bdf in m.disks:
        dev = pm.wait_disk(c, LINUX1, bdf)
        assert pm.span_sha(c, LINUX1, dev) == m.image_span(bdf), (
            f"{LINUX1} after restart {n}: {dev} ({bdf}) does not read what"
            " the disk holds")
        m.patterns[bdf] = m.image_span(bdf)


def _heartbeat(c, windows=()):
    """linux0 never restarted and its heartbeat never stalled for more
    than MAX_GAP; returns (worst gap, worst gap in @windows)."""
    assert lifecycle.events(c, LINUX0) == [("started", None, None)]
    indexed = lifecycle.indexed_beats(c.lines, LINUX0)
    stamps = [t for _, t in indexed]
    assert stamps == sorted(stamps), f"{LINUX0}'s uptime went backwards"
    gap, at, i, j = max(((b - a, a, i, j) for (i, a), (j, b)
                         in zip(indexed, indexed[1:])),
                        default=(0.0, None, 0, 0))
    if gap > MAX_GAP:
        # What the console showed meanwhile: what linux1 or the
        # hypervisor was doing when linux0 stopped.
        meanwhile = [l for l in c.lines[i + 1:j] if l.strip()
                     and not l.startswith(f"[{LINUX0}] heartbeat")][:8]
        raise AssertionError(
            f"{LINUX0}'s heartbeat stalled {gap:.2f} s at uptime {at};"
            " meanwhile:\n"
            + "\n".join(meanwhile))
    during = lifecycle.gaps_during(indexed, windows)
    lifecycle.alive(c, LINUX0)
    return gap, max(during, default=(0.0, None))[0]


class Laps:
    """Times of a test's phases, each printed as it ends (a failing test's
    captured output then says how far it got and how long each took)."""

    def __init__(self):
        self.start = self.last = time.monotonic()
        self.laps = []

    def lap(self, what):
        now = time.monotonic()
        self.laps.append(f"{what} {now - self.last:.1f} s")
        print(f"pci: {self.laps[-1]}", flush=True)
        self.last = now

    def __str__(self):
        return (", ".join(self.laps)
                + f"; {time.monotonic() - self.start:.0f} s in all")


def test_pci_passthrough(boot, machine):
    """linux1 drives all three controllers, each interrupting its way;
    reset by the hypervisor in the middle of writing both disks, its next
    OS drives them again; linux0 sees none of them and never stops."""
    image, m = machine
    t = Laps()
    c = _boot(boot, image, m)
    t.lap("boot to linux1's drivers")
    methods = _reset_methods(c)
    _check_sees(c)
    sata = pm.check_disk(c, LINUX1, m, pm.AHCI)
    usb = pm.check_disk(c, LINUX1, m, pm.XHCI)
    t.lap("functions and disks")
    addr = pm.check_network(c, LINUX1)
    t.lap("network")
    kinds = pm.check_interrupts(c, LINUX1, pm.nic_name(c, LINUX1))
    t.lap("interrupts")

    # The reset in the middle of disk I/O: the hypervisor's `restart`
    # stops linux1 at once, with its writes in flight (a guest's own
    # reboot would quiesce its devices first).
    _start_churn(c, m)
    mark = len(c.lines)
    lifecycle.shell(c, f"restart {LINUX1}")
    _back_with_devices(c, m, "console shell", 1, mark)
    t.lap("restart mid-I/O to drivers and both disks read")
    # The disk written at the reset takes a new pattern too; the network,
    # interrupts and USB disk after restarts: test_pci_reboot_storm.
    pm.check_disk(c, LINUX1, m, pm.AHCI)
    t.lap("AHCI disk written")
    resets = lifecycle.spans(c.lines, rf"^shikiri: vm {LINUX1}: restarting",
                             rf"^shikiri: vm {LINUX1}: started")
    gap, reset_gap = _heartbeat(c, resets)
    print(f"\npci: reset methods {methods}; linux1 {sata} {usb} {addr},"
          f" interrupts {kinds}; {t}; linux0 worst heartbeat gap"
          f" {gap:.2f} s ({reset_gap:.2f} s during the reset)")


def test_pci_reboot_storm(boot, machine):
    """linux1 is restarted STORM times, each time with both disks being
    written: by its own `reboot -f` and by the hypervisor's `restart` in
    turn.  Each new OS finds its functions, drivers and disks; after the
    storm it drives all three as at first; linux0's heartbeat never
    stalls."""
    image, m = machine
    t = Laps()
    c = _boot(boot, image, m)
    _check_sees(c)
    t.lap("boot to linux1's drivers")
    for n in range(1, STORM + 1):
        _start_churn(c, m)
        mark = len(c.lines)
        if n % 2:
            c.start_in_vm(LINUX1, "reboot -f")
            cause = "guest reset"
        else:
            lifecycle.shell(c, f"restart {LINUX1}")
            cause = "console shell"
        _back_with_devices(c, m, cause, n, mark)
        t.lap(f"restart {n} ({cause}) to drivers and both disks read")
    pm.check_disk(c, LINUX1, m, pm.AHCI)
    pm.check_disk(c, LINUX1, m, pm.XHCI)
    pm.check_network(c, LINUX1)
    pm.check_interrupts(c, LINUX1, pm.nic_name(c, LINUX1))
    t.lap("disks, network and interrupts")
    ev = lifecycle.events(c, LINUX1)
    assert [e for e in ev if e[0] == "started"] == [
        ("started", None, None)] + [
        ("started", "guest reset" if n % 2 else "console shell", n)
        for n in range(1, STORM + 1)], ev
    resets = lifecycle.spans(c.lines, rf"^shikiri: vm {LINUX1}: restarting",
                             rf"^shikiri: vm {LINUX1}: started")
    assert len(resets) == STORM
    gap, reset_gap = _heartbeat(c, resets)
    print(f"\npci storm: {STORM} restarts with both disks busy; {t};"
          f" linux0 worst heartbeat gap {gap:.2f} s ({reset_gap:.2f} s"
          " during the resets)")
