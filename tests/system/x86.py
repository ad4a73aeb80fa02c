# SPDX-License-Identifier: MIT
"""QEMU q35 with AMD SVM under TCG, for the x86-64 hypervisor's tests.

The machine every x86 test boots: q35, four CPUs, 2 GiB, the image given to
QEMU's own Multiboot 1 loader with -kernel (the a.out kludge in head.S), no
reboot (a reset ends QEMU, so a test sees it).
"""

import shutil
from pathlib import Path

import pytest

import baremetal
import qemu

QEMU = shutil.which("qemu-system-x86_64")
HV_BIN = qemu.REPO / "build" / "x86_64" / "hv" / "shikiri.bin"
# A CPU model TCG implements SVM for: NPT and RDRAND on, no warnings about
# features TCG lacks (NRIPS, decode assists) as EPYC would print.
CPU = "qemu64,+svm,+npt,+rdrand"

needs_qemu = pytest.mark.skipif(
    QEMU is None, reason="qemu-system-x86_64 not installed (make setup)")


def argv(image, smp=4, mem="2G", extra=(), cpu=CPU):
    """The QEMU command line booting @image on the q35 test machine (CPU
    model @cpu)."""
    return [QEMU, "-M", "q35", "-cpu", cpu, "-smp", str(smp), "-m", mem,
            "-nographic", "-serial", "mon:stdio", "-no-reboot",
            "-kernel", str(image), *extra]


@pytest.fixture
def boot_x86(request, consoles):
    """Factory: boot an x86 image on q35, return its qemu.Console."""

    def start(image, **kw):
        log = qemu.LOG_DIR / f"{request.node.name}-{len(consoles)}.log"
        c = qemu.Console(argv(image, **kw), log)
        consoles.append(c)
        request.node.shikiri_logs.append(log)
        return c

    return start



def build_image(config, outdir):
    """The image of the q35 config @config (a path), written to @outdir."""
    out = Path(outdir) / (Path(config).stem + ".img")
    baremetal.shikiri_build("--hv", HV_BIN, config, "-o", out)
    return out
