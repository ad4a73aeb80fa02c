# SPDX-License-Identifier: MIT
"""The PCI test machine: q35 with three controllers on its root bus, each
at function 0 of its own slot, for the x86 PCI passthrough tests
(test_x86_pci.py under shikiri, test_x86_pci_native.py without it):

    00:04.0  ich9-ahci    AHCI (MSI), one SATA disk
    00:05.0  e1000e       NIC on QEMU's user-mode network
    00:06.0  qemu-xhci    USB 3 (MSI-X), one usb-storage disk

QEMU's default NIC (an e1000e at 00:02.0) is left out: QEMU adds it only
to a command line without -netdev, -nic or -net, so the machine's only NIC
is the one at 00:05.0.  The disks are raw images in the test's own directory,
filled with a known pattern before boot.

    m = Machine(tmp_path)               # disk images written
    d = Disks({bdf: path})              # the same for other disk images
    extra = m.qemu_args()               # controllers and disks
    extra = m.disk_args()               # disks, for an image's .qemu
    functions(c, vm)                    # {bdf: ("vendor:device", driver)}
    check_disk(c, vm, m, AHCI)          # read the host's pattern, write one
    check_network(c, vm)                # DHCP, ping the gateway
    check_interrupts(c, vm, ifc)        # MSI, MSI-X and INTx in use
"""

import hashlib
import random
import re
from pathlib import Path

import qemu

AHCI, NIC, XHCI = "0000:00:04.0", "0000:00:05.0", "0000:00:06.0"
# Each one's vendor:device and the driver that binds it, as /sys names
# them (pcitest ls).
FUNCTIONS = {AHCI: ("8086:2922", "ahci"), NIC: ("8086:10d3", "e1000e"),
             XHCI: ("1b36:000d", "xhci_hcd")}

# Debian's generic amd64 kernel and the initramfs with those drivers
# (scripts/setup, make).
KERNEL = qemu.CACHE / "x86_64" / "generic" / "bzImage"
INITRD = qemu.REPO / "build" / "guest-x86_64" / "initramfs-pci.cpio.gz"

# The QEMU options adding the controllers, without disks: what
# configs/qemu-q35-pci.dts puts into its image's .qemu (qemu-args).
CONTROLLERS = ["-device", "ich9-ahci,id=ahci,addr=0x4",
               "-netdev", "user,id=n0",
               "-device", "e1000e,netdev=n0,addr=0x5",
               "-device", "qemu-xhci,id=xhci,addr=0x6"]

DISK_SIZE = 16 << 20
# The span of each disk the tests read and write: 2 MiB at 1 MiB.
SPAN_OFFSET, SPAN_SIZE = 1 << 20, 2 << 20
BLOCK = 64 << 10

# e1000e's legacy interrupt mode (IntMode=0: INTx; 1 MSI, 2 MSI-X), so
# that one of the three drives an INTx line while AHCI takes MSI and xHCI
# MSI-X.  init passes MODULE.PARAM words to insmod.
BOOTARGS = "e1000e.IntMode=0"
# Each function's INTx line: the GSI q35 routes its INTA to (its ACPI _PRT
# names the links GSIE-GSIG: level, active high), as measured natively
# and as the board file (configs/boards/qemu-q35.dts) must give it.
GSIS = {AHCI: 20, NIC: 21, XHCI: 22}
GATEWAY = "10.0.2.2"  # QEMU user-mode network's gateway (and DHCP server)


def payloads_missing():
    """The payload files the machine's guest needs that are not there."""
    return [str(p) for p in (KERNEL, INITRD) if not p.is_file()]


class Disks:
    """Disk images {bdf: path} of the functions that serve them, each
    filled with a random pattern over the test span (and made DISK_SIZE
    long, when shorter), and the sha256 of what each should hold there:
    what check_disk() needs of a machine."""

    def __init__(self, disks, seed=11):
        self.disks = dict(disks)
        rng = random.Random(seed)
        self.patterns = {}
        for bdf, path in self.disks.items():
            data = rng.randbytes(SPAN_SIZE)
            with open(path, "r+b" if Path(path).exists() else "wb") as f:
                if f.seek(0, 2) < DISK_SIZE:
                    f.truncate(DISK_SIZE)
                f.seek(SPAN_OFFSET)
                f.write(data)
            self.patterns[bdf] = hashlib.sha256(data).hexdigest()

    def image_span(self, bdf):
        """sha256 of the test span of @bdf's disk image, as the host
        reads the file now."""
        with open(self.disks[bdf], "rb") as f:
            f.seek(SPAN_OFFSET)
            return hashlib.sha256(f.read(SPAN_SIZE)).hexdigest()


