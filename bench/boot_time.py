#!/usr/bin/python3
"""Boot time: QEMU start to the guest's first userspace line, natively and
under shikiri, interleaved (A B C A B C ...) on the same QEMU.

usage: bench/boot_time.py IMAGE [--runs N] [--cpus N] [--mem SIZE]
                          [--bootargs ARGS]

  native        the same kernel, initramfs and kernel arguments, booted by
                QEMU directly on a machine the VM's size (--cpus, --mem)
  native-board  the same, on IMAGE's whole machine (IMAGE.qemu), limited to
                the VM's size with maxcpus= and mem= (QEMU's cost of the
                bigger machine shows here, not in shikiri)
  shikiri       IMAGE
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARK = b"shikiri-guest: userspace up"


def qemu_args(image):
    with open(image + ".qemu") as f:
        return [line.strip() for line in f if line.strip()]


def time_boot(cmd, timeout=180):
    """Seconds from spawning QEMU to MARK on its output."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    buf = b""
    try:
        while MARK not in buf:
            chunk = proc.stdout.read1(4096)
            if not chunk:
                raise RuntimeError("QEMU exited before userspace:\n" +
                                   buf[-2000:].decode(errors="replace"))
            buf += chunk
            if time.monotonic() - start > timeout:
                raise RuntimeError("timed out")
        return time.monotonic() - start
    finally:
        proc.kill()
        proc.wait()


def replace_opt(args, opt, value):
    out = list(args)
    out[out.index(opt) + 1] = value
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("image")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpus", default="2")
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--bootargs",
                    default="console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1")
    a = ap.parse_args()
    machine = qemu_args(a.image)
    native = replace_opt(replace_opt(machine, "-smp", a.cpus), "-m", a.mem)
    base = ["qemu-system-aarch64", "-nographic"]
    payloads = ["-kernel", os.path.join(TOP, "build/cache/Image"),
                "-initrd", os.path.join(TOP, "build/guest/initramfs.cpio.gz")]
    cmds = {
        "native": base + native + payloads + ["-append", a.bootargs],
        "native-board": base + machine + payloads + [
            "-append", f"{a.bootargs} maxcpus={a.cpus} mem={a.mem}"],
        "shikiri": base + machine + ["-kernel", a.image],
    }
    results = {k: [] for k in cmds}
    for i in range(a.runs):
        for name, cmd in cmds.items():
            t = time_boot(cmd)
            results[name].append(t)
            print(f"run {i + 1} {name:8s} {t:6.2f} s", flush=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    print()
    print("| boot to userspace | median | min | max |")
    print("| --- | --- | --- | --- |")
    for k, v in results.items():
        print(f"| {k} | {med[k]:.2f} s | {min(v):.2f} s | {max(v):.2f} s |")
    print()
    for ref in ("native", "native-board"):
        print(f"shikiri / {ref} = {med['shikiri'] / med[ref]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
