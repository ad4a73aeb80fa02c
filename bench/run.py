#!/usr/bin/python3
"""Guest overhead: the same Linux and benchmark on the same QEMU machine,
natively, under a null hypervisor, under shikiri and under Xen, interleaved
round by round (A B C D E, A B C D E, ...).  Run by `make bench`; see
docs/performance.md for the method and how to read the output.

usage: bench/run.py [--arch aarch64|x86_64] [--rounds N] [--icount]
                    [--configs A,B,...] [--out DIR]

Writes into DIR (default build/bench, or build/bench/icount with --icount;
build/bench/x86_64[/icount] for --arch x86_64): results.md (the tables),
results.json, chart.png, logs/ (every console).  On x86_64 the
configurations are native and shikiri, on q35.
"""
import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

import x86_exits

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")
CACHE = os.path.join(BUILD, "cache")
BENCH = os.path.join(BUILD, "bench")

QEMU = "qemu-system-aarch64"
# The machine every configuration runs on: the options shikiri-build writes
# for --board qemu-virt (checked against the image's .qemu file below).
MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a72",
           "-smp", "4", "-m", "2G"]
# Also identical for all: no default NIC (QEMU would add a virtio-net PCI
# device only the configurations that see PCI would probe), console on
# stdio, no monitor, and thread names ("CPU 0/TCG") for the CPU accounting.
COMMON = ["-nic", "none", "-display", "none", "-monitor", "none",
          "-serial", "stdio", "-name", "bench,debug-threads=on"]
ICOUNT = ["-icount", "shift=0"]

# Kernel arguments of the benchmark guest in every configuration.  maxcpus=
# and mem= give a whole-machine guest (native, nullhv, Xen dom0) the size of
# the shikiri VM and the Xen domU: 2 CPUs, 512 MiB.  Xen's dom0 has no
# PL011 (Xen owns it), so there console=hvc0 replaces console=ttyAMA0.
BOOTARGS = ("nokaslr mitigations=off randomize_kstack_offset=off "
            "maxcpus=2 mem=512M")
CONSOLE = "console=ttyAMA0"

NULLHV_LINUX = 0x40400000   # bench/nullhv/nullhv.S: its load address + 2 MiB
NULLHV_RESERVE = (0x40200000, 0x200000)
MODULE_BASE = 0x50000000    # Xen boot modules: clear of QEMU's stub, Xen, DTB
# guest_loglvl=all: Xen's remarks on the guests (e.g. vGIC registers it
# ignores) stay in the logs.
XEN_ARGS = ("console=dtuart dtuart=/pl011@9000000 dom0_mem=512M "
            "dom0_max_vcpus=2 guest_loglvl=all")

# x86-64 (--arch x86_64): the q35 board's options (shikiri-build --board
# qemu-q35), the same kernel arguments with the PC's serial console; shikiri
# prints its exit counts in its own words, "N reason (N part, ...), ...".
X86_QEMU = "qemu-system-x86_64"
X86_MACHINE = ["-M", "q35", "-cpu", "qemu64,+svm,+npt,+rdrand",
               "-smp", "4", "-m", "2G"]
X86_CONSOLE = "console=ttyS0"
X86_EXITS_RE = re.compile(
    r"shikiri: vm bench: exits: (.*); (\d+) interrupts injected")
X86_EXIT_RE = re.compile(r"(\d+) ([a-z][a-z0-9_-]*)")

MARK_UP = "bench-guest: userspace up (run)"
MARK_WAIT = "bench-guest: waiting for go"
SETTLE = 2.0    # seconds between the last guest's userspace and the go
BOOT_TIMEOUT = 180  # a run whose guest is not in userspace by then failed
XEN_SWITCH = b"\x01\x01\x01"     # Ctrl-a x3: Xen's console input to next
XEN_INPUT_RE = re.compile(r"\*\*\* Serial input to (\S+)")
RESULT_RE = re.compile(r"guestbench: result (\S+) ([-0-9.]+) (\S+)")
IRQS_RE = re.compile(r"guestbench: irqs (\S+) timer=(\d+) ipi=(\d+) "
                     r"other=(\d+)")
