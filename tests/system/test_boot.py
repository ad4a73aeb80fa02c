# SPDX-License-Identifier: MIT
"""One Linux VM boots under shikiri and sees exactly what it was given; a
damaged boot plan is refused before any VM runs."""

import re

import pytest

import linuxvm
import qemu

CONFIG = "configs/qemu-virt-linux.dts"
VM = "linux0"
USERSPACE = linuxvm.USERSPACE
REFUSAL_TIMEOUT = 60 * qemu.TIMEOUT_SCALE


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(CONFIG)


@pytest.fixture(scope="module")
def facts(image):
    return linuxvm.VmFacts(image, VM)


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
    linuxvm.check_nproc(linux, facts)


def test_memtotal_matches_configured_ram(linux, facts):
    linuxvm.check_memtotal(linux, facts)


def test_device_tree_has_only_given_devices(linux, facts):
    linuxvm.check_device_tree(linux, facts)


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
