#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the initramfs (cpio newc) from:
#   userland/rootfs/            the static part of the tree (/etc ...)
#   build/busybox/busybox       as /bin/busybox, with a symlink per applet
#                               (from `busybox --list-full`, run on the host)
#   build/usertests/            the in-guest tests, as /tests (stripped)
#   build/userland/bench/       the benchmark, as /bench (bench, hello
#                               stripped; run)
# plus the empty mount points /dev /proc /sys /tmp, /root and /init (a
# symlink to /bin/busybox, which then runs as init).
# Without build/busybox/busybox (tools/build-userland.sh not run) the archive
# holds userland/rootfs only, as before.
#
# The archive is deterministic: sorted names, owner 0:0, normalized modes,
# one fixed mtime, renumbered inodes. It is rewritten only when it changes.
#   tools/mkinitramfs.sh OUT.cpio
set -euo pipefail
out=$(realpath -m "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/userland/rootfs
busybox=$root/build/busybox/busybox
tests=$root/build/usertests
bench=$root/build/userland/bench
# 2025-01-01 00:00:00 UTC, unless SOURCE_DATE_EPOCH says otherwise.
epoch=${SOURCE_DATE_EPOCH:-1735689600}

mkdir -p "$(dirname "$out")"
stage=$out.stage
rm -rf "$stage"
mkdir -p "$stage"
cp -a "$src/." "$stage/"

if [ -x "$busybox" ]; then
    mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin"
    cp "$busybox" "$stage/bin/busybox"
    # bin/ls, sbin/init, usr/bin/awk ... (and linuxrc, which we leave out)
    "$busybox" --list-full | while read -r path; do
        case $path in
            bin/busybox | linuxrc) continue ;;
        esac
        mkdir -p "$stage/$(dirname "$path")"
        ln -sfn /bin/busybox "$stage/$path"
    done
    ln -sfn /bin/busybox "$stage/init"
    for d in dev proc sys tmp root; do
        mkdir -p "$stage/$d"
    done
fi

if [ -d "$tests" ] && compgen -G "$tests/t_*" > /dev/null; then
    mkdir -p "$stage/tests"
    for f in "$tests"/t_*; do
        strip -o "$stage/tests/$(basename "$f")" "$f"
    done
    cp "$tests/run-all" "$tests/shell_test.sh" "$stage/tests/"
fi

if [ -x "$bench/bench" ]; then
    mkdir -p "$stage/bench"
    for f in "$bench"/*; do
        case $(basename "$f") in
            run) cp "$f" "$stage/bench/run" ;;
            *) strip -o "$stage/bench/$(basename "$f")" "$f" ;;
        esac
    done
fi

# Normalize: directories 0755, files 0755 if executable else 0644; then the
# few special modes.
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -perm /111 -exec chmod 0755 {} +
find "$stage" -type f ! -perm /111 -exec chmod 0644 {} +
[ -d "$stage/tmp" ] && chmod 1777 "$stage/tmp"
[ -d "$stage/root" ] && chmod 0700 "$stage/root"
find "$stage" -exec touch -h -d "@$epoch" {} +

tmp=$out.tmp
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc --reproducible -R 0:0 > "$tmp")
rm -rf "$stage"
if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
    rm -f "$tmp"
else
    mv "$tmp" "$out"
fi
