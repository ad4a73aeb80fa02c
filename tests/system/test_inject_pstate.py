# SPDX-License-Identifier: MIT
"""An exception the hypervisor injects starts the guest's handler with the
PSTATE the CPU itself gives an exception: the bare-metal `excpstate` guest
(guests/baremetal/excpstate.c) takes an UNDEFINED instruction (the CPU's)
and an access past its RAM (an abort the hypervisor injects) from the same
state and compares DAIF, PAN, UAO, DIT, SSBS and TCO.  On cortex-a72 only
DAIF exists; QEMU's `max` CPU has PAN, UAO, DIT and SSBS."""

import re

import pytest

import baremetal
import qemu

CONFIG = "excpstate"  # tests/system/configs/excpstate.dts
GUEST = "excpstate"
TEST = "injected_abort_starts_like_the_cpu_s_own"
HAS = re.compile(r"^excpstate: CPU has PAN (\d) UAO (\d) DIT (\d) "
                 r"SSBS (\d) MTE (\d)$")
GUEST_TIMEOUT = 60 * qemu.TIMEOUT_SCALE


@pytest.mark.parametrize("cpu", ["cortex-a72", "max"])
def test_injected_exception_pstate(shikiri_image, boot, cpu):
    c = boot(shikiri_image(CONFIG), "-cpu", cpu)
    m = c.expect_vm(GUEST, HAS.pattern, GUEST_TIMEOUT)
    c.expect_vm(GUEST, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    lines = c.vm_lines(GUEST)
    print("\n".join(l for l in lines if l.startswith("excpstate: ")))

    # On max the comparison covers PAN, UAO, DIT and SSBS.
    if cpu == "max":
        assert m.groups()[:4] == ("1", "1", "1", "1"), m.group(0)
    report = baremetal.Report(lines)
    assert report.results.get(TEST, ("none",))[0] == "PASS", (
        f"{GUEST}: {report.results}")
    assert report.summary == (1, 0)
