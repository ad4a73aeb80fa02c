# SPDX-License-Identifier: MIT
"""The hypervisor's half of PCI passthrough on Arm (docs/architecture.md,
PCI passthrough): QEMU's edu device, whose BAR no firmware placed, given to
linux1 on qemu-virt-smmu.  The hypervisor assigns the BAR in linux1's
window (the plan's pci_mem, read here from the image), shows the function
on linux1's virtual PCI bus at its own slot, maps the BAR into linux1's
stage 2 (the device's registers answer through it), shows linux0 no PCI
function, and after linux1 restarts the function is there again with its
BAR.  A plan whose window is too small for the BAR (written here into the
image, as test_boot.py damages plans) is refused before any VM runs.

The plan's offsets come from include/shikiri/plan.h through the host
compiler."""

import re
import struct
import subprocess
import zlib

import pytest

import lifecycle
import qemu

CONFIG = qemu.REPO / "tests" / "system" / "configs" / "arm-pci-hv.dts"
EDU_ID = "1234:11e8"
EDU_BAR = 1 << 20
EDU_ID_REG = 0x010000ED     # edu register 0x00: version 1.0, "ed"

OFFSETS = r"""
#include <stddef.h>
#include <stdio.h>
#include "shikiri/plan.h"
int main(void)
{
	printf("%zu %zu %zu\n", offsetof(struct shikiri_plan, vm),
	       sizeof(struct shikiri_plan_vm),
	       offsetof(struct shikiri_plan_vm, arch.aarch64.pci_mem));
	return 0;
}
"""


@pytest.fixture(scope="module")
def offsets(tmp_path_factory):
    """Where the plan's PCI fields are, as the C compiler lays them out."""
    d = tmp_path_factory.mktemp("plan-offsets")
    (d / "o.c").write_text(OFFSETS)
    subprocess.run(["cc", "-I", str(qemu.REPO / "include"), "-o",
                    str(d / "o"), str(d / "o.c")], check=True)
    out = subprocess.run([str(d / "o")], check=True, stdout=subprocess.PIPE,
                         text=True).stdout.split()
    keys = ("vm", "vm_size", "pci_mem")
    return dict(zip(keys, map(int, out)))


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(CONFIG)


def window(image, offsets):
    """linux1's (VM 1's) first PCI window in @image's plan: (base, size)."""
    data = image.path.read_bytes()
    at = (qemu.find_plan(data) + offsets["vm"] + offsets["vm_size"] +
          offsets["pci_mem"])
    return struct.unpack_from("<QQ", data, at)


def with_window(image, path, offsets, size):
    """A copy of @image at @path whose plan gives linux1 a first PCI window
    of @size bytes, CRC redone."""
    data = bytearray(image.path.read_bytes())
    plan = qemu.find_plan(data)
    at = plan + offsets["vm"] + offsets["vm_size"] + offsets["pci_mem"] + 8
    struct.pack_into("<Q", data, at, size)
    data[plan + 16:plan + 20] = bytes(4)
    crc = zlib.crc32(data[plan:plan + qemu.plan_size(data, plan)])
    struct.pack_into("<I", data, plan + 16, crc)
    copy = image.copy(path)
    copy.path.write_bytes(data)
    return copy


def devices(c, vm):
    return c.run_in_vm(vm, "ls /sys/bus/pci/devices").split()


def check_edu(c, base):
    """linux1 sees edu at 00:04.0 alone with its BAR at @base, where the
    hypervisor put it, and the device's registers through its stage 2."""
    dev = "/sys/bus/pci/devices/0000:00:04.0"
    assert devices(c, "linux1") == ["0000:00:04.0"]
    ids = c.run_in_vm("linux1", f"cat {dev}/vendor {dev}/device").split()
    assert ids == ["0x1234", "0x11e8"]
    res = c.run_in_vm("linux1", f"head -1 {dev}/resource").split()
    assert int(res[0], 16) == base
    assert int(res[1], 16) == base + EDU_BAR - 1
    out = c.run_in_vm("linux1", f"devmem {base:#x} 32")
    assert int(out.strip(), 16) == EDU_ID_REG
    # Register 0x04 reads back the complement of what was written.
    out = c.run_in_vm("linux1", f"devmem {base + 4:#x} 32 0x12345678; "
                      f"devmem {base + 4:#x} 32")
    assert int(out.strip(), 16) == 0xedcba987


def test_edu_on_linux1s_bus_only(image, offsets, boot):
    base, size = window(image, offsets)
    assert size >= EDU_BAR
    c = boot(image)
    m = c.expect_hv(r"^vm linux1: pci 00:04\.0 ([0-9a-f:]+), reset (\S+)")
    assert m.group(1) == EDU_ID
    for vm in ("linux0", "linux1"):
        c.expect_vm(vm, r"^shikiri-guest: modules loaded:")
        lifecycle.wait_shell_banner(c, vm)
    check_edu(c, base)
    assert devices(c, "linux0") == []

    lifecycle.sysrq_restart(c, "linux1", "linux0")
    check_edu(c, base)


def test_bar_outside_the_window_refuses_the_plan(image, offsets, boot,
                                                 tmp_path):
    c = boot(with_window(image, tmp_path / "small.img", offsets, 512 << 10))
    c.expect_hv(r"^vm linux1: pci 00:04\.0 BAR 0 \(1024 KiB\) does not fit "
                r"in its PCI windows$")
    c.expect_hv(r"^boot plan rejected: VM set-up failed")
    c.wait_exit()
    assert not [l for l in c.lines if re.match(r"\[linux[01]\]", l)]
