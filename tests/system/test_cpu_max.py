# SPDX-License-Identifier: MIT
"""The demo on a modern CPU: both Linux VMs of the `make run` demo boot on
QEMU's `max` CPU with the virt machine's Memory Tagging Extension
(qemu.MAX_MTE), and in each, shikiri-cpu (tools/cpuprobe) finds what the
hypervisor gives working as on the bare machine: tagged memory and its
tag-check faults (mte), vector loops at every vector length (sve), pointer
authentication under the keys the kernel sets (pauth), guarded pages
(bti), and the hwcaps Debian's kernel finds when it boots on the same
machine without the hypervisor, less those the hypervisor hides
(docs/isolation.md).

That native boot is the control: there the probes pass, so a failure in a
VM is the hypervisor's doing, not the emulator's or the probe's."""

import re
import time

import pytest

import linuxvm
import qemu

CONFIG = "configs/qemu-virt-demo.dts"
VMS = ("linux0", "linux1")
NATIVE = "guest"  # natively the one console has no VM prefix
LOG = qemu.LOG_DIR / "test_cpu_max.log"
NATIVE_LOG = qemu.LOG_DIR / "test_cpu_max-native.log"
PROBE_TIMEOUT = 120 * qemu.TIMEOUT_SCALE

# Features the CPU may have that a VM must not find, whatever the machine
# (docs/isolation.md, CPU features): SME and its parts (ID_AA64PFR1.SME
# reads 0, CPTR_EL2.TSM traps its instructions).
HIDDEN = {"sme", "smei16i64", "smef64f64", "smei8i32", "smef16f32",
          "smeb16f32", "smef32f32", "smefa64"}
# What each VM must have on this machine (issue 14): MTE, SVE, pointer
# authentication, BTI, the random-number instructions, LSE atomics.
REQUIRED = {"mte", "sve", "sve2", "paca", "pacg", "bti", "rng", "atomics"}
# Every check each subcommand makes (tools/cpuprobe/<probe>.c): all must be
# there and pass, so a probe that stops early cannot pass.
PROBES = {
    "mte": {"present", "tcf-sync", "mmap", "fresh-tags", "tag-store",
            "tagged-access", "irg-mask", "irg-only", "mismatch-load",
            "mismatch-store", "unchecked", "untagged-memory"},
    "sve": {"present", "vl", "max-vl", "vector-vs-scalar", "rounds"},
    "pauth": {"present", "sign", "wrong-modifier", "reset-keys", "new-keys",
              "generic"},
    "bti": {"present", "landing-pad", "no-landing-pad", "unguarded"},
}

CHECK = re.compile(r"^(\w+): (PASS|FAIL) ([\w-]+): (.*)$")
SUMMARY = re.compile(r"^(\w+): (PASS|FAIL) \((?:(\d+) of )?(\d+) checks\)$")
STATUS = re.compile(r"^status=(\d+)$")
MAX_VL = re.compile(r"max VL (\d+) bytes")
# What each VM runs: the command, and its exit status after it.
COMMANDS = {
    "hwcap": "shikiri-cpu hwcap",
    "cpuinfo": "sed -n 's/^Features[[:space:]]*: //p' /proc/cpuinfo"
               " | head -n 1 | tr ' ' '\\n'",
    **{probe: f"shikiri-cpu {probe}" for probe in PROBES},
}


class Probe:
    """What one shikiri-cpu subcommand printed: checks {name: (PASS or
    FAIL, detail)}, its summary line's status, and its exit status."""

    def __init__(self, cmd, out):
        self.out = out
        self.checks = {}
        self.summary = None
        self.status = None
        for line in out.splitlines():
            line = line.strip()
            m = CHECK.match(line)
            if m and m.group(1) == cmd:
                self.checks[m.group(3)] = (m.group(2), m.group(4))
            m = SUMMARY.match(line)
            if m and m.group(1) == cmd:
                self.summary = m.group(2)
            m = STATUS.match(line)
            if m:
                self.status = int(m.group(1))

    def failed(self):
        return {n: d for n, (s, d) in self.checks.items() if s != "PASS"}


def _hwcaps(out):
    """The feature names `shikiri-cpu hwcap` printed."""
    names = []
    for line in out.splitlines():
        if line.startswith("hwcap: features "):
            names += line.split()[2:]
    return names


def _run(c, vm):
    """Run COMMANDS in @vm; {name: output}, each with "status=N" last."""
    return {name: c.run_in_vm(vm, f"{cmd}; echo status=$?", PROBE_TIMEOUT)
            for name, cmd in COMMANDS.items()}