IRQ_KINDS = ["timer", "ipi", "other"]
EXITS_RE = re.compile(
    r"shikiri: vm bench: exits: (\d+) sync \((\d+) mmio, (\d+) hvc, "
    r"(\d+) smc, (\d+) sysreg\), (\d+) irq; (\d+) interrupts injected")
EXIT_FIELDS = ["sync", "mmio", "hvc", "smc", "sysreg", "irq", "injected"]

# Result name -> (what it is, unit) in table order; boot is the harness's.
METRICS = [
    ("boot", "boot: QEMU start to first userspace line", "s"),
    ("alu", "ALU loop, 300M iterations", "ms"),
    ("fault64m", "first touch of 64 MiB, 4 KiB pages (median of 5)", "ms"),
    ("tlb64m", "random RMW, 1 word per 4 KiB page, 64 MiB x 64", "ms"),
    ("getppid", "getppid syscall, per call (200k)", "ns"),
    ("timer_median", "1 ms clock_nanosleep overshoot, median (2,000)", "us"),
    ("timer_p99", "1 ms clock_nanosleep overshoot, p99", "us"),
    ("timer_max", "1 ms clock_nanosleep overshoot, max", "us"),
    ("futex_rtt_median", "futex ping-pong CPU 0 <-> 1, round trip, median",
     "us"),
    ("console", "console output, 100 lines of 80 bytes, per byte", "us"),
]
PARTS = ["alu", "fault", "tlb", "syscall", "timer", "pingpong", "console"]


def log(msg):
    print(msg, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().strip()


def other_qemus(own=None):
    """PIDs of running QEMU processes other than @own: someone else's
    emulator competing for the same two host cores."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == own:
            continue
        try:
            with open("/proc/%s/comm" % d) as f:
                if f.read().startswith("qemu-system"):
                    pids.append(int(d))
        except OSError:
            pass
    return pids


QUIET_WAIT_RUN = 30         # at most this long before one run


def thread_cpu(pid):
    """Host CPU seconds used so far by each thread of process @pid, by
    thread name (QEMU names its vCPU threads "CPU N/TCG")."""
    tick = os.sysconf("SC_CLK_TCK")
    use = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return use
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        name = name if name.startswith("CPU ") else "other"
        use[name] = use.get(name, 0.0) + \
            (int(fields[11]) + int(fields[12])) / tick
    return use


def wait_quiet(budget):
    """Wait for other QEMU processes to end, at most QUIET_WAIT_RUN seconds
    and at most what is left of @budget (a one-element list of seconds,
    shared by the whole bench, so `make bench` stays within its time);
    returns the PIDs still running."""
    limit = max(0, min(QUIET_WAIT_RUN, budget[0]))
    t0 = time.monotonic()
    end = t0 + limit
    pids = other_qemus()
    if pids:
        log("bench: waiting up to %d s for other QEMU processes %s" %
            (limit, pids))
    while pids and time.monotonic() < end:
        time.sleep(2)
        pids = other_qemus()
    budget[0] -= time.monotonic() - t0
    return pids


# ---------------------------------------------------------------- set-up

def dump_board_dts(out):
    """QEMU's own DT for MACHINE, as source."""
    dtb = os.path.join(out, "virt.dtb")
    subprocess.run([QEMU] + MACHINE[:1] +
                   [MACHINE[1] + ",dumpdtb=" + dtb] + MACHINE[2:] +
                   ["-nic", "none", "-display", "none"],
                   check=True, capture_output=True)
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb],
                          check=True, capture_output=True,
                          text=True).stdout


def compile_dts(text, path):
    with open(path + ".dts", "w") as f:
        f.write(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", path,
                    path + ".dts"], check=True)
    return path


