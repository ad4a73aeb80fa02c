# SPDX-License-Identifier: MIT
"""DMA of a passed-through PCI function confined by the SMMUv3 on Arm
(docs/isolation.md, "DMA of PCI functions on aarch64"), driven from Linux.

linux1 owns QEMU's edu device and programs its DMA engine with devmem
(BAR0: 0x80 source, 0x88 destination, 0x90 count, 0x98 command: bit 0
start, bit 1 device to RAM): a read of its own RAM goes through, a read or
a write outside it is blocked by the SMMU, which the hypervisor reports
with the VM, the device and the IPA, counts in `stats`, and hands to
linux1's on-fault policy (restart) alone; linux0 sees nothing happen.
After the restart the function is linux1's again and confined again.

The image is built for the board qemu-virt-smmu (QEMU's virt with
iommu=smmuv3 and edu at 00:04.0), which shikiri-build names in IMAGE.qemu."""

import subprocess
import time

import pytest

import lifecycle
import qemu

CONFIG = qemu.REPO / "tests" / "system" / "configs" / "arm-smmu.dts"
BOARD = "qemu-virt-smmu"
DEV = "/sys/bus/pci/devices/0000:00:04.0"
EDU_BUF = 0x40000            # the device's own 4 KiB buffer
OWN_RAM = 0x40200000         # linux1's kernel, in its RAM
OUTSIDE = (0x60000000, 0x7ff00000)   # above linux1's 256 MiB at 0x40000000
FAULT = (r"^vm linux1: DMA fault: device 00:04\.0 at IPA {:#x} "
         r"\(translation fault\), on-fault restart$")


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """The config built for qemu-virt-smmu (not the arch's default board)."""
    arch = qemu.ARCHES["aarch64"]
    out = tmp_path_factory.mktemp("arm-smmu") / "arm-smmu.img"
    r = subprocess.run([str(qemu.SHIKIRI_BUILD), "--board", BOARD, "--hv",
                        str(arch.hv_bin), str(CONFIG), "-o", str(out)],
                       cwd=qemu.REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    return qemu.Image(out, CONFIG)


def edu_bar(c):
    """Where edu's BAR 0 is in linux1, after turning on its decode and bus
    mastering (no driver does: the Command register, through sysfs)."""
    res = c.run_in_vm("linux1", f"head -1 {DEV}/resource").split()
    c.run_in_vm("linux1", f"printf '\\006\\000' | dd of={DEV}/config bs=1 "
                "seek=4 conv=notrunc 2>/dev/null")
    return int(res[0], 16)


def dma(c, bar, src, dst, to_ram):
    """Start an 8-byte transfer and give the device time to do it."""
    cmd = 3 if to_ram else 1
    c.run_in_vm("linux1", "; ".join(
        f"devmem {bar + off:#x} 32 {val:#x}" for off, val in (
            (0x80, src & 0xffffffff), (0x84, src >> 32),
            (0x88, dst & 0xffffffff), (0x8c, dst >> 32),
            (0x90, 8), (0x98, cmd))))
    time.sleep(0.5)


def fault_lines(c, start):
    return [l for l in c.lines[start:] if "DMA fault" in l]


def test_dma_confined_to_the_owner(image, boot):
    c = boot(image)
    c.expect_hv(r"^smmu: SMMUv3 at 0x9050000, stage 1, StreamIDs 0-255, "
                r"DMA of unowned streams blocked$")
    c.expect_hv(r"^smmu: on, 1 streams owned by VMs$")
    for vm in ("linux0", "linux1"):
        c.expect_vm(vm, r"^shikiri-guest: modules loaded:")
        lifecycle.wait_shell_banner(c, vm)
    start = len(c.lines)
    bar = edu_bar(c)

    # Its own RAM: no fault.  The SMMU takes one stream's accesses in
    # order, so the first fault line below being the outside read's shows
    # this one went through.
    dma(c, bar, OWN_RAM, EDU_BUF, to_ram=False)
    dma(c, bar, OUTSIDE[0], EDU_BUF, to_ram=False)
    c.expect_hv(FAULT.format(OUTSIDE[0]))
    assert "0x40200000" not in " ".join(fault_lines(c, start))
    lifecycle.wait_hv(c, r"^vm linux1: started \(guest fault, restart 1\)$",
                      start)
    lifecycle.forget_shell(c, "linux1")
    c.expect_vm("linux1", r"^shikiri-guest: modules loaded:",
                lifecycle.RESTART_TIMEOUT)
    lifecycle.wait_shell_banner(c, "linux1")
    assert lifecycle.events(c, "linux0", start) == []
    assert c.run_in_vm("linux0", "echo alive").strip() == "alive"
    stats = lifecycle.shell(c, "stats linux1")
    faults = [l for l in stats if l.startswith("vm linux1: pci: dma faults=")]
    assert faults and int(faults[0].split("=")[1]) >= 1

    # Its next life: the function is its own again, and confined again
    # (a write this time).
    start = len(c.lines)
    bar = edu_bar(c)
    dma(c, bar, EDU_BUF, OUTSIDE[1], to_ram=True)
    c.expect_hv(FAULT.format(OUTSIDE[1]))
    lifecycle.wait_hv(c, r"^vm linux1: started \(guest fault, restart 2\)$",
                      start)
    assert lifecycle.events(c, "linux0", start) == []