class Machine(Disks):
    """The machine's disk images in @directory and its QEMU arguments."""

    def __init__(self, directory, seed=11):
        directory = Path(directory)
        super().__init__({AHCI: directory / "sata.img",
                          XHCI: directory / "usb.img"}, seed)

    def qemu_args(self):
        """The QEMU options adding the three controllers and the disks."""
        return CONTROLLERS + self.disk_args()

    def disk_args(self):
        """The QEMU options attaching the disks to the controllers (to add
        to a command line that has CONTROLLERS, e.g. an image's .qemu)."""
        return ["-drive", f"if=none,id=d0,format=raw,file={self.disks[AHCI]}",
                "-device", "ide-hd,drive=d0,bus=ahci.0",
                "-drive", f"if=none,id=u0,format=raw,file={self.disks[XHCI]}",
                "-device", "usb-storage,drive=u0,bus=xhci.0"]

    def native_argv(self, append):
        """QEMU booting the machine's guest kernel and initramfs without
        the hypervisor (as scripts/run --native does the plain ones),
        with kernel command line @append."""
        arch = qemu.ARCHES["x86_64"]
        return arch.qemu_argv(
            "-device", "pvpanic", *self.qemu_args(), "-kernel", KERNEL,
            "-initrd", INITRD, "-append", append,
            machine=["-M", "q35", "-cpu", qemu.X86_CPU, "-smp", "2",
                     "-m", "512M"])


# Lines on a guest's console that are not a command's output: the
# kernel's messages and the heartbeat workload's.
NOISE = re.compile(r"^(\[\s*\d+\.\d+\] |heartbeat \d)")


def run(c, vm, cmd, timeout=qemu.COMMAND_TIMEOUT):
    """@cmd's output in VM @vm without the kernel's or a heartbeat's
    lines."""
    return "\n".join(l for l in c.run_in_vm(vm, cmd, timeout).splitlines()
                     if not NOISE.match(l))


def functions(c, vm):
    """{bdf: ("vendor:device", driver or "-")} of every PCI function VM
    @vm's Linux found: what lspci -k lists, from /sys (pcitest ls)."""
    seen = {}
    for line in run(c, vm, "pcitest ls").splitlines():
        m = re.fullmatch(r"(\S+) 0x([0-9a-f]{4}):0x([0-9a-f]{4}) (\S+)",
                         line.strip())
        if m:
            seen[m.group(1)] = (f"{m.group(2)}:{m.group(3)}", m.group(4))
        elif line.strip():
            raise AssertionError(f"{vm}: unexpected line {line!r}")
    return seen


def addresses(c, vm):
    """The addresses of the PCI functions VM @vm's Linux found, from any
    initramfs (a VM without PCI functions runs one without pcitest)."""
    return set(run(c, vm, "ls /sys/bus/pci/devices").split())


def wait_disk(c, vm, bdf, timeout=30 * qemu.TIMEOUT_SCALE):
    """The /dev name of the SCSI or virtio disk behind function @bdf in
    VM @vm, once the kernel has found it (SCSI and USB scan
    asynchronously)."""
    out = run(c, vm, f"pcitest disk {bdf} {int(timeout)}", timeout + 10)
    m = re.search(r"^(/dev/[sv]d[a-z]+)$", out, re.M)
    assert m, f"{vm}: no disk behind {bdf}: {out!r}"
    return m.group(1)


SPAN = f"{SPAN_OFFSET // BLOCK} {SPAN_SIZE // BLOCK}"  # pcitest's SKIP COUNT


def _sha(out):
    """The sha256 sum in sha256sum's output @out (kernel messages may come
    on the same console)."""
    m = re.search(r"^([0-9a-f]{64})  -$", out, re.M)
    assert m, f"no sha256sum in {out!r}"
    return m.group(1)


def span_sha(c, vm, dev, timeout=qemu.COMMAND_TIMEOUT):
    """sha256 of the test span of disk @dev as VM @vm reads it from the
    device."""
    return _sha(run(c, vm, f"pcitest read {dev} {SPAN}", timeout))


def write_span(c, vm, dev, timeout=qemu.COMMAND_TIMEOUT):
    """Write a fresh random pattern over the test span of @dev in VM
    @vm, synced to the device; return its sha256."""
    return _sha(run(c, vm, f"pcitest write {dev} {SPAN}", timeout))


def check_disk(c, vm, machine, bdf):
    """VM @vm drives the disk behind @bdf: it reads the pattern the host
    wrote there (or last saw there), writes a new one, reads that back
    from the device, and the host finds it in the image file.  Returns
    the device's name."""
    dev = wait_disk(c, vm, bdf)
    assert span_sha(c, vm, dev) == machine.patterns[bdf], (
        f"{vm}: {dev} ({bdf}) does not read back the disk's pattern")
    sha = write_span(c, vm, dev)
    assert span_sha(c, vm, dev) == sha, f"{vm}: {dev} lost what it wrote"
    assert machine.image_span(bdf) == sha, (
        f"{vm}: what {dev} ({bdf}) wrote is not in the disk image")
    machine.patterns[bdf] = sha
    return dev


def nic_name(c, vm, bdf=NIC):
    """The network interface of function @bdf in VM @vm."""
    out = run(c, vm, f"ls /sys/bus/pci/devices/{bdf}/net")
    names = out.split()
    assert len(names) == 1, f"{vm}: interfaces of {bdf}: {out!r}"
    return names[0]


