# SPDX-License-Identifier: MIT
"""The x86-64 hypervisor binary boots on q35 as a Multiboot kernel: long
mode, its own COM1 console, and a missing plan refused with an ACPI
power-off, on the one binary a user also gives GRUB (both headers)."""

import shutil
import subprocess

import pytest

import x86
from x86 import boot_x86  # noqa: F401 (fixture)

pytestmark = x86.needs_qemu


def test_headers_multiboot_1_and_2():
    grub_file = shutil.which("grub-file")
    if grub_file is None:
        pytest.skip("grub-file not installed")
    for kind in ("--is-x86-multiboot", "--is-x86-multiboot2"):
        r = subprocess.run([grub_file, kind, str(x86.HV_BIN)])
        assert r.returncode == 0, f"grub-file {kind} refuses the binary"


def test_bare_binary_refuses_missing_plan(boot_x86):  # noqa: F811
    c = boot_x86(x86.HV_BIN)
    c.expect_hv(r"^shikiri on qemu-q35: long mode, loaded at 0x1000000, "
                r"boot CPU 0x0$")
    c.expect_hv(r"^boot plan rejected: bad magic$")
    c.expect_hv(r"^nothing was booted; powering off$")
    # The power-off is ACPI S5 through PM1a_CNT: QEMU exits by itself.
    assert c.wait_exit(30) == 0
