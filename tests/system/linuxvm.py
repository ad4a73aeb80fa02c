# SPDX-License-Identifier: MIT
"""What a Linux VM under shikiri is given, and checks that it sees exactly
that: its vCPU count, its RAM, its device tree.  Shared by the system tests
that boot Linux VMs (test_boot.py, test_multivm.py, test_passthrough.py).

    facts = VmFacts(image, "linux0")     # from the config and its DTB
    c.expect_vm("linux0", USERSPACE)
    check_vm(c, facts)                    # nproc, MemTotal, /proc/device-tree
"""

import gzip
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import fdt
import qemu

USERSPACE = r"shikiri-guest: userspace up on (\d+) cpus"

# Top-level nodes every Linux VM on qemu-virt gets, and the ones the tools
# may add for their own bookkeeping.  Anything else is a device the VM was
# not given.  Its memory and its management page (just below RAM) are named
# by their address, which is 0x40000000 (page 0x3ffff000) unless the VM owns
# a DMA-capable device and so sees its RAM where it really is.
BASE_NODES = {"cpus", "psci", "intc@8000000", "timer", "pmu", "pl011@9000000",
              "apb-pclk", "chosen"}
BASE_PREFIXES = ("memory@", "shikiri-manage@")
OPTIONAL_NODES = {"aliases", "__symbols__"}
# Board devices (QEMU virt's DT names) a VM sees only when its config
# passes them through.
FORBIDDEN_PREFIXES = ("virtio_mmio", "pcie", "fw-cfg", "pl031", "flash",
                      "pl061", "gpio-keys", "platform-bus")

# The kernel's image, page tables and reservations come off the top of
# MemTotal: about 30 MiB for Debian's arm64 kernel whatever the VM's size.
# More than 100 % means memory leaked in from somewhere.
KERNEL_RESERVE = 64 << 20
KERNEL_RESERVE_FRACTION = 0.2


def _number(cells):
    n = 0
    for c in cells:
        n = (n << 32) | c
    return n


class VmFacts:
    """What the config gives VM @vm, cross-checked with its generated DTB.

    vm: the name; cpus: vCPU count; ram: bytes; devices: top-level node
    names of its passthrough devices; top_nodes: the top-level nodes of its
    DTB; dtb: that DTB (fdt.Node).
    """

    def __init__(self, image, vm):
        self.vm = vm
        config = fdt.compile_dts(image.config)
        nodes = [n for n in config.children
                 if "label" in n.props and n.string("label") == vm]
        assert len(nodes) == 1, f"{image.config}: no single VM labelled {vm}"
        node = nodes[0]
        self.cpus = len(node.cells("cpus"))
        self.ram = _number(node.cells("memory-size"))
        paths = (node.props["devices"].split(b"\0")[:-1]
                 if "devices" in node.props else [])
        self.devices = {p.decode().rsplit("/", 1)[-1] for p in paths}

        self.dtb = fdt.load(image.dtb(vm))
        cpus = self.dtb.find("cpus")
        dtb_cpus = [c for c in cpus.children
                    if c.props.get("device_type", b"").startswith(b"cpu")]
        assert len(dtb_cpus) == self.cpus, (
            f"config gives {vm} {self.cpus} CPUs, its DTB lists"
            f" {len(dtb_cpus)}")

        acells = _number(self.dtb.cells("#address-cells"))
        scells = _number(self.dtb.cells("#size-cells"))
        ram = 0
        for n in self.dtb.children:
            if n.props.get("device_type", b"").startswith(b"memory"):
                reg = n.cells("reg")
                step = acells + scells
                for i in range(0, len(reg), step):
                    ram += _number(reg[i + acells:i + step])
        assert ram == self.ram, (
            f"config gives {vm} {self.ram:#x} bytes of RAM, its DTB {ram:#x}")

        self.top_nodes = {n.name for n in self.dtb.children}


def check_nproc(c, facts):
    """`nproc` in the VM is its vCPU count."""
    n = int(c.run_in_vm(facts.vm, "nproc"))
    assert n == facts.cpus, f"{facts.vm}: nproc {n}, {facts.cpus} vCPUs given"


def check_memtotal(c, facts):
    """MemTotal is the VM's RAM less what the kernel keeps for itself."""
    out = c.run_in_vm(facts.vm, "grep MemTotal: /proc/meminfo")
    m = re.fullmatch(r"MemTotal:\s+(\d+) kB", out.strip())
    assert m, f"{facts.vm}: unexpected /proc/meminfo line: {out!r}"
    total = int(m.group(1)) * 1024
    reserve = max(KERNEL_RESERVE, KERNEL_RESERVE_FRACTION * facts.ram)
    assert facts.ram - reserve <= total <= facts.ram, (
        f"{facts.vm}: MemTotal {total:#x} ({total >> 20} MiB) for"
        f" {facts.ram:#x} ({facts.ram >> 20} MiB) configured")