def check_network(c, vm, bdf=NIC):
    """VM @vm's NIC (function @bdf) gets an address from QEMU's DHCP
    server and its gateway answers pings.  Returns the address."""
    ifc = nic_name(c, vm, bdf)
    out = run(c, vm, f"ip link set {ifc} up && udhcpc -i {ifc} -n -q"
                     " -T 1 -t 10 -s /etc/udhcpc.script 2>&1",
              60 * qemu.TIMEOUT_SCALE)
    m = re.search(r"lease of (\d+\.\d+\.\d+\.\d+) obtained", out)
    assert m, f"{vm}: no DHCP lease on {ifc}:\n{out}"
    check_ping(c, vm)
    return m.group(1)


def check_ping(c, vm):
    """QEMU's user-mode gateway answers VM @vm's pings."""
    out = run(c, vm, f"ping -c 3 -i 0.2 -W 5 {GATEWAY}",
              60 * qemu.TIMEOUT_SCALE)
    assert re.search(r"3 packets transmitted, [1-3] packets received",
                     out), f"{vm}: ping {GATEWAY}:\n{out}"


# A line of /proc/interrupts: IRQ, per-CPU counts, chip, hwirq and kind,
# device names.
INTERRUPT = re.compile(r"^\s*(\d+):((?:\s+\d+)+)\s+(\S+)\s+(\S+)\s+(.*)$")


def msi_kinds(c, vm, bdf):
    """{irq: "msi" | "msix"} of function @bdf's message interrupts in VM
    @vm (/sys/bus/pci/devices/BDF/msi_irqs)."""
    out = run(c, vm, f"pcitest msi {bdf}")
    return {int(irq): kind for irq, kind in
            (l.split() for l in out.splitlines() if l.strip())}


def irq_counts(c, vm):
    """{irq: (chip, hwirq-kind, names, total count)} of VM @vm's
    /proc/interrupts rows for numbered IRQs."""
    rows = {}
    for line in run(c, vm, "cat /proc/interrupts").splitlines():
        m = INTERRUPT.match(line)
        if m:
            count = sum(int(n) for n in m.group(2).split())
            rows[int(m.group(1))] = (m.group(3), m.group(4),
                                     m.group(5).strip(), count)
    return rows


def check_interrupts(c, vm, ifc):
    """The three controllers interrupt VM @vm each in its own way, and
    each has interrupted: AHCI by MSI, xHCI by MSI-X, the NIC (e1000e
    with IntMode=0, @ifc) by its INTx line through the I/O APIC, on the
    pin of its GSI (GSIS).  Returns {bdf: (kind, count)} for reports."""
    rows = irq_counts(c, vm)
    seen = {}
    for bdf, want in ((AHCI, "msi"), (XHCI, "msix")):
        kinds = msi_kinds(c, vm, bdf)
        assert kinds and set(kinds.values()) == {want}, (
            f"{vm}: {bdf} message interrupts {kinds}, want {want}")
        count = sum(rows[irq][3] for irq in kinds if irq in rows)
        assert count > 0, f"{vm}: {bdf}: no {want} interrupt counted"
        seen[bdf] = (want, count)
    assert not msi_kinds(c, vm, NIC), f"{vm}: {NIC} uses MSI"
    lines = [(chip, kind, count) for chip, kind, names, count in rows.values()
             if re.search(rf"(^|\s){re.escape(ifc)}(\s|$)", names)]
    assert len(lines) == 1, f"{vm}: /proc/interrupts rows of {ifc}: {lines}"
    chip, kind, count = lines[0]
    assert (chip, kind) == ("IO-APIC", f"{GSIS[NIC]}-fasteoi"), (
        f"{vm}: {ifc} interrupts by {chip} {kind}, want IO-APIC"
        f" {GSIS[NIC]}-fasteoi (INTx, level)")
    assert count > 0, f"{vm}: {ifc}: no INTx interrupt counted"
    seen[NIC] = ("intx", count)
    return seen


def intx_gsi(c, vm, bdf):
    """The I/O APIC pin function @bdf interrupts VM @vm on by INTx: its
    driver is unbound, MSI forbidden for it (msi_bus), the driver bound
    again (pcitest intx), and the pin read from /proc/interrupts for the
    IRQ the device got.  The device works as before afterwards, by INTx."""
    out = run(c, vm, f"pcitest intx {bdf}")
    m = re.search(r"^(\d+)$", out, re.M)
    assert m, f"{vm}: pcitest intx {bdf}: {out!r}"
    irq = int(m.group(1))
    row = irq_counts(c, vm).get(irq)
    assert row and row[0] == "IO-APIC", (
        f"{vm}: {bdf} rebound without MSI has IRQ {irq}: {row}")
    m = re.fullmatch(r"(\d+)-fasteoi", row[1])
    assert m, f"{vm}: {bdf}: IRQ {irq} is {row[1]}, not a level INTx"
    return int(m.group(1))
