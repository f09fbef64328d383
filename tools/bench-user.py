#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""User-space figures, Kiln next to Debian's Linux in the same QEMU
(`make bench-user`). Prints, never asserts.

  - the in-guest benchmark (userland/bench/bench.c, /bench/run in the
    initramfs): getpid round trip (ns), fork+exit+wait (us), fork+execve+wait
    of a static hello (us), 64 MiB anonymous mmap touch (ms), signal
    delivery round trip (kill(getpid()) -> handler -> sigreturn, ns), pipe
    ping-pong between two processes (us per round trip), pipe throughput
    with 64 KiB writes (MB/s, higher is better), pty echo round trip (us;
    n/a while the kernel has no /dev/ptmx). Kiln boots its
    ISO with init=/bench/run; Linux boots -kernel/-initrd with the same
    initramfs and rdinit=/bench/run. Runs alternate (K, L, K, L ...) because
    the host's speed drifts; each figure is the median over the runs of the
    guest's own median.
  - boot to the BusyBox shell prompt (s), both through a GRUB ISO built the
    same way (timeout 0, serial output only), init=/init: QEMU start until
    the prompt appears on the serial console; the shell must then answer
    `echo BENCH-SHELL-$((6*7))`.
  - the smallest -m that reaches that shell: Kiln through its ISO, 1 MiB
    steps from 4 to 64 MiB then 128 KiB steps below the first success;
    Linux with -kernel/-initrd, 8 MiB steps.

Every QEMU run is TCG with a hard timeout (and a silence timeout); serial
logs go to build/bench-user/. A figure Kiln does not reach prints
`n/a` and a note with the reason and the log. The QEMU runs, images and the
table are shared with tools/bench-virtio.py (tools/benchlib.py).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no tools/__pycache__/benchlib.*.pyc
from benchlib import (INITRAMFS, KILN_ELF, LINUX_APPEND, QEMU, ROOT, Side, boot, find_vmlinuz,
                      kiln_iso, linux_iso, parse_bench, progress, rel, run_quiet, table)

OUT = os.path.join(ROOT, "build", "bench-user")
FIGURES = [  # (key, label, unit)
    ("getpid_ns", "getpid round trip", "ns"),
    ("fork_exit_wait_us", "fork+exit+wait", "us"),
    ("fork_execve_wait_us", "fork+execve+wait (static hello)", "us"),
    ("mmap64_touch_ms", "64 MiB anon mmap touch", "ms"),
    ("signal_roundtrip_ns", "signal delivery round trip", "ns"),
    ("pipe_pingpong_us", "pipe ping-pong round trip", "us"),
    ("pipe_throughput_mbs", "pipe throughput, 64 KiB writes", "MB/s"),
    ("pty_echo_us", "pty echo round trip", "us"),
    ("shell_s", "boot to shell prompt (ISO)", "s"),
    ("mem_mib", "smallest -m reaching the shell", "MiB"),
]


def initramfs_has_bench():
    try:
        out = subprocess.run(["cpio", "-it", "--quiet"], stdin=open(INITRAMFS, "rb"),
                             capture_output=True, text=True).stdout.split()
    except OSError:
        return False
    return "bench/run" in out and "bench/bench" in out and "bench/hello" in out


# ---- the figures -----------------------------------------------------------

BENCH_KEYS = [k for k, _, _ in FIGURES if k not in ("shell_s", "mem_mib")]
# Figures where more is better (the goal is Kiln >= Linux).
HIGHER_IS_BETTER = {"pipe_throughput_mbs"}


