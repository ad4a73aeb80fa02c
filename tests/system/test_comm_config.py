# SPDX-License-Identifier: MIT
"""The user-facing example configs/qemu-virt-comm.dts boots, and what each
Debian kernel finds agrees with the device tree shikiri-build generated
for it: the shared-memory functions at the slots, BARs and INTIDs its
pcie@ node gives, bound by uio_pci_generic; the virtio-net device at its
INTID with the MAC derived from the LAN and the VM's label; and the two
VMs ping each other at the addresses their bootargs name."""

import re
import zlib

import pytest

import fdt
import linuxvm

CONFIG = "configs/qemu-virt-comm.dts"
VMS = {"linux0": "10.0.0.1", "linux1": "10.0.0.2"}
LAN = "lan0"
# In load order: each needs the ones before it.
MODULES = ("virtio_ring", "virtio", "virtio_mmio", "failover",
           "net_failover", "virtio_net", "uio", "uio_pci_generic")
LOAD = ("for m in " + " ".join(MODULES) + "; do"
        ' grep -q "^$m " /proc/modules ||'
        f' insmod {linuxvm.GUEST_MODULES}/$m.ko || exit 1; done')
BIND = ("echo 1af4 1110 > /sys/bus/pci/drivers/uio_pci_generic/new_id"
        " 2>/dev/null; true")


def derived_mac(lan, label):
    """docs/config.md: 02:73:6b, then CRC-32("lan/label")'s low bytes."""
    crc = zlib.crc32(f"{lan}/{label}".encode())
    return "02:73:6b:" + ":".join(f"{crc >> s & 0xff:02x}"
                                  for s in (16, 8, 0))


def dt_expectations(image, vm):
    """From VM @vm's generated DT: {slot: INTID} of its PCI functions, the
    ECAM base, and the virtio-net device's INTID."""
    root = fdt.load(image.dtb(vm))
    pcie = [n for n in root.children if n.name.startswith("pcie@")]
    net = [n for n in root.children if n.name.startswith("virtio_mmio@")]
    assert len(pcie) == 1 and len(net) == 1, f"{vm}: {root.children}"
    gic = [n for n in root.children if "interrupt-controller" in n.props][0]
    gic_addr = gic.cells("#address-cells")[0] if (
        "#address-cells" in gic.props) else 0
    entry = 3 + 1 + 1 + gic_addr + gic.cells("#interrupt-cells")[0]
    imap = pcie[0].cells("interrupt-map")
    slots = {}
    for at in range(0, len(imap), entry):
        devfn = imap[at] >> 8
        slots[f"00:{devfn >> 3:02x}.{devfn & 7}"] = (
            32 + imap[at + 5 + gic_addr + 1])
    return slots, pcie[0].u64s("reg")[0], 32 + net[0].cells("interrupts")[1]


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(CONFIG)


def test_comm_example_config(image, boot):
    expect = {vm: dt_expectations(image, vm) for vm in VMS}
    c = boot(image)
    for vm in VMS:
        c.expect_vm(vm, linuxvm.USERSPACE)
    for vm, addr in VMS.items():
        slots, ecam, net_intid = expect[vm]
        c.run_in_vm(vm, LOAD, timeout=60)
        c.run_in_vm(vm, BIND)
        dmesg = c.run_in_vm(vm, "dmesg")
        assert f"ECAM at [mem {ecam:#010x}-" in dmesg, (
            f"{vm}: no ECAM at {ecam:#x} in dmesg")
        assert "PCI: OF: PROBE_ONLY enabled" in dmesg
        irqs = c.run_in_vm(vm, "cat /proc/interrupts")
        for slot, intid in slots.items():
            ids = c.run_in_vm(vm, f"cat /sys/bus/pci/devices/0000:{slot}/"
                              "vendor /sys/bus/pci/devices/0000:"
                              f"{slot}/device")
            assert ids.split() == ["0x1af4", "0x1110"], f"{vm} {slot}: {ids}"
            assert re.search(rf"GICv3\s+{intid} Edge\s+uio_pci_generic",
                             irqs), f"{vm}: no INTID {intid} for {slot}"
        assert re.search(rf"GICv3\s+{net_intid} Edge\s+virtio0", irqs), (
            f"{vm}: the virtio-net device is not on INTID {net_intid}")
        mac = c.run_in_vm(vm, "cat /sys/class/net/eth0/address")
        assert mac.strip() == derived_mac(LAN, vm)
        # The initramfs may have configured it from shikiri.ip= already.
        c.run_in_vm(vm, f"ifconfig eth0 {addr} netmask 255.255.255.0 up")
    for vm, peer in (("linux0", "linux1"), ("linux1", "linux0")):
        out = c.run_in_vm(vm, f"ping -c 3 -W 5 {VMS[peer]}", timeout=60)
        assert "3 packets received" in out, out
