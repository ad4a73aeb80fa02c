# SPDX-License-Identifier: MIT
"""The two ways an x86 shikiri image is loaded, tried with a test kernel
that carries both headers (guests/x86/mbtest.S) and names the protocol and
loader that started it: QEMU's Multiboot1 loader (scripts/run IMAGE, -kernel
on q35) and GRUB's multiboot2 command from a GRUB ISO (scripts/run --grub
IMAGE, as on a PC)."""

import shutil

import pytest

import qemu

MBTEST = qemu.REPO / "build" / "guests" / "x86" / "mbtest.bin"


@pytest.fixture
def mbtest(tmp_path):
    """mbtest.bin with an IMAGE.qemu for the q35 board, as shikiri-build
    writes one for an x86 image."""
    if not MBTEST.is_file():
        pytest.fail(f"not built: {MBTEST} (run `make all` first)",
                    pytrace=False)
    image = tmp_path / "mbtest.img"
    shutil.copyfile(MBTEST, image)
    (tmp_path / "mbtest.img.qemu").write_text(
        "\n".join(qemu.ARCHES["x86_64"].machine) + "\n")
    return image


@pytest.mark.parametrize("route, expect", [
    ((), r"mbtest: multiboot1 from qemu$"),
    (("--grub",), r"mbtest: multiboot2 from GRUB \S+$"),
], ids=["multiboot1", "grub-multiboot2"])
def test_x86_loader(request, consoles, mbtest, route, expect):
    log = qemu.LOG_DIR / f"test_x86_loaders.{request.node.callspec.id}.log"
    c = qemu.Console([qemu.RUN, *route, mbtest], log, prefixed=False)
    consoles.append(c)
    request.node.shikiri_logs.append(log)
    c.expect_vm(None, expect, timeout=60 * qemu.TIMEOUT_SCALE)


def test_x86_grub_boots_shikiri(request, consoles, shikiri_image):
    """The x86 demo image, the file a user copies to a PC, loaded by GRUB
    with multiboot2: the hypervisor starts and both VMs reach userspace."""
    image = shikiri_image("qemu-q35-demo")
    assert image.arch is qemu.ARCHES["x86_64"]
    log = qemu.LOG_DIR / "test_x86_loaders.grub-shikiri.log"
    c = qemu.Console([qemu.RUN, "--grub", image.path], log, vms=image.vms())
    consoles.append(c)
    request.node.shikiri_logs.append(log)
    c.expect_hv(r"^shikiri on qemu-q35: ", timeout=60 * qemu.TIMEOUT_SCALE)
    for vm, _ in image.vms():
        c.expect_vm(vm, r"^shikiri-guest: userspace up on 2 cpus$")
