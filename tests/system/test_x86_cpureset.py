# SPDX-License-Identifier: MIT
"""A vCPU that starts again on a PC finds nothing of its last run in the
CPU state the VMCB does not hold (hv/arch/x86_64/cpu_reset.c): the
bare-metal `cpureset` guest (guests/baremetal-x86/cpureset.c) plants
markers in x87 (control word, ST0-ST2), MXCSR, XMM0-7, DR0-DR3, TSC_AUX
and, on a CPU with XSAVE, XCR0, the upper halves of YMM0-7 and PKRU; its
vCPU 1 reports what it finds after an INIT-SIPI, then after the VM's
restart through port 0xcf9 both vCPUs report again.  Every report must
show the reset values.  Run on the usual CPU model (FXSAVE only, the
hypervisor resets with FXRSTOR) and with XSAVE, AVX and PKU (XRSTOR)."""

import re

import pytest

import lifecycle
import qemu
import x86
from x86 import boot_x86  # noqa: F401 (fixture)

pytestmark = x86.needs_qemu

CONFIG = qemu.REPO / "tests" / "system" / "configs" / "x86-cpureset.dts"
VM = "cpureset"
TIMEOUT = 120 * qemu.TIMEOUT_SCALE
# RDTSCP on: TSC_AUX exists (and is passed through) only where it does.
# XSAVEOPT with XSAVE: QEMU 7.2 takes CR4.OSXSAVE as reserved unless CPUID
# leaf 0xd.1 names a feature, whatever CPUID.1 says (cr4_reserved_bits()).
CPUS = {"fxsave": x86.CPU + ",+rdtscp",
        "xsave": x86.CPU + ",+rdtscp,+xsave,+xsaveopt,+avx,+pku"}
REPORT = re.compile(r"^cpureset: vcpu (\d) (life 0|planted|after INIT|"
                    r"life 1): (.*)$")
# The XSAVE initial configuration (Intel SDM vol. 1 13.6): FCW 0x37f, an
# empty x87 stack (abridged tag word 0), MXCSR 0x1f80, every register 0;
# XCR0 at its reset value 1 (x87 only).
RESET = {"fcw": 0x37f, "fsw": 0, "ftw": 0, "mxcsr": 0x1f80, "st": 0,
         "xmm": 0, "dr": (0, 0, 0, 0), "tsc_aux": 0, "xcr0": 1, "ymm": 0,
         "pkru": 0}


def _fields(text):
    """{name: value} of a report's "name value..." pairs."""
    words, out, i = text.split(), {}, 0
    while i < len(words):
        n = 4 if words[i] == "dr" else 1
        vals = tuple(int(w, 0) for w in words[i + 1:i + 1 + n])
        out[words[i]] = vals if n > 1 else vals[0]
        i += 1 + n
    return out


def _marked(f, seed, xsave):
    """What report() must show right after plant(@seed)."""
    want = {"fcw": 0xe7f, "mxcsr": 0xff80, "st": 3, "xmm": 8,
            "dr": tuple(0xdead0000 + seed + 0x10 * n for n in range(1, 5)),
            "tsc_aux": 0x5c1b0000 + seed}
    if xsave:
        want.update(xcr0=7, ymm=8, pkru=0x5c1b0004 + seed)
    return {k: f.get(k) for k in want} == want, want


@pytest.mark.parametrize("model", list(CPUS))
def test_restart_and_init_reset_cpu_state(tmp_path, boot_x86,  # noqa: F811
                                          model):
    c = boot_x86(x86.build_image(CONFIG, tmp_path), cpu=CPUS[model])
    c.expect_vm(VM, r"^cpureset: done, powering off$", TIMEOUT)
    c.expect_hv(rf"^vm {VM}: stopped \(guest power-off\)$",
                qemu.COMMAND_TIMEOUT)
    lines = c.vm_lines(VM)
    reports = {}
    for line in lines:
        m = REPORT.match(line.rstrip())
        if m:
            reports[(int(m.group(1)), m.group(2))] = _fields(m.group(3))
    assert list(reports) == [(0, "life 0"), (1, "planted"),
                             (1, "after INIT"), (0, "planted"),
                             (0, "life 1"), (1, "life 1")], lines
    xsave = model == "xsave"
    expected = set(RESET) - (set() if xsave else {"xcr0", "ymm", "pkru"})
    for key in ((1, "planted"), (0, "planted")):
        ok, want = _marked(reports[key], key[0], xsave)
        assert ok, f"vcpu {key[0]} did not plant {want}: {reports[key]}"

    left = {}
    for key in ((0, "life 0"), (1, "after INIT"), (0, "life 1"),
                (1, "life 1")):
        f = reports[key]
        assert set(f) == expected, f
        diff = {k: v for k, v in f.items() if v != RESET[k]}
        if diff:
            left[f"vcpu {key[0]} {key[1]}"] = diff
    print(f"\n{model}: left after a start: {left or 'nothing'}")
    assert not left, f"state of an earlier run: {left}"
    assert lifecycle.events(c, VM) == lifecycle.RESET_ONCE_THEN_OFF
