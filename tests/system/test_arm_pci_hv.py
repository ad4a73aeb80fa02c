# SPDX-License-Identifier: MIT
"""The hypervisor's half of PCI passthrough on Arm (docs/architecture.md,
PCI passthrough): QEMU's edu device, whose BAR no firmware placed, given to
linux1 by the boot plan.  The hypervisor assigns the BAR in linux1's
window, shows the function on linux1's virtual PCI bus at its own slot
next to the shared-memory function, maps the BAR into linux1's stage 2 (the
device's registers answer through it), shows linux0 nothing of it, and
after linux1 restarts the function is there again with its BAR.  A window
too small for the BAR refuses the plan before any VM runs.

The plan's PCI fields are written here, into the image shikiri-build made
of configs/arm-pci-hv.dts, with offsets taken from include/shikiri/plan.h
by the host compiler, and the CRC redone."""

import re
import struct
import subprocess
import zlib

import pytest

import lifecycle
import qemu

CONFIG = qemu.REPO / "tests" / "system" / "configs" / "arm-pci-hv.dts"
EDU = 0x20                  # 00:04.0
EDU_ID = "1234:11e8"
EDU_INTID = 35              # QEMU virt's swizzle: slot 4, INTA -> SPI 3
ECAM = (0x4010000000, 0x10000000)
WINDOW = (0x10000000, 0x2eff0000)   # the board's 32-bit window
ASSIGN_BARS = 1             # SHIKIRI_PCI_BOARD_ASSIGN_BARS
EDU_BAR = 1 << 20
EDU_ID_REG = 0x010000ED     # edu register 0x00: version 1.0, "ed"

OFFSETS = r"""
#include <stddef.h>
#include <stdio.h>
#include "shikiri/plan.h"
int main(void)
{
	printf("%zu %zu %zu %zu %zu %zu\n",
	       offsetof(struct shikiri_plan, board.pci),
	       offsetof(struct shikiri_plan, vm),
	       sizeof(struct shikiri_plan_vm),
	       offsetof(struct shikiri_plan_vm, pci_count),
	       offsetof(struct shikiri_plan_vm, pci),
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
    keys = ("board_pci", "vm", "vm_size", "pci_count", "pci", "pci_mem")
    return dict(zip(keys, map(int, out)))


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(CONFIG)


def with_edu(image, path, offsets, window_size):
    """A copy of @image at @path whose plan gives edu to linux1 (VM 1) with
    a BAR window of @window_size at the board window's base."""
    data = bytearray(image.path.read_bytes())
    plan = qemu.find_plan(data)
    o = offsets

    def put(at, fmt, *values):
        struct.pack_into("<" + fmt, data, plan + at, *values)

    put(o["board_pci"], "QQII", *ECAM, 0, 255)
    put(o["board_pci"] + 24, "QQQQ", *WINDOW, 0, 0)
    put(o["board_pci"] + 72, "I", ASSIGN_BARS)
    vm1 = o["vm"] + o["vm_size"]
    put(vm1 + o["pci_count"], "I", 1)
    put(vm1 + o["pci"], "IIII", EDU, EDU_INTID, 1, 0)
    put(vm1 + o["pci_mem"], "QQ", WINDOW[0], window_size)
    data[plan + 16:plan + 20] = bytes(4)
    size = qemu.plan_size(data, plan)
    struct.pack_into("<I", data, plan + 16, zlib.crc32(data[plan:plan + size]))
    copy = image.copy(path)
    copy.path.write_bytes(data)
    return copy


def devices(c, vm):
    return c.run_in_vm(vm, "ls /sys/bus/pci/devices").split()


def check_edu(c):
    """linux1 sees edu at 00:04.0 with its BAR where the hypervisor put it,
    and the device's registers through its stage 2."""
    dev = "/sys/bus/pci/devices/0000:00:04.0"
    assert devices(c, "linux1") == ["0000:00:01.0", "0000:00:04.0"]
    ids = c.run_in_vm("linux1", f"cat {dev}/vendor {dev}/device").split()
    assert ids == ["0x1234", "0x11e8"]
    res = c.run_in_vm("linux1", f"head -1 {dev}/resource").split()
    assert int(res[0], 16) == WINDOW[0]
    assert int(res[1], 16) == WINDOW[0] + EDU_BAR - 1
    out = c.run_in_vm("linux1", f"devmem {WINDOW[0]:#x} 32")
    assert int(out.strip(), 16) == EDU_ID_REG
    # Register 0x04 reads back the complement of what was written.
    out = c.run_in_vm("linux1", f"devmem {WINDOW[0] + 4:#x} 32 0x12345678; "
                      f"devmem {WINDOW[0] + 4:#x} 32")
    assert int(out.strip(), 16) == 0xedcba987


def test_edu_on_linux1s_bus_only(image, offsets, boot, tmp_path):
    c = boot(with_edu(image, tmp_path / "edu.img", offsets, 16 << 20))
    m = c.expect_hv(r"^vm linux1: pci 00:04\.0 ([0-9a-f:]+), reset (\S+)")
    assert m.group(1) == EDU_ID
    for vm in ("linux0", "linux1"):
        c.expect_vm(vm, r"^shikiri-guest: modules loaded:")
        lifecycle.wait_shell_banner(c, vm)
    check_edu(c)
    assert devices(c, "linux0") == ["0000:00:01.0"]

    lifecycle.sysrq_restart(c, "linux1", "linux0")
    check_edu(c)


def test_bar_outside_the_window_refuses_the_plan(image, offsets, boot,
                                                 tmp_path):
    c = boot(with_edu(image, tmp_path / "small.img", offsets, 512 << 10))
    c.expect_hv(r"^vm linux1: pci 00:04\.0 BAR 0 \(1024 KiB\) does not fit "
                r"in its PCI windows$")
    c.expect_hv(r"^boot plan rejected: VM set-up failed")
    c.wait_exit()
    assert not [l for l in c.lines if re.match(r"\[linux[01]\]", l)]
