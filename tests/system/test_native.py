# SPDX-License-Identifier: MIT
"""Debian's own kernel and the test initramfs boot without the hypervisor
on each architecture's QEMU board (scripts/run --arch ARCH --native): the
payloads every shikiri VM boots work on their own, with the console each
architecture's Linux names, the workloads init starts from the command
line, and the architecture's shikirictl, which refuses to run outside
shikiri without touching memory."""

import pytest

GUEST = "guest"  # natively the one console has no VM prefix


def run(c, cmd):
    """@cmd's output in the guest, without the heartbeat's lines, which
    come on the same console while it runs."""
    return "\n".join(l for l in c.run_in_vm(GUEST, cmd).splitlines()
                     if not l.startswith("heartbeat "))


@pytest.mark.arches("aarch64", "x86_64")
def test_native_userspace(boot_native, arch):
    c = boot_native("-append", f"console={arch.console} shikiri.run=heartbeat",
                    arch=arch)
    c.expect_vm(GUEST, r"^shikiri-guest: userspace up on 2 cpus$")
    beats = [float(c.expect_vm(GUEST, r"^heartbeat (\d+\.\d+)").group(1))
             for _ in range(3)]
    assert beats == sorted(set(beats)), beats

    assert run(c, "uname -m") == arch.name
    assert run(c, "cat /sys/class/tty/console/active") == arch.console
    out = run(c, "shikirictl list; echo status $?")
    assert out.splitlines()[-1] == "status 1", out
    assert "not running under shikiri" in out, out


@pytest.mark.arches("x86_64")
def test_native_panic_reaches_pvpanic(boot_native, arch):
    """init loads the pvpanic driver for the ACPI QEMU0001 device, so a
    kernel panic is reported on port 0x505: QEMU's default panic action
    then ends QEMU.  Without the driver the kernel would hang in panic."""
    c = boot_native("-append", f"console={arch.console}", arch=arch)
    c.expect_vm(GUEST, r"^shikiri-guest: userspace up on 2 cpus$")
    assert "pvpanic_mmio" in c.run_in_vm(GUEST, "cat /proc/modules")
    c.start_in_vm(GUEST, "echo c > /proc/sysrq-trigger")
    c.expect_vm(GUEST, r"Kernel panic - not syncing")
    c.wait_exit(60)
