# SPDX-License-Identifier: MIT
"""An x86 VM cannot reach outside its partition, and trying does not
disturb the others: the bare-metal `isolation` guest
(guests/baremetal-x86/isolation.c) probes memory, I/O ports, IPIs, MSRs
and the SVM instructions beyond what its VM owns, while a second VM (the
same guest as a victim) prints a heartbeat every 100 ms and checks that its
own PIT and 8259 keep what it programmed and that it takes no interrupt or
exception but its timer's.

Both VMs come from tests/system/configs/x86-isolation.dts, built by
shikiri-build like any q35 config (the guest is a bzImage), with the
victim's host RAM and the hypervisor's load address added to the prober's
bootargs.  The tests share one QEMU run; a second run with the prober's
on-fault policy "stop" shows a foreign access stops that VM alone.
"""

import re
from dataclasses import dataclass

import pytest

import baremetal
import qemu
import x86

pytestmark = x86.needs_qemu

CONFIG = qemu.REPO / "tests" / "system" / "configs" / "x86-isolation.dts"
PROBER = "probe"
VICTIM = "victim"
HEARTBEAT = re.compile(r"^heartbeat (\d+) at (\d+) ms$")
MAX_GAP_MS = 1000  # between two heartbeats, in the victim's TSC time
AFTER_BEATS = 10   # heartbeats seen after the prober's VM stopped
TIMEOUT = 120 * qemu.TIMEOUT_SCALE
LOG = qemu.LOG_DIR / "test_x86_isolation.log"

# Every probe the guest has, by group: each must be reported, and pass.
PROBES = {
    "memory": ["mem_beyond_ram", "mem_beyond_ram_far", "mem_ecam",
               "mem_hpet", "mem_lpc_rcrb", "mem_firmware",
               "mem_other_vm_first", "mem_other_vm_last", "mem_hv_image"],
    "ports": ["io_absent_read_ones", "io_pci_config",
              "io_absent_write_ignored", "io_pit_pic_own", "io_string"],
    "ipis": ["ipi_phys_2", "ipi_phys_3", "ipi_phys_0xfe",
             "ipi_phys_broadcast", "ipi_phys_own", "ipi_logical_foreign",
             "ipi_logical_all", "ipi_lowest_foreign", "ipi_self", "ipi_all",
             "ipi_all_but_self", "ipi_after_nmi_init_sipi",
             "ipi_nmi_to_others", "ipi_nmi_own", "ap_alive_at_end"],
    "msrs": ["msr_vm_cr_read", "msr_vm_cr_write", "msr_hsave_pa_read",
             "msr_hsave_pa_write", "msr_mtrr_physbase0", "msr_mtrr_fix64k",
             "msr_pat_invalid", "msr_apic_base_move", "msr_apic_base_off",
             "msr_microcode_trigger", "msr_patch_loader", "msr_syscfg_read",
             "msr_syscfg_write", "msr_tsc_write", "msr_mcg_status",
             "msr_mcg_ctl", "msr_mc0_ctl", "msr_mc0_status",
             "msr_mca_ctl_amd", "msr_iorr_base0", "msr_top_mem", "msr_tom2",
             "msr_smm_base", "msr_smm_mask", "msr_tsc_ratio",
             "msr_spec_unknown", "msr_amd_unknown", "msr_hypervisor_range",
             "msr_mtrr_def_type", "msr_pat_own", "msr_patch_level",
             "msr_hwcr", "msr_efer_svme_clear", "msr_efer_svme_set",
             "msr_tsc_kept", "msr_apic_still_at_base"],
    "instructions": ["insn_vmrun", "insn_vmmcall", "insn_vmload",
                     "insn_vmsave", "insn_stgi", "insn_clgi", "insn_skinit",
                     "insn_invlpga"],
    "other": ["ap_start", "ioapic_virtual"],
}

@dataclass
class Run:
    lines: list         # every console line
    stopped: int        # index of "shikiri: vm probe: stopped ..."
    alive: bool         # QEMU still running after the prober stopped
    report: baremetal.Report
    victim: list        # the victim's own lines


def _partition(config):
    return baremetal.Partition(baremetal.explain(config, (), x86.HV_BIN))


def _build(tmp, extra_args="", policy=None):
    """The image of CONFIG with the prober told where the victim's RAM and
    the hypervisor are (from `--explain`; building again with them in the
    bootargs must not move anything), and @extra_args."""
    part = _partition(CONFIG)
    gen = tmp / CONFIG.name
    for _ in range(3):
        args = (f"probe.other_ram={part.vm_ram[VICTIM][0][0]:#x}-"
                f"{part.vm_ram[VICTIM][0][1]:#x} "
                f"probe.hv_image={part.hv_image:#x} {extra_args}").strip()
        baremetal.with_bootargs(CONFIG, gen, {PROBER: args})
        if policy:
            text = gen.read_text().replace(
                "\tvm@0 {", f'\tvm@0 {{\n\t\ton-fault = "{policy}";', 1)
            gen.write_text(text)
        final = _partition(gen)
        if vars(final) == vars(part):
            return x86.build_image(gen, tmp)
        part = final
    raise RuntimeError(f"{gen}: the partition keeps moving")


