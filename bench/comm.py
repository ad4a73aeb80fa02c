#!/usr/bin/python3
"""Communication between two Linux VMs under shikiri: doorbell round trip
(shikiri-shm pingpong), network round trip (ping over lan0) and network
throughput (busybox nc), each with the exits it costs per round trip or
frame, from the hypervisor's `stats` counters: both VMs' exits over the
measurement, less what the two exit when idle for as long (timer ticks,
measured first in each round).  Run by `make bench` after
the guest-overhead tables; see docs/performance.md, "Communication
between VMs".

usage: bench/comm.py [--rounds N] [--out DIR]

Boots tests/system/configs/comm.dts (the system tests' two VMs) once per
round and writes DIR (default build/bench/comm): results.md, results.json
and logs/ (every console).
"""
import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "system"))

import comm  # noqa: E402  (tests/system)
import qemu  # noqa: E402

PINGPONG_ROUNDS = 1000
PINGS = 100
PING_INTERVAL = 0.05  # s: busybox ping's -i
STREAM_MIB = 32
IDLE_SECONDS = 5
PORT = 5000
TIMEOUT = 300 * qemu.TIMEOUT_SCALE
REAL = r"^real\s+(\d+)m\s*([\d.]+)s"


class Window:
    """The hypervisor's counters around one measurement, and the host's
    time between the two readings, so that what an idle pair of VMs
    exits anyway (timer ticks, mostly) can be taken off."""

    def __init__(self, c):
        self.c = c
        self.before = comm.stats(c)
        self.t0 = time.monotonic()

    def close(self):
        self.after = comm.stats(self.c)
        self.seconds = time.monotonic() - self.t0
        return self

    def count(self, field):
        """@field ("exits" or "mmio") of both VMs over the window."""
        return sum(getattr(self.after, field)[vm]
                   - getattr(self.before, field)[vm] for vm in comm.VMS)

    def net(self, vm):
        return comm.delta(self.after.net[vm], self.before.net[vm],
                          comm.NET_FIELDS)


def idle(c):
    """Exits and MMIO exits per second of both VMs doing nothing."""
    w = Window(c)
    c.run_in_vm("linux0", f"sleep {IDLE_SECONDS}")
    w.close()
    return {f: w.count(f) / w.seconds for f in ("exits", "mmio")}


def net_of(w, rate, field):
    """@field's count over window @w less what idling would have cost."""
    return max(0.0, w.count(field) - rate[field] * w.seconds)


def doorbell(c, rate):
    """Doorbell ping-pong: latency figures and exits per round trip."""
    c.start_in_vm("linux1", f"shikiri-shm pong {comm.REGION}"
                            f" {PINGPONG_ROUNDS}")
    w = Window(c)
    m = comm.run(c, "linux0", f"shikiri-shm pingpong {comm.REGION} 1"
                              f" {PINGPONG_ROUNDS}", comm.PINGPONG, TIMEOUT)
    c.expect_vm("linux1", r"answered", TIMEOUT)
    w.close()
    return {"doorbell_min_us": int(m.group(3)),
            "doorbell_median_us": int(m.group(4)),
            "doorbell_max_us": int(m.group(5)),
            "doorbell_exits_per_rtt":
                net_of(w, rate, "exits") / PINGPONG_ROUNDS,
            "doorbell_mmio_per_rtt": net_of(w, rate, "mmio") / PINGPONG_ROUNDS}


def ping(c, rate):
    """ping linux0 -> linux1: round trip and exits per request+reply."""
    w = Window(c)
    out = c.run_in_vm("linux0", f"ping -q -c {PINGS} -i {PING_INTERVAL}"
                                f" {comm.ADDR['linux1']}", timeout=TIMEOUT)
    w.close()
    loss = re.search(comm.PING_LOSS, out)
    rtt = re.search(comm.PING_RTT, out)
    if not loss or int(loss.group(2)) != PINGS or not rtt:
        raise RuntimeError(f"ping lost replies:\n{out}")
    return {"ping_min_ms": float(rtt.group(1)),
            "ping_avg_ms": float(rtt.group(2)),
            "ping_max_ms": float(rtt.group(3)),
            "ping_exits_per_rtt": net_of(w, rate, "exits") / PINGS,
            "ping_mmio_per_rtt": net_of(w, rate, "mmio") / PINGS}


