#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Virtio device figures, Kiln next to Debian's Linux in the same QEMU
(`make bench-virtio`). Prints, never asserts.

  - virtio-blk sequential write and read, MB/s (10^6 bytes/s): the same
    static program on both (userland/bench/blkbench.c, /bench/blkbench in
    the initramfs) writes 64 MiB to /dev/vda from offset 0 with 64 KiB
    pwrite calls then fsync (the flush is inside the time), then reads them
    back with 64 KiB pread calls, checking a stamp in every block. The disk
    is a fresh sparse 128 MiB raw image under build/bench-virtio/ for every
    boot, with the same QEMU flags on both sides:
      -drive if=none,id=d0,file=IMG,format=raw,cache=unsafe
      -device virtio-blk-pci,drive=d0
    The device is opened with O_DIRECT, so Linux neither writes into nor
    reads from its page cache; Kiln has no block cache at all (its I/O
    always goes to the disk), whether or not it honours the flag.
  - raw frame rate between two NICs on one QEMU hub, frames/s, and the
    interrupts per frame (interrupts during the run / frames received):
    all interrupts, the local timer's included, and those of the two NICs
    only:
      -netdev hubport,id=h0,hubid=0 -netdev hubport,id=h1,hubid=0
      -device virtio-net-pci,netdev=h0 -device virtio-net-pci,netdev=h1
    Kiln: the in-kernel self-test net_hub_frames (cmdline `test
    selftest=net_hub_frames`), whose line `net_hub_frames: N frames in X
    ms, Y frames/s, Z irqs/frame (W from the NICs)` is parsed; Z counts
    every interrupt (the 250 Hz scheduler tick too), W all but the tick
    (older kernels without W: Z minus SCHED_HZ ticks per second of the run). Linux: userland/bench/
    rawframes.c, an AF_PACKET program sending 10000 frames of random sizes
    (ethertype 0x88b5) on eth0 and receiving them on eth1 with at most 64
    in flight, reading /proc/interrupts before and after (the virtio lines;
    and all lines but MCP/ERR/MIS).

