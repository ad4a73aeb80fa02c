# SPDX-License-Identifier: MIT
"""Build shikiri images and drive QEMU consoles for the system tests.

The hypervisor's console contract (on QEMU's serial port):
  * its own lines start with "shikiri: ";
  * a VM's output lines start with "[<vm>] ";
  * what is typed goes to the VM that has the console focus: at first the
    first VM with a console; Ctrl-] then a VM's index moves it there, and
    the hypervisor confirms with "shikiri: console: input goes to <vm>".

Console reads the serial output line by line, keeps every line, and matches
patterns per channel (one VM, or the hypervisor), each channel with its own
cursor, so waiting for one VM never swallows another VM's lines.
"""

import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pexpect

import fdt

REPO = Path(__file__).resolve().parents[2]
SHIKIRI_BUILD = REPO / "build" / "bin" / "shikiri-build"
HV_BIN = REPO / "build" / "hv" / "shikiri.bin"
RUN = REPO / "scripts" / "run"
CACHE = REPO / "build" / "cache"


class Arch:
    """What differs between the architectures a test may run on: the
    emulator, the board its images are built for, that board's QEMU
    machine options (what shikiri-build writes to IMAGE.qemu, and what
    a native boot runs on), the serial console's name in Linux, the
    hypervisor binary, and Debian's kernel and the test initramfs."""

    def __init__(self, name, qemu, board, machine, console, hv_bin, kernel,
                 initrd):
        self.name = name
        self.qemu = qemu
        self.board = board
        self.machine = list(machine)
        self.console = console
        self.hv_bin = hv_bin
        self.kernel = kernel
        self.initrd = initrd

    def __repr__(self):
        return self.name

    def qemu_argv(self, *args, machine=None):
        """A QEMU command line on this arch's board (or on @machine, a
        list of machine options), console on stdio, then @args."""
        return [self.qemu, *(self.machine if machine is None else machine),
                "-display", "none", "-monitor", "none", "-serial", "stdio",
                *map(str, args)]


# q35's CPU: SVM and nested paging for the hypervisor, RDRAND for the
# guests (docs/x86.md: why not EPYC or max); as in scripts/run.
X86_CPU = "qemu64,+svm,+npt,+rdrand"

ARCHES = {
    "aarch64": Arch(
        "aarch64", "qemu-system-aarch64", "qemu-virt",
        ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a72",
         "-smp", "4", "-m", "2G"],
        "ttyAMA0", HV_BIN, CACHE / "Image",
        REPO / "build" / "guest" / "initramfs.cpio.gz"),
    "x86_64": Arch(
        "x86_64", "qemu-system-x86_64", "qemu-q35",
        ["-M", "q35", "-cpu", X86_CPU, "-smp", "4", "-m", "2G"],
        "ttyS0", REPO / "build" / "x86_64" / "hv" / "shikiri.bin",
        CACHE / "x86_64" / "bzImage",
        REPO / "build" / "guest-x86_64" / "initramfs.cpio.gz"),
}
# QEMU's `max` CPU on the virt machine with its Memory Tagging Extension
# (mte=on): every CPU feature QEMU models (SVE, PAuth, BTI, MTE, RNG...),
# which a VM gets or finds hidden (docs/isolation.md).  Options to give
# after an aarch64 image's own (boot(image, *MAX_MTE)) or a board's machine
# list (Arch.qemu_argv(machine=arch.machine + MAX_MTE)): QEMU merges
# repeated -M options and the last -cpu wins.  Every test on this machine
# takes it from here.
MAX_MTE = ["-M", "virt,virtualization=on,gic-version=3,mte=on", "-cpu", "max"]
BOARDS = {a.board: a for a in ARCHES.values()}
# Boards a config may name besides each Arch's own: qemu-virt with an
# SMMUv3 and PCI functions to pass through (docs/pci.md).
BOARDS["qemu-virt-smmu"] = ARCHES["aarch64"]


def board_arch(board):
    """The Arch of board @board (a shikiri-build --board name)."""
    try:
        return BOARDS[board]
    except KeyError:
        raise ValueError(f"no board {board!r} (boards: {', '.join(BOARDS)})"
                         ) from None


