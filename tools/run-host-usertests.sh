#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the in-guest tests on the host Linux, proving every expectation they
# encode against Linux itself. Builds them (and BusyBox) first, then runs
# /tests/run-all's host mode: each test program in a temporary directory,
# then userland/tests/shell_test.sh under BusyBox's shell with a PATH of
# BusyBox applet links. Prints the tests' lines prefixed with `host-linux:`:
#     PASS host-linux: t_proc: <case>
# (SKIP lines, shown but not counted, only where the host forbids something.)
# Exit status 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if ! bash tools/build-userland.sh > build/usertests-build.log 2>&1; then
    sed 's/^/    | /' build/usertests-build.log | tail -n 30
    echo "FAIL host-linux: build: tools/build-userland.sh failed (log build/usertests-build.log)"
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-usertests.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/cwd"
bb=$ROOT/build/busybox/busybox
for a in $("$bb" --list); do
    ln -s "$bb" "$work/bin/$a"
done

cd "$work/cwd"
# A clean environment: only what the tests need. KILN_HOST=1 lets the few
# host-dependent cases skip (see userland/tests/t.h).
env -i PATH="$work/bin" HOME="$work" KILN_HOST=1 KILN_TESTS="$ROOT/build/usertests" \
    timeout 600 "$bb" sh "$ROOT/build/usertests/run-all" > "$work/out.txt" 2>&1
status=$?
sed -E 's/^(PASS|FAIL|SKIP) /\1 host-linux: /' "$work/out.txt" | grep -E '^(PASS|FAIL|SKIP) '
if [ $status -ne 0 ]; then
    echo "FAIL host-linux: run-all: exit status $status"
fi
if ! grep -q '^USERTESTS DONE' "$work/out.txt"; then
    echo "FAIL host-linux: run-all: did not finish (no USERTESTS DONE)"
    tail -n 20 "$work/out.txt" | sed 's/^/    | /'
fi
! grep -q '^FAIL' "$work/out.txt"