def nullhv_dtb(board, out):
    """QEMU's DT plus a /memreserve/ for the null hypervisor's 2 MiB."""
    head = "/dts-v1/;\n"
    assert board.startswith(head)
    text = (head + "/memreserve/ 0x%x 0x%x;\n" % NULLHV_RESERVE +
            board[len(head):])
    return compile_dts(text, os.path.join(out, "nullhv.dtb"))


def align_up(x, a):
    return (x + a - 1) // a * a


def xen_setup(board, out, image, initrd, domu):
    """The Xen DT and the -device loader options for its boot modules:
    dom0 (idle beside a dom0less domU, or the benchmark itself)."""
    addr = MODULE_BASE
    loaders = []

    def module(path, kind, extra=""):
        nonlocal addr
        size = os.path.getsize(path)
        node = ('module@%x { compatible = "multiboot,%s", '
                '"multiboot,module"; reg = <0x0 0x%x 0x0 0x%x>; %s};'
                % (addr, kind, addr, size, extra))
        loaders.extend(["-device", "loader,file=%s,addr=0x%x" % (path, addr)])
        addr = align_up(addr + size, 0x200000)
        return node

    role = "idle" if domu else "run"
    chosen = [
        "#address-cells = <0x2>;", "#size-cells = <0x2>;",
        'xen,xen-bootargs = "%s";' % XEN_ARGS,
        'xen,dom0-bootargs = "console=hvc0 %s benchrole=%s";'
        % (BOOTARGS, role),
        module(image, "kernel"), module(initrd, "ramdisk"),
    ]
    if domu:
        kernel = module(image, "kernel", 'bootargs = "%s %s benchrole=run"; '
                        % (CONSOLE, BOOTARGS))
        chosen.append(
            "domU1 { compatible = \"xen,domain\"; #address-cells = <0x2>; "
            "#size-cells = <0x2>; cpus = <2>; memory = <0x0 0x%x>; vpl011; "
            "%s %s };" % (512 * 1024, kernel, module(initrd, "ramdisk")))
    # A second definition of / merges into the first (dtc).
    text = board + "\n/ {\n\tchosen {\n\t\t" + "\n\t\t".join(chosen) + \
        "\n\t};\n};\n"
    name = "xen-domu.dtb" if domu else "xen-dom0.dtb"
    return compile_dts(text, os.path.join(out, name)), loaders


def use_x86():
    """Switch the harness to q35: emulator, machine, console, exit line."""
    global QEMU, MACHINE, CONSOLE, EXITS_RE, EXIT_FIELDS
    QEMU, MACHINE, CONSOLE = X86_QEMU, X86_MACHINE, X86_CONSOLE
    EXITS_RE = X86_EXITS_RE
    EXIT_FIELDS = []


def parse_exits(m):
    """The exit counts of an EXITS_RE match, by reason.  On x86 the names
    come from the line itself, and every new one becomes a column."""
    if EXITS_RE is not X86_EXITS_RE:
        return dict(zip(EXIT_FIELDS, map(int, m.groups())))
    exits = {name: int(n) for n, name in X86_EXIT_RE.findall(m.group(1))}
    exits["injected"] = int(m.group(2))
    EXIT_FIELDS.extend(k for k in exits if k not in EXIT_FIELDS)
    return exits


def make_configs_x86(image, initrd, shikiri_img):
    """The x86 configurations: native, and shikiri (bench/shikiri-x86.dts)."""
    append = "%s %s benchrole=run" % (CONSOLE, BOOTARGS)
    return [
        Config("native", "(a) native", [
            "-kernel", image, "-initrd", initrd, "-append", append],
            True, r"bench-guest: loadavg"),
        Config("shikiri", "(c) shikiri", ["-kernel", shikiri_img],
               False, EXITS_RE.pattern,
               neighbour=r"^\[idle\] bench-guest: userspace up",
               probe=x86_exits.ExitProbe),
    ]