def _beats(lines):
    """[(number, ms)] of the victim's heartbeats in @lines."""
    out = []
    for line in lines:
        m = HEARTBEAT.match(line.rstrip())
        if m:
            out.append((int(m.group(1)), int(m.group(2))))
    return out


def _boot(image, log):
    return qemu.Console(x86.argv(image), log)


def _wait_beats(c, n):
    """Wait until the victim has printed @n heartbeats more than it has
    now (expect_vm reads on from its last match, which may be far back)."""
    beats = _beats(c.vm_lines(VICTIM))
    last = beats[-1][0] if beats else 0
    while True:
        m = c.expect_vm(VICTIM, HEARTBEAT.pattern, qemu.COMMAND_TIMEOUT)
        if int(m.group(1)) >= last + n:
            return


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    image = _build(tmp_path_factory.mktemp("x86-isolation"))
    c = _boot(image, LOG)
    try:
        # The two VMs start in either order.
        for _ in range(2):
            c.expect_hv(rf"^vm ({PROBER}|{VICTIM}): started$")
        c.expect_vm(PROBER, baremetal.SUMMARY.pattern, TIMEOUT)
        c.expect_hv(rf"^vm {PROBER}: stopped", qemu.COMMAND_TIMEOUT)
        stopped = baremetal.line_index(c.lines, "shikiri: ", rf"^vm {PROBER}: stopped")
        _wait_beats(c, AFTER_BEATS)
        yield Run(list(c.lines), stopped, c.alive,
                  baremetal.Report(c.vm_lines(PROBER)), c.vm_lines(VICTIM))
    finally:
        c.close()


@pytest.fixture(autouse=True)
def _logs(request):
    """Name the shared console log in a failing test's report."""
    request.node.shikiri_logs = [LOG]


def _params():
    for group, names in PROBES.items():
        for name in names:
            yield pytest.param(name, id=f"{group}-{name}")


@pytest.mark.parametrize("name", _params())
def test_probe_contained(run, name):
    status, detail = run.report.results.get(name, ("missing", ""))
    assert status == "PASS", f"{name}: {status} {detail}"


def test_report_complete(run):
    """Every probe the guest ran is listed above, its summary agrees, and
    it printed nothing else."""
    r = run.report
    known = {n for names in PROBES.values() for n in names}
    assert set(r.results) == known, (
        f"unlisted: {sorted(set(r.results) - known)}, "
        f"not run: {sorted(known - set(r.results))}")
    assert not r.stray, f"unexpected lines from {PROBER}: {r.stray}"
    failed = len(r.with_status("FAIL"))
    assert r.summary == (len(r.results) - failed, failed)


def test_victim_undisturbed(run):
    """The victim took no interrupt but its timer's, no exception, and its
    PIT and 8259 kept what it programmed."""
    bad = [l for l in run.victim if "FAIL" in l]
    assert not bad, bad
    beats = _beats(run.victim)
    assert [n for n, _ in beats] == list(range(1, len(beats) + 1))


def test_victim_heartbeat_regular(run):
    """The heartbeat went on, at its rate, before, during and after the
    probes."""
    beats = _beats(run.victim)
    stamps = [ms for _, ms in beats]
    gaps = [(b - a, a) for a, b in zip(stamps, stamps[1:])]
    worst, at = max(gaps)
    assert worst <= MAX_GAP_MS, f"heartbeat stalled {worst} ms at {at} ms"
    after = [i for i, l in enumerate(run.lines)
             if i > run.stopped and l.startswith(f"[{VICTIM}] heartbeat")]
    assert len(after) >= AFTER_BEATS


def test_prober_stops_alone(run):
    hv = [l for l in run.lines if l.startswith("shikiri: ")]
    stops = [l for l in hv if re.match(r"shikiri: vm \S+: stopped", l)]
    assert stops == [f"shikiri: vm {PROBER}: stopped (guest power-off)"]
    assert not [l for l in hv if "powering off" in l], hv
    assert run.alive, "QEMU exited when the prober's VM stopped"


def test_foreign_access_logged(run):
    """Each foreign memory access is named in the hypervisor's log."""
    hv = "\n".join(l for l in run.lines if l.startswith("shikiri: "))
    for addr in ("0x4000000", "0xb0000000", "0xfed00000", "0xfffffff0"):
        assert (f"vm {PROBER}: vcpu 0: access outside the VM at {addr} "
                in hv), addr


def test_fault_policy_stop(tmp_path):
    """With on-fault "stop", the prober's first foreign access stops its
    VM, and the victim's heartbeat goes on."""
    image = _build(tmp_path, "probe.fault=stop", policy="stop")
    log = qemu.LOG_DIR / "test_x86_isolation-stop.log"
    c = _boot(image, log)
    try:
        c.expect_vm(PROBER, r"^baremetal: touching the HPET$", TIMEOUT)
        c.expect_hv(rf"^vm {PROBER}: vcpu 0: access outside the VM at "
                    r"0xfed00000 ", qemu.COMMAND_TIMEOUT)
        c.expect_hv(rf"^vm {PROBER}: stopped", qemu.COMMAND_TIMEOUT)
        _wait_beats(c, AFTER_BEATS)
        assert not [l for l in c.vm_lines(PROBER) if "FAIL" in l]
        assert not [l for l in c.vm_lines(VICTIM) if "FAIL" in l]
        assert c.alive
    finally:
        c.close()