def machine_arch(args):
    """The Arch a list of QEMU machine options (IMAGE.qemu) runs on: by
    -M/-machine, as scripts/run picks the emulator."""
    for opt, val in zip(args, args[1:]):
        if opt in ("-M", "-machine"):
            kind = val.split(",")[0].removeprefix("type=")
            return ARCHES["x86_64" if kind.startswith(("q35", "pc"))
                          else "aarch64"]
    return ARCHES["aarch64"]
LOG_DIR = REPO / "build" / "test-logs"
CONFIG_DIRS = (REPO / "tests" / "system" / "configs", REPO / "configs")

# TCG on two host cores: Linux reaches userspace in 2-10 s natively, so 90 s
# leaves room for a loaded CI machine.  SHIKIRI_TIMEOUT_SCALE stretches all.
TIMEOUT_SCALE = float(os.environ.get("SHIKIRI_TIMEOUT_SCALE", "1"))
BOOT_TIMEOUT = 90 * TIMEOUT_SCALE
COMMAND_TIMEOUT = 30 * TIMEOUT_SCALE

HV = "shikiri"  # channel name of the hypervisor's own lines
ESCAPE = "\x1d"  # Ctrl-]: the console's escape key
# The hypervisor's word on where input goes: after the escape key, and
# when its shell closes (its `focus VM` command takes effect then).
FOCUS_LINE = re.compile(
    r"^shikiri: (?:console: |shell closed; )input goes to (\S+|no VM)$")

PLAN_MAGIC = b"SKIRPLAN"
PLAN_ALIGN = 0x10000
PLAN_PREFIX = 20  # magic, revision, size, crc32: what locates a plan

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


class ConsoleError(AssertionError):
    """A console expectation failed: timeout, or QEMU exited early."""


def config_path(name):
    """Resolve a config by path, or by name in tests/system/configs, configs."""
    p = Path(name)
    if p.suffix == ".dts" and (REPO / p).is_file():
        return REPO / p
    for d in CONFIG_DIRS:
        c = d / (p.name if p.suffix == ".dts" else p.name + ".dts")
        if c.is_file():
            return c
    raise FileNotFoundError(f"no config {name} in {', '.join(map(str, CONFIG_DIRS))}")


def config_board(config):
    """The board config file @config is written for (its root's "board";
    qemu-virt when it names none, as shikiri-build's default)."""
    root = fdt.compile_dts(config)
    return root.string("board") if "board" in root.props else "qemu-virt"


def config_vms(config):
    """[(label, has a console)] of the VMs in config file @config, in
    index order (vm@0 first): the order the console's escape key counts."""
    vms = []
    for node in fdt.compile_dts(config).children:
        if node.name.startswith("vm@") and "label" in node.props:
            console = ("console" not in node.props
                       or node.string("console") == "virtual")
            vms.append((int(node.name[3:], 16), node.string("label"),
                        console))
    return [(label, console) for _, label, console in sorted(vms)]


class Image:
    """An image shikiri-build wrote, with its .qemu and .dtb-<vm> files."""

    def __init__(self, path, config=None):
        self.path = Path(path)
        self.config = config
        self._vms = None

    def vms(self):
        """[(label, has a console)] of its VMs in index order; [] when the
        config is not known."""
        if self._vms is None:
            self._vms = config_vms(self.config) if self.config else []
        return self._vms

    @property
    def qemu_path(self):
        return Path(str(self.path) + ".qemu")

    def dtb(self, vm):
        """Path of the device tree generated for VM @vm."""
        return Path(f"{self.path}.dtb-{vm}")

    def qemu_args(self):
        """The QEMU machine options, one argument per line in IMAGE.qemu."""
        return [a for a in self.qemu_path.read_text().splitlines() if a]

    @property
    def arch(self):
        """The Arch the image boots on (from its machine options)."""
        return machine_arch(self.qemu_args())

    def copy(self, dest):
        """Copy the image and its side files to @dest (a path); return it."""
        dest = Path(dest)
        shutil.copyfile(self.path, dest)
        for side in self.path.parent.glob(self.path.name + ".*"):
            suffix = side.name[len(self.path.name):]
            shutil.copyfile(side, str(dest) + suffix)
        return Image(dest, self.config)


