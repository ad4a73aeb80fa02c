# SPDX-License-Identifier: MIT
"""The console multiplexer under load: two VMs print fast at the same time
and every line still comes out whole, tagged with its VM, once, in order."""

import re

import linuxvm
import qemu

CONFIG = "configs/qemu-virt-demo.dts"
VMS = ("linux0", "linux1")
LINES = 300
# 60 characters that no other console line carries six of in a row.
PAYLOAD = "<" + "".join(chr(ord("A") + i * 7 % 26) + str(i % 10)
                        for i in range(29)) + ">"
GRAM = 6
SPAM_TIMEOUT = 120 * qemu.TIMEOUT_SCALE


def _script(vm):
    """A shell script that prints @vm's numbered payload lines, then a
    marker that does not contain the payload."""
    return (f"i=0; while [ $i -lt {LINES} ]; do"
            f' echo "{vm}-line-$i-{PAYLOAD}"; i=$((i+1)); done;'
            f" echo {vm}-spam-done")


def test_fast_output_of_two_vms_stays_whole(shikiri_image, boot):
    assert len(PAYLOAD) == 60
    c = boot(shikiri_image(CONFIG))
    for vm in VMS:
        c.expect_vm(vm, linuxvm.USERSPACE)
    # The scripts go into files first, so that the payload is typed (and
    # echoed) before the lines under test, never among them.
    for vm in VMS:
        c.run_in_vm(vm, f"echo '{_script(vm)}' >/tmp/spam")
    start = len(c.lines)

    # Both command lines are typed first; then Enter in the VM that will
    # not have the input focus, the keys that move the focus, and Enter in
    # the other: the two start a fraction of a second apart, the first
    # after a short pause so that the other is printing by then.
    c.start_in_vm(VMS[0], "sh /tmp/spam", enter=False)
    c.start_in_vm(VMS[1], "sleep 0.1; sh /tmp/spam", enter=False)
    c.send("\r" + c.focus_keys(VMS[0]) + "\r")
    c.expect_hv(rf"^console: input goes to {VMS[0]}$")
    for vm in VMS:
        c.expect_vm(vm, rf"^{vm}-spam-done$", SPAM_TIMEOUT)

    spam = re.compile(r"^\[([a-z0-9_-]+)\] ([a-z0-9_-]+)-line-(\d+)-"
                      + re.escape(PAYLOAD) + "$")
    grams = {PAYLOAD[i:i + GRAM] for i in range(len(PAYLOAD) - GRAM + 1)}
    seen = {vm: [] for vm in VMS}
    where = {vm: [] for vm in VMS}
    bad = []
    for n, line in enumerate(c.lines[start:], start):
        if "-line-" not in line and not any(g in line for g in grams):
            continue
        m = spam.match(line)
        if not m or m.group(1) != m.group(2) or m.group(1) not in seen:
            bad.append(line)
            continue
        seen[m.group(1)].append(int(m.group(3)))
        where[m.group(1)].append(n)
    assert not bad, (f"{len(bad)} lines are cut, mixed or mislabelled, e.g."
                     f" {bad[:5]} (log: {c.log_path})")
    for vm in VMS:
        assert seen[vm] == list(range(LINES)), (
            f"{vm}: lines missing, repeated or out of order:"
            f" {len(seen[vm])} lines, first gaps"
            f" {sorted(set(range(LINES)) - set(seen[vm]))[:10]}")
    # The test means something only if the two really ran at once.
    a, b = where[VMS[0]], where[VMS[1]]
    assert a[0] < b[-1] and b[0] < a[-1], (
        f"the two VMs printed one after the other (lines {a[0]}-{a[-1]}"
        f" and {b[0]}-{b[-1]}): no overlap to test")
