# SPDX-License-Identifier: MIT
"""The x86-64 demo (configs/qemu-q35-demo.dts) as shikiri-build makes it:
the image is what GRUB takes as Multiboot 1 and 2, and on q35 both VMs run
Debian's unmodified amd64 kernel to userspace, each seeing exactly what
the tool gave it: its e820 map (its own RAM only), its ACPI tables (its
vCPUs in the MADT, the I/O APIC after them, S5), its vCPU count and RAM,
its command line."""

import re
import shutil
import subprocess

import pytest

import linuxvm
import qemu
import x86

pytestmark = x86.needs_qemu

CONFIG = qemu.REPO / "configs" / "qemu-q35-demo.dts"
VMS = {"linux0": (2, 512 << 20), "linux1": (2, 256 << 20)}
CMDLINE = "console=ttyS0 panic=-1"


@pytest.fixture(scope="module")
def demo_image(tmp_path_factory):
    out = tmp_path_factory.mktemp("q35-demo") / "demo.img"
    for f in (qemu.SHIKIRI_BUILD, x86.HV_BIN,
              qemu.REPO / "build" / "cache" / "x86_64" / "bzImage",
              qemu.REPO / "build" / "guest-x86_64" / "initramfs.cpio.gz"):
        assert f.is_file(), f"not built: {f} (run `make all` first)"
    r = subprocess.run([str(qemu.SHIKIRI_BUILD), "--hv", str(x86.HV_BIN),
                        str(CONFIG), "-o", str(out)], cwd=qemu.REPO,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    assert r.returncode == 0, r.stdout
    return out


def test_image_is_multiboot_1_and_2(demo_image):
    grub_file = shutil.which("grub-file")
    if grub_file is None:
        pytest.skip("grub-file not installed")
    for kind in ("--is-x86-multiboot", "--is-x86-multiboot2"):
        r = subprocess.run([grub_file, kind, str(demo_image)])
        assert r.returncode == 0, f"grub-file {kind} refuses the image"


def test_demo_vms_see_their_pc(demo_image, request, consoles):
    log = qemu.LOG_DIR / f"{request.node.name}.log"
    c = qemu.Console(x86.argv(demo_image), log,
                     vms=[(vm, True) for vm in VMS])
    consoles.append(c)
    request.node.shikiri_logs.append(log)
    for vm, (cpus, _) in VMS.items():
        m = c.expect_vm(vm, linuxvm.USERSPACE)
        assert int(m.group(1)) == cpus
    for vm, (cpus, ram) in VMS.items():
        lines = c.vm_lines(vm)
        e820 = [l for l in lines if "BIOS-e820:" in l]
        assert [re.sub(r"^.*BIOS-e820: ", "", l) for l in e820] == [
            "[mem 0x0000000000000000-0x000000000009efff] usable",
            "[mem 0x000000000009f000-0x00000000000fffff] reserved",
            f"[mem 0x0000000000100000-0x{ram - 1:016x}] usable",
        ], e820
        text = "\n".join(lines)
        assert f"smpboot: Allowing {cpus} CPUs, 0 hotplug CPUs" in text
        assert (f"IOAPIC[0]: apic_id {cpus}, version 17, address "
                "0xfec00000, GSI 0-23") in text
        assert "ACPI: PM: (supports S0 S5)" in text
        assert int(c.run_in_vm(vm, "nproc")) == cpus
        assert c.run_in_vm(vm, "cat /proc/cmdline").strip() == CMDLINE
        kb = int(c.run_in_vm(vm, "sed -n 's/^MemTotal: *//p' /proc/meminfo"
                             " | cut -d' ' -f1"))
        assert ram * 0.8 - linuxvm.KERNEL_RESERVE < kb * 1024 <= ram, kb
