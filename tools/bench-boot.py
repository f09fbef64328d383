#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot figures for Kiln (`make bench`): prints, never asserts.

  - wall time from QEMU start to GRUB's banner, to the kernel's first line
    and to its ready line, through the GRUB ISO (median and min of --runs);
  - the kernel's own time from entry to the ready line (after GRUB hands over);
  - the smallest -m (in 128 KiB steps) that reaches the ready line;
  - the size of build/kiln.elf, as built and stripped.
QEMU runs under TCG with a hard timeout per boot.
"""
import argparse
import os
import re
import select
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = ["qemu-system-x86_64", "-boot", "d", "-cpu", "max", "-display", "none", "-monitor",
        "none", "-serial", "stdio", "-no-reboot", "-nic", "none", "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def boot(iso, mem, markers, stop, timeout=60):
    """Returns ({marker: seconds}, log, exit status or None)."""
    start = time.monotonic()
    proc = subprocess.Popen(QEMU + ["-cdrom", iso, "-m", mem], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen, log = {}, b""
    while time.monotonic() - start < timeout:
        r, _, _ = select.select([proc.stdout], [], [], 0.05)
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            log += chunk
            now = time.monotonic() - start
            for name, pat in markers.items():
                if name not in seen and re.search(pat, log):
                    seen[name] = now
            if stop in seen:
                break
        elif proc.poll() is not None:
            break
    if proc.poll() is None:
        proc.kill()
    status = proc.wait()
    return seen, log.decode("utf-8", "replace"), status


def make_iso(cmdline, path):
    subprocess.run(["bash", os.path.join(ROOT, "tools/mkiso.sh"), path, cmdline,
                    os.path.join(ROOT, "build/initramfs.cpio")], check=True, cwd=ROOT)


def boots_with(iso, kib):
    seen, _, status = boot(iso, "%dK" % kib, {"ready": rb"kiln: ready"}, "ready", timeout=30)
    return "ready" in seen


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--mem", default="64M")
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="kiln-bench.")
    iso = os.path.join(tmp, "bench.iso")
    make_iso("console=ttyS0", iso)

    markers = {"grub": rb"Booting `Kiln'", "first": rb"\] Kiln [0-9.]+, booted",
               "ready": rb"kiln: ready in [0-9.]+ s"}
    rows = {k: [] for k in markers}
    kernel_ready = []
    for _ in range(args.runs):
        seen, log, _ = boot(iso, args.mem, markers, "ready")
        for k, v in seen.items():
            rows[k].append(v)
        m = re.search(r"kiln: ready in ([0-9.]+) s", log)
        if m:
            kernel_ready.append(float(m.group(1)))

    def fmt(xs):
        if not xs:
            return "n/a"
        return "median %.3f s, min %.3f s (%d runs)" % (statistics.median(xs), min(xs), len(xs))

    print("Kiln boot figures (QEMU TCG, -m %s, through the GRUB ISO)" % args.mem)
    print("  QEMU start -> GRUB menu entry:    " + fmt(rows["grub"]))
    print("  QEMU start -> first kernel line:  " + fmt(rows["first"]))
    print("  QEMU start -> ready line:         " + fmt(rows["ready"]))
    print("  kernel entry -> ready line:       " + fmt(kernel_ready))

    # GRUB's own memory needs are not monotonic in -m, so scan every
    # 128 KiB step from 2 to 8 MiB rather than bisect.
    ok = [k for k in range(2048, 8192 + 1, 128) if boots_with(iso, k)]
    if ok:
        steady = 8192
        while steady - 128 in ok:
            steady -= 128
        print("  smallest -m reaching ready:       %d KiB (%.2f MiB); every size from %d KiB up"
              % (ok[0], ok[0] / 1024, steady))
        print("  sizes that did not boot:          %s" % (", ".join(
            "%dK" % k for k in range(2048, 8192 + 1, 128) if k not in ok and k > ok[0]) or "none above the smallest"))
    else:
        print("  smallest -m reaching ready:       n/a (no boot up to 8 MiB)")

    elf = os.path.join(ROOT, "build/kiln.elf")
    stripped = os.path.join(tmp, "kiln.stripped")
    subprocess.run(["strip", "-o", stripped, elf], check=True)
    print("  build/kiln.elf:                   %d bytes, %d bytes stripped"
          % (os.path.getsize(elf), os.path.getsize(stripped)))
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