Kiln boots an ISO from tools/mkiso.sh (blk: init=/bench/blkbench, which
powers off as pid 1). Linux (Debian's kernel, build/linux/vmlinuz-*) boots
-kernel/-initrd with the same initramfs plus a second cpio appended
(build/bench-virtio/linux-extra.cpio): its virtio drivers are modules, so
virtio, virtio_ring, virtio_pci(_legacy/_modern)_dev, virtio_pci, virtio_blk,
failover, net_failover and virtio_net are taken from the same linux-image
package (kept under build/linux/modules-VERSION/) and loaded in dependency
order by /benchv/init. Runs alternate (K, L, K, L ...); each figure is the
median over the runs. Every QEMU run is TCG with a hard timeout; there is
no host network (hub ports only). Serial logs go to build/bench-virtio/.
A figure a kernel does not reach prints `n/a` and a note with the reason.
"""
import argparse
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no tools/__pycache__/benchlib.*.pyc
from benchlib import (INITRAMFS, KILN_ELF, LINUX_APPEND, LINUX_DIR, QEMU, ROOT, Side, boot,
                      find_vmlinuz, kiln_iso, parse_bench, progress, rel, run_quiet, table)

OUT = os.path.join(ROOT, "build", "bench-virtio")
DISK_MIB = 128
BLK_MIB, BLK_BS_KIB = 64, 64
FRAMES, WINDOW = 10000, 64  # as the Kiln self-test (HUB_FRAMES, HUB_WINDOW)

FIGURES = [  # (key, label, unit)
    ("blk_write_mbs", "virtio-blk seq write 64 MiB, 64k, +fsync", "MB/s"),
    ("blk_read_mbs", "virtio-blk seq read 64 MiB, 64k", "MB/s"),
    ("net_frames_per_s", "raw frames NIC to NIC over a QEMU hub", "frames/s"),
    ("net_all_irqs_per_frame", "interrupts per frame, all (timer too)", "irqs"),
    ("net_irqs_per_frame", "interrupts per frame, the NICs only", "irqs"),
]
HIGHER_IS_BETTER = {"blk_write_mbs", "blk_read_mbs", "net_frames_per_s"}
BLK_KEYS = ["blk_write_mbs", "blk_read_mbs"]
NET_KEYS = ["net_frames_per_s", "net_all_irqs_per_frame", "net_irqs_per_frame"]

NET_QEMU = ["-netdev", "hubport,id=h0,hubid=0", "-netdev", "hubport,id=h1,hubid=0",
            "-device", "virtio-net-pci,netdev=h0", "-device", "virtio-net-pci,netdev=h1"]

# The modules the Linux side loads, with their dependencies (from .modinfo).
LINUX_MODULE_ROOTS = ["virtio_pci", "virtio_blk", "virtio_net"]
LINUX_MODULE_PATHS = ["kernel/drivers/virtio/", "kernel/drivers/block/virtio_blk.ko",
                      "kernel/drivers/net/virtio_net.ko", "kernel/drivers/net/net_failover.ko",
                      "kernel/net/core/failover.ko"]
LINUX_BENCH_APPEND = LINUX_APPEND + " ipv6.disable=1 rdinit=/benchv/init"

REJECT = {
    "Kiln": re.compile(rb"KERNEL PANIC[^\n]*|kiln: no user space[^\n]*"),
    "Linux": re.compile(rb"Kernel panic[^\n]*"),
}
BENCH_DONE = re.compile(rb"^BENCH DONE", re.M)
SELFTEST_DONE = re.compile(rb"SELFTEST DONE")
HUB_LINE = re.compile(rb"net_hub_frames: (\d+) frames in ([0-9.]+) ms, ([0-9.]+) frames/s, "
                      rb"([0-9.]+) irqs/frame(?: \(([0-9.]+) from the NICs\))?")
SELFTEST_FAIL = re.compile(rb"SELFTEST FAIL net_hub_frames[^\n]*")
HUB_SKIPPED = re.compile(rb"net_hub_frames: skipped[^\n]*")


def sched_hz():
    """Kiln's timer tick rate (include/kernel/sched.h), or None."""
    try:
        with open(os.path.join(ROOT, "include", "kernel", "sched.h")) as f:
            m = re.search(r"#define SCHED_HZ (\d+)", f.read())
        return int(m.group(1)) if m else None
    except OSError:
        return None


# ---- Linux modules -----------------------------------------------------------

def modinfo(path):
    """The key=value strings of an ELF64 module's .modinfo section."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError("%s: not an ELF64 file" % path)
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)

    def section(i):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        return name, off, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            info = {}
            for item in data[off:off + size].split(b"\0"):
                k, eq, v = item.decode("utf-8", "replace").partition("=")
                if eq:
                    info.setdefault(k, v)
            return info
    raise ValueError("%s: no .modinfo section" % path)


def linux_modules(vmlinuz):
    """(list of .ko paths in load order, None) or (None, reason). The modules
    come from the linux-image package of vmlinuz's version, downloaded once
    with apt-get and kept (uncompressed) in build/linux/modules-VERSION/."""
    ver = os.path.basename(vmlinuz)[len("vmlinuz-"):]
    mdir = os.path.join(LINUX_DIR, "modules-" + ver)
    if not glob.glob(os.path.join(mdir, "*.ko")):
        pkg = "linux-image-" + ver
        progress("linux: downloading %s for its virtio modules" % pkg)
        tmp = tempfile.mkdtemp(prefix="kiln-linux-mod.", dir=LINUX_DIR)
        try:
            r = subprocess.run(["apt-get", "download", "-qq", pkg], cwd=tmp, capture_output=True,
                               text=True)
            debs = glob.glob(os.path.join(tmp, pkg + "_*.deb"))
            if r.returncode != 0 or not debs:
                return None, "apt-get download %s failed: %s" % (pkg, r.stderr.strip()[-200:])
            tar = subprocess.run("dpkg-deb --fsys-tarfile '%s' | tar -t" % debs[0], shell=True,
                                 capture_output=True, text=True).stdout.split("\n")
            prefix = "./lib/modules/%s/" % ver
            want = [n for n in tar if n.startswith(prefix) and re.search(r"\.ko(\.xz|\.zst)?$", n)
                    and any(n[len(prefix):].startswith(p) for p in LINUX_MODULE_PATHS)]
            if not want:
                return None, "%s has no virtio modules under %s" % (pkg, prefix)
            if subprocess.run("dpkg-deb --fsys-tarfile '%s' | tar -x -C '%s' %s" % (
                    debs[0], tmp, " ".join("'%s'" % n for n in want)), shell=True).returncode:
                return None, "cannot unpack %s" % debs[0]
            os.makedirs(mdir, exist_ok=True)
            for n in want:
                src = os.path.join(tmp, n)
                if n.endswith(".xz"):
                    subprocess.run(["xz", "-d", src], check=True)
                    src = src[:-3]
                elif n.endswith(".zst"):
                    subprocess.run(["zstd", "-q", "-d", "--rm", src], check=True)
                    src = src[:-4]
                shutil.move(src, os.path.join(mdir, os.path.basename(src)))
        except (OSError, subprocess.CalledProcessError) as e:
            return None, "cannot extract the modules of %s: %s" % (pkg, e)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    # Dependency order: every module after the modules it depends on.
    by_name, deps = {}, {}
    try:
        for ko in glob.glob(os.path.join(mdir, "*.ko")):
            info = modinfo(ko)
            name = info.get("name", os.path.basename(ko)[:-3].replace("-", "_"))
            by_name[name] = ko
            deps[name] = [d for d in info.get("depends", "").split(",") if d]
    except (OSError, ValueError) as e:
        return None, str(e)
    order, seen = [], set()

    def visit(name, chain):
        if name in seen:
            return None
        if name in chain:
            return "dependency cycle through %s" % name
        if name not in by_name:
            return "module %s (needed by %s) not in %s" % (name, chain[-1] if chain else "-",
                                                           rel(mdir))
        for d in deps[name]:
            err = visit(d, chain + [name])
            if err:
                return err
        seen.add(name)
        order.append(by_name[name])
        return None

    for root in LINUX_MODULE_ROOTS:
        err = visit(root, [])
        if err:
            return None, err
    return order, None


def linux_initramfs(modules, path):
    """build/initramfs.cpio with a second archive appended: /benchv/init and
    the modules. Linux unpacks concatenated newc archives in order."""
    stage = tempfile.mkdtemp(prefix="kiln-benchv.")
    try:
        os.makedirs(os.path.join(stage, "benchv"))
        names = []
        for ko in modules:
            shutil.copy(ko, os.path.join(stage, "benchv"))
            names.append(os.path.basename(ko))
        init = os.path.join(stage, "benchv", "init")
        with open(init, "w") as f:
            f.write(LINUX_INIT % {"modules": " ".join(names), "mib": BLK_MIB, "bs": BLK_BS_KIB,
                                  "frames": FRAMES, "window": WINDOW})
        os.chmod(init, 0o755)
        extra = os.path.join(OUT, "linux-extra.cpio")
        listing = "\n".join(["benchv"] + ["benchv/" + n for n in sorted(os.listdir(
            os.path.join(stage, "benchv")))]) + "\n"
        with open(extra, "wb") as f:
            if subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"], cwd=stage,
                              input=listing.encode(), stdout=f).returncode != 0:
                return False
        with open(path, "wb") as out:
            for part in (INITRAMFS, extra):
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out)
        return True
    finally:
        shutil.rmtree(stage, ignore_errors=True)


LINUX_INIT = """#!/bin/sh
# /benchv/init, written by tools/bench-virtio.py: loads the virtio modules,
# runs the figure named by benchv= on the command line, powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in %(modules)s; do
    insmod /benchv/$m || echo "BENCH ERROR insmod $m failed"
done
read -r cmdline < /proc/cmdline
case " $cmdline " in
*" benchv=blk "*)
    i=0
    while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
    /bench/blkbench /dev/vda %(mib)d %(bs)d
    ;;
