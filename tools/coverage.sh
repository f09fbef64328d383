#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make coverage`: line coverage of the kernel sources the host unit tests
# link. Each test is built again with --coverage (no sanitizers), one object
# per source so that two files of the same name (fs/vfs/file.c and
# fs/tmpfs/file.c) keep their own counters, and run; lcov sums the kernel
# folders only. Prints the line and function figures.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
COV=$ROOT/build/host-coverage
rm -rf "$COV"
mkdir -p "$COV"
CFLAGS=(-std=gnu11 -O0 -g -w --coverage -I"$ROOT/include" -I"$ROOT/tests")
for src in tests/test_*.c; do
    t=$(basename "$src" .c)
    dir=$COV/$t
    mkdir -p "$dir"
    objs=()
    for f in "$src" $(cat "tests/$t.deps"); do
        obj=$dir/$(echo "$f" | tr '/' '_' | sed 's/\.c$/.o/')
        gcc "${CFLAGS[@]}" -c "$ROOT/$f" -o "$obj"
        objs+=("$obj")
    done
    gcc --coverage -o "$dir/$t" "${objs[@]}" -lm
    (cd "$dir" && ./"$t" > /dev/null 2>&1) || echo "coverage: $t failed (its counts still count)"
done
lcov --quiet --capture --directory "$COV" --output-file "$COV/all.info" 2> /dev/null
lcov --quiet --extract "$COV/all.info" "$ROOT/arch/*" "$ROOT/kernel/*" "$ROOT/drivers/*" \
    "$ROOT/fs/*" "$ROOT/net/*" --output-file "$COV/kernel.info" 2> /dev/null
lcov --summary "$COV/kernel.info" 2>&1 | grep -E 'lines|functions'
echo "coverage: per file: lcov --list $COV/kernel.info; HTML: genhtml -o build/coverage $COV/kernel.info"
