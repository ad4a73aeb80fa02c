# SPDX-License-Identifier: MIT
"""`perf`-style sampling works in a Linux VM (docs/isolation.md "PMU"):
`shikiri-cpu perf` (tools/cpuprobe/perf.c) opens a CPU-cycles event with a
sample period, spins, and counts the samples the kernel recorded and the
growth of the PMU's line ("arm-pmu") in /proc/interrupts.  On QEMU's `-cpu
max` the PMU is the guest's and its overflow PPI reaches the VM: samples
come, one overflow interrupt each, on GIC line 23 (the board's PPI 7 in the
guest's /pmu node, status "okay").  On the board's cortex-a72 the
hypervisor hides the PMU and turns /pmu's status into "fail", as a machine
without a usable PMU would have it: the kernel does not even probe it (no
"hw perfevents" line at all) and there is no cycles event.
"""

import re

import pytest

import linuxvm
import qemu

CONFIG = "configs/qemu-virt-linux.dts"
VM = "linux0"
CPUS = {"cortex-a72": (), "max": ("-cpu", "max")}
CHECK = re.compile(r"^perf: (PASS|FAIL) (\w+): (.*)$")
INTERRUPTS = re.compile(r"^irq \d+ \((.*)\): (\d+) -> (\d+) \(\+(\d+)\)$")
SAMPLES = re.compile(r"^(\d+) samples, (\d+) lost, for (\d+) periods$")
PERF_TIMEOUT = 60 * qemu.TIMEOUT_SCALE


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(CONFIG)


def _checks(out):
    return {m.group(2): (m.group(1), m.group(3))
            for m in map(CHECK.match, out.splitlines()) if m}


@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_perf_sampling_takes_pmu_overflow_interrupts(image, boot, cpu):
    c = boot(image, *CPUS[cpu])
    c.expect_vm(VM, linuxvm.USERSPACE)
    pmu = c.run_in_vm(VM, "dmesg | grep -i -e pmu -e perfevents; true")
    status = c.run_in_vm(
        VM, "tr -d '\\000' < /proc/device-tree/pmu/status; echo")
    print(f"{cpu}: /pmu status {status!r}, kernel on the PMU: {pmu!r}")
    assert not re.search(r"(?i)warn|bug|oops|call trace|fail", pmu)
    # The kernel's console messages (TCG's slow interrupts make it lower
    # perf_event_max_sample_rate) must not cut into the program's lines.
    out = c.run_in_vm(VM, "dmesg -n 1; shikiri-cpu perf",
                      timeout=PERF_TIMEOUT, check=False)
    checks = _checks(out)
    if cpu == "cortex-a72":
        # Hidden (PMUVer 0): no PMU node to probe, no cycles event.
        assert status == "fail"
        assert pmu == ""
        assert checks["open"][0] == "FAIL", out
        return
    assert status == "okay"
    assert re.search(r"hw perfevents: enabled with armv8_pmuv3\S* PMU "
                     r"driver, \d+ counters available", pmu), pmu
    assert all(s == "PASS" for s, _ in checks.values()), out
    assert set(checks) == {"open", "ring", "counted", "samples",
                           "interrupts"}
    samples = int(SAMPLES.match(checks["samples"][1]).group(1))
    m = INTERRUPTS.match(checks["interrupts"][1])
    assert m, out
    # The PMU's line is the GIC's INTID 23, level-triggered.
    assert re.match(r"GICv3\s+23\s+Level\s+arm-pmu", m.group(1)), m.group(1)
    grew = int(m.group(4))
    assert samples >= 100 and grew >= samples
    print(f"{cpu}: {samples} samples, arm-pmu +{grew} interrupts")
