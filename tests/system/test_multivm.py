# SPDX-License-Identifier: MIT
"""Several Linux VMs boot side by side on one machine, and each sees
exactly its own share: its CPUs, its RAM, its device tree."""

from pathlib import Path

import pytest

import linuxvm
import qemu

CONFIGS = {
    # The `make run` demo: 2 + 2 CPUs, 512 + 256 MiB.
    "configs/qemu-virt-demo.dts": ("linux0", "linux1"),
    # An uneven split: 1 + 1 + 2 CPUs, 192 + 320 + 400 MiB.
    "three-uneven": ("small", "medium", "large"),
}


@pytest.mark.parametrize("config", CONFIGS,
                         ids=lambda config: Path(config).stem)
def test_vms_boot_side_by_side(config, shikiri_image, boot):
    image = shikiri_image(config)
    vms = CONFIGS[config]
    assert [name for name, _ in image.vms()] == list(vms)
    facts = {vm: linuxvm.VmFacts(image, vm) for vm in vms}

    c = boot(image)
    # Each VM's own lines are matched, so the order they come in is free.
    for vm in vms:
        m = c.expect_vm(vm, linuxvm.USERSPACE)
        assert int(m.group(1)) == facts[vm].cpus, (
            f"{vm} came up on {m.group(1)} CPUs, {facts[vm].cpus} given")
    for vm in vms:
        linuxvm.check_vm(c, facts[vm])
    # Every VM is still running: none was stopped on the way.
    stopped = [l for l in c.lines if l.startswith("shikiri: vm ")
               and "stopped" in l]
    assert not stopped, f"VMs stopped: {stopped}"