*" benchv=net "*)
    i=0
    while [ ! -e /sys/class/net/eth1 ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
    grep virtio /proc/interrupts
    /bench/rawframes eth0 eth1 %(frames)d %(window)d
    ;;
*)
    echo "BENCH ERROR no benchv= on the command line"
    echo "BENCH DONE"
    ;;
esac
poweroff -f
while :; do sleep 1000; done
"""


# ---- the runs ----------------------------------------------------------------

def fresh_disk(name):
    img = os.path.join(OUT, name)
    if os.path.exists(img):
        os.remove(img)
    with open(img, "wb") as f:
        f.truncate(DISK_MIB << 20)
    return img


def blk_qemu(img):
    return ["-drive", "if=none,id=d0,file=%s,format=raw,cache=unsafe" % img,
            "-device", "virtio-blk-pci,drive=d0"]


def blk_run(side, cmd, log, timeout, silence):
    """One boot running blkbench. True if it measured something."""
    b = boot(cmd, log, timeout, silence, done=BENCH_DONE, reject=REJECT[side.name])
    vals, errs = parse_bench(b.text)
    got = [k for k in BLK_KEYS if k in vals]
    for k in got:
        side.values[k].append(vals[k])
    if "blk_odirect" in vals:
        side.odirect.add(int(vals["blk_odirect"]))
    for e in errs:
        key, _, why = e.partition(": ")
        if key in side.values and why.startswith("n/a"):
            side.why.setdefault(key, "%s; log %s" % (why[3:].strip(), rel(log)))
        else:
            note = "%s blk: %s (log %s)" % (side.name, e, rel(log))
            if note not in side.notes:
                side.notes.append(note)
    if "done" not in b.times:
        side.fail(BLK_KEYS, "blkbench did not finish: %s; log %s" % (b.reason, rel(log)))
    progress("  %s blk: %s in %.1f s%s" % (
        side.name, "done" if "done" in b.times else "FAILED (%s)" % b.reason, b.elapsed,
        "".join(", %s %s" % (k, vals[k]) for k in got) or "; log " + rel(log)))
    return bool(got)


def kiln_net_run(side, cmd, log, timeout, silence):
    """One boot running the self-test net_hub_frames. True if it measured."""
    b = boot(cmd, log, timeout, silence, done=SELFTEST_DONE, reject=REJECT["Kiln"])
    m = HUB_LINE.search(b.text)
    if m:
        frames, ms, irqs = int(m.group(1)), float(m.group(2)), float(m.group(4))
        side.values["net_frames_per_s"].append(float(m.group(3)))
        side.values["net_all_irqs_per_frame"].append(irqs)
        hz = sched_hz()
        if m.group(5) is not None:
            # The self-test counts the NICs' interrupts itself (all but the tick).
            side.values["net_irqs_per_frame"].append(float(m.group(5)))
            hz = "counted"
        elif hz and frames:
            side.values["net_irqs_per_frame"].append(max(0.0, irqs - hz * ms / 1000 / frames))
        else:
            side.why.setdefault("net_irqs_per_frame", "SCHED_HZ not found in "
                                "include/kernel/sched.h")
        side.frames_note = "%d frames in %.0f ms; NICs only = %s" % (
            frames, ms, "counted by the self-test (all but the timer tick)" if hz == "counted"
            else "all - %s ticks/s" % hz)
    fail = SELFTEST_FAIL.search(b.text) or HUB_SKIPPED.search(b.text)
    if fail:
        why = fail.group(0).decode("utf-8", "replace")
        note = "Kiln net: %s (log %s)" % (why.strip(), rel(log))
        if note not in side.notes:
            side.notes.append(note)
        side.fail(NET_KEYS, "%s; log %s" % (why, rel(log)))
    elif not m:
        side.fail(NET_KEYS, "no net_hub_frames line (%s); log %s" % (
            "self-test done" if "done" in b.times else b.reason, rel(log)))
    progress("  Kiln net: %s in %.1f s%s" % (
        "measured" if m else "FAILED (%s)" % (fail.group(0).decode() if fail else b.reason),
        b.elapsed, ", " + m.group(0).decode() if m else "; log " + rel(log)))
    return bool(m)


def linux_net_run(side, cmd, log, timeout, silence):
    b = boot(cmd, log, timeout, silence, done=BENCH_DONE, reject=REJECT["Linux"])
    vals, errs = parse_bench(b.text)
    got = [k for k in NET_KEYS if k in vals]
    for k in got:
        side.values[k].append(vals[k])
    m = re.search(rb"^BENCH net_frames_per_s \S+ (.*)$", b.text, re.M)
    if m:
        side.frames_note = m.group(1).decode("utf-8", "replace").strip()
    for e in errs:
        key, _, why = e.partition(": ")
        if key in side.values and why.startswith("n/a"):
            side.why.setdefault(key, "%s; log %s" % (why[3:].strip(), rel(log)))
        else:
            note = "Linux net: %s (log %s)" % (e, rel(log))
            if note not in side.notes:
                side.notes.append(note)
    if "done" not in b.times:
        side.fail(NET_KEYS, "rawframes did not finish: %s; log %s" % (b.reason, rel(log)))
    progress("  Linux net: %s in %.1f s%s" % (
        "done" if "done" in b.times else "FAILED (%s)" % b.reason, b.elapsed,
        "".join(", %s %s" % (k, vals[k]) for k in got) or "; log " + rel(log)))
    return bool(got)


# ---- main --------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3, help="boots per kernel and figure (3)")
    p.add_argument("--mem", default="256M", help="-m for every boot (256M)")
    p.add_argument("--skip-linux", action="store_true", help="Kiln only")
    p.add_argument("--skip-kiln", action="store_true", help="Linux only")
    p.add_argument("--skip-blk", action="store_true", help="no virtio-blk figures")
    p.add_argument("--skip-net", action="store_true", help="no virtio-net figures")
    p.add_argument("--no-build", action="store_true",
                   help="use build/kiln.elf and build/initramfs.cpio as they are")
    p.add_argument("--kiln-args", default="",
                   help="more Kiln command line words, e.g. \"virtio=legacy\" ('')")
    p.add_argument("--timeout", type=int, default=120,
                   help="hard timeout per Kiln boot (120 s; Linux gets 60 s more)")
    args = p.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*-*-[0-9]*.log")):  # last run's serial logs
        os.remove(old)
    t_start = time.monotonic()

    keys = [k for k, _, _ in FIGURES]
    kiln, linux = Side("Kiln", keys), Side("Linux", keys)
    for side in (kiln, linux):
        side.odirect = set()
        side.frames_note = None
    if args.skip_kiln:
        kiln.disabled = "skipped"
    if args.skip_linux:
        linux.disabled = "skipped"
    for skip, ks, what in ((args.skip_blk, BLK_KEYS, "--skip-blk"),
                           (args.skip_net, NET_KEYS, "--skip-net")):
        if skip:
            for side in (kiln, linux):
                side.fail(ks, "skipped (%s)" % what)

    if not args.no_build:
        progress("build: build/initramfs.cpio (make userland)")
        log = os.path.join(OUT, "build-initramfs.log")
        if not run_quiet(["make", "-s", "build/initramfs.cpio"], log):
            sys.exit("bench-virtio: make build/initramfs.cpio failed (see %s)" % rel(log))
        if not kiln.disabled:
            progress("build: build/kiln.elf")
            log = os.path.join(OUT, "build-kiln.log")
            if not run_quiet(["make", "-s", "build/kiln.elf"], log):
                kiln.disabled = "make build/kiln.elf failed; log %s" % rel(log)
    listing = []
    if os.path.exists(INITRAMFS):
        with open(INITRAMFS, "rb") as f:
            listing = subprocess.run(["cpio", "-it", "--quiet"], stdin=f, capture_output=True,
                                     text=True).stdout.split()
    if "bench/blkbench" not in listing or "bench/rawframes" not in listing:
        sys.exit("bench-virtio: %s has no /bench/blkbench and /bench/rawframes: run `make "
                 "userland build/initramfs.cpio`" % rel(INITRAMFS))
    if not kiln.disabled and not os.path.exists(KILN_ELF):
        kiln.disabled = "no build/kiln.elf"

    linux_initrd = os.path.join(OUT, "linux-initramfs.cpio")
    vmlinuz = None
    if not linux.disabled:
        vmlinuz, err = find_vmlinuz()
        modules = None
        if vmlinuz:
            modules, err = linux_modules(vmlinuz)
        if not modules:
            linux.disabled = err
        else:
            progress("build: Linux initramfs (%s + /benchv: %s)" % (
                rel(INITRAMFS), " ".join(os.path.basename(m)[:-3] for m in modules)))
            if not linux_initramfs(modules, linux_initrd):
                linux.disabled = "cannot build %s" % rel(linux_initrd)

    kiln_blk_iso = os.path.join(OUT, "kiln-blk.iso")
    kiln_net_iso = os.path.join(OUT, "kiln-net.iso")
    if not kiln.disabled:
        extra = (" " + args.kiln_args.strip()) if args.kiln_args.strip() else ""
        progress("build: Kiln ISOs (init=/bench/blkbench; test selftest=net_hub_frames)%s"
                 % extra)
        if not (kiln_iso(kiln_blk_iso, "console=ttyS0 init=/bench/blkbench" + extra) and
                kiln_iso(kiln_net_iso, "console=ttyS0 test selftest=net_hub_frames" + extra)):
            kiln.disabled = "tools/mkiso.sh failed; log %s.log" % rel(kiln_blk_iso)

    mem = ["-m", args.mem]
    kiln_cmd = QEMU + mem + ["-boot", "d"]
    linux_cmd = QEMU + mem + ["-kernel", vmlinuz or "", "-initrd", linux_initrd]
    progress("bench: %d run(s) per kernel and figure, interleaved, -m %s" % (args.runs, args.mem))
    kiln_blk = kiln_net = not kiln.disabled
    for i in range(1, args.runs + 1):
        if not args.skip_blk:
            if kiln_blk:
                img = fresh_disk("disk-kiln.img")
                kiln_blk = blk_run(kiln, kiln_cmd + ["-cdrom", kiln_blk_iso] + blk_qemu(img),
                                   os.path.join(OUT, "kiln-blk-%d.log" % i), args.timeout, 60)
                if not kiln_blk and i < args.runs:
                    kiln.notes.append("Kiln blk: no further runs after run %d measured "
                                      "nothing" % i)
            if not linux.disabled:
                img = fresh_disk("disk-linux.img")
                blk_run(linux, linux_cmd + ["-append", LINUX_BENCH_APPEND + " benchv=blk"] +
                        blk_qemu(img), os.path.join(OUT, "linux-blk-%d.log" % i),
                        args.timeout + 60, 90)
        if not args.skip_net:
            if kiln_net:
                kiln_net = kiln_net_run(kiln, kiln_cmd + ["-cdrom", kiln_net_iso] + NET_QEMU,
                                        os.path.join(OUT, "kiln-net-%d.log" % i),
                                        args.timeout, 60)
                if not kiln_net and i < args.runs:
                    kiln.notes.append("Kiln net: no further runs after run %d measured "
                                      "nothing" % i)
            if not linux.disabled:
                linux_net_run(linux, linux_cmd + ["-append", LINUX_BENCH_APPEND + " benchv=net"] +
                              NET_QEMU, os.path.join(OUT, "linux-net-%d.log" % i),
                              args.timeout + 60, 90)
    for name in ("disk-kiln.img", "disk-linux.img"):
        if os.path.exists(os.path.join(OUT, name)):
            os.remove(os.path.join(OUT, name))

    # Method notes.
    if not args.skip_blk:
        if kiln.odirect:
            kiln.notes.append("Kiln blk: O_DIRECT %s; Kiln has no block cache, so every read "
                              "and write goes to the disk either way" % (
                                  "accepted" if kiln.odirect == {1} else
                                  "refused (EINVAL), plain open"))
        if linux.odirect:
            linux.notes.append("Linux blk: %s" % (
                "O_DIRECT (no page cache) on /dev/vda" if linux.odirect == {1} else
                "O_DIRECT refused: figures may include the page cache"))
    if not args.skip_net:
        if kiln.frames_note:
            kiln.notes.append("Kiln net: in-kernel self-test net_hub_frames (%s)"
                              % kiln.frames_note)
        if linux.frames_note:
            linux.notes.append("Linux net: /bench/rawframes, AF_PACKET, %d frames of 60..1514 "
                               "bytes, window %d (last run: %s); NICs only = the virtio lines "
                               "of /proc/interrupts" % (FRAMES, WINDOW, linux.frames_note))
    if not kiln.disabled:
        kiln.notes.append("Kiln: ISO (tools/mkiso.sh), console=ttyS0 init=/bench/blkbench or "
                          "test selftest=net_hub_frames%s" % (
                              " " + args.kiln_args.strip() if args.kiln_args.strip() else ""))
    if not linux.disabled:
        linux.notes.append("Linux: %s, -kernel/-initrd, %s; virtio drivers as modules from "
                           "the same package" % (os.path.basename(vmlinuz), LINUX_BENCH_APPEND))

    table(kiln, linux, "Virtio figures, Kiln vs Linux (QEMU TCG, -cpu max, -m %s, %d run(s) "
          "each, %.0f s in all; logs in %s)"
          % (args.mem, args.runs, time.monotonic() - t_start, rel(OUT)),
          FIGURES, HIGHER_IS_BETTER, "Per run:")
    print("  method: blk = %d MiB sequential, %d KiB per call, write then fsync, then read; "
          "fresh sparse %d MiB raw image, cache=unsafe, same flags on both; MB = 10^6 bytes"
          % (BLK_MIB, BLK_BS_KIB, DISK_MIB))
    print("  method: net = two virtio-net-pci NICs on one QEMU hub (no host network); "
          "frames/s = frames received / time; interrupts per frame = interrupts during the run "
          "/ frames received (all, or the two NICs' only)")


if __name__ == "__main__":
    main()
