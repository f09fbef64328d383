# SPDX-License-Identifier: MIT
"""Shared by the benchmark scripts (tools/bench-user.py, tools/bench-virtio.py):
QEMU runs with hard timeouts that watch the serial output, the Kiln ISO and
Debian's Linux kernel, `BENCH name value` lines, and the side-by-side table.
Prints, never asserts."""
import glob
import os
import re
import select
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INITRAMFS = os.path.join(ROOT, "build", "initramfs.cpio")
KILN_ELF = os.path.join(ROOT, "build", "kiln.elf")
LINUX_DIR = os.path.join(ROOT, "build", "linux")
QEMU = ["qemu-system-x86_64", "-cpu", "max", "-display", "none", "-monitor", "none",
        "-serial", "stdio", "-no-reboot", "-nic", "none",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
LINUX_APPEND = "console=ttyS0 panic=-1 quiet"

PROBE = b"echo BENCH-SHELL-$((6*7))\n"
PROBE_ANSWER = re.compile(rb"BENCH-SHELL-42")
# The prompt: PS1 from userland/rootfs/etc/profile ('\u@\h:\w\$ ') anywhere,
# or any line that ends the output so far with '# ' or '$ '.
PROMPT_PS1 = re.compile(rb"[^\s@]+@[^\s:]+:[^\n]*?[#$] ")
PROMPT_END = re.compile(rb"(?:^|\n)[^\n]*[#$] $")


def progress(msg):
    print(msg, flush=True)


def rel(path):
    return os.path.relpath(path, ROOT)


class Boot:
    """One QEMU run: times of markers (s from QEMU start), text, why it ended."""

    def __init__(self, log_path):
        self.log_path = log_path
        self.times = {}
        self.text = b""
        self.status = None
        self.reason = ""
        self.elapsed = 0.0


def boot(cmd, log_path, timeout, silence, done=None, reject=None, shell=False, probe_wait=15):
    """Runs QEMU until `done` matches (or, with shell=True, until the shell
    answers the probe), `reject` matches, QEMU exits, or a timeout. Never
    hangs: hard `timeout` overall, `silence` seconds without output."""
    b = Boot(log_path)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=ROOT)
    last_out = start
    raw = b""
    probe_sent_at = None
    rejected_at = None
    try:
        with open(log_path, "wb") as logf:
            while True:
                now = time.monotonic()
                if rejected_at is not None and now - rejected_at > 0.5:
                    break
                if now - start >= timeout:
                    b.reason = "timeout after %d s" % timeout
                    break
                if now - last_out >= silence:
                    b.reason = "no output for %d s" % silence
                    break
                if probe_sent_at is not None and now - probe_sent_at >= probe_wait:
                    b.reason = "prompt seen but the shell did not answer within %d s" % probe_wait
                    break
                r, _, _ = select.select([proc.stdout], [], [], 0.05)
                if r:
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    if not chunk:
                        b.reason = "QEMU exited"
                        break
                    now = time.monotonic()
                    last_out = now
                    raw += chunk
                    logf.write(chunk)
                    logf.flush()
                    b.text = raw.replace(b"\r", b"")
                    if reject and rejected_at is None and reject.search(b.text):
                        rejected_at = now  # read on briefly: the whole line, the dump
                    if rejected_at is not None:
                        continue
                    if done and done.search(b.text):
                        b.times["done"] = now - start
                        b.reason = "done"
                        break
                    if shell:
                        if "prompt" not in b.times and (PROMPT_PS1.search(b.text) or
                                                        PROMPT_END.search(b.text)):
                            b.times["prompt"] = now - start
                            proc.stdin.write(PROBE)
                            proc.stdin.flush()
                            probe_sent_at = now
                        if probe_sent_at is not None and PROBE_ANSWER.search(b.text):
                            b.times["shell"] = now - start
                            b.reason = "done"
                            break
                elif proc.poll() is not None:
                    b.reason = "QEMU exited"
                    break
    except (BrokenPipeError, OSError) as e:
        b.reason = "QEMU I/O error: %s" % e
    if rejected_at is not None:
        b.reason = "log shows %r" % reject.search(b.text).group(0).decode("utf-8", "replace")
    if proc.poll() is None:
        proc.kill()
    try:
        b.status = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        b.status = None
    if b.reason == "QEMU exited":
        b.reason = "QEMU exited with status %s" % b.status
    b.elapsed = time.monotonic() - start
    return b


# ---- building the images ----------------------------------------------------

def run_quiet(cmd, log_path):
    with open(log_path, "wb") as f:
        return subprocess.run(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT).returncode == 0


def kiln_iso(path, cmdline, initramfs=INITRAMFS):
    return run_quiet(["bash", "tools/mkiso.sh", path, cmdline, initramfs], path + ".log")


