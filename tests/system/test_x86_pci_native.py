# SPDX-License-Identifier: MIT
"""The PCI test machine (pcimachine.py) with Debian's generic amd64 kernel
and the PCI initramfs straight on q35, no hypervisor: the baseline of
test_x86_pci.py.  Every check that test makes of linux1 passes here on the
bare machine, so a failure under shikiri is shikiri's: the functions are
listed, their drivers bind, each disk reads the host's pattern and keeps
what it writes, the NIC gets a lease and pings the gateway, AHCI
interrupts by MSI, xHCI by MSI-X and the NIC by INTx, and each
function's INTx is the GSI pcimachine.GSIS (and the board file) gives
it."""

import time

import pytest

import pcimachine as pm
import qemu
import x86

pytestmark = x86.needs_qemu
GUEST = "guest"  # natively the one console has no VM prefix


@pytest.fixture
def native(request, consoles, tmp_path):
    """(console, Machine): the machine's guest booted without shikiri,
    at its shell with its modules loaded."""
    missing = pm.payloads_missing()
    if missing:
        pytest.fail(f"missing {', '.join(missing)} (scripts/setup, make)",
                    pytrace=False)
    m = pm.Machine(tmp_path)
    log = qemu.LOG_DIR / f"{request.node.name}.log"
    c = qemu.Console(m.native_argv(f"console=ttyS0 quiet {pm.BOOTARGS}"), log,
                     prefixed=False)
    consoles.append(c)
    request.node.shikiri_logs.append(log)
    c.expect_vm(GUEST, r"^shikiri-guest: modules loaded:")
    return c, m


def test_native_pci_machine(native):
    c, m = native
    t0 = time.monotonic()
    seen = pm.functions(c, GUEST)
    for bdf, want in pm.FUNCTIONS.items():
        assert seen.get(bdf) == want, f"{bdf}: {seen.get(bdf)}, want {want}"
    # Only the one NIC: QEMU's default e1000e at 00:02.0 is left out.
    assert "0000:00:02.0" not in seen, seen

    sata = pm.check_disk(c, GUEST, m, pm.AHCI)
    usb = pm.check_disk(c, GUEST, m, pm.XHCI)
    assert sata != usb
    addr = pm.check_network(c, GUEST)
    ifc = pm.nic_name(c, GUEST)
    kinds = pm.check_interrupts(c, GUEST, ifc)
    # INTx of the other two, by rebinding each without MSI; each still
    # drives its disk afterwards.
    gsis = {bdf: pm.intx_gsi(c, GUEST, bdf) for bdf in (pm.AHCI, pm.XHCI)}
    gsis[pm.NIC] = pm.GSIS[pm.NIC]  # check_interrupts saw its pin
    assert gsis == pm.GSIS, gsis
    pm.check_disk(c, GUEST, m, pm.AHCI)
    pm.check_disk(c, GUEST, m, pm.XHCI)
    print(f"\nnative: {sata} (AHCI) {usb} (USB), {ifc} {addr};"
          f" interrupts {kinds}; INTx GSIs {gsis};"
          f" checks {time.monotonic() - t0:.1f} s")
