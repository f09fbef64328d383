#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reference run: boots Kiln's initramfs (build/initramfs.cpio) under Debian's
# Linux kernel in the same QEMU, with rdinit=/tests/run-all, so the in-guest
# tests run as they will on Kiln (children of pid 1, /tmp and /dev as set up
# by the kernel) -- but on Linux. Not part of `make test`; `make usertests-linux`.
# The kernel comes from Debian's linux-image-amd64 (`apt-get download`, kept
# under build/linux/). Prints `PASS linux-guest: ...` lines and a count.
set -uo pipefail
cd "$(dirname "$0")/.."

dir=build/linux
mkdir -p "$dir"
vmlinuz=$(ls "$dir"/vmlinuz-* 2> /dev/null | head -n1)
if [ -z "$vmlinuz" ]; then
    pkg=$(apt-cache depends linux-image-amd64 2> /dev/null |
        awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    [ -n "$pkg" ] || { echo "linux: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
    echo "linux: downloading $pkg"
    (cd "$dir" && apt-get download -qq "$pkg" 2> /dev/null) || { echo "linux: download failed" >&2; exit 1; }
    deb=$(ls "$dir"/"$pkg"_*.deb | head -n1)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards './boot/vmlinuz-*'
    mv "$dir"/boot/vmlinuz-* "$dir/"
    rm -rf "$dir/boot" "$deb"
    vmlinuz=$(ls "$dir"/vmlinuz-* | head -n1)
fi

make -s build/initramfs.cpio || exit 1
log=$dir/usertests.log
echo "linux: booting $(basename "$vmlinuz") with build/initramfs.cpio (log $log)"
timeout 300 qemu-system-x86_64 -kernel "$vmlinuz" -initrd build/initramfs.cpio \
    -append "console=ttyS0 rdinit=/tests/run-all panic=-1 quiet" -m 256M -cpu max \
    -display none -monitor none -serial stdio -no-reboot -nic none < /dev/null > "$log" 2>&1
status=$?
tr -d '\r' < "$log" | sed -nE 's/^(PASS|FAIL|SKIP) ((t_[a-z0-9_]+|shell_test|run-all): .*)$/\1 linux-guest: \2/p'
grep -q '^USERTESTS DONE' <(tr -d '\r' < "$log") ||
    echo "FAIL linux-guest: run-all: no USERTESTS DONE (qemu status $status)"
p=$(grep -c '^PASS' <(tr -d '\r' < "$log"))
f=$(grep -c '^FAIL' <(tr -d '\r' < "$log"))
echo "linux-guest: $p passed, $f failed"
[ "$f" -eq 0 ] && [ $status -eq 0 ]