def machine_of(image):
    with open(image + ".qemu") as f:
        return [l.strip() for l in f if l.strip() and l.strip() != "-nographic"]


class Config:
    """One way of running the benchmark guest."""

    def __init__(self, name, label, args, ends_itself, final_re,
                 neighbour=None, input_to=None, probe=None):
        self.name = name
        self.label = label
        self.args = args               # QEMU arguments after MACHINE+COMMON
        self.ends_itself = ends_itself  # QEMU exits when the guest is done
        self.final_re = re.compile(final_re)
        # The idle neighbour's "userspace up" line: the go waits for it.
        self.neighbour = re.compile(neighbour) if neighbour else None
        # Xen: the domain console input must be switched to.
        self.input_to = input_to
        # x86 shikiri: makes the x86_exits.ExitProbe that reads the exits
        # by reason from the hypervisor's shell around the benchmark.
        self.probe = probe


def make_configs(out, image, initrd, shikiri_img, nullhv, xen):
    """Every configuration; @xen is the Xen binary, or None for none."""
    board = dump_board_dts(out)
    append = "%s %s benchrole=run" % (CONSOLE, BOOTARGS)
    configs = [
        Config("native", "(a) native", [
            "-kernel", image, "-initrd", initrd, "-append", append],
            True, r"bench-guest: loadavg"),
        Config("nullhv", "(b) null hypervisor", [
            "-dtb", nullhv_dtb(board, out), "-kernel", nullhv,
            "-device", "loader,file=%s,addr=0x%x" % (image, NULLHV_LINUX),
            "-initrd", initrd, "-append", append],
            True, r"bench-guest: loadavg"),
        Config("shikiri", "(c) shikiri", ["-kernel", shikiri_img],
               False, EXITS_RE.pattern,
               neighbour=r"^\[idle\] bench-guest: userspace up"),
    ]
    if xen:
        dtb, loaders = xen_setup(board, out, image, initrd, domu=True)
        configs.append(Config("xen-domu", "(d) Xen dom0less domU",
                              ["-dtb", dtb, "-kernel", xen] + loaders,
                              False, r"bench-guest: loadavg",
                              neighbour=r"^bench-guest: userspace up",
                              input_to="DOM1"))
        dtb, loaders = xen_setup(board, out, image, initrd, domu=False)
        configs.append(Config("xen-dom0", "(d') Xen dom0",
                              ["-dtb", dtb, "-kernel", xen] + loaders,
                              True, r"bench-guest: loadavg"))
    return configs


# ---------------------------------------------------------------- one run

