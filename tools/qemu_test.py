#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots Kiln in QEMU (TCG) for one integration test and judges the run.

The serial console goes to build/tests/NAME.log. The verdict comes from the
isa-debug-exit status (33 = pass, 35 = fail, as the kernel writes them) and
from patterns that must, or must not, appear in the log. Every run has a
hard timeout. Prints `PASS qemu: NAME` or `FAIL qemu: NAME: why` (with the
log tail), and with --selftests one line per SELFTEST result.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_iso(name, cmdline, modules, out_dir):
    iso = os.path.join(out_dir, name + ".iso")
    subprocess.run(["bash", os.path.join(ROOT, "tools/mkiso.sh"), iso, cmdline] + modules,
                   check=True, cwd=ROOT)
    return iso


def run(args):
    out_dir = os.path.join(ROOT, "build", "tests")
    os.makedirs(out_dir, exist_ok=True)
    log_path = os.path.join(out_dir, args.name + ".log")
    modules = [] if args.no_module else (args.module or [os.path.join(ROOT, "build/initramfs.cpio")])
    iso = build_iso(args.name, args.cmdline, modules, out_dir)

    cmd = ["qemu-system-x86_64", "-cdrom", iso, "-boot", "d", "-m", args.mem, "-cpu", "max",
           "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
           # No default NIC: a test adds its own, on restricted user networking.
           "-nic", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + args.qemu_arg
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=ROOT)
    log = b""
    stopped_on_pattern = False
    timed_out = False
    inputs = list(args.send or [])
    until = re.compile(args.until.encode()) if args.until else None
    with open(log_path, "wb") as logf:
        while True:
            left = args.timeout - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                break
            r, _, _ = select.select([proc.stdout], [], [], min(left, 0.2))
            if r:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                log += chunk
                logf.write(chunk)
                logf.flush()
            # --send WAIT_REGEX=TEXT: type TEXT once WAIT_REGEX has appeared.
            while inputs:
                wait, _, text = inputs[0].partition("=")
                if not re.search(wait.encode(), log):
                    break
                proc.stdin.write(text.encode().decode("unicode_escape").encode("latin-1"))
                proc.stdin.flush()
                inputs.pop(0)
            if until and until.search(log):
                stopped_on_pattern = True
                time.sleep(args.grace)
                break
            if proc.poll() is not None and not r:
                break
    if proc.poll() is None:
        proc.kill()
    rest = proc.stdout.read() or b""
    log += rest
    with open(log_path, "ab") as logf:
        logf.write(rest)
    status = proc.wait()
    elapsed = time.monotonic() - start
    text = log.decode("utf-8", "replace").replace("\r", "")

    problems = []
    if timed_out:
        problems.append("timed out after %ds" % args.timeout)
    elif not stopped_on_pattern and args.expect_exit is not None and status != args.expect_exit:
        problems.append("exit status %d, expected %d" % (status, args.expect_exit))
    for pat in args.expect or []:
        if not re.search(pat, text, re.M):
            problems.append("missing /%s/" % pat)
    for pat in args.reject or []:
        m = re.search(pat, text, re.M)
        if m:
            problems.append("unexpected %r" % m.group(0))
    if args.in_order:
        pos = 0
        for pat in args.in_order:
            m = re.compile(pat, re.M).search(text, pos)
            if not m:
                problems.append("/%s/ not found in order" % pat)
                break
            pos = m.end()

    if args.selftests:
        for m in re.finditer(r"^.*SELFTEST (PASS|FAIL) (\S+?):?(?: (.*))?$", text, re.M):
            verdict, name, why = m.group(1), m.group(2), m.group(3)
            print("%s selftest: %s%s" % (verdict, name, (": " + why) if why else ""))
        if not re.search(r"SELFTEST DONE passed=\d+ failed=0", text):
            problems.append("self-tests did not all pass")

    if problems:
        print("FAIL qemu: %s: %s (%.1fs, log %s)" % (args.name, "; ".join(problems), elapsed,
                                                    os.path.relpath(log_path, ROOT)))
        for line in text.splitlines()[-args.tail:]:
            print("    | " + line)
        return 1
    print("PASS qemu: %s (%.1fs)" % (args.name, elapsed))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--name", required=True)
    p.add_argument("--cmdline", default="console=ttyS0 test")
    p.add_argument("--mem", default="64M")
    p.add_argument("--module", action="append", help="module file, in order (repeatable)")
    p.add_argument("--no-module", action="store_true")
    p.add_argument("--expect-exit", type=int, default=33)
    p.add_argument("--expect", action="append", help="regex that must appear")
    p.add_argument("--reject", action="append", help="regex that must not appear")
    p.add_argument("--in-order", action="append", help="regexes that must appear in this order")
    p.add_argument("--until", help="stop QEMU once this regex appears (counts as a clean end)")
    p.add_argument("--grace", type=float, default=0.3, help="seconds to keep reading after --until")
    p.add_argument("--send", action="append", help="WAIT_REGEX=TEXT: type TEXT after WAIT_REGEX")
    p.add_argument("--selftests", action="store_true")
    p.add_argument("--timeout", type=int, default=60)
    p.add_argument("--tail", type=int, default=25)
    p.add_argument("--qemu-arg", action="append", default=[])
    sys.exit(run(p.parse_args()))


if __name__ == "__main__":
    main()
