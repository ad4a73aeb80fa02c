# SPDX-License-Identifier: MIT
"""A VM finds nothing of a previous boot of the machine in its RAM: a warm
reset of the whole machine (QEMU's `system_reset`, over QMP) keeps RAM, so
the hypervisor scrubs every VM's RAM before its first start too.

The bare-metal `scrubcheck` guest (guests/baremetal/scrubcheck.c) in cold
mode checks that its RAM holds no secret and only zeros, then plants the
secret and powers its VM off; the test resets the machine, the hypervisor
boots again, and the same VM's check must pass again.  The Linux VM beside
it keeps the machine on between the two (the hypervisor powers off once no
VM is left).

Run on the board's cortex-a72 and on `-cpu max` with the machine's tag
memory (MTE2), where the guest also tags its RAM and the next boot must
find every allocation tag zero."""

import json
import re
import socket
import time

import pytest

import baremetal
import qemu

CONFIG = "scrubcheck"  # tests/system/configs/scrubcheck.dts
GUEST = "scrubcheck"
PLANTED = re.compile(r"^scrubcheck: planted 0x[0-9a-f]+ in (\d+) words of "
                     r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\), for the next boot$")
SCRUBBED = re.compile(r"^vm scrubcheck: (\d+) MiB of RAM scrubbed in (\d+) ms$")
CHECKS = ("secret_is_gone", "tags_are_zeroed", "ram_is_zeroed")
TAGGED = re.compile(r"^scrubcheck: planted tags in (\d+) blocks of (\d+) "
                    r"bytes, (\d+) read back$")
CPUS = {"cortex-a72": (), "max-mte": qemu.MAX_MTE}
GUEST_TIMEOUT = 60 * qemu.TIMEOUT_SCALE


def qmp_system_reset(path, timeout=10):
    """Reset the machine warm through QEMU's QMP socket at @path."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(str(path))
            break
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    with s:
        s.settimeout(timeout)
        f = s.makefile("rw", encoding="utf-8")
        json.loads(f.readline())  # the greeting
        for cmd in ("qmp_capabilities", "system_reset"):
            f.write(json.dumps({"execute": cmd}) + "\n")
            f.flush()
            while True:
                reply = json.loads(f.readline())
                if "event" in reply:
                    continue
                assert "return" in reply, f"QMP {cmd}: {reply}"
                break


def guest_report(c, start):
    """The guest's results among the console lines from @start on."""
    prefix = f"[{GUEST}] "
    return baremetal.Report([l[len(prefix):] for l in c.lines[start:]
                             if l.startswith(prefix)])


def passed(report, cpu):
    """The checks that must pass on @cpu: the tag check needs MTE2, and
    the restart check is for test_lifecycle_scrub."""
    skipped = set() if cpu == "max-mte" else {"tags_are_zeroed"}
    assert set(report.with_status("SKIP")) == skipped | {"restarted_once"}, \
        report.results
    return set(CHECKS) - skipped


def tags_planted(c, start, cpu):
    """With MTE, the guest planted tags in its RAM (from line @start on)."""
    prefix = f"[{GUEST}] "
    tagged = [TAGGED.match(l[len(prefix):]) for l in c.lines[start:]
              if l.startswith(prefix) and TAGGED.match(l[len(prefix):])]
    if cpu != "max-mte":
        assert not tagged
        return
    assert len(tagged) == 1, "no tags planted"
    blocks, size, back = map(int, tagged[0].groups())
    assert blocks * size >= 120 << 20 and back == blocks, tagged[0]


@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_cold_boot_scrubs_ram(shikiri_image, boot, tmp_path, cpu):
    cfg = baremetal.with_bootargs(qemu.config_path(CONFIG),
                                  tmp_path / "cold.dts",
                                  {GUEST: "scrubcheck.mode=cold"})
    image = qemu.build_image(cfg, tmp_path)
    sock = tmp_path / "qmp.sock"
    c = boot(image, "-qmp", f"unix:{sock},server=on,wait=off", *CPUS[cpu])

    # First boot: fresh QEMU RAM, nothing to find; then the secret.
    m = c.expect_vm(GUEST, PLANTED.pattern, GUEST_TIMEOUT)
    words = int(m.group(1))
    assert words * 8 >= 120 << 20, f"only {words} words planted"
    c.expect_vm(GUEST, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    c.expect_hv(r"^vm scrubcheck: stopped \(guest power-off\)",
                qemu.COMMAND_TIMEOUT)
    # The line after it too: console output goes out asynchronously, and
    # a machine reset cuts what has not (the next boot's first line would
    # then continue it).
    c.expect_hv(r"^vm scrubcheck: exits: ", qemu.COMMAND_TIMEOUT)
    first = guest_report(c, 0)
    assert set(first.with_status("PASS")) == passed(first, cpu), first.results
    tags_planted(c, 0, cpu)

    # The whole machine, reset warm: RAM keeps the secret.
    reset_at = len(c.lines)
    qmp_system_reset(sock)
    c.expect_hv(r"^shikiri on qemu-virt: EL2", qemu.BOOT_TIMEOUT)
    c.expect_vm(GUEST, PLANTED.pattern, GUEST_TIMEOUT)
    c.expect_vm(GUEST, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    second = guest_report(c, reset_at)
    assert second.summary and second.summary[1] == 0, (
        f"after the machine reset: {second.summary}; failed: "
        f"{second.with_status('FAIL')}")
    assert set(second.with_status("PASS")) == passed(second, cpu)
    tags_planted(c, reset_at, cpu)

    # What the scrub cost this boot (reported, not asserted on).
    scrubbed = [SCRUBBED.match(l[len("shikiri: "):]) for l in
                c.lines[reset_at:] if l.startswith("shikiri: ")]
    scrubbed = [m for m in scrubbed if m]
    assert scrubbed, "no cold scrub logged after the machine reset"
    print(f"{cpu}: cold scrub of {scrubbed[0].group(1)} MiB: "
          f"{scrubbed[0].group(2)} ms")
    assert c.alive
