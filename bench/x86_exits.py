"""shikiri's x86 exits by reason, read during a benchmark run (bench/run.py
--arch x86_64, configuration shikiri) from the hypervisor shell's
`stats bench`: each vCPU's lines

    vcpu N (CPU n): S sync, I irq exits, ...
    vcpu N x86 exits GROUP: name=count name=count ...

(hv/arch/x86_64/exit_why.c).  Three snapshots: at the end of boot (the
guest waits for the go), IDLE seconds later (the guest idles), and after
the benchmark VM powered off; so the table gives exits during boot, exits
per second of an idle guest, and exits per second of the benchmark.
"""
import re
import statistics

ESCAPE = b"\x1d"           # Ctrl-]: the console's escape key; ':' the shell
IDLE = 5.0                 # seconds between the boot and idle snapshots
VCPU_RE = re.compile(r"shikiri:\s+vcpu (\d+) \(CPU \d+\): (\d+) sync, "
                     r"(\d+) irq exits")
WHY_RE = re.compile(r"shikiri:\s+vcpu (\d+) x86 exits (\w+):((?: \w+=\d+)+)")
SNAPS = ["boot", "idle", "end"]


class Snapshot:
    """One `stats` answer: counter ("group.name") -> sum over the VM's
    vCPUs; "all.sync" and "all.irq" are the totals."""

    def __init__(self, vcpus):
        self.vcpus = vcpus
        self.counts = {}
        self.seen = set()      # vCPUs whose last line ("cpu") has come
        self.at = None         # when it was complete

    def feed(self, t, line):
        m = VCPU_RE.search(line)
        if m:
            for k, v in (("all.sync", m.group(2)), ("all.irq", m.group(3))):
                self.counts[k] = self.counts.get(k, 0) + int(v)
            return
        m = WHY_RE.search(line)
        if not m:
            return
        for kv in m.group(3).split():
            k, v = kv.split("=")
            key = "%s.%s" % (m.group(2), k)
            self.counts[key] = self.counts.get(key, 0) + int(v)
        if m.group(2) == "cpu":
            self.seen.add(int(m.group(1)))
            if len(self.seen) == self.vcpus:
                self.at = t


class ExitProbe:
    """The snapshots of one run.  bench/run.py's run_once() asks may_go()
    before it sends the go, feeds it every console line, and calls
    at_end() once the VM has stopped, until finished()."""

    def __init__(self, vm="bench", vcpus=2):
        self.vm, self.vcpus = vm, vcpus
        self.snaps = {}
        self.snap = None
        self.state = "start"
        self.idle_at = None
        self.closed_re = re.compile(r"shikiri: shell closed; input goes to ")

    def _ask(self, name, send):
        self.snap = self.snaps[name] = Snapshot(self.vcpus)
        send(ESCAPE + b":stats " + self.vm.encode() + b"\r",
             "stats %s (%s)" % (self.vm, name))

    def may_go(self, now, send):
        """True once both pre-benchmark snapshots are in and the shell is
        closed; until then it asks for them."""
        if self.state == "start":
            self._ask("boot", send)
            self.state = "boot"
        elif self.state == "idle-wait" and now >= self.idle_at:
            self._ask("idle", send)
            self.state = "idle"
        return self.state == "go"

    def line(self, t, line, send):
        if self.snap is not None:
            self.snap.feed(t, line)
            if self.snap.at is not None:
                self.snap = None
                if self.state == "end":
                    self.state = "finished"
                else:
                    send(b"\r", "close the shell")
        if self.closed_re.search(line):
            if self.state == "boot":
                self.idle_at = self.snaps["boot"].at + IDLE
                self.state = "idle-wait"
            elif self.state == "idle":
                self.state = "go"

    def at_end(self, send):
        """The VM has stopped: the last snapshot."""
        if self.state == "go":
            self._ask("end", send)
            self.state = "end"

    def finished(self):
        return self.state == "finished"

    def rates(self, go_at, done_at):
        """Counter -> [boot count, idle exits/s, benchmark count,
        benchmark exits/s]."""
        b, i, e = (self.snaps[k].counts for k in SNAPS)
        idle_s = self.snaps["idle"].at - self.snaps["boot"].at
        bench_s = done_at - go_at
        return {k: [b.get(k, 0), (i.get(k, 0) - b.get(k, 0)) / idle_s,
                    e[k] - i.get(k, 0), (e[k] - i.get(k, 0)) / bench_s]
                for k in e}


def table(per_round):
    """Markdown: the median over the rounds of each counter, the busiest
    in the benchmark first, totals on top; counters zero throughout left
    out."""
    keys = set()
    for r in per_round:
        keys.update(r)
    rows = []
    for k in keys:
        cols = [statistics.median(r[k][j] for r in per_round if k in r)
                for j in range(4)]
        if any(cols):
            rows.append((k, cols))
    rows.sort(key=lambda kc: (not kc[0].startswith("all."), -kc[1][2]))
    out = ["| exit reason | boot (count) | idle (exits/s) | benchmark "
           "(count) | benchmark (exits/s) |",
           "| --- | ---: | ---: | ---: | ---: |"]
    for k, c in rows:
        out.append("| %s | %d | %.0f | %d | %.0f |" % (
            k, c[0], c[1], c[2], c[3]))
    return "\n".join(out)