def bench_run(side, cmd, log, timeout, silence):
    b = boot(cmd, log, timeout, silence, done=re.compile(rb"^BENCH DONE", re.M),
             reject=REJECT[side.name])
    vals, errs = parse_bench(b.text)
    for k in BENCH_KEYS:
        if k in vals:
            side.values[k].append(vals[k])
    got = [k for k in BENCH_KEYS if k in vals]
    for e in errs:
        key, _, why = e.partition(": ")
        if key in side.values and why.startswith("n/a"):
            # The guest's own reason, e.g. "n/a open /dev/ptmx: ...".
            side.why.setdefault(key, "%s; log %s" % (why[3:].strip() or why, rel(log)))
            continue
        note = "%s bench: %s (log %s)" % (side.name, e, rel(log))
        if note not in side.notes:
            side.notes.append(note)
    if "done" not in b.times:
        side.fail(BENCH_KEYS, "did not reach BENCH DONE: %s; log %s" % (b.reason, rel(log)))
    else:
        side.fail(BENCH_KEYS, "figure not measured in the guest; log %s" % rel(log))
    progress("  %s bench: %s in %.1f s, %d/%d figures%s" % (
        side.name, "done" if "done" in b.times else "FAILED (%s)" % b.reason, b.elapsed,
        len(got), len(BENCH_KEYS), "" if "done" in b.times else "; log " + rel(log)))
    return bool(got) or "done" in b.times


def shell_run(side, cmd, log, timeout, silence):
    b = boot(cmd, log, timeout, silence, reject=REJECT[side.name], shell=True)
    if "shell" in b.times:
        side.values["shell_s"].append(b.times["prompt"])
        progress("  %s shell: prompt after %.2f s" % (side.name, b.times["prompt"]))
        return True
    what = "the shell prompt" if "prompt" not in b.times else "a working shell"
    side.fail(["shell_s"], "did not reach %s: %s; log %s" % (what, b.reason, rel(log)))
    progress("  %s shell: FAILED (%s); log %s" % (side.name, b.reason, rel(log)))
    return False


REJECT = {
    # "no user space yet": a kernel without user space says so and waits.
    "Kiln": re.compile(rb"KERNEL PANIC[^\n]*|kiln: no user space[^\n]*"),
    "Linux": re.compile(rb"Kernel panic[^\n]*"),
}


def mem_scan_kiln(side, iso, per_boot, budget):
    t0 = time.monotonic()
    tried, why = {}, {}

    def ok(kib):
        if kib not in tried:
            log = os.path.join(OUT, "kiln-mem-%dK.log" % kib)
            b = boot(QEMU + ["-boot", "d", "-cdrom", iso, "-m", "%dK" % kib], log, per_boot,
                     per_boot, reject=REJECT["Kiln"], shell=True, probe_wait=10)
            tried[kib] = "shell" in b.times
            why[kib] = b.reason
            progress("  Kiln -m %dK: %s" % (kib, "shell" if tried[kib] else "no (%s)" % b.reason))
        return tried[kib]

    def over():
        return time.monotonic() - t0 > budget

    top = 64 * 1024
    if not ok(top):
        side.fail(["mem_mib"], "did not reach the shell at -m 64M: %s; log %s"
                  % (why[top], rel(os.path.join(OUT, "kiln-mem-%dK.log" % top))))
        return
    coarse = None
    for kib in range(4 * 1024, top + 1, 1024):
        if over():
            side.fail(["mem_mib"], "scan budget of %d s spent below %d KiB" % (budget, kib))
            return
        if ok(kib):
            coarse = kib
            break
    found = coarse
    for kib in range(max(4 * 1024, coarse - 1024 + 128), coarse, 128):
        if over():
            side.notes.append("Kiln -m scan: budget spent in the 128 KiB steps; "
                              "figure is the 1 MiB step")
            break
        if ok(kib):
            found = kib
            break
    side.values["mem_mib"].append(found / 1024)
    side.notes.append("Kiln smallest -m: %d KiB (scan: 1 MiB steps from 4 MiB, then 128 KiB "
                      "steps; through the ISO)" % found)


def mem_scan_linux(side, vmlinuz, mem_top, per_boot, budget):
    t0 = time.monotonic()
    for mib in range(8, mem_top + 1, 8):
        if time.monotonic() - t0 > budget:
            side.fail(["mem_mib"], "scan budget of %d s spent below %d MiB" % (budget, mib))
            return
        log = os.path.join(OUT, "linux-mem-%dM.log" % mib)
        cmd = QEMU + ["-kernel", vmlinuz, "-initrd", INITRAMFS, "-append", LINUX_APPEND,
                      "-m", "%dM" % mib]
        b = boot(cmd, log, per_boot, per_boot, reject=REJECT["Linux"], shell=True, probe_wait=15)
        good = "shell" in b.times
        progress("  Linux -m %dM: %s" % (mib, "shell" if good else "no (%s)" % b.reason))
        if good:
            side.values["mem_mib"].append(float(mib))
            side.notes.append("Linux smallest -m: %d MiB (8 MiB steps, -kernel/-initrd)" % mib)
            return
    side.fail(["mem_mib"], "no shell up to %d MiB" % mem_top)


