# SPDX-License-Identifier: MIT
"""Two Linux VMs share memory through stock Linux (uio_pci_generic and
sysfs) with shikiri-shm (docs/communication.md): MiBs one VM writes are
what the other reads, the doorbell interrupts the peer, a ping-pong of
doorbells measures their round trip, and a region a VM maps read-only
cannot be written by it.  Every test checks the hypervisor's counters
(`stats VM`) against what the guests did."""

import re

import pytest

import comm
import lifecycle
import qemu

FILL = 8 << 20          # bytes linux0 writes and linux1 checks
SEED = 20261202
ROUNDS = 200            # doorbell round trips
# TCG writes and sums 8 MiB in a few seconds; leave room for a slow host.
WORK_TIMEOUT = 120 * qemu.TIMEOUT_SCALE
UIO_IRQS = r"^\s*\d+:((?:\s+\d+)+)\s.*uio_pci_generic"


@pytest.fixture(scope="module")
def image(shikiri_image):
    return shikiri_image(comm.CONFIG)


def uio_irqs(c, vm):
    """Interrupts VM @vm took on its uio_pci_generic line(s), summed over
    CPUs and regions (/proc/interrupts)."""
    out = c.run_in_vm(vm, "grep uio_pci_generic /proc/interrupts")
    counts = re.findall(UIO_IRQS, out, re.M)
    assert counts, f"{vm}: no uio_pci_generic interrupt in:\n{out}"
    return sum(int(n) for row in counts for n in row.split())


def test_regions_found_by_name_and_data_crosses(image, boot):
    """Each VM finds both regions by name, bound to uio_pci_generic, with
    the access its config gives; 8 MiB linux0 writes are what linux1 reads
    after one doorbell, which reached linux1 as an interrupt; the rest of
    the region is as the boot zeroed it."""
    c = comm.boot_pair(boot, image)
    for vm in comm.VMS:
        out = c.run_in_vm(vm, "shikiri-shm info")
        rows = {m.group(1): m for m in re.finditer(comm.INFO, out, re.M)}
        assert set(rows) == {comm.REGION, comm.RO_REGION}, out
        for name, size in ((comm.REGION, comm.REGION_SIZE),
                           (comm.RO_REGION, comm.RO_SIZE)):
            m = rows[name]
            ro = name == comm.RO_REGION and vm == "linux1"
            assert int(m.group(3)) << 10 == size, out
            assert m.group(4) == ("ro" if ro else "rw"), out
            assert int(m.group(5)) == comm.INDEX[vm], out
            assert int(m.group(6), 16) == 0b11, out
            assert m.group(7) == "uio_pci_generic", out

    before = comm.stats(c)
    irqs = uio_irqs(c, "linux1")
    c.start_in_vm("linux1", f"shikiri-shm wait {comm.REGION} 100000 &&"
                            f" shikiri-shm sum {comm.REGION} 0 {FILL}")
    expected = comm.fill_crc(SEED, FILL)
    m = comm.run(c, "linux0", f"shikiri-shm fill {comm.REGION} {SEED} {FILL}",
                 comm.CRC, WORK_TIMEOUT)
    assert m.group(1) == expected, "fill wrote another pattern than Python's"
    c.run_in_vm("linux0", f"shikiri-shm ring {comm.REGION} 1")
    m = c.expect_vm("linux1", rf"^{comm.REGION}: rung by (0x[0-9a-f]+)",
                    WORK_TIMEOUT)
    assert int(m.group(1), 16) == 1 << comm.INDEX["linux0"]
    m = c.expect_vm("linux1", rf"^{comm.REGION}: {comm.CRC} over {FILL}",
                    WORK_TIMEOUT)
    assert m.group(1) == expected, "linux1 reads other bytes than linux0 wrote"
    m = comm.run(c, "linux1", f"shikiri-shm sum {comm.REGION} {FILL}"
                              f" {comm.REGION_SIZE - FILL}", comm.CRC,
                 WORK_TIMEOUT)
    assert m.group(1) == comm.zero_crc(comm.REGION_SIZE - FILL)
    assert uio_irqs(c, "linux1") == irqs + 1, "the doorbell's interrupt"

    after = comm.stats(c)
    sender = comm.delta(after.shm[("linux0", comm.REGION)],
                        before.shm[("linux0", comm.REGION)], comm.SHM_FIELDS)
    taker = comm.delta(after.shm[("linux1", comm.REGION)],
                       before.shm[("linux1", comm.REGION)], comm.SHM_FIELDS)
    assert sender == dict(sent=1, taken=0, dropped=0, refused=0), sender
    assert taker == dict(sent=0, taken=1, dropped=0, refused=0), taker


