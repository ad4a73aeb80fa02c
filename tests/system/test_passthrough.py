# SPDX-License-Identifier: MIT
"""A virtio-blk disk behind a passed-through virtio-mmio transport: the VM
that owns it reads and writes it with its own driver, the other VM has no
trace of it, not even with the same drivers loaded.

The config is written per run into a temporary directory, beside the disk
image it names with a relative `file=` in `qemu-args` (which shikiri-build
resolves against the config's directory)."""

import os

import pytest

import linuxvm
import qemu

OWNER, OTHER = "linux0", "linux1"
TRANSPORT = "/virtio_mmio@a003e00"  # where QEMU puts the first device
DISK_SIZE = 1 << 20
DEVICE_TIMEOUT = 20 * qemu.TIMEOUT_SCALE
# Reading a few bytes of a 1 MiB disk takes milliseconds when it works.
READ_TIMEOUT = 5 * qemu.TIMEOUT_SCALE

CONFIG = """/dts-v1/;

/ {{
	compatible = "shikiri,config-v1";
	board = "qemu-virt";
	qemu-args = "-drive", "file=disk.img,if=none,format=raw,id=hd0",
		    "-device", "virtio-blk-device,drive=hd0";

	vm@0 {{
		label = "{owner}";
		cpus = <0 1>;
		memory-size = <0x0 0x10000000>;	/* 256 MiB */
		kernel = "{kernel}";
		initrd = "initrd.cpio.gz";
		bootargs = "console=ttyAMA0 panic=-1";
		/* It owns a DMA-capable device: RAM where it sees it. */
		memory-base = <0x0 0x80000000>;
		devices = "{transport}";
	}};

	vm@1 {{
		label = "{other}";
		cpus = <2 3>;
		memory-size = <0x0 0x10000000>;	/* 256 MiB */
		kernel = "{kernel}";
		initrd = "initrd.cpio.gz";
		bootargs = "console=ttyAMA0 panic=-1";
	}};
}};
"""


# The hypervisor maps a VM's RAM at IPA 0x40000000 wherever it sits in
# physical memory, and nothing translates a device's DMA: the guest hands
# the device guest-physical addresses, which the device takes for physical
# ones, so its rings are not where it looks (QEMU's `info
# virtio-queue-status` shows desc 0x483e0000 for a VM whose RAM is at PA
# 0xb0000000).  The device answers on MMIO (its size reads right), but no
# request ever completes.  Set to False once DMA reaches the VM's RAM.
KNOWN_DMA_BUG = False


def _poll(c, vm, test, timeout=DEVICE_TIMEOUT, step=0.2):
    """Whether shell condition @test holds in VM @vm within @timeout s;
    checked in the VM, so a command stuck in the kernel blocks nothing."""
    n = max(1, int(timeout / step))
    out = c.run_in_vm(
        vm, f"i=0; until {test}; do [ $i -ge {n} ] && break; sleep {step};"
            f" i=$((i+1)); done; if {test}; then echo yes; else echo no; fi",
        timeout=timeout + qemu.COMMAND_TIMEOUT)
    return out.strip() == "yes"


def test_virtio_blk_belongs_to_one_vm(tmp_path, boot):
    pattern = f"shikiri passthrough {os.urandom(8).hex()}"
    disk = tmp_path / "disk.img"
    disk.write_bytes(pattern.encode().ljust(DISK_SIZE, b"\0"))
    linuxvm.initrd_with_virtio(tmp_path / "initrd.cpio.gz")
    config = tmp_path / "passthrough.dts"
    config.write_text(CONFIG.format(owner=OWNER, other=OTHER,
                                    transport=TRANSPORT,
                                    kernel=qemu.REPO / "build/cache/Image"))
    image = qemu.build_image(config, tmp_path)
    assert f"file={tmp_path}/disk.img," in image.qemu_path.read_text(), (
        "the relative file= was not resolved against the config's"
        " directory")
    owner = linuxvm.VmFacts(image, OWNER)
    other = linuxvm.VmFacts(image, OTHER)
    assert owner.devices == {TRANSPORT[1:]} and not other.devices

    c = boot(image)
    for vm in (OWNER, OTHER):
        c.expect_vm(vm, linuxvm.USERSPACE)
    linuxvm.check_device_tree(c, owner)
    linuxvm.check_device_tree(c, other)

    # The other VM: the same drivers find no device.
    linuxvm.load_virtio(c, OTHER)
    assert not _poll(c, OTHER, "[ -b /dev/vda ]", 3), f"{OTHER} has a vda"
    assert c.run_in_vm(OTHER, "ls /sys/bus/virtio/devices | wc -l") == "0"

    # The owner: its driver finds the disk, reads what the host wrote and
    # writes through to the host's file.  The driver's first read (the
    # partition table) happens inside insmod, so it and every read run in
    # the background, lest a request that never completes hang the shell.
    c.run_in_vm(OWNER, linuxvm.insmod(linuxvm.VIRTIO_MODULES[:-1]))
    c.run_in_vm(OWNER, f"insmod {linuxvm.GUEST_MODULES}/virtio_blk.ko"
                       " >/dev/null 2>&1 &")
    assert _poll(c, OWNER, "[ -b /dev/vda ]"), f"{OWNER}: no /dev/vda"
    assert c.run_in_vm(OWNER, "cat /sys/block/vda/size") == str(
        DISK_SIZE // 512)
    c.run_in_vm(OWNER, f"head -c {len(pattern)} /dev/vda >/tmp/got"
                       " 2>/dev/null &")
    done = _poll(c, OWNER, f"[ $(wc -c </tmp/got) -eq {len(pattern)} ]",
                 READ_TIMEOUT)
    if not done and KNOWN_DMA_BUG:
        pytest.xfail("passthrough DMA goes to the guest-physical address "
                     "as a physical one (see KNOWN_DMA_BUG)")
    assert done, f"{OWNER}: reading /dev/vda does not complete"
    assert not KNOWN_DMA_BUG, "passthrough DMA works: set KNOWN_DMA_BUG False"
    got = c.run_in_vm(OWNER, "cat /tmp/got; echo")
    assert got == pattern, f"{OWNER} read {got!r} from /dev/vda"
    back = f"written by {OWNER} {os.urandom(4).hex()}"
    c.run_in_vm(OWNER, f"echo '{back}' | dd of=/dev/vda bs=512 seek=1"
                       " conv=fsync 2>/dev/null")
    assert disk.read_bytes()[512:512 + len(back)] == back.encode()