def build_image(config, outdir):
    """Run shikiri-build on @config; the image goes to @outdir. Return Image."""
    config = config_path(config)
    board = config_board(config)
    arch = board_arch(board)
    missing = [str(p) for p in (SHIKIRI_BUILD, arch.hv_bin)
               if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"not built: {', '.join(missing)} (run `make all` first)")
    out = Path(outdir) / (config.stem + ".img")
    cmd = [str(SHIKIRI_BUILD), "--board", board, "--hv",
           str(arch.hv_bin), str(config), "-o", str(out)]
    r = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}")
    for f in (out, Path(str(out) + ".qemu")):
        if not f.is_file():
            raise RuntimeError(f"shikiri-build did not write {f}")
    return Image(out, config)


def find_plan(data):
    """Offset of the boot plan in image bytes @data.

    The plan sits at a SHIKIRI_PLAN_ALIGN-aligned offset and starts with the
    magic; its header's size and CRC must also hold, so that the constant
    appearing by chance inside the hypervisor's code cannot be mistaken for
    it.
    """
    import zlib

    for off in range(0, len(data) - PLAN_PREFIX + 1, PLAN_ALIGN):
        if data[off:off + 8] != PLAN_MAGIC:
            continue
        size = int.from_bytes(data[off + 12:off + 16], "little")
        crc = int.from_bytes(data[off + 16:off + 20], "little")
        if size < PLAN_PREFIX or off + size > len(data):
            continue
        plan = bytearray(data[off:off + size])
        plan[16:20] = bytes(4)
        if zlib.crc32(plan) == crc:
            return off
    raise ValueError("no valid boot plan in the image")


def plan_size(data, off):
    """The size field of the plan at @off in @data."""
    return int.from_bytes(data[off + 12:off + 16], "little")