def run_once(cfg, icount, logpath, timeout):
    """Boot @cfg once; returns (metrics dict, exits dict or None, PIDs of
    other QEMU processes seen while it ran, host CPU seconds per QEMU thread
    while guestbench ran, the probe's exit rates or None).  Raises
    RuntimeError with the console's tail when the run does not finish."""
    cmd = [QEMU] + MACHINE + COMMON + (ICOUNT if icount else []) + cfg.args
    lines = queue.Queue()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def send(data, logf, what):
        logf.write("%8.3f # harness: %s\n" % (time.monotonic() - start, what))
        proc.stdin.write(data)
        proc.stdin.flush()

    def reader():
        for raw in proc.stdout:
            lines.put((time.monotonic() - start,
                       raw.decode(errors="replace").rstrip("\r\n")))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    metrics, exits, done, final = {}, None, False, False
    tail, others, sampled = [], set(), 0.0
    # The go: once the guest waits for it and the neighbour is up too.
    waiting_at = neighbour_at = None
    input_ok = cfg.input_to is None
    switch_sent, go_sent = 0.0, False
    cpu_at_go, cpu_at_done = {}, {}
    probe = cfg.probe() if cfg.probe else None
    go_at = done_at = None
    with open(logpath, "w") as logf:
        logf.write("# " + " ".join(cmd) + "\n")
        try:
            while True:
                left = timeout - (time.monotonic() - start)
                if time.monotonic() - sampled >= 2:
                    sampled = time.monotonic()
                    others.update(other_qemus(own=proc.pid))
                if left <= 0:
                    raise RuntimeError("timed out after %d s" % timeout)
                if "boot" not in metrics and \
                        time.monotonic() - start > BOOT_TIMEOUT:
                    raise RuntimeError("no userspace after %d s" %
                                       BOOT_TIMEOUT)
                ready = waiting_at is not None and \
                    (cfg.neighbour is None or neighbour_at is not None)
                now = time.monotonic() - start
                if ready and not go_sent and \
                        now >= max(waiting_at, neighbour_at or 0) + SETTLE:
                    if not input_ok:
                        if now - switch_sent > 5:
                            switch_sent = now
                            send(XEN_SWITCH, logf, "Ctrl-a x3")
                    elif probe is None or probe.may_go(
                            now, lambda d, w: send(d, logf, w)):
                        send(b"\r", logf, "go")
                        go_sent, go_at = True, now
                        cpu_at_go = thread_cpu(proc.pid)
                try:
                    item = lines.get(timeout=min(left, 0.25))
                except queue.Empty:
                    continue
                if item is None:
                    break
                t, line = item
                if MARK_WAIT in line:
                    waiting_at = t
                if cfg.neighbour and neighbour_at is None and \
                        cfg.neighbour.search(line):
                    neighbour_at = t
                m = XEN_INPUT_RE.search(line)
                if m and ready:
                    input_ok = m.group(1) == cfg.input_to
                    switch_sent = 0.0 if not input_ok else switch_sent
                logf.write("%8.3f %s\n" % (t, line))
                tail = (tail + [line])[-40:]
                if "boot" not in metrics and MARK_UP in line:
                    metrics["boot"] = t
                m = RESULT_RE.search(line)
                if m:
                    metrics[m.group(1)] = float(m.group(2))
                m = IRQS_RE.search(line)
                if m:
                    for kind, v in zip(IRQ_KINDS, m.groups()[1:]):
                        metrics["irq.%s.%s" % (m.group(1), kind)] = int(v)
                m = EXITS_RE.search(line)
                if m:
                    exits = parse_exits(m)
                if probe:
                    probe.line(t, line, lambda d, w: send(d, logf, w))
                if "guestbench: done" in line:
                    done, done_at = True, t
                    cpu_at_done = thread_cpu(proc.pid)
                if "guestbench: error" in line:
                    raise RuntimeError(line)
                if done and cfg.final_re.search(line):
                    final = True
                    if probe:
                        probe.at_end(lambda d, w: send(d, logf, w))
                if final and not cfg.ends_itself and \
                        (probe is None or probe.finished()):
                    break
            if not (done and final):
                raise RuntimeError("QEMU ended before the benchmark did")
        except RuntimeError as e:
            raise RuntimeError("%s: %s\n    %s" % (
                cfg.name, e, "\n    ".join(tail[-15:]))) from None
        finally:
            if cfg.ends_itself and proc.poll() is None:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    # Host CPU time of each vCPU thread while guestbench ran: what the
    # benchmark guest used, and what anything else in the machine took.
    cpu = {k: cpu_at_done[k] - cpu_at_go.get(k, 0.0) for k in cpu_at_done}
    rates = probe.rates(go_at, done_at) if probe else None
    return metrics, exits, sorted(others), cpu, rates


# ---------------------------------------------------------------- report

def fmt(v):
    if v is None:
        return "n/a"
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def summarize(configs, samples):
    """samples[config][metric] = [values] -> stats[config][metric]."""
    stats = {}
    for c in configs:
        stats[c.name] = {}
        for key, _, _ in METRICS:
            v = samples[c.name].get(key, [])
            stats[c.name][key] = (
                {"median": statistics.median(v), "min": min(v),
                 "max": max(v), "n": len(v)} if v else None)
    return stats


