#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make test-stress`: the whole suite (`make test`) RUNS times in a row
# (default 5) while every core is kept busy by a CPU hog per core, as on a
# shared CI machine. Races between the guest and QEMU's threads (lost
# notifications, timeouts that assume a fast host) show up this way. Stops
# at the first failing run; the last line is `stress: N of M runs passed`.
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
HOGS=${HOGS:-$(nproc)}
OUT=build/tests-stress
mkdir -p "$OUT"

hogs=()
stop_hogs() {
    [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2> /dev/null
    wait 2> /dev/null
}
trap stop_hogs EXIT
for _ in $(seq "$HOGS"); do
    # A shell busy loop: no dependency, one full core each.
    bash -c 'while :; do :; done' &
    hogs+=($!)
done
echo "stress: $HOGS CPU hogs running (pids ${hogs[*]}), $RUNS runs of make test"

passed=0
for i in $(seq "$RUNS"); do
    start=$(date +%s)
    make --no-print-directory test > "$OUT/run-$i.log" 2>&1
    status=$?
    secs=$(($(date +%s) - start))
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/run-$i.log" | tail -n 1)
    echo "stress: run $i: $summary (${secs} s, log $OUT/run-$i.log)"
    if [ $status -ne 0 ]; then
        grep '^FAIL' "$OUT/run-$i.log" | head -20
        break
    fi
    passed=$((passed + 1))
done
echo "stress: $passed of $RUNS runs passed"
[ "$passed" -eq "$RUNS" ]
