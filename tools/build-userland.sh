#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the user-space programs that go into the initramfs:
#   build/busybox/busybox      BusyBox, static musl (tools/build-busybox.sh)
#   build/usertests/t_*        the in-guest tests (userland/tests/t_*.c),
#                              static musl, -O2 -Wall -Werror
#   build/usertests/run-all, shell_test.sh   the test driver and shell test
#   build/userland/bench/      the user-space benchmark (userland/bench/*.c,
#                              same flags) and its driver script run
# Rebuilds only what is older than its sources.
#   tools/build-userland.sh [--tests-only]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v musl-gcc > /dev/null; then
    echo "userland: error: musl-gcc not found: run tools/deps.sh (package musl-tools)" >&2
    exit 1
fi

if [ "${1:-}" != "--tests-only" ]; then
    bash tools/build-busybox.sh
fi

OUT=build/usertests
SRC=userland/tests
CFLAGS=(-static -O2 -g -Wall -Wextra -Wno-unused-parameter -Werror -std=gnu11)
mkdir -p "$OUT"

for c in "$SRC"/t_*.c; do
    name=$(basename "$c" .c)
    bin=$OUT/$name
    if [ -x "$bin" ] && [ "$bin" -nt "$c" ] && [ "$bin" -nt "$SRC/t.h" ] && [ "$bin" -nt "$0" ]; then
        continue
    fi
    echo "userland: musl-gcc $c"
    musl-gcc "${CFLAGS[@]}" -o "$bin.tmp" "$c"
    mv "$bin.tmp" "$bin"
done
# Binaries whose source is gone.
for bin in "$OUT"/t_*; do
    [ -e "$bin" ] || continue
    [ -f "$SRC/$(basename "$bin").c" ] || rm -f "$bin"
done
for f in run-all shell_test.sh; do
    if ! cmp -s "$SRC/$f" "$OUT/$f"; then
        cp "$SRC/$f" "$OUT/$f"
    fi
    chmod 0755 "$OUT/$f"
done

# The benchmark (tools/bench-user.py): userland/bench/*.c and the run script.
BOUT=build/userland/bench
BSRC=userland/bench
mkdir -p "$BOUT"
for c in "$BSRC"/*.c; do
    name=$(basename "$c" .c)
    bin=$BOUT/$name
    if [ -x "$bin" ] && [ "$bin" -nt "$c" ] && [ "$bin" -nt "$0" ]; then
        continue
    fi
    echo "userland: musl-gcc $c"
    musl-gcc "${CFLAGS[@]}" -o "$bin.tmp" "$c"
    mv "$bin.tmp" "$bin"
done
for bin in "$BOUT"/*; do
    [ -f "$bin" ] && [ "$(basename "$bin")" != run ] || continue
    [ -f "$BSRC/$(basename "$bin").c" ] || rm -f "$bin"
done
if ! cmp -s "$BSRC/run" "$BOUT/run"; then
    cp "$BSRC/run" "$BOUT/run"
fi
chmod 0755 "$BOUT/run"
