#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite (`make test`): host unit tests with ASan/UBSan, then
# QEMU integration tests under TCG. Every result is one PASS/FAIL line; the
# last line is `N passed, N failed`, and the exit status is 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=build/tests
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"

record() {
    # Shows the lines and keeps the PASS/FAIL ones for the count.
    tee -a "$RESULTS"
}

fail() {
    echo "FAIL $*" | record
}

echo "== build"
if ! make -s all > "$OUT/build.log" 2>&1; then
    cat "$OUT/build.log"
    fail "build: make all failed"
fi

# The table is generated: the committed copy must be what the script makes
# today (it needs nothing but python3).
if python3 tools/gen-syscall-table.py "$OUT/table.c" && cmp -s "$OUT/table.c" kernel/syscall/table.c; then
    echo "PASS docs: kernel/syscall/table.c is what tools/gen-syscall-table.py generates" | record
else
    fail "docs: kernel/syscall/table.c differs from tools/gen-syscall-table.py's output (run it)"
fi

if python3 tools/gen-syscall-doc.py --check-readme README.md --fail-if-changed > /dev/null 2>&1; then
    echo "PASS docs: README syscall table is current" | record
else
    fail "docs: README syscall table is stale (run make syscall-docs)"
fi

echo "== size"
# The report (not counted): the longest functions, those over 80 lines
# marked. Counted: none over the hard budget.
python3 tools/func-lengths.py --budget 80 --top 10 --report-only
if out=$(python3 tools/func-lengths.py --budget 110 --top 0); then
    echo "PASS size: no kernel function over 110 lines" | record
else
    fail "size: $(echo "$out" | grep OVER | tr -s ' ' | tr '\n' ';')"
fi

echo "== host unit tests"
if ! make -s -C tests all > "$OUT/host-build.log" 2>&1; then
    cat "$OUT/host-build.log"
    fail "host: unit tests did not build"
fi
make -s -C tests run 2>&1 | record

# ---- userland: host run (owner: userland; keep this block self-contained) ----
# The in-guest test programs (userland/tests) run on the host Linux first, so
# every expectation they encode is proven on Linux: `PASS host-linux: ...`.
echo "== userland tests on the host Linux"
bash tools/run-host-usertests.sh 2>&1 | record
# ---- end userland: host run ----

echo "== QEMU integration tests"
data=$OUT/data
mkdir -p "$data"
# Test modules: random bytes, a truncated archive, and three small archives.
# Random bytes after a fixed non-zero start (a leading NUL would be read as
# padding before an archive, moving the reported offset).
{ printf "NOT-A-CPIO"; head -c 4096 /dev/urandom; } > "$data/corrupt.bin"
head -c 300 build/initramfs.cpio > "$data/truncated.cpio"
# Each of a, b, c holds override.txt: the last module's copy must win.
for n in a b c; do
    rm -rf "$data/mod-$n"
    mkdir -p "$data/mod-$n"
    echo "module $n" > "$data/mod-$n/override.txt"
    (cd "$data/mod-$n" && echo override.txt | cpio --quiet -o -H newc > "../$n.cpio")
done

# ONLY=regex runs just the QEMU tests whose name matches.
q() {
    if [ -n "${ONLY:-}" ] && ! [[ "$2" =~ $ONLY ]]; then
        return
    fi
    python3 tools/qemu_test.py "$@" 2>&1 | record
}

q --name selftests --selftests --timeout 120

q --name boot-ready --cmdline "console=ttyS0 bogus=1" --expect-exit 0 \
    --expect "Kiln [0-9.]+, booted by GRUB" \
    --expect "cmdline: unknown option 'bogus=1' ignored" \
    --expect "init: running /init as pid 1" \
    --reject "KERNEL PANIC" \
    --send '# =echo shell-$((6*7))\r' --until "shell-42"

# `exit` in the console shell: BusyBox init (which waits for SIGCHLD with
# sigtimedwait) respawns it.
q --name shell-respawn --cmdline "console=ttyS0" --expect-exit 0 \
    --send '# =exit\r' --send 'exit\r[^#]*# =echo again-$((6*7))\r' --until "again-42"

q --name smallest-memory --mem 8M --cmdline "console=ttyS0 test selftest=kernel_protections" \
    --expect "kiln: ready"

q --name too-little-memory-for-grub --mem 2560K --expect-exit 0 \
    --expect "error: out of memory" \
    --expect "KERNEL PANIC: the boot loader could not load Kiln"

q --name too-little-memory-for-kernel --cmdline "console=ttyS0 test mem=2M" --expect-exit 35 \
    --expect "KERNEL PANIC: not enough memory: [0-9]+ KiB free after loading the kernel, need at least 2048 KiB" \
    --reject "kiln: ready"

q --name no-module --no-module --cmdline "console=ttyS0" \
    --until "KERNEL PANIC: no initramfs: the boot loader passed no module"

q --name corrupt-module --module "$data/corrupt.bin" --cmdline "console=ttyS0" \
    --until "KERNEL PANIC: initramfs: module 0 'module0-corrupt.bin': bad magic at offset 0"

