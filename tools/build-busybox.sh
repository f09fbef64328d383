#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds BusyBox as a static musl binary: build/busybox/busybox.
#
# The source is Debian's busybox source package (`apt-get source`, version
# pinned below; tools/deps.sh provides the deb-src entry and musl-tools),
# unpacked under build/busybox-src. Nothing of BusyBox is kept in the
# repository: only our configuration, userland/busybox.config.
#
# Skips the build when build/busybox/busybox was built from the same source
# version, configuration and script (a stamp holds their hashes).
#   tools/build-busybox.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BUSYBOX_VERSION=${BUSYBOX_VERSION:-1:1.35.0-4+deb12u1}

CONFIG=$ROOT/userland/busybox.config
B=$ROOT/build
SRC=$B/busybox-src
DL=$B/busybox-dl
OBJ=$B/busybox-obj
INC=$B/busybox-inc
OUT=$B/busybox
STAMP=$OUT/.stamp
LOG=$OUT/build.log

say() { echo "busybox: $*"; }
die() { echo "busybox: error: $*" >&2; exit 1; }

want_stamp=$(printf '%s\n' "$BUSYBOX_VERSION" "$(sha256sum < "$CONFIG")" \
    "$(sha256sum < "$0")" | sha256sum | cut -d' ' -f1)

if [ "${1:-}" != "--force" ] && [ -x "$OUT/busybox" ] && [ -f "$STAMP" ] &&
    [ "$(cat "$STAMP")" = "$want_stamp" ]; then
    exit 0
fi

command -v musl-gcc > /dev/null || die "musl-gcc not found: run tools/deps.sh (package musl-tools)"

# --- source ---------------------------------------------------------------
if [ "$(cat "$SRC/.kiln-version" 2>/dev/null)" != "$BUSYBOX_VERSION" ]; then
    command -v dpkg-source > /dev/null || die "dpkg-source not found: run tools/deps.sh (package dpkg-dev)"
    rm -rf "$DL" "$SRC"
    mkdir -p "$DL"
    say "fetching Debian source package busybox=$BUSYBOX_VERSION"
    got=$BUSYBOX_VERSION
    if ! (cd "$DL" && apt-get source -qq "busybox=$BUSYBOX_VERSION") > "$DL/fetch.log" 2>&1; then
        echo "busybox: warning: busybox=$BUSYBOX_VERSION is not offered by apt" >&2
        echo "busybox: warning: offered: $(apt-cache showsrc busybox 2>/dev/null |
            sed -n 's/^Version: //p' | tr '\n' ' ')" >&2
        echo "busybox: warning: falling back to the version apt offers; update BUSYBOX_VERSION in $0" >&2
        rm -rf "$DL"
        mkdir -p "$DL"
        if ! (cd "$DL" && apt-get source -qq busybox) > "$DL/fetch.log" 2>&1; then
            cat "$DL/fetch.log" >&2
            die "apt-get source busybox failed (is there a deb-src entry? run tools/deps.sh)"
        fi
        got=$(sed -n 's/^Version: //p' "$DL"/busybox_*.dsc | head -n1)
    fi
    dir=$(find "$DL" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -n1)
    [ -n "$dir" ] && [ -f "$dir/Makefile" ] || die "no unpacked source in $DL (see $DL/fetch.log)"
    mv "$dir" "$SRC"
    echo "$got" > "$SRC/.kiln-version"
    if [ "$got" != "$BUSYBOX_VERSION" ]; then
        # Keep the stamp honest: it records what was really built.
        want_stamp=$(printf '%s\n' "$got" "$(sha256sum < "$CONFIG")" \
            "$(sha256sum < "$0")" | sha256sum | cut -d' ' -f1)
    fi
fi

# --- kernel headers for musl-gcc --------------------------------------------
# musl-gcc's specs use -nostdinc, hiding the system's kernel headers
# (linux/kd.h ...). A folder of symlinks to just the kernel headers fixes it
# without letting glibc's headers in.
rm -rf "$INC"
mkdir -p "$INC"
ln -s /usr/include/linux "$INC/linux"
ln -s /usr/include/asm-generic "$INC/asm-generic"
ln -s "/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/asm" "$INC/asm"
ln -s /usr/include/mtd "$INC/mtd"
for l in "$INC"/*; do
    [ -e "$l" ] || die "missing kernel header folder $(readlink "$l"): install linux-libc-dev"
done

# --- build ------------------------------------------------------------------
rm -rf "$OBJ"
mkdir -p "$OBJ" "$OUT"
cp "$CONFIG" "$OBJ/.config"
jobs=$(nproc 2>/dev/null || echo 2)
mk() {
    make -C "$SRC" O="$OBJ" CC="musl-gcc -isystem $INC" HOSTCC=gcc \
        KBUILD_VERBOSE=0 "$@"
}
say "building $(cat "$SRC/.kiln-version") with musl-gcc ($jobs jobs, log $LOG)"
start=$(date +%s)
if ! { { yes '' || true; } | mk oldconfig && mk -j"$jobs" busybox; } > "$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2
    die "build failed (full log: $LOG)"
fi
# oldconfig must not have changed our configuration: a changed .config means
# userland/busybox.config lacks answers for this BusyBox version.
if ! diff -q <(grep -E '^(CONFIG_|# CONFIG_)' "$CONFIG" | LC_ALL=C sort) \
    <(grep -E '^(CONFIG_|# CONFIG_)' "$OBJ/.config" | LC_ALL=C sort) > /dev/null; then
    echo "busybox: warning: oldconfig changed the configuration; differences:" >&2
    diff <(grep -E '^(CONFIG_|# CONFIG_)' "$CONFIG" | LC_ALL=C sort) \
        <(grep -E '^(CONFIG_|# CONFIG_)' "$OBJ/.config" | LC_ALL=C sort) >&2 || true
fi
file_out=$(file -b "$OBJ/busybox" 2>/dev/null || true)
case $file_out in
    *dynamic*) die "the binary is dynamically linked: $file_out" ;;
esac
cp "$OBJ/busybox" "$OUT/busybox.tmp"
mv "$OUT/busybox.tmp" "$OUT/busybox"
cp "$OBJ/busybox_unstripped" "$OUT/busybox_unstripped"
"$OUT/busybox" --list-full | LC_ALL=C sort > "$OUT/applets.txt"
echo "$want_stamp" > "$STAMP"
say "built $OUT/busybox: $(stat -c %s "$OUT/busybox") bytes, $(wc -l < "$OUT/applets.txt") applets, $(($(date +%s) - start)) s"
