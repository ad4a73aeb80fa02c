# SPDX-License-Identifier: MIT
"""What a VM owning PCI functions sees of PCI on x86: the bare-metal
`pciprobe` guest (guests/baremetal-x86/pciprobe.c) runs in two VMs of
tests/system/configs/x86-pci-isolation.dts, `pcia` owning the AHCI
controller 00:04.0 and `pcib` the e1000e 00:05.0.  Each finds its own
function through both 0xcf8/0xcfc and ECAM with its BAR memory mapped,
reads the other VM's function and the hypervisor's LPC bridge as all-ones
(writes to them going nowhere), the host bridge as a bare bridge without
BARs or capabilities, and cannot move its own BAR while sizing it works.
`pcib`'s e1000e also interrupts it, by MSI (translated onto pcib's CPU)
and by INTx (GSI 21's physical pin following pcib's virtual I/O APIC pin,
masked with it and unmasked at its EOI); MSI messages it aims at an NMI
or at an APIC ID outside the VM are never sent.
"""

import pytest

import baremetal
import qemu
import x86

pytestmark = x86.needs_qemu

CONFIG = qemu.REPO / "tests" / "system" / "configs" / "x86-pci-isolation.dts"
VMS = ("pcia", "pcib")
# The controllers of the config's qemu-args, on the PCI test machine.
DEVICES = ("-device", "ich9-ahci,id=ahci,addr=0x4",
           "-netdev", "user,id=n0",
           "-device", "e1000e,netdev=n0,addr=0x5")
PROBES = ["pci_cf8_latch", "pci_host_bridge_bare", "pci_own_cf8",
          "pci_own_ecam", "pci_other_vm_cf8", "pci_other_vm_ecam",
          "pci_other_vm_write", "pci_hv_lpc_hidden", "pci_own_mem_bar",
          "pci_bar_move_refused", "pci_bar_sizing", "pci_bar_mapped"]
# pcib's e1000e interrupts it (guests/baremetal-x86/pciprobe.c).
IRQ_PROBES = ["pci_msi_cap", "pci_msi_delivered", "pci_msi_refused",
              "pci_intx_delivered", "pci_intx_masked"]
EXPECTED = {"pcia": PROBES, "pcib": PROBES + IRQ_PROBES}
TIMEOUT = 120 * qemu.TIMEOUT_SCALE
LOG = qemu.LOG_DIR / "test_x86_pci_isolation.log"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    image = x86.build_image(CONFIG, tmp_path_factory.mktemp("x86-pci"))
    c = qemu.Console(x86.argv(image, extra=DEVICES), LOG)
    try:
        for vm in VMS:
            c.expect_vm(vm, baremetal.SUMMARY.pattern, TIMEOUT)
        for vm in VMS:
            c.expect_hv(rf"^vm {vm}: stopped", qemu.COMMAND_TIMEOUT)
        yield c
    finally:
        c.close()


@pytest.fixture(autouse=True)
def _logs(request):
    """Name the shared console log in a failing test's report."""
    request.node.shikiri_logs = [LOG]


def _params():
    for vm in VMS:
        for name in EXPECTED[vm]:
            yield pytest.param(vm, name, id=f"{vm}-{name}")


@pytest.mark.parametrize("vm,name", _params())
def test_pci_probe(run, vm, name):
    report = baremetal.Report(run.vm_lines(vm))
    status, detail = report.results.get(name, ("missing", ""))
    assert status == "PASS", f"{vm} {name}: {status} {detail}"


@pytest.mark.parametrize("vm", VMS)
def test_report_complete(run, vm):
    report = baremetal.Report(run.vm_lines(vm))
    assert report.summary == (len(EXPECTED[vm]), 0), report.results
    assert set(report.results) == set(EXPECTED[vm])


def test_hypervisor_quiet(run):
    """Neither VM's probing made the hypervisor take a fault or an
    interrupt it did not expect, or refuse the plan."""
    hv = [line for line in run.lines if line.startswith("shikiri: ")]
    bad = [line for line in hv
           if "unexpected" in line or "PANIC" in line or "refused" in line
           or "outside the VM" in line]
    assert not bad, bad