@pytest.fixture(scope="module")
def native():
    """Debian's kernel booted on the same machine without the hypervisor:
    {name: output} of COMMANDS."""
    start = time.monotonic()
    c = qemu.boot_native(NATIVE_LOG, qemu.MAX_MTE)
    try:
        c.expect_vm(NATIVE, linuxvm.USERSPACE)
        out = _run(c, NATIVE)
    finally:
        c.close()
    print(f"native boot and probes: {time.monotonic() - start:.1f} s")
    return out


@pytest.fixture(scope="module")
def demo(shikiri_image):
    """The demo on MAX_MTE: (console lines, {vm: userspace CPU count},
    {vm: {name: output}}), after every VM has run COMMANDS."""
    image = shikiri_image(CONFIG)
    start = time.monotonic()
    c = qemu.boot(image, LOG, qemu.MAX_MTE)
    try:
        cpus, out = {}, {}
        for vm in VMS:
            cpus[vm] = int(c.expect_vm(vm, linuxvm.USERSPACE).group(1))
            print(f"{vm} in userspace after {time.monotonic() - start:.1f} s")
        for vm in VMS:
            out[vm] = _run(c, vm)
        print(f"demo boot and probes: {time.monotonic() - start:.1f} s")
        return list(c.lines), cpus, out
    finally:
        c.close()


@pytest.fixture(autouse=True)
def _logs(request):
    request.node.shikiri_logs = [LOG, NATIVE_LOG]


def _check_probe(out, cmd, expected):
    p = Probe(cmd, out)
    failed = p.failed()
    assert not failed, f"{cmd} checks failed:\n" + "\n".join(
        f"  {n}: {d}" for n, d in failed.items())
    assert set(p.checks) == expected, (
        f"{cmd} made checks {sorted(p.checks)}, not {sorted(expected)}:\n"
        f"{out}")
    assert p.summary == "PASS" and p.status == 0, out
    return p


def test_probes_pass_natively(native):
    """The control: on the bare machine the features are there and the
    probes pass, so the machine options gave MTE and the rest."""
    assert REQUIRED <= set(_hwcaps(native["hwcap"])), native["hwcap"]
    for probe, checks in PROBES.items():
        _check_probe(native[probe], probe, checks)


def test_both_vms_reach_userspace(shikiri_image, demo):
    lines, cpus, _ = demo
    image = shikiri_image(CONFIG)
    for vm in VMS:
        facts = linuxvm.VmFacts(image, vm)
        assert cpus[vm] == facts.cpus, (
            f"{vm} came up on {cpus[vm]} CPUs, {facts.cpus} given")
    stopped = [l for l in lines if l.startswith("shikiri: vm ")
               and "stopped" in l]
    assert not stopped, f"VMs stopped: {stopped}"


@pytest.mark.parametrize("vm", VMS)
@pytest.mark.parametrize("probe", PROBES)
def test_probe_passes_in_vm(demo, probe, vm):
    """mte: tags kept per page, tagged accesses, IRG under the tag mask, a
    mismatched tag faulting with SEGV_MTESERR.  sve: vector loops agree
    with scalar ones at every vector length.  pauth: signed pointers
    authenticate, new keys change the codes.  bti: a guarded page takes
    calls on its landing pad only."""
    _check_probe(demo[2][vm][probe], probe, PROBES[probe])


@pytest.mark.parametrize("vm", VMS)
def test_sve_lengths_are_the_machines(demo, native, vm):
    """A VM has vector lengths up to the bare machine's largest."""
    got = MAX_VL.search(demo[2][vm]["sve"])
    want = MAX_VL.search(native["sve"])
    assert got and want and got.group(1) == want.group(1), (
        f"{vm}: max VL {got and got.group(1)}, natively"
        f" {want and want.group(1)}")


@pytest.mark.parametrize("vm", VMS)
def test_hwcaps_are_the_machines_less_the_hidden(demo, native, vm):
    """A VM finds every feature the bare machine has but those the
    hypervisor hides, and none it does not have; shikiri-cpu names them as
    the kernel's /proc/cpuinfo does."""
    out = demo[2][vm]
    caps = _hwcaps(out["hwcap"])
    cpuinfo = [w for w in out["cpuinfo"].splitlines()
               if w and not STATUS.match(w)]
    assert caps == cpuinfo, (f"{vm}: shikiri-cpu hwcap says {caps},"
                             f" /proc/cpuinfo {cpuinfo}")
    bare = set(_hwcaps(native["hwcap"]))
    print(f"{vm}: {len(caps)} features; natively {len(bare)}, hidden"
          f" {sorted(bare & HIDDEN)}")
    assert not set(caps) & HIDDEN, f"{vm} finds hidden {set(caps) & HIDDEN}"
    missing = bare - HIDDEN - set(caps)
    extra = set(caps) - bare
    assert not missing and not extra, (
        f"{vm}: missing {sorted(missing)}, more than the machine has"
        f" {sorted(extra)}")
    assert REQUIRED <= set(caps), f"{vm} lacks {REQUIRED - set(caps)}"