def top_nodes(c, vm):
    """The top-level node names of /proc/device-tree in VM @vm."""
    out = c.run_in_vm(
        vm, 'for n in /proc/device-tree/*; do'
            ' if [ -d "$n" ]; then echo "${n##*/}"; fi; done')
    return set(out.split())


def check_device_tree(c, facts):
    """The VM's /proc/device-tree has exactly the nodes of its DTB: the
    base set, its passthrough devices and nothing of the board's else."""
    seen = top_nodes(c, facts.vm)
    vm = facts.vm
    forbidden = sorted(n for n in seen - facts.devices
                       if n.startswith(FORBIDDEN_PREFIXES))
    assert not forbidden, f"{vm} sees devices it was not given: {forbidden}"
    assert seen == facts.top_nodes, (
        f"{vm} sees {sorted(seen)}, its DTB has {sorted(facts.top_nodes)}")
    assert BASE_NODES <= seen, f"{vm} misses: {sorted(BASE_NODES - seen)}"
    for prefix in BASE_PREFIXES:
        named = [n for n in seen if n.startswith(prefix)]
        assert len(named) == 1, f"{vm}: {prefix}* nodes: {named}"
    extra = {n for n in seen - BASE_NODES - OPTIONAL_NODES - facts.devices
             if not n.startswith(BASE_PREFIXES)}
    assert not extra, f"{vm}: unexpected nodes: {sorted(extra)}"
    missing = facts.devices - seen
    assert not missing, f"{vm}: passthrough devices missing: {missing}"


def check_vm(c, facts):
    """All of the above for one VM booted to its shell."""
    check_nproc(c, facts)
    check_memtotal(c, facts)
    check_device_tree(c, facts)


# Debian's kernel builds virtio as modules; scripts/setup keeps these in
# build/cache/modules.  In load order (each needs the ones before it).
VIRTIO_MODULES = ("virtio_ring", "virtio", "virtio_mmio", "virtio_blk")
MODULES_DIR = qemu.REPO / "build" / "cache" / "modules"
INITRAMFS = qemu.REPO / "build" / "guest" / "initramfs.cpio.gz"
GUEST_MODULES = "/lib/modules/shikiri"


def initrd_with_virtio(dest):
    """Write @dest: the test initramfs with the virtio modules appended in
    GUEST_MODULES, as a second cpio archive (Linux unpacks every archive
    of a concatenated initramfs).  Returns @dest."""
    missing = [m for m in VIRTIO_MODULES
               if not (MODULES_DIR / f"{m}.ko").is_file()]
    if missing or not INITRAMFS.is_file():
        raise FileNotFoundError(
            f"missing {INITRAMFS} or modules {missing} in {MODULES_DIR}"
            " (run scripts/setup and make all)")
    dest = Path(dest)
    with tempfile.TemporaryDirectory() as tmp:
        mods = Path(tmp) / GUEST_MODULES.lstrip("/")
        mods.mkdir(parents=True)
        for m in VIRTIO_MODULES:
            shutil.copyfile(MODULES_DIR / f"{m}.ko", mods / f"{m}.ko")
        names = sorted(str(p.relative_to(tmp)) for p in Path(tmp).rglob("*"))
        archive = subprocess.run(
            ["cpio", "-o", "-H", "newc", "--quiet", "--owner=0:0"],
            cwd=tmp, input=("\n".join(names) + "\n").encode(),
            stdout=subprocess.PIPE, check=True).stdout
    dest.write_bytes(INITRAMFS.read_bytes() + gzip.compress(archive))
    return dest


def insmod(modules):
    """A shell command that loads @modules (names, in order) from
    GUEST_MODULES, each unless it is loaded already: the test initramfs
    loads the virtio transport at boot (Makefile, GUEST_LOAD_ORDER) when
    the cache has the network modules too."""
    return " && ".join(f"{{ [ -d /sys/module/{m} ] ||"
                       f" insmod {GUEST_MODULES}/{m}.ko; }}"
                       for m in modules)


def load_virtio(c, vm):
    """Load the virtio modules in VM @vm (booted with initrd_with_virtio)."""
    c.run_in_vm(vm, insmod(VIRTIO_MODULES))