q --name truncated-module --module "$data/truncated.cpio" --cmdline "console=ttyS0" \
    --until "KERNEL PANIC: initramfs: module 0 'module0-truncated.cpio': (truncated header|.* runs past end of buffer) at offset [0-9]+ \\(entry"

q --name modules-in-order --module build/initramfs.cpio --module "$data/a.cpio" \
    --module "$data/b.cpio" --module "$data/c.cpio" --cmdline "console=ttyS0" --expect-exit 0 \
    --in-order "module 0 'module0-initramfs.cpio': 1 archive" \
    --in-order "module 1 'module1-a.cpio': 1 archive" \
    --in-order "module 2 'module2-b.cpio': 1 archive" \
    --in-order "module 3 'module3-c.cpio': 1 archive" \
    --send '# =cat /override.txt\r' --until "module c"

q --name crash-pagefault --cmdline "console=ttyS0 test crash=pagefault" --expect-exit 35 \
    --expect "page fault at 000000000dead000: not-present page on write in kernel mode" \
    --expect "RIP: 0010:ffffffff8" --expect "CR2: 000000000dead000" --expect "R15: " \
    --expect "#0 ffffffff8[0-9a-f]+ write_to_unmapped\\+0" \
    --expect "crash_on_purpose\\+0x" --expect "kmain\\+0x" \
    --expect "^\\[ *[0-9.]+\\] KERNEL PANIC: page fault in kernel at ffffffff8"

q --name crash-stackoverflow --cmdline "console=ttyS0 test crash=stackoverflow" --expect-exit 35 \
    --expect "kernel stack overflow: (page|double) fault" \
    --expect "KERNEL PANIC: kernel stack overflow in thread 'overflow'"

q --name crash-gpf --cmdline "console=ttyS0 test crash=gpf" --expect-exit 35 \
    --expect "KERNEL PANIC: general protection fault in kernel"

q --name crash-invalid-opcode --cmdline "console=ttyS0 test crash=ud" --expect-exit 35 \
    --expect "KERNEL PANIC: invalid opcode in kernel"

q --name crash-divide --cmdline "console=ttyS0 test crash=divide" --expect-exit 35 \
    --expect "KERNEL PANIC: divide error in kernel"

# 1000 fork+exec+exit cycles (after a warm-up) leave the free-page count
# exactly where it was: every page and page table is freed.
q --name fork-exec-exit-no-leak --mem 128M --timeout 180 --cmdline "console=ttyS0 init=/bin/sh" \
    --expect-exit 0 \
    --send '#=n() { i=0; while [ $i -lt $1 ]; do /bench/hello; i=$((i+1)); done; }; n 100; grep MemFree /proc/meminfo; n 1000; grep MemFree /proc/meminfo; echo LOOPS-$((1+1))\r' \
    --until "LOOPS-2" --expect "MemFree: +([0-9]+) kB\n+MemFree: +\\1 kB"

# -no-reboot turns a reboot into a QEMU exit with status 0, like a power-off.
q --name poweroff --cmdline "console=ttyS0 shutdown=poweroff" --expect-exit 0 \
    --expect "power: off" --reject "could not power off"

q --name reboot --cmdline "console=ttyS0 shutdown=reboot" --expect-exit 0 \
    --expect "power: restarting"

# ---- userland: guest run (owner: userland; keep this block self-contained) ----
# Boots with init=/tests/run-all (userland/tests/run-all): every test program,
# then the BusyBox shell test, then `USERTESTS DONE` and poweroff -f. Each
# guest PASS/FAIL line is counted as `PASS guest: ...`.
usertests_guest() {
    local log=$OUT/usertests.log
    rm -f "$log"
    python3 tools/qemu_test.py --name usertests --mem 128M --timeout 120 --tail 40 \
        --cmdline "console=ttyS0 init=/tests/run-all" --expect-exit 0 \
        --expect "^USERTESTS DONE" --reject "KERNEL PANIC"
    [ -f "$log" ] && tr -d '\r' < "$log" |
        sed -nE 's/^(PASS|FAIL) ((t_[a-z0-9_]+|shell_test|run-all): .*)$/\1 guest: \2/p'
}
if [ -z "${ONLY:-}" ] || [[ usertests =~ $ONLY ]]; then
    echo "== userland tests in the guest"
    usertests_guest 2>&1 | record
fi
# ---- end userland: guest run ----

# More suites, one file each (sourced: they may use q, record and fail).
for suite in tools/tests.d/*.sh; do
    [ -f "$suite" ] || continue
    echo "== $(basename "$suite" .sh)"
    # shellcheck disable=SC1090
    . "$suite"
done

passed=$(grep -c '^PASS' "$RESULTS")
failed=$(grep -c '^FAIL' "$RESULTS")
echo
if [ "$failed" -gt 0 ]; then
    echo "Failures:"
    grep '^FAIL' "$RESULTS"
    echo
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