def linux_iso(path, vmlinuz, cmdline):
    """A GRUB ISO for Linux built like tools/mkiso.sh builds Kiln's: the same
    menu settings (timeout 0, serial output only), `linux`/`initrd` in place
    of `multiboot2`/`module2`, the same initramfs."""
    stage = tempfile.mkdtemp(prefix="kiln-linux-iso.")
    try:
        os.makedirs(os.path.join(stage, "boot", "grub"))
        shutil.copy(vmlinuz, os.path.join(stage, "boot", "vmlinuz"))
        shutil.copy(INITRAMFS, os.path.join(stage, "boot", "initramfs.cpio"))
        with open(os.path.join(stage, "boot", "grub", "grub.cfg"), "w") as f:
            f.write("set timeout=0\nset timeout_style=hidden\n"
                    "serial --unit=0 --speed=115200\nterminal_output serial console\n"
                    "menuentry \"Linux\" {\n    linux /boot/vmlinuz %s\n"
                    "    initrd /boot/initramfs.cpio\n    boot\n}\n" % cmdline)
        mods = ("linux normal serial terminal iso9660 biosdisk echo test halt part_acorn "
                "part_amiga part_apple part_bsd part_dfly part_dvh part_gpt part_msdos "
                "part_plan part_sun part_sunpc")
        return run_quiet(["grub-mkrescue", "-o", path, "--install-modules=" + mods,
                          "--locales=", "--fonts=", "--themes=", stage], path + ".log")
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def find_vmlinuz():
    """Debian's kernel (linux-image-amd64), kept in build/linux/ as
    tools/run-usertests-linux.sh keeps it; downloaded once if missing."""
    found = sorted(glob.glob(os.path.join(LINUX_DIR, "vmlinuz-*")))
    if found:
        return found[0], None
    os.makedirs(LINUX_DIR, exist_ok=True)
    dep = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True,
                         text=True).stdout
    m = re.search(r"Depends: (linux-image-[0-9]\S*)", dep)
    if not m:
        return None, "cannot resolve linux-image-amd64 (apt-get update?)"
    pkg = m.group(1)
    progress("linux: downloading %s" % pkg)
    if subprocess.run(["apt-get", "download", "-qq", pkg], cwd=LINUX_DIR,
                      capture_output=True).returncode != 0:
        return None, "apt-get download %s failed" % pkg
    debs = glob.glob(os.path.join(LINUX_DIR, pkg + "_*.deb"))
    if not debs:
        return None, "apt-get download %s gave no .deb" % pkg
    tmp = tempfile.mkdtemp(prefix="kiln-linux-deb.")
    try:
        subprocess.run("dpkg-deb --fsys-tarfile '%s' | tar -x -C '%s' --wildcards './boot/vmlinuz-*'"
                       % (debs[0], tmp), shell=True, check=True)
        for v in glob.glob(os.path.join(tmp, "boot", "vmlinuz-*")):
            shutil.move(v, LINUX_DIR)
    except subprocess.CalledProcessError:
        return None, "cannot unpack %s" % debs[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for d in debs:
            os.remove(d)
    found = sorted(glob.glob(os.path.join(LINUX_DIR, "vmlinuz-*")))
    return (found[0], None) if found else (None, "no vmlinuz in %s" % pkg)



BENCH_LINE = re.compile(rb"^BENCH (\S+) (.*)$", re.M)


def parse_bench(text):
    vals, errs = {}, []
    for m in BENCH_LINE.finditer(text):
        key, rest = m.group(1).decode(), m.group(2).decode("utf-8", "replace").strip()
        first = rest.split()[0] if rest else ""
        try:
            vals[key] = float(first)
        except ValueError:
            if key not in ("START", "DONE"):
                errs.append("%s: %s" % (key, rest))
    return vals, errs


class Side:
    """Results for one kernel: values per figure, and notes."""

    def __init__(self, name, keys):
        self.name = name
        self.values = {k: [] for k in keys}
        self.why = {}       # figure -> reason it is n/a
        self.notes = []
        self.disabled = None  # reason the whole side is off

    def fail(self, keys, reason):
        for k in keys:
            if not self.values[k]:
                self.why.setdefault(k, reason)


# ---- output -----------------------------------------------------------------

def fmt(v):
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def table(kiln, linux, title, figures, higher_is_better, per_run_title, per_run_skip=()):
    """figures: (key, label, unit); the goal is Kiln >= Linux for the keys in
    higher_is_better, Kiln <= Linux for the others."""
    notes = []

    def cell(side, key):
        xs = side.values[key]
        if xs:
            return fmt(statistics.median(xs)), statistics.median(xs)
        why = side.disabled or side.why.get(key, "not measured")
        if why.startswith("skipped"):
            return "skipped", None
        notes.append("%s %s: n/a (%s)" % (side.name, key, why))
        return "n/a [%d]" % len(notes), None

    w = max([38] + [len("%s (%s)" % (label, unit)) for _, label, unit in figures])
    print()
    print(title)
    hdr = "%-*s %12s %12s %11s  %s" % (w, "figure", "Kiln", "Linux", "Kiln/Linux",
                                        "goal: Kiln as good as Linux")
    print(hdr)
    print("-" * len(hdr))
    for key, label, unit in figures:
        ks, kv = cell(kiln, key)
        ls, lv = cell(linux, key)
        if kv is not None and lv:
            ratio = "%.2f" % (kv / lv)
            better = kv >= lv if key in higher_is_better else kv <= lv
            goal = "met" if better else "not met"
        else:
            ratio, goal = "-", "-"
        print("%-*s %12s %12s %11s  %s" % (w, "%s (%s)" % (label, unit), ks, ls, ratio, goal))
    for i, n in enumerate(notes, 1):
        print("  [%d] %s" % (i, n))
    print()
    print(per_run_title)
    kw = max([20] + [len(k) for k, _, _ in figures])
    for side in (kiln, linux):
        for key, _, unit in figures:
            if side.values[key] and key not in per_run_skip:
                print("  %-5s %-*s %s" % (side.name, kw, key,
                                         " ".join(fmt(v) for v in side.values[key])))
    for side in (kiln, linux):
        for n in side.notes:
            print("  note: " + n)

