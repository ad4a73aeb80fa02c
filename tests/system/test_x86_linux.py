# SPDX-License-Identifier: MIT
"""The x86-64 demo (configs/qemu-q35-demo.dts): two unmodified Debian amd64
kernels under AMD SVM + NPT on q35, each on its own two CPUs with its own
RAM, both consoles on the one serial line; one VM reboots and powers off
alone while the other keeps answering."""

import re
import time

import pytest

import lifecycle
import linuxvm
import qemu
import x86

pytestmark = x86.needs_qemu

CONFIG = "configs/qemu-q35-demo.dts"
VMS = {"linux0": (2, 512), "linux1": (2, 256)}  # vCPUs, MiB of RAM
# TCG runs two kernels' boots on two host cores: slower than on Arm.
BOOT_TIMEOUT = 240 * qemu.TIMEOUT_SCALE


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(CONFIG)


def boot_both(boot, image):
    c = boot(image)
    t0 = time.monotonic()
    for vm in VMS:
        m = c.expect_vm(vm, linuxvm.USERSPACE, BOOT_TIMEOUT)
        assert int(m.group(1)) == VMS[vm][0]
    for vm in VMS:
        lifecycle.wait_shell_banner(c, vm, BOOT_TIMEOUT)
    return c, time.monotonic() - t0


def test_both_reach_userspace_on_their_own_cpus_and_ram(boot, image):
    c, took = boot_both(boot, image)
    print(f"both VMs in userspace after {took:.1f} s")
    for vm, (cpus, mib) in VMS.items():
        out = c.run_in_vm(vm, "grep -c ^processor /proc/cpuinfo")
        assert int(out.split()[-1]) == cpus
        out = c.run_in_vm(vm, "grep MemTotal /proc/meminfo")
        kib = int(re.search(r"MemTotal:\s+(\d+) kB", out).group(1))
        # The kernel keeps some for itself; it never sees more than given.
        assert mib * 1024 * 0.7 < kib <= mib * 1024, (vm, kib)
        out = c.run_in_vm(vm, "cat /proc/cmdline")
        assert "console=ttyS0" in out
    # Each kernel found the ACPI power-off and the MADT's two CPUs.
    out = c.run_in_vm("linux1", "dmesg | grep -c 'ACPI: LAPIC\\|smpboot: "
                      "Total of 2 processors'", check=False)
    assert int(out.split()[-1]) >= 1


def test_reboot_and_poweroff_of_one_vm_leave_the_other(boot, image):
    c, _ = boot_both(boot, image)
    since = len(c.lines)
    c.start_in_vm("linux1", "reboot -f")
    lifecycle.wait_hv(c, r"^vm linux1: restarting \(guest reset\)$", since)
    c.expect_hv(r"^vm linux1: started \(guest reset, restart 1\)$",
                BOOT_TIMEOUT)
    lifecycle.forget_shell(c, "linux1")
    c.expect_vm("linux1", linuxvm.USERSPACE, BOOT_TIMEOUT)
    lifecycle.wait_shell_banner(c, "linux1", BOOT_TIMEOUT)
    assert c.run_in_vm("linux0", "echo still-here") == "still-here"
    assert c.run_in_vm("linux1", "echo back") == "back"

    since = len(c.lines)
    c.start_in_vm("linux1", "poweroff -f")
    lifecycle.wait_hv(c, r"^vm linux1: stopped \(guest power-off\)$", since)
    assert c.run_in_vm("linux0", "echo alone") == "alone"
    out = lifecycle.shell(c, "list")
    assert any(re.search(r"linux1\b.*stopped", l) for l in out), out