class Console:
    """One QEMU process and its serial console.

    @argv is the command (normally scripts/run IMAGE), run under a pty so
    the console behaves as it does for a person at a terminal.  Everything
    read is written to @log_path.  With @prefixed false (the kernel booted
    natively, no hypervisor) a VM's lines carry no "[vm] " prefix and every
    line belongs to every VM channel.  @vms is [(label, has a console)] of
    the image's VMs in index order (Image.vms()), for focus().
    """

    # After typing a character, how long send() waits at most for its echo,
    # and how long it leaves the UART alone after the echo; see send().
    ECHO_WAIT = 0.1
    CHAR_GAP = 0.004

    def __init__(self, argv, log_path, prefixed=True, vms=()):
        self.prefixed = prefixed
        self.vms = [label for label, _ in vms]
        # Where input goes: the first VM with a console, until the
        # hypervisor says otherwise (_add() follows its lines).
        self.focused = next((label for label, con in vms if con), None)
        self.lines = []
        self.log_path = Path(log_path)
        self._partial = ""
        self._echo = None  # what is read while send() waits for an echo
        self._cursor = {}
        self._shell_ready = set()
        self._eof = False
        self.exitstatus = None
        self.signalstatus = None
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self._log.write("# " + " ".join(map(str, argv)) + "\n")
        self._log.flush()
        self.child = pexpect.spawn(str(argv[0]), [str(a) for a in argv[1:]],
                                   cwd=str(REPO), encoding="utf-8",
                                   codec_errors="replace", echo=False,
                                   dimensions=(50, 200), logfile=None)
        self.child.logfile_read = self._log
        # send() paces itself; pexpect's own 50 ms before each write would
        # make typing a character take five times as long.
        self.child.delaybeforesend = None

    # --- reading -------------------------------------------------------

    def _prefix(self, channel):
        if channel == HV:
            return "shikiri: "
        if not self.prefixed or channel is None:
            return ""
        return f"[{channel}] "

    def _add(self, raw):
        line = _ANSI.sub("", raw).replace("\r", "")
        self.lines.append(line)
        m = FOCUS_LINE.match(line)
        if m:
            self.focused = None if m.group(1) == "no VM" else m.group(1)

    def _pump(self, deadline):
        """Read for at most one second until @deadline. False at EOF."""
        if self._eof:
            return False
        wait = max(0.0, min(1.0, deadline - time.monotonic()))
        try:
            data = self.child.read_nonblocking(65536, timeout=wait)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            self._eof = True
            if self._partial:
                self._add(self._partial)
                self._partial = ""
            return False
        if self._echo is not None:
            self._echo += data
        *done, self._partial = (self._partial + data).split("\n")
        for raw in done:
            self._add(raw)
        return True

    def _scan(self, channel, regex):
        """Match @regex against @channel's unread lines; advance on a hit."""
        prefix = self._prefix(channel)
        i = self._cursor.get(channel, 0)
        while i < len(self.lines):
            line = self.lines[i]
            i += 1
            if not line.startswith(prefix):
                continue
            m = regex.search(line[len(prefix):])
            if m:
                self._cursor[channel] = i
                return m
        self._cursor[channel] = i
        return None

    def _tail(self, n=40):
        tail = self.lines[-n:]
        if self._partial:
            tail.append(_ANSI.sub("", self._partial).replace("\r", ""))
        return "\n".join(tail)

    def _fail(self, what):
        raise ConsoleError(f"{what}\n--- last console lines "
                           f"(full log: {self.log_path}) ---\n{self._tail()}")

    def _wait(self, channel, pattern, timeout):
        """The match for @pattern on @channel, or None after @timeout s."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = self._scan(channel, regex)
            if m:
                return m
            if not self._pump(deadline):
                m = self._scan(channel, regex)
                if m:
                    return m
                self._fail(f"QEMU exited while waiting for {pattern!r}"
                           f" from {channel or 'the console'}")
            if time.monotonic() >= deadline:
                return None

    def expect_vm(self, vm, pattern, timeout=BOOT_TIMEOUT):
        """Wait for a line "[@vm] ..." whose text matches @pattern (a regex).

        Searches the text after the prefix; returns the re.Match.  Lines are
        matched once they are complete (ended by a newline).  Raises
        ConsoleError on timeout or if QEMU exits first.
        """
        m = self._wait(vm, pattern, timeout)
        if m is None:
            self._fail(f"timeout ({timeout:.0f} s) waiting for {pattern!r}"
                       f" from VM {vm}")
        return m

    def expect_hv(self, pattern, timeout=BOOT_TIMEOUT):
        """Wait for a hypervisor line "shikiri: ..." matching @pattern."""
        m = self._wait(HV, pattern, timeout)
        if m is None:
            self._fail(f"timeout ({timeout:.0f} s) waiting for {pattern!r}"
                       " from the hypervisor")
        return m

    def vm_lines(self, vm):
        """Every line VM @vm printed so far, prefix removed."""
        prefix = self._prefix(vm)
        return [l[len(prefix):] for l in self.lines if l.startswith(prefix)]

    # --- writing -------------------------------------------------------

    def send(self, text):
        """Type @text on the console one character at a time, each once the
        one before has been echoed (or ECHO_WAIT s have passed: the escape
        key, for one, is not echoed).

        A character must not arrive while the hypervisor is emptying the
        physical UART: its PL011 driver finds the FIFO empty, then clears
        the RX interrupt, and a character landing in between is never
        read, which stops all console input for good (QEMU's PL011 holds
        one character and takes no more).  Typing the next character only
        after the echo of the last, and a moment later, as a person does,
        leaves the UART empty whenever the hypervisor looks: the wedge then
        needs the CPU emptying it to be held up (by the host) between those
        two steps for as long as the echo takes to come back.
        """
        for ch in text:
            # A typed Enter comes back as a newline.
            echo = "\n" if ch == "\r" else ch
            self._echo = ""
            self.child.send(ch)
            deadline = time.monotonic() + self.ECHO_WAIT
            try:
                while (echo not in self._echo
                       and time.monotonic() < deadline
                       and self._pump(deadline)):
                    pass
            finally:
                self._echo = None
            time.sleep(self.CHAR_GAP)

    def focus(self, vm, timeout=COMMAND_TIMEOUT):
        """Give VM @vm the console input: Ctrl-] and its index, then wait
        for the hypervisor's "console: input goes to @vm".  Nothing is typed
        when it has the input already."""
        if vm == self.focused:
            return
        self.send(self.focus_keys(vm))
        self.expect_hv(rf"^console: input goes to {re.escape(vm)}$",
                       timeout)
        self.focused = vm

    def focus_keys(self, vm):
        """The keys that give VM @vm the input: Ctrl-] and its index.  For
        a test that types them among other keys; focus() waits for the
        hypervisor's answer too."""
        if vm not in self.vms:
            raise ValueError(f"no VM {vm} in this image (VMs: {self.vms})")
        index = self.vms.index(vm)
        if index > 9:
            raise ValueError(f"VM {vm} is number {index}: the escape key"
                             " reaches VMs 0-9 only")
        return f"{ESCAPE}{index}"

    def wait_shell(self, vm, timeout=BOOT_TIMEOUT):
        """Wait until VM @vm's shell runs commands.

        Userspace announces itself before its shell starts, and input typed
        too early may be lost, so send a harmless marker until it comes back.
        """
        if vm in self._shell_ready:
            return
        self._focus_for_input(vm)
        tag = uuid.uuid4().hex[:8]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.send(f'echo @SK""{tag}R@\r')
            if self._wait(vm, rf"^@SK{tag}R@\s*$",
                          min(3.0, max(0.0, deadline - time.monotonic()))):
                self._shell_ready.add(vm)
                return
        self._fail(f"timeout ({timeout:.0f} s): no shell answering in VM {vm}")

    def run_in_vm(self, vm, cmd, timeout=COMMAND_TIMEOUT, check=True):
        """Run shell command @cmd (one line) in VM @vm; return its output.

        The output is delimited by two markers echoed around the command.
        The shell echoes the typed line back, but there the markers appear
        with an empty "" in the middle, so only the command's own output
        lies between them.  With @check, a non-zero exit status fails.
        Returns the output lines joined with "\\n" (no trailing newline).
        """
        if "\n" in cmd or "\r" in cmd:
            raise ValueError("run_in_vm takes a single command line")
        self.wait_shell(vm)
        self._focus_for_input(vm)
        tag = uuid.uuid4().hex[:8]
        # "cmd &; echo" is a syntax error: a background job ends its list.
        cmd = cmd.rstrip()
        sep = " " if cmd.endswith("&") and not cmd.endswith("&&") else "; "
        self.send(f'echo @SK""{tag}B@; {cmd}{sep}echo @SK""{tag}E@ $?\r')
        self.expect_vm(vm, rf"^@SK{tag}B@\s*$", timeout)
        start = self._cursor[vm]
        m = self.expect_vm(vm, rf"^@SK{tag}E@ (\d+)\s*$", timeout)
        end = self._cursor[vm] - 1
        prefix = self._prefix(vm)
        out = [l[len(prefix):] for l in self.lines[start:end]
               if l.startswith(prefix)]
        status = int(m.group(1))
        if check and status != 0:
            raise ConsoleError(f"`{cmd}` in VM {vm} exited {status}:\n"
                               + "\n".join(out))
        return "\n".join(out)

    def start_in_vm(self, vm, cmd, enter=True):
        """Type shell command @cmd (one line) into VM @vm and return at
        once, without waiting for it to end (e.g. to let two VMs work at
        the same time).  Waits for the shell first, like run_in_vm().  With
        @enter false the line is typed but not entered: the test presses
        Enter later (with focus_keys(), several VMs almost at once)."""
        if "\n" in cmd or "\r" in cmd:
            raise ValueError("start_in_vm takes a single command line")
        self.wait_shell(vm)
        self._focus_for_input(vm)
        self.send(cmd + ("\r" if enter else ""))

    def _focus_for_input(self, vm):
        """focus() when the console knows its VMs; natively (no
        hypervisor) or without a config, input goes to the one guest."""
        if self.prefixed and self.vms:
            self.focus(vm)

    # --- life ----------------------------------------------------------

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        """Wait for QEMU to exit by itself; return its exit status."""
        deadline = time.monotonic() + timeout
        while self._pump(deadline):
            if time.monotonic() >= deadline:
                self._fail(f"QEMU still running after {timeout:.0f} s")
        self.child.close()
        self.exitstatus = self.child.exitstatus
        self.signalstatus = self.child.signalstatus
        return self.exitstatus

    def close(self):
        """Kill QEMU if it still runs, and close the log. Idempotent."""
        try:
            if not self.child.closed:
                # SIGHUP, then SIGINT, then SIGKILL: QEMU exits on either
                # of the first two; the last cannot be refused.
                self.child.close(force=True)
                self.exitstatus = self.child.exitstatus
                self.signalstatus = self.child.signalstatus
        finally:
            if not self._log.closed:
                self._log.close()

    @property
    def alive(self):
        return self.child.isalive()


def boot(image, log_path, extra=()):
    """Boot @image (an Image) with scripts/run; return its Console."""
    return Console([RUN, image.path, *extra], log_path, vms=image.vms())


def boot_native(log_path, extra=(), arch="aarch64"):
    """Boot Debian's kernel for @arch (a name) without the hypervisor
    (scripts/run --arch ARCH --native)."""
    return Console([RUN, "--arch", arch, "--native", *extra], log_path,
                   prefixed=False)