def ratio(stats, name, ref, key):
    a, b = stats[name][key], stats.get(ref, {}).get(key)
    if not a or not b or b["median"] == 0:
        return None
    return a["median"] / b["median"]


def table(configs, stats):
    """The results table; the / nullhv column only when nullhv ran."""
    refs = ["native"] + (["nullhv"] if "nullhv" in stats else [])
    out = ["| metric | configuration | median | min | max | " +
           " | ".join("/ " + r for r in refs) + " |",
           "| --- | --- | ---: | ---: | ---: |" + " ---: |" * len(refs)]
    for key, what, unit in METRICS:
        for i, c in enumerate(configs):
            s = stats[c.name][key]
            rs = [ratio(stats, c.name, r, key) for r in refs]
            out.append("| %s | %s | %s %s | %s | %s | %s |" % (
                "%s (%s)" % (what, unit) if i == 0 else "", c.label,
                fmt(s["median"]) if s else "n/a", unit if s else "",
                fmt(s["min"]) if s else "n/a", fmt(s["max"]) if s else "n/a",
                " | ".join("%.2f" % r if r else "n/a" for r in rs)))
    return "\n".join(out)


def spread_table(configs, stats):
    """For --icount: how far apart the rounds are, (max - min) / median."""
    out = ["| metric | " + " | ".join(c.label for c in configs) + " |",
           "| --- |" + " ---: |" * len(configs)]
    for key, what, unit in METRICS:
        cells = []
        for c in configs:
            s = stats[c.name][key]
            cells.append("n/a" if not s or not s["median"] else
                         "%.2f %%" % (100 * (s["max"] - s["min"]) /
                                      s["median"]))
        out.append("| %s | %s |" % (key, " | ".join(cells)))
    return "\n".join(out)


def irq_table(configs, samples):
    out = ["| part | " + " | ".join(c.label for c in configs) + " |",
           "| --- |" + " ---: |" * len(configs)]
    for part in PARTS:
        cells = []
        for c in configs:
            v = [samples[c.name].get("irq.%s.%s" % (part, k))
                 for k in IRQ_KINDS]
            cells.append("n/a" if None in v else " / ".join(
                "%d" % statistics.median(x) for x in v))
        out.append("| %s | %s |" % (part, " | ".join(cells)))
    return "\n".join(out)


def cpu_table(configs, cpu_samples):
    names = ["CPU 0/TCG", "CPU 1/TCG", "CPU 2/TCG", "CPU 3/TCG", "other"]
    out = ["| configuration | " + " | ".join(names) + " |",
           "| --- |" + " ---: |" * len(names)]
    for c in configs:
        cells = []
        for n in names:
            v = cpu_samples[c.name].get(n)
            cells.append("%.1f" % statistics.median(v) if v else "n/a")
        out.append("| %s | %s |" % (c.label, " | ".join(cells)))
    return "\n".join(out)


def exits_table(rows):
    out = ["| run | " + " | ".join(EXIT_FIELDS) + " |",
           "| --- |" + " ---: |" * len(EXIT_FIELDS)]
    for name, e in rows:
        out.append("| %s | %s |" % (name, " | ".join(
            "n/a" if e is None else str(e.get(f, 0)) for f in EXIT_FIELDS)))
    return "\n".join(out)