# ---- main --------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3, help="bench and shell boots per kernel (3)")
    p.add_argument("--mem", default="256M", help="-m for the bench and shell boots (256M)")
    p.add_argument("--skip-linux", action="store_true", help="Kiln only")
    p.add_argument("--skip-kiln", action="store_true", help="Linux only")
    p.add_argument("--skip-mem", action="store_true", help="no smallest -m scans")
    p.add_argument("--skip-shell", action="store_true", help="no boot-to-shell timing")
    p.add_argument("--no-build", action="store_true",
                   help="use build/kiln.elf and build/initramfs.cpio as they are")
    p.add_argument("--init", default="/bench/run", help="init for the bench boots (/bench/run)")
    p.add_argument("--timeout", type=int, default=90, help="hard timeout per Kiln bench boot (90 s)")
    p.add_argument("--budget", type=int, default=780,
                   help="overall time budget in s (780): later steps shrink or are skipped")
    args = p.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*-*.log")):  # last run's serial logs
        if re.search(r"-(bench|shell|mem)-[0-9]+[KM]?\.log$", old):
            os.remove(old)
    t_start = time.monotonic()

    def left():
        return args.budget - (time.monotonic() - t_start)

    keys = [k for k, _, _ in FIGURES]
    kiln, linux = Side("Kiln", keys), Side("Linux", keys)
    if args.skip_kiln:
        kiln.disabled = "skipped"
    if args.skip_linux:
        linux.disabled = "skipped"

    # Build: the initramfs is needed by both sides; the kernel only by Kiln.
    if not args.no_build:
        progress("build: build/initramfs.cpio (make userland)")
        if not run_quiet(["make", "-s", "build/initramfs.cpio"], os.path.join(OUT, "build-initramfs.log")):
            sys.exit("bench-user: make build/initramfs.cpio failed (see %s)"
                     % rel(os.path.join(OUT, "build-initramfs.log")))
        if not kiln.disabled:
            progress("build: build/kiln.elf")
            log = os.path.join(OUT, "build-kiln.log")
            if not run_quiet(["make", "-s", "build/kiln.elf"], log):
                kiln.disabled = "make build/kiln.elf failed; log %s" % rel(log)
    if not os.path.exists(INITRAMFS) or not initramfs_has_bench():
        sys.exit("bench-user: %s has no /bench/{run,bench,hello}: run `make userland "
                 "build/initramfs.cpio`" % rel(INITRAMFS))
    if not kiln.disabled and not os.path.exists(KILN_ELF):
        kiln.disabled = "no build/kiln.elf"

    vmlinuz = None
    if not linux.disabled:
        vmlinuz, err = find_vmlinuz()
        if not vmlinuz:
            linux.disabled = err

    # Images.
    kiln_bench_iso = os.path.join(OUT, "kiln-bench.iso")
    kiln_shell_iso = os.path.join(OUT, "kiln-shell.iso")
    linux_shell_iso = os.path.join(OUT, "linux-shell.iso")
    linux_shell_via = "ISO"
    if not kiln.disabled:
        progress("build: Kiln ISOs (init=%s, and the normal init)" % args.init)
        if not (kiln_iso(kiln_bench_iso, "console=ttyS0 init=%s" % args.init) and
                kiln_iso(kiln_shell_iso, "console=ttyS0")):
            kiln.disabled = "tools/mkiso.sh failed; log %s.log" % rel(kiln_bench_iso)
    if not linux.disabled and not args.skip_shell:
        progress("build: Linux ISO (%s, same initramfs)" % os.path.basename(vmlinuz))
        if not linux_iso(linux_shell_iso, vmlinuz, LINUX_APPEND):
            linux_shell_via = "-kernel"
            linux.notes.append("Linux ISO build failed (log %s.log): boot to shell measured with "
                               "-kernel/-initrd" % rel(linux_shell_iso))

    kiln_bench_cmd = QEMU + ["-boot", "d", "-cdrom", kiln_bench_iso, "-m", args.mem]
    linux_bench_cmd = (QEMU + ["-kernel", vmlinuz or "", "-initrd", INITRAMFS, "-append",
                               "%s rdinit=%s" % (LINUX_APPEND, args.init), "-m", args.mem])
    kiln_shell_cmd = QEMU + ["-boot", "d", "-cdrom", kiln_shell_iso, "-m", args.mem]
    if linux_shell_via == "ISO":
        linux_shell_cmd = QEMU + ["-boot", "d", "-cdrom", linux_shell_iso, "-m", args.mem]
    else:
        linux_shell_cmd = QEMU + ["-kernel", vmlinuz or "", "-initrd", INITRAMFS,
                                  "-append", LINUX_APPEND, "-m", args.mem]

    # 1. The benchmark, interleaved. A Kiln run that produced nothing is not
    #    repeated (it would fail the same way, slowly).
    progress("bench: %d run(s) per kernel, interleaved, -m %s" % (args.runs, args.mem))
    kiln_on = not kiln.disabled
    for i in range(1, args.runs + 1):
        if left() < 300:
            progress("bench: time budget: stopping after %d run(s)" % (i - 1))
            break
        if kiln_on:
            kiln_on = bench_run(kiln, kiln_bench_cmd, os.path.join(OUT, "kiln-bench-%d.log" % i),
                                args.timeout, 45)
            if not kiln_on and i < args.runs:
                kiln.notes.append("Kiln bench: no further runs after run %d measured nothing" % i)
        if not linux.disabled:
            bench_run(linux, linux_bench_cmd, os.path.join(OUT, "linux-bench-%d.log" % i),
                      args.timeout + 60, 60)

    # 2. Boot to the shell prompt, interleaved.
    if args.skip_shell:
        kiln.why["shell_s"] = linux.why["shell_s"] = "skipped (--skip-shell)"
    else:
        progress("shell: %d boot(s) per kernel to the BusyBox prompt (Kiln: ISO, Linux: %s)"
                 % (args.runs, linux_shell_via))
        kiln_shell = not kiln.disabled
        for i in range(1, args.runs + 1):
            if left() < 200:
                progress("shell: time budget: stopping after %d run(s)" % (i - 1))
                break
            if kiln_shell:
                kiln_shell = shell_run(kiln, kiln_shell_cmd,
                                       os.path.join(OUT, "kiln-shell-%d.log" % i), 30, 30)
            if not linux.disabled:
                shell_run(linux, linux_shell_cmd, os.path.join(OUT, "linux-shell-%d.log" % i),
                          120, 60)
        if linux_shell_via != "ISO" and not linux.disabled:
            linux.notes.append("Linux boot to shell: -kernel/-initrd, not through an ISO")
        if not linux.disabled:
            linux.notes.append("Linux command line: %s (shell: init=/init, BusyBox init as "
                               "on Kiln)" % LINUX_APPEND)

    # 3. Smallest -m.
    if args.skip_mem:
        kiln.why["mem_mib"] = linux.why["mem_mib"] = "skipped (--skip-mem)"
    else:
        if not kiln.disabled:
            progress("mem: Kiln, smallest -m reaching the shell (through the ISO)")
            mem_scan_kiln(kiln, kiln_shell_iso, 15,
                          max(30, min(240, left() - (150 if not linux.disabled else 0))))
        if not linux.disabled:
            progress("mem: Linux, smallest -m reaching the shell (8 MiB steps, -kernel)")
            mem_top = 256
            m = re.match(r"^(\d+)([MG]?)$", args.mem)
            if m:
                mem_top = int(m.group(1)) * (1024 if m.group(2) == "G" else 1)
            mem_scan_linux(linux, vmlinuz, max(mem_top, 8), 60, max(30, min(180, left())))

    table(kiln, linux, "User-space figures, Kiln vs Linux (QEMU TCG, -cpu max, -m %s, %d run(s) "
          "each, %.0f s in all; logs in %s)"
          % (args.mem, args.runs, time.monotonic() - t_start, rel(OUT)),
          FIGURES, HIGHER_IS_BETTER,
          "Per run (in-guest medians; boot times from QEMU start):", per_run_skip=("mem_mib",))


if __name__ == "__main__":
    main()