def test_doorbell_ping_pong(image, boot):
    """ROUNDS doorbell round trips: each ring wakes the peer through its
    interrupt, and the counters say so; the latencies are printed (make
    bench keeps them in docs/performance.md)."""
    c = comm.boot_pair(boot, image)
    before = comm.stats(c)
    irqs = {vm: uio_irqs(c, vm) for vm in comm.VMS}
    c.start_in_vm("linux1", f"shikiri-shm pong {comm.REGION} {ROUNDS}")
    m = comm.run(c, "linux0", f"shikiri-shm pingpong {comm.REGION} 1 {ROUNDS}",
                 comm.PINGPONG, WORK_TIMEOUT)
    c.expect_vm("linux1", rf"^{comm.REGION}: answered {ROUNDS} rings",
                WORK_TIMEOUT)
    n, lo, med, hi = (int(m.group(i)) for i in (1, 3, 4, 5))
    print(f"doorbell round trip over {n}: min {lo} us, median {med} us,"
          f" max {hi} us")
    assert n == ROUNDS and 0 < lo <= med <= hi

    # Each ring raises the peer's line once: at least one interrupt per
    # ring, since each side waits in poll() for the other's.  A few more
    # come when a ring lands while the peer reads its registers (its line
    # rises again as it unmasks): seen up to 9 in 200; far more would be a
    # storm.
    for vm in comm.VMS:
        got = uio_irqs(c, vm) - irqs[vm]
        assert ROUNDS <= got <= ROUNDS * 11 // 10, (
            f"{vm}: {got} doorbell interrupts for {ROUNDS} rings")
    after = comm.stats(c)
    for vm in comm.VMS:
        d = comm.delta(after.shm[(vm, comm.REGION)],
                       before.shm[(vm, comm.REGION)], comm.SHM_FIELDS)
        assert d == dict(sent=ROUNDS, taken=ROUNDS, dropped=0, refused=0), (
            vm, d)


def test_read_only_region_refuses_writes(image, boot):
    """linux1 maps ro0 read-only: it reads what linux0 wrote, shikiri-shm
    refuses to write it, and a write forced anyway faults: linux1's
    on-fault is "reflect", so the writing process dies of SIGBUS, the VM
    lives on and the region keeps linux0's bytes."""
    c = comm.boot_pair(boot, image)
    expected = comm.fill_crc(7, comm.RO_SIZE)
    m = comm.run(c, "linux0", f"shikiri-shm fill {comm.RO_REGION} 7",
                 comm.CRC)
    assert m.group(1) == expected
    m = comm.run(c, "linux1", f"shikiri-shm sum {comm.RO_REGION}", comm.CRC)
    assert m.group(1) == expected, "linux1 does not read what linux0 wrote"

    status, out = lifecycle.run_status(
        c, "linux1", f"shikiri-shm fill {comm.RO_REGION} 9")
    assert status == 1 and "read-only" in out, out
    start = len(c.lines)
    status, out = lifecycle.run_status(
        c, "linux1", f"shikiri-shm -f fill {comm.RO_REGION} 9 4096")
    assert status == 128 + 7, f"forced write: exit {status} (not SIGBUS):\n{out}"
    assert "filled" not in out, out
    assert c.run_in_vm("linux1", "echo still here") == "still here"
    assert lifecycle.events(c, "linux1", start) == [], "linux1 restarted"
    for vm in comm.VMS:
        m = comm.run(c, vm, f"shikiri-shm sum {comm.RO_REGION}", comm.CRC)
        assert m.group(1) == expected, f"{vm}: ro0 changed by a refused write"