def chart(configs, stats, out):
    """Median / native per metric, one bar per configuration (gnuplot)."""
    if not shutil.which("gnuplot"):
        log("bench: gnuplot missing, no chart (bench/setup installs it)")
        return None
    data = os.path.join(out, "chart.dat")
    png = os.path.join(out, "chart.png")
    with open(data, "w") as f:
        f.write("metric " + " ".join(c.name for c in configs) + "\n")
        for key, _, _ in METRICS:
            f.write(key + " " + " ".join(
                "%.4f" % (ratio(stats, c.name, "native", key) or 0)
                for c in configs) + "\n")
    script = """
set terminal pngcairo size 1400,700 font ",11"
set output '%s'
set title "Median of each metric relative to native (1.00 = native; lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y 2
set yrange [0.25:*]
set grid ytics
set ylabel "median / native (log scale)"
set xtics rotate by -25 noenhanced
set key top left noenhanced
plot '%s' using 2:xtic(1) title columnheader(2)%s, 1 notitle lc rgb "black" dt 2
""" % (png, data, "".join(", '' using %d title columnheader(%d)" % (i, i)
                          for i in range(3, len(configs) + 2)))
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return png


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=["aarch64", "x86_64"],
                    default="aarch64")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--icount", action="store_true",
                    help="-icount shift=0, configurations a b c only")
    ap.add_argument("--configs", help="comma-separated subset")
    ap.add_argument("--out")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--quiet-wait", type=int, default=180,
                    help="seconds in all to wait for other QEMUs to end")
    a = ap.parse_args()
    x86 = a.arch == "x86_64"
    base = os.path.join(BENCH, "x86_64") if x86 else BENCH
    out = a.out or (os.path.join(base, "icount") if a.icount else base)
    logs = os.path.join(out, "logs")
    os.makedirs(logs, exist_ok=True)

    if x86:
        use_x86()
        image = os.path.join(CACHE, "x86_64", "bzImage")
    else:
        image = os.path.join(CACHE, "Image")
    initrd = os.path.join(base, "initramfs.cpio.gz")
    shikiri_img = os.path.join(base, "shikiri.img")
    nullhv = os.path.join(BENCH, "nullhv.bin")
    xen = os.path.join(CACHE, "xen", "boot", "xen-4.17-arm64")
    for f in (image, initrd, shikiri_img) + (() if x86 else (nullhv,)):
        if not os.path.exists(f):
            sys.exit("bench: %s missing; run make bench" % f)
    if machine_of(shikiri_img) != MACHINE:
        sys.exit("bench: %s.qemu is not %s" % (shikiri_img, MACHINE))
    use_xen = not x86 and not a.icount and os.path.exists(xen)
    if not x86 and not a.icount and not use_xen:
        log("bench: %s missing (bench/setup fetches it): no Xen" % xen)

    if x86:
        configs = make_configs_x86(image, initrd, shikiri_img)
    else:
        configs = make_configs(out, image, initrd, shikiri_img, nullhv,
                               xen if use_xen else None)
    if a.configs:
        want = a.configs.split(",")
        configs = [c for c in configs if c.name in want]
    if a.icount:
        configs = [c for c in configs
                   if c.name in ("native", "nullhv", "shikiri")]

    quiet = [a.quiet_wait]
    load_before = loadavg()
    t0 = time.monotonic()
    log("bench: %d rounds of %s%s; load before: %s" % (
        a.rounds, " ".join(c.name for c in configs),
        " with -icount shift=0" if a.icount else "", load_before))
    samples = {c.name: {} for c in configs}
    cpu_samples = {c.name: {} for c in configs}
    exit_rows, failures, contended, why_rows = [], [], [], []
    for r in range(1, a.rounds + 1):
        for c in configs:
            path = os.path.join(logs, "round%d-%s.log" % (r, c.name))
            busy = wait_quiet(quiet)
            try:
                m, e, seen, cpu, why = run_once(c, a.icount, path,
                                                a.timeout)
            except RuntimeError as err:
                failures.append("round %d %s" % (r, c.name))
                log("bench: FAILED %s (log %s)" % (err, path))
                continue
            if busy or seen:
                contended.append("round %d %s (QEMU %s)" % (
                    r, c.name, ", ".join(map(str, sorted(set(busy + seen))))))
            for k, v in m.items():
                samples[c.name].setdefault(k, []).append(v)
            for k, v in cpu.items():
                cpu_samples[c.name].setdefault(k, []).append(v)
            if c.name == "shikiri":
                exit_rows.append(("round %d" % r, e))
            if why:
                why_rows.append(why)
            log("bench: round %d %-8s boot %5.2f s  %s%s" % (
                r, c.name, m.get("boot", 0), " ".join(
                    "%s=%s" % (k, fmt(m[k])) for k, _, _ in METRICS
                    if k != "boot" and k in m),
                "" if e is None else "  exits %s" % e))
            log("bench:          guest interrupts per part (timer/ipi/other)"
                ": %s" % " ".join("%s=%s" % (p, "/".join(
                    str(m.get("irq.%s.%s" % (p, k), "?")) for k in IRQ_KINDS))
                    for p in PARTS))

    load_after = loadavg()
    stats = summarize(configs, samples)
    md = ["# shikiri benchmark%s%s" % (" on x86-64 (q35)" if x86 else "",
                                        " (-icount shift=0)" if a.icount
                                        else ""),
          "",
          "%d rounds, interleaved (%s), %.0f s in all. Load average before: "
          "`%s`; after: `%s`." % (a.rounds, " ".join(c.name for c in configs),
                                  time.monotonic() - t0, load_before,
                                  load_after),
          "", table(configs, stats), ""]
    if a.icount:
        md += ["Spread between rounds, (max - min) / median:", "",
               spread_table(configs, stats), ""]
    md += ["Host CPU seconds used by each QEMU vCPU thread while guestbench "
           "ran (median over the rounds). The benchmark guest runs on "
           "CPUs 0 and 1 except under Xen, which may move vCPUs; "
           "time on the others is the neighbour's or the hypervisor's:", "",
           cpu_table(configs, cpu_samples), ""]
    if exit_rows:
        md += ["shikiri, benchmark VM, whole life (boot, benchmark, "
               "power-off):", "", exits_table(exit_rows), ""]
    if why_rows:
        md += ["shikiri, VM `bench`, x86 exits by reason (`stats bench` in "
               "the hypervisor shell, summed over its 2 vCPUs; median over "
               "the rounds): during boot (QEMU start to the go), per second "
               "while the booted guest idles %.0f s, and during the "
               "benchmark (the go to `guestbench: done`). `all.sync` is "
               "every exit but a physical interrupt, `all.irq` physical "
               "interrupts (`cpu.intr`):" % x86_exits.IDLE, "",
               x86_exits.table(why_rows), ""]
    md += ["Interrupts the benchmark guest took during each part "
           "(/proc/interrupts, median over the rounds), timer / IPI / "
           "other. " + (
               "On x86 the timer is the local APIC's (LOC); IPIs are RES, "
               "CAL, TLB and IWI. Under shikiri each IPI is a trapped ICR "
               "write on the sending vCPU:" if x86 else
               "Under shikiri each is an exit (irq) and an injection, "
               "and each IPI also a trapped ICC_SGI1R_EL1 write (sysreg) on "
               "the sending vCPU:"), "", irq_table(configs, samples), ""]
    if failures:
        md += ["Failed runs: " + ", ".join(failures), ""]
    md += ["Runs that shared the host with another QEMU (someone else's "
           "tests): " + (", ".join(contended) if contended else "none"), ""]
    png = chart(configs, stats, out)
    if png:
        md += ["Chart: `%s`" % os.path.relpath(png, TOP), ""]
    text = "\n".join(md)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"rounds": a.rounds, "icount": a.icount,
                   "load_before": load_before, "load_after": load_after,
                   "samples": samples, "stats": stats,
                   "exits": exit_rows, "exits_by_reason": why_rows,
                   "cpu": cpu_samples,
                   "failures": failures, "contended": contended}, f,
                  indent=1)
    log("")
    log(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
