#!/usr/bin/env bash
# Builds the initramfs (cpio newc) from userland/rootfs. Later issues add
# BusyBox and init here.
#   tools/mkinitramfs.sh OUT.cpio
set -euo pipefail
out=$(realpath -m "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/userland/rootfs
mkdir -p "$(dirname "$out")"
tmp=$out.tmp
(cd "$src" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc --reproducible -R 0:0 > "$tmp")
if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
    rm -f "$tmp"
else
    mv "$tmp" "$out"
fi
