# SPDX-License-Identifier: MIT
"""A restarted VM finds nothing of its previous life in its RAM: the
bare-metal `scrubcheck` guest (guests/baremetal/scrubcheck.c) fills its RAM
with a secret and resets itself; after the restart the secret is nowhere
and the RAM is zero.  A Linux VM beside it is not disturbed.

Run on the board's cortex-a72 and on `-cpu max` with the machine's tag
memory (MTE2), where the guest also tags every granule of the same RAM
before the reset and the next life must read every tag as zero."""

import re

import pytest

import baremetal
import lifecycle
import qemu

CONFIG = "scrubcheck"  # tests/system/configs/scrubcheck.dts
GUEST = "scrubcheck"
LINUX = "linux0"
PLANTED = re.compile(r"^scrubcheck: planted 0x[0-9a-f]+ in (\d+) words of "
                     r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\), resetting$")
TAGGED = re.compile(r"^scrubcheck: planted tags in (\d+) blocks of (\d+) "
                    r"bytes, (\d+) read back$")
TESTS = ("restarted_once", "secret_is_gone", "tags_are_zeroed",
         "ram_is_zeroed")
CPUS = {"cortex-a72": (), "max-mte": qemu.MAX_MTE}
GUEST_TIMEOUT = 60 * qemu.TIMEOUT_SCALE


@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_restart_scrubs_ram(shikiri_image, boot, cpu):
    image = shikiri_image(CONFIG)
    c = boot(image, *CPUS[cpu])
    m = c.expect_vm(GUEST, PLANTED.pattern, GUEST_TIMEOUT)
    words = int(m.group(1))
    start, end = int(m.group(2), 16), int(m.group(3), 16)
    c.expect_vm(GUEST, baremetal.SUMMARY.pattern, GUEST_TIMEOUT)
    c.expect_hv(rf"^vm {GUEST}: stopped \(guest power-off\)",
                qemu.COMMAND_TIMEOUT)

    # The secret covered most of the VM's 128 MiB: all but the guest's
    # image and device tree.
    assert words * 8 >= 120 << 20, f"only {words} words planted"
    assert end - start >= words * 8

    # With MTE the tags were planted in the same RAM and read back.
    tagged = [TAGGED.match(l) for l in c.vm_lines(GUEST) if TAGGED.match(l)]
    if cpu == "max-mte":
        assert len(tagged) == 1, "no tags planted"
        blocks, size, back = map(int, tagged[0].groups())
        assert blocks * size >= 120 << 20 and back == blocks, tagged[0]
        print(f"{cpu}: tags planted in {blocks} blocks of {size} bytes")
    else:
        assert not tagged

    report = baremetal.Report(c.vm_lines(GUEST))
    skipped = set() if cpu == "max-mte" else {"tags_are_zeroed"}
    assert report.summary, f"{GUEST}: no summary line"
    assert report.summary[1] == 0, (
        f"{GUEST}: {report.summary}; failed: {report.with_status('FAIL')}")
    assert [n for n in report.results] == list(TESTS)
    assert set(report.with_status("PASS")) == set(TESTS) - skipped
    assert set(report.with_status("SKIP")) == skipped

    # Planted once, reset by the guest, restarted once, then off.
    assert len([l for l in c.vm_lines(GUEST) if PLANTED.match(l)]) == 1
    assert lifecycle.events(c, GUEST) == lifecycle.RESET_ONCE_THEN_OFF

    # The Linux VM beside it never noticed.
    c.expect_vm(LINUX, lifecycle.USERSPACE)
    assert c.run_in_vm(LINUX, "echo still here") == "still here"
    assert lifecycle.events(c, LINUX) == [("started", None, None)]
    assert c.alive
