# SPDX-License-Identifier: MIT
"""A shared region across a peer's stop and restart (docs/lifecycle.md,
"Shared memory across a restart"): what linux0 wrote is what linux1 reads
in its next life, at the same slot; a ring to linux1 while it is stopped
is dropped and counted, never delivered to its next life; rings work
again once it is back."""

import comm
import lifecycle
import qemu

SEED = 7
LENGTH = 1 << 20
WORK_TIMEOUT = 120 * qemu.TIMEOUT_SCALE


def test_region_survives_a_peer_restart(shikiri_image, boot):
    c = comm.boot_pair(boot, shikiri_image(comm.CONFIG))
    crc = comm.run(c, "linux0", f"shikiri-shm fill {comm.REGION} {SEED} "
                   f"{LENGTH}", comm.CRC, WORK_TIMEOUT).group(1)
    assert crc == comm.fill_crc(SEED, LENGTH)

    lines = lifecycle.shell(c, "stop linux1")
    if not any(l.startswith("vm linux1: stopped") for l in lines):
        c.expect_hv(r"^vm linux1: stopped")
    before = comm.stats(c)
    c.run_in_vm("linux0", f"shikiri-shm ring {comm.REGION} 1")
    after = comm.stats(c)
    d = comm.delta(after.shm[("linux0", comm.REGION)],
                   before.shm[("linux0", comm.REGION)], comm.SHM_FIELDS)
    assert d == dict(sent=0, taken=0, dropped=1, refused=0), d
    assert after.shm[("linux1", comm.REGION)]["taken"] == \
        before.shm[("linux1", comm.REGION)]["taken"]

    lifecycle.shell(c, "start linux1")
    c.expect_vm("linux1", r"^shikiri-guest: modules loaded:")
    lifecycle.wait_shell_banner(c, "linux1")
    m = comm.run(c, "linux1", f"shikiri-shm sum {comm.REGION} 0 {LENGTH}",
                 comm.CRC, WORK_TIMEOUT)
    assert m.group(1) == crc, "the region did not survive linux1's restart"
    out = c.run_in_vm("linux1", "shikiri-shm info")
    assert f"{comm.REGION}: slot 0000:00:01.0" in out, out
    # The dropped ring was not kept for this life.
    out = c.run_in_vm("linux1", f"shikiri-shm wait {comm.REGION} 500",
                      check=False)
    assert "no ring in 500 ms" in out, out

    c.start_in_vm("linux1", f"shikiri-shm wait {comm.REGION} 60000")
    c.run_in_vm("linux0", f"shikiri-shm ring {comm.REGION} 1")
    c.expect_vm("linux1", rf"^{comm.REGION}: rung by 0x1", WORK_TIMEOUT)
