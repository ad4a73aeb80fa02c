#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Boot an x86 demo image once and, if it does not reach both VMs'
userspace in time, dump every CPU's registers and the console drain's
state through the QEMU monitor (diagnosis of the x86 demo boot hang).

Usage (one boot, under the shared QEMU lock):
  flock /tmp/shikiri-qemu.lock timeout 300 \
    tools/diag/x86-boot-watch.py IMAGE LOG SECONDS ELF

Prints OK or HANG; on HANG writes LOG.regs.  ELF is the hypervisor's
shikiri.elf, whose symbols name the console globals dumped.
"""
import os
import socket
import subprocess
import sys
import time

img, log, limit, elf = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
sock = log + ".mon"
GLOBALS = ("draining", "kick", "tx_irq_on", "staged", "stage_len",
           "stage_pos", "ier", "room")


def symbols():
    out = subprocess.run(["nm", elf], capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] in GLOBALS:
            syms[f[2]] = int(f[0], 16)
    return syms


def text():
    with open(log, "rb") as f:
        return f.read().decode("latin1")


def monitor(cmds):
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    c.settimeout(3)
    out = b""
    for cmd in cmds:
        c.sendall(cmd.encode() + b"\n")
        time.sleep(0.5)
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                out += d
        except socket.timeout:
            pass
    c.close()
    return out.decode("latin1")


if os.path.exists(sock):
    os.unlink(sock)
argv = ["qemu-system-x86_64", "-M", "q35", "-cpu", "qemu64,+svm,+npt,+rdrand",
        "-smp", "4", "-m", "2G", "-display", "none", "-serial", "stdio",
        "-monitor", f"unix:{sock},server,nowait", "-no-reboot", "-kernel", img]
with open(log, "wb") as f:
    p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
t0 = time.time()
ok = False
while time.time() - t0 < limit and p.poll() is None:
    time.sleep(1)
    if text().count("userspace up") >= 2:
        ok = True
        break
if not ok and p.poll() is None:
    with open(log + ".regs", "w") as r:
        for k in range(4):
            cmds = []
            for cpu in range(4):
                cmds += [f"cpu {cpu}", "info registers"]
            r.write(f"==== sample {k}\n" + monitor(cmds))
            time.sleep(1)
        cmds = [f"xp /1xb {a:#x}" for a in symbols().values()]
        r.write("==== console globals " + repr(symbols()) + "\n" +
                monitor(cmds))
        n0 = len(text())
        time.sleep(10)
        r.write(f"==== the log grew {len(text()) - n0} bytes in 10 s\n")
        r.write("==== lapic\n" +
                monitor([f"cpu {c}\ninfo lapic" for c in range(4)]))
print("OK" if ok else "HANG", round(time.time() - t0, 1), flush=True)
p.kill()
p.wait()
