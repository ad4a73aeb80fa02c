# SPDX-License-Identifier: MIT
"""The system registers a guest must not reach are trapped and emulated
(docs/isolation.md "System registers"): the bare-metal `sysregs` guest
(guests/baremetal/sysregs.c) probes RAS error records, ID registers,
ACTLR_EL1, set/way cache maintenance, IMPLEMENTATION DEFINED and LORegion
registers and the PMU, beside a Linux VM printing a heartbeat every 100 ms.

Each test runs three times: on the board's cortex-a72 (PMUv3 without EL2
filtering, so the PMU is hidden; no RAS), on QEMU's `-cpu max`, given
after the board's `-cpu` so it wins, which has the features the hypervisor
must hide or trap (RAS, LOR, SME, PMUv3p5), and on `max` with the machine's
tag memory (MTE2, which the VM gets).  The guest's `features` part
(guests/baremetal/cpufeat/features.c) checks each CPU feature it is shown
works and each it is not is UNDEFINED.  The board's device tree does not
depend on the CPU model beyond the CPUs' compatible strings, which the
hypervisor does not read.
"""

import re

import pytest

import baremetal
import qemu

CONFIG = "sysregs"  # tests/system/configs/sysregs.dts
LINUX = "linux0"
GUEST = "sysregs"
CPUS = {"cortex-a72": (), "max": ("-cpu", "max,pauth-impdef=on"),
        "max-mte": (*qemu.MAX_MTE[:-1], "max,pauth-impdef=on")}
FEATURE = re.compile(r"^features: (\S+) id \d+ (present|absent), "
                     r"(runs|undefined)$")
# What each CPU's VM must be given (the rest of the table: consistent).
GIVEN = {"cortex-a72": set(),
         "max": {"sve", "pauth-pacga-qarma5", "rndr", "dotprod", "lse",
                 "fp16", "bf16", "i8mm", "sb"},
         "max-mte": {"sve", "pauth-pacga-qarma5", "rndr", "mte-irg",
                     "mte2-gcr"}}
NEVER = {"sme-svcr", "sme-smcr"}
# What a CPU does not have, the guest skips: {cpu: {test: reason}}.
SKIPS = {"cortex-a72": {"ras_error_records_read_as_zero_and_ignore_writes"}}
HEARTBEAT = re.compile(r"^heartbeat (\d+\.\d+)\s*$")
MAX_GAP = 1.0  # seconds of Linux uptime between two heartbeats, at most
TRAPPED = re.compile(r"^sysregs: trapped (\d+)$")
STATS = re.compile(rf"^vm {GUEST}: exits: \d+ sync \(\d+ mmio, \d+ hvc,"
                   rf" \d+ smc, (\d+) sysreg\)")
PROBE_TIMEOUT = 120 * qemu.TIMEOUT_SCALE
LOG = qemu.LOG_DIR / "test_sysregs.log"


def _beats(lines):
    prefix = f"[{LINUX}] "
    out = []
    for line in lines:
        if line.startswith(prefix):
            m = HEARTBEAT.match(line[len(prefix):])
            if m:
                out.append(float(m.group(1)))
    return out


@pytest.fixture(scope="module", params=sorted(CPUS))
def run(request, tmp_path_factory):
    config = qemu.config_path(CONFIG)
    part = baremetal.Partition(baremetal.explain(config))
    image = qemu.build_image(config, tmp_path_factory.mktemp("sysregs"))
    c = qemu.boot(image, LOG, extra=CPUS[request.param])
    try:
        c.expect_vm(GUEST, baremetal.WAITING)
        c.expect_vm(LINUX, HEARTBEAT.pattern)
        baremetal.start_key(c, part.vms[GUEST], part.vms[LINUX])
        c.expect_vm(GUEST, baremetal.SUMMARY.pattern, PROBE_TIMEOUT)
        c.expect_hv(rf"^vm {GUEST}: stopped", qemu.COMMAND_TIMEOUT)
        m = c.expect_hv(STATS.pattern, qemu.COMMAND_TIMEOUT)
        exits = int(m.group(1))
        # Linux goes on after the guest: two more seconds of heartbeat.
        last = _beats(c.lines)[-1]
        while _beats(c.lines)[-1] < last + 2.0:
            c.expect_vm(LINUX, HEARTBEAT.pattern, qemu.COMMAND_TIMEOUT)
        yield (list(c.lines), baremetal.Report(c.vm_lines(GUEST)), exits,
               request.param)
    finally:
        c.close()


@pytest.fixture(autouse=True)
def _logs(request):
    request.node.shikiri_logs = [LOG]


def test_every_probe_passes(run):
    _, r, _, cpu = run
    failed = r.with_status("FAIL")
    assert not failed, "probes failed:\n" + "\n".join(
        f"  {n}: {d}" for n, d in failed.items())
    assert set(r.with_status("SKIP")) == SKIPS.get(cpu, set())
    assert r.summary and r.summary[1] == 0, r.summary
    assert r.summary[0] >= 5


def test_the_accesses_were_trapped(run):
    """Every access the guest made to a trapped register reached the
    hypervisor: its VM's sysreg exit count is at least the guest's own."""
    _, r, exits, _ = run
    counts = [int(m.group(1)) for m in map(TRAPPED.match, r.stray) if m]
    assert counts, f"no 'sysregs: trapped N' line: {r.stray}"
    print(f"guest made {counts[0]} trapped accesses; VM sysreg exits {exits}")
    assert counts[0] > 1000  # set/way over real cache geometry
    assert exits >= counts[0]


def test_heartbeat_never_stalls(run):
    lines, _, _, _ = run
    stamps = _beats(lines)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert gaps, "no heartbeat"
    print(f"worst heartbeat gap {max(gaps):.2f} s over {len(stamps)} beats")
    assert max(gaps) <= MAX_GAP
    assert not [l for l in lines if "powering off" in l]


def test_cpu_features_given_or_hidden(run):
    """Each feature the VM is shown runs, each it is not is UNDEFINED;
    MTE2 only with the machine's tag memory, SME never."""
    _, r, _, cpu = run
    seen = {}
    for line in r.stray:
        m = FEATURE.match(line)
        if m:
            seen[m.group(1)] = (m.group(2) == "present",
                                m.group(3) == "runs")
    assert seen, f"no feature lines: {r.stray}"
    print(f"{cpu}: given " + " ".join(sorted(n for n, (p, _) in
                                             seen.items() if p)))
    assert all(p == ok for p, ok in seen.values()), seen
    given = {n for n, (p, _) in seen.items() if p}
    assert GIVEN[cpu] <= given, sorted(GIVEN[cpu] - given)
    assert not NEVER & given
    assert ("mte2-gcr" in given) == (cpu == "max-mte")
