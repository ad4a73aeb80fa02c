# SPDX-License-Identifier: MIT
"""The x86-64 hypervisor runs a VM under AMD SVM with nested paging: the
bare-metal guest (guests/baremetal-x86) sees the CPU as the VM's own (CPUID
topology, no SVM/VMX/x2APIC, hypervisor bit), gets #GP for MSRs outside the
allow-list, takes its virtual local APIC's timer interrupts at the rate it
programmed, starts its second vCPU by INIT-SIPI-SIPI and sends it an IPI,
prints through its emulated COM1 on the console mux, and powers its VM off
through ACPI PM1a_CNT, after which the hypervisor powers the machine off."""

import re
import subprocess

import pytest

import qemu
import x86
from x86 import boot_x86  # noqa: F401 (fixture)

pytestmark = x86.needs_qemu

VM = "bm0"
GUEST = qemu.REPO / "build" / "guests" / "x86" / "baremetal.bin"
IMAGE_TOOL = qemu.REPO / "build" / "bin" / "x86-test-image"
TIMER_TICKS = 20
TIMER_PERIOD_S = 0.010


def make_image(tmp_path, vcpus):
    out = tmp_path / f"baremetal-{vcpus}.img"
    subprocess.run([IMAGE_TOOL, x86.HV_BIN, GUEST, out, str(vcpus)],
                   check=True)
    return out


@pytest.mark.parametrize("vcpus", [1, 2])
def test_guest_runs(tmp_path, boot_x86, vcpus):  # noqa: F811
    c = boot_x86(make_image(tmp_path, vcpus))
    tsc_khz = int(c.expect_hv(r"^TSC (\d+) kHz, local APIC timer \d+ kHz")
                  .group(1))
    c.expect_hv(rf"^vm {VM}: {vcpus} vCPUs on CPUs "
                + ",".join(str(1 + i) for i in range(vcpus)))
    c.expect_hv(rf"^vm {VM}: started$")

    m = c.expect_vm(VM, r"^cpuid: apic id (\d+), logical cpus (\d+), "
                    r"hypervisor (\d), vmx (\d), svm (\d), x2apic (\d)$")
    assert [int(g) for g in m.groups()] == [0, vcpus, 1, 0, 0, 0]

    m = c.expect_vm(VM, r"^msr: efer.svme (\d), apic base 0x([0-9a-f]+), "
                    r"forbidden reads #GP (\d) of 3$")
    assert m.group(1) == "0", "EFER.SVME shows through"
    assert int(m.group(2), 16) == 0xfee00900  # base, enabled, BSP
    assert m.group(3) == "3"

    m = c.expect_vm(VM, r"^timer: (\d+) periodic interrupts, (\d+) x 1024 "
                    r"TSC cycles$")
    assert int(m.group(1)) == TIMER_TICKS
    elapsed = int(m.group(2)) * 1024 / (tsc_khz * 1000)
    # Never early; late by at most what a loaded TCG host adds.
    assert TIMER_TICKS * TIMER_PERIOD_S * 0.95 <= elapsed < 10, elapsed

    if vcpus > 1:
        m = c.expect_vm(VM, r"^ap: vcpu 1 (.*), apic id (\d+)$")
        assert m.groups() == ("up", "1")
        c.expect_vm(VM, r"^ipi: 1 delivered to vcpu 1$")
    c.expect_vm(VM, r"^x86 guest: done, powering off$")
    c.expect_hv(rf"^vm {VM}: stopped \(guest power-off\)$")
    m = c.expect_hv(rf"^vm {VM}: exits: (\d+) sync \((\d+) io, (\d+) mmio, "
                    r"(\d+) msr, (\d+) cpuid, (\d+) hlt, (\d+) npf, "
                    r"(\d+) vintr\), (\d+) irq; (\d+) interrupts injected$")
    exits = [int(g) for g in m.groups()]
    assert exits[4] >= 3  # the CPUID leaves the guest read
    assert exits[9] >= TIMER_TICKS + (vcpus > 1)
    c.expect_hv(r"^no VM is left running: powering off$")
    assert c.wait_exit(30) == 0