def stream(c, rate):
    """STREAM_MIB MiB linux0 -> linux1 over TCP (busybox nc, from a file
    in RAM): throughput, frames, and exits, kicks and interrupts per
    frame."""
    c.run_in_vm("linux0", f"dd if=/dev/zero of=/tmp/zero bs=1M"
                          f" count={STREAM_MIB} 2>/dev/null")
    c.start_in_vm("linux1", f"nc -l -p {PORT} >/dev/null; echo received")
    w = Window(c)
    m = comm.run(c, "linux0", f"for i in 1 2 3 4 5; do time nc"
                              f" {comm.ADDR['linux1']} {PORT} </tmp/zero &&"
                              " break; sleep 1; done", REAL, TIMEOUT)
    c.expect_vm("linux1", r"^received$", TIMEOUT)
    w.close()
    seconds = int(m.group(1)) * 60 + float(m.group(2))
    tx, rx = w.net("linux0"), w.net("linux1")
    frames = tx["tx"]
    return {"stream_mib_s": STREAM_MIB / seconds,
            "stream_frames": frames,
            "stream_acks": rx["tx"],
            "stream_exits_per_frame": net_of(w, rate, "exits") / frames,
            "stream_mmio_per_frame": net_of(w, rate, "mmio") / frames,
            "stream_sender_kicks_per_frame": tx["kicks"] / frames,
            "stream_receiver_irqs_per_frame": rx["irqs"] / frames,
            "stream_rx_dropped": rx["rx_dropped"]}


class Boot:
    """A minimal stand-in for the system tests' boot fixture."""

    def __init__(self, logs):
        self.logs = logs
        self.consoles = []

    def __call__(self, image):
        log = os.path.join(self.logs, f"comm-{len(self.consoles)}.log")
        c = qemu.boot(image, log)
        self.consoles.append(c)
        return c

    def close(self):
        for c in self.consoles:
            c.close()


ROWS = [
    ("doorbell round trip, median", "doorbell_median_us", "µs"),
    ("doorbell round trip, min", "doorbell_min_us", "µs"),
    ("exits per doorbell round trip", "doorbell_exits_per_rtt", ""),
    ("  of which MMIO", "doorbell_mmio_per_rtt", ""),
    ("ping round trip, avg", "ping_avg_ms", "ms"),
    ("ping round trip, min", "ping_min_ms", "ms"),
    ("exits per ping round trip", "ping_exits_per_rtt", ""),
    ("  of which MMIO", "ping_mmio_per_rtt", ""),
    ("TCP throughput (nc)", "stream_mib_s", "MiB/s"),
    ("data frames", "stream_frames", ""),
    ("acknowledgement frames back", "stream_acks", ""),
    ("exits per data frame", "stream_exits_per_frame", ""),
    ("  of which MMIO", "stream_mmio_per_frame", ""),
    ("sender TX kicks per data frame", "stream_sender_kicks_per_frame", ""),
    ("receiver interrupts per data frame", "stream_receiver_irqs_per_frame",
     ""),
    ("frames dropped for want of RX buffers", "stream_rx_dropped", ""),
]


def table(samples):
    """The results as a Markdown table: median, min and max over rounds."""
    out = ["| measure | median | min | max | unit |", "|---|---|---|---|---|"]
    for label, key, unit in ROWS:
        values = [s[key] for s in samples]
        fmt = "{:.0f}" if all(float(v).is_integer() for v in values) else (
            "{:.2f}")
        out.append(f"| {label} | {fmt.format(statistics.median(values))} |"
                   f" {fmt.format(min(values))} | {fmt.format(max(values))}"
                   f" | {unit} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(TOP, "build", "bench",
                                                  "comm"))
    args = ap.parse_args()
    logs = os.path.join(args.out, "logs")
    os.makedirs(logs, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        image = qemu.build_image(comm.CONFIG, tmp)
        samples = []
        for r in range(args.rounds):
            boot = Boot(logs)
            try:
                c = comm.boot_pair(boot, image)
                rate = idle(c)
                sample = {**doorbell(c, rate), **ping(c, rate),
                          **stream(c, rate)}
            finally:
                boot.close()
            print(f"comm round {r + 1}/{args.rounds}: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in sample.items()),
                  flush=True)
            samples.append(sample)
    md = table(samples)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(f"Communication between two VMs, {args.rounds} rounds\n\n"
                + md)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(samples, f, indent=1)
    print(md, end="")


if __name__ == "__main__":
    main()
