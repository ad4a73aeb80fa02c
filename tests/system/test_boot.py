# SPDX-License-Identifier: MIT
"""One Linux VM boots under shikiri and sees exactly what it was given; a
damaged boot plan is refused before any VM runs."""

import re

import pytest

import fdt
import qemu

CONFIG = "configs/qemu-virt-linux.dts"
VM = "linux0"
USERSPACE = r"shikiri-guest: userspace up on (\d+) cpus"
REFUSAL_TIMEOUT = 60 * qemu.TIMEOUT_SCALE

# Top-level nodes every Linux VM on qemu-virt gets, and the ones the tools
# may add for their own bookkeeping.  Anything else is a device the VM was
# not given.
BASE_NODES = {"cpus", "memory@40000000", "psci", "intc@8000000", "timer",
              "pl011@9000000", "apb-pclk", "chosen"}
OPTIONAL_NODES = {"aliases", "__symbols__"}
# Board devices this config does not pass through (QEMU virt's DT names).
FORBIDDEN_PREFIXES = ("virtio_mmio", "pcie", "fw-cfg", "pl031", "flash",
                      "pl061", "gpio-keys", "platform-bus")


def _number(cells):
    n = 0
    for c in cells:
        n = (n << 32) | c
    return n


class VmFacts:
    """What the config asks for, cross-checked with the generated DTB."""

    def __init__(self, image, vm):
        config = fdt.compile_dts(image.config)
        nodes = [n for n in config.children
                 if "label" in n.props and n.string("label") == vm]
        assert len(nodes) == 1, f"{image.config}: no single VM labelled {vm}"
        node = nodes[0]
        self.cpus = len(node.cells("cpus"))
        self.ram = _number(node.cells("memory-size"))

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


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(CONFIG)


@pytest.fixture(scope="module")
def facts(image):
    return VmFacts(image, VM)


@pytest.fixture
def linux(image, boot):
    """A fresh machine with the VM booted to its shell."""
    c = boot(image)
    c.expect_vm(VM, USERSPACE)
    return c


def test_reaches_userspace(image, boot, facts):
    c = boot(image)
    m = c.expect_vm(VM, USERSPACE)
    assert int(m.group(1)) == facts.cpus


def test_nproc_is_vcpu_count(linux, facts):
    assert int(linux.run_in_vm(VM, "nproc")) == facts.cpus


def test_memtotal_matches_configured_ram(linux, facts):
    out = linux.run_in_vm(VM, "grep MemTotal: /proc/meminfo")
    m = re.fullmatch(r"MemTotal:\s+(\d+) kB", out.strip())
    assert m, f"unexpected /proc/meminfo line: {out!r}"
    total = int(m.group(1)) * 1024
    # The kernel's image, page tables and reservations come off the top;
    # 80 % leaves room for them, more than 100 % means memory leaked in.
    assert 0.8 * facts.ram <= total <= facts.ram, (
        f"MemTotal {total:#x} for {facts.ram:#x} configured")


def test_device_tree_has_only_given_devices(linux, facts):
    out = linux.run_in_vm(
        VM, 'for n in /proc/device-tree/*; do'
            ' if [ -d "$n" ]; then echo "${n##*/}"; fi; done')
    seen = set(out.split())

    forbidden = sorted(n for n in seen if n.startswith(FORBIDDEN_PREFIXES))
    assert not forbidden, f"VM sees devices it was not given: {forbidden}"
    assert seen == facts.top_nodes, (
        f"VM sees {sorted(seen)}, its DTB has {sorted(facts.top_nodes)}")
    assert BASE_NODES <= seen, f"missing: {sorted(BASE_NODES - seen)}"
    extra = seen - BASE_NODES - OPTIONAL_NODES
    assert not extra, f"unexpected nodes: {sorted(extra)}"


def _boot_refused(boot, image, path, damage):
    """Boot a copy of @image damaged by @damage(data, plan_offset); expect
    a refusal, no VM output, and QEMU powering off by itself.  Returns the
    reason the hypervisor gave."""
    data = bytearray(image.path.read_bytes())
    bad = image.copy(path)
    bad.path.write_bytes(damage(data, qemu.find_plan(data)))

    c = boot(bad)
    m = c.expect_hv(r"^boot plan rejected: (.+)$", REFUSAL_TIMEOUT)
    c.wait_exit(REFUSAL_TIMEOUT)
    vm_lines = [l for l in c.lines if l.startswith(f"[{VM}]")]
    assert not vm_lines, f"VM ran despite the refusal: {vm_lines[:5]}"
    return m.group(1)


def test_bad_crc_is_refused(image, boot, tmp_path):
    def flip(data, off):
        # A byte inside the plan's records: magic, revision and size stay
        # valid, so only the CRC can catch it.
        size = qemu.plan_size(data, off)
        data[off + qemu.PLAN_PREFIX + (size - qemu.PLAN_PREFIX) // 2] ^= 0xFF
        return data

    reason = _boot_refused(boot, image, tmp_path / "bad-crc.img", flip)
    assert "CRC" in reason


def test_garbage_magic_is_refused(image, boot, tmp_path):
    def garble(data, off):
        data[off:off + 8] = b"GARBAGE!"
        return data

    reason = _boot_refused(boot, image, tmp_path / "bad-magic.img", garble)
    assert re.search("magic", reason, re.I), reason


def test_truncated_plan_is_refused(image, boot, tmp_path):
    def truncate(data, off):
        # The file ends right after the plan's header prefix; past it the
        # hypervisor reads whatever RAM holds (zeros on QEMU).  Cutting
        # anywhere later could lose only zero bytes (unused record slots),
        # leaving the plan in RAM intact, so cut before the board facts.
        end = off + qemu.PLAN_PREFIX
        assert any(data[end:off + qemu.plan_size(data, off)])
        return data[:end]

    _boot_refused(boot, image, tmp_path / "truncated.img", truncate)


def test_damaged_device_tree_payload_is_refused(image, boot, tmp_path):
    def flip(data, off):
        # The VM's device tree as packed in the image is the file the tool
        # wrote beside it; damage one byte in its middle.
        dtb = image.dtb(VM).read_bytes()
        at = data.find(dtb, off)
        assert at > off, "the VM's device tree is not in the image"
        data[at + len(dtb) // 2] ^= 0x01
        return data

    reason = _boot_refused(boot, image, tmp_path / "bad-dtb.img", flip)
    assert "device tree payload CRC mismatch (vm 0)" in reason
