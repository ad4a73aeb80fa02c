# SPDX-License-Identifier: MIT
"""A VM finds nothing of a previous boot of the machine in its RAM: a warm
reset of the whole machine (QEMU's `system_reset`, over QMP) keeps RAM, so
the hypervisor scrubs every VM's RAM before its first start too.

The bare-metal `scrubcheck` guest (guests/baremetal/scrubcheck.c) in cold
mode checks that its RAM holds no secret and only zeros, then plants the
secret and powers its VM off; the test resets the machine, the hypervisor
boots again, and the same VM's check must pass again.  The Linux VM beside
it keeps the machine on between the two (the hypervisor powers off once no
VM is left)."""

import json
import re
import socket
import time

import baremetal
import qemu

CONFIG = "scrubcheck"  # tests/system/configs/scrubcheck.dts
GUEST = "scrubcheck"
PLANTED = re.compile(r"^scrubcheck: planted 0x[0-9a-f]+ in (\d+) words of "
                     r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\), for the next boot$")
SCRUBBED = re.compile(r"^vm scrubcheck: (\d+) MiB of RAM scrubbed in (\d+) ms$")
CHECKS = ("secret_is_gone", "ram_is_zeroed")
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


def test_cold_boot_scrubs_ram(shikiri_image, boot, tmp_path):
    cfg = baremetal.with_bootargs(qemu.config_path(CONFIG),
                                  tmp_path / "cold.dts",
                                  {GUEST: "scrubcheck.mode=cold"})
    image = qemu.build_image(cfg, tmp_path)
    sock = tmp_path / "qmp.sock"
    c = boot(image, "-qmp", f"unix:{sock},server=on,wait=off")

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
    assert set(first.with_status("PASS")) == set(CHECKS), first.results

    # The whole machine, reset warm: RAM keeps the secret.
    reset_at = len(c.lines)
    qmp_system_reset(sock)
    c.expect_hv(r"^shikiri on qemu-virt: EL2", qemu.BOOT_TIMEOUT)
    c.expect_vm(GUEST, PLANTED.pattern, GUEST_TIMEOUT)
    c.expect_vm(GUEST, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    second = guest_report(c, reset_at)
    assert second.summary == (len(CHECKS), 0), (
        f"after the machine reset: {second.summary}; failed: "
        f"{second.with_status('FAIL')}")
    assert set(second.with_status("PASS")) == set(CHECKS)

    # What the scrub cost this boot (reported, not asserted on).
    scrubbed = [SCRUBBED.match(l[len("shikiri: "):]) for l in
                c.lines[reset_at:] if l.startswith("shikiri: ")]
    scrubbed = [m for m in scrubbed if m]
    assert scrubbed, "no cold scrub logged after the machine reset"
    print(f"cold scrub of {scrubbed[0].group(1)} MiB: "
          f"{scrubbed[0].group(2)} ms")
    assert c.alive
