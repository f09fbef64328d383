# SPDX-License-Identifier: MIT
# procfs (sourced by tools/run-tests.sh: uses q, record, fail, OUT, ONLY).
#
# procfs-metrics: boots, reads /proc/metrics twice on the serial console
# (the second time with `dd bs=7`, so every read returns 7 bytes of one
# snapshot), checks both scrapes with `promtool check metrics` (Debian's
# prometheus package) and that the counters went up in between.
# procfs-busybox: BusyBox applets that read /proc print what they print on
# Linux for the same state (the patterns are the host's output shapes).

procfs_wanted() {
    [ -z "${ONLY:-}" ] || [[ "$1" =~ $ONLY ]]
}

# The lines between the console lines BEGIN and END of a log, without
# carriage returns and kernel log lines.
procfs_between() {
    tr -d '\r' < "$1" | sed -n "/^$2\$/,/^$3\$/p" | sed '1d;$d' |
        grep -Ev '^\[ *[0-9]+\.[0-9]+\] '
}

# The value of an unlabelled sample.
procfs_value() {
    awk -v n="$2" '$1 == n { print $2 }' "$1"
}

procfs_metrics() {
    local log=$OUT/procfs-metrics.log a=$OUT/procfs-metrics-1.txt b=$OUT/procfs-metrics-2.txt
    rm -f "$log"
    q --name procfs-metrics --cmdline "console=ttyS0 init=/bin/sh" --expect-exit 0 --timeout 90 \
        --reject "KERNEL PANIC" \
        --send '# =echo M1-$((1+1)); cat /proc/metrics; echo E1-$((1+1)); n=0; while [ $n -lt 10 ]; do /bench/hello > /dev/null; n=$((n+1)); done; echo M2-$((1+1)); dd if=/proc/metrics bs=7 2> /dev/null; echo E2-$((1+1))\r' \
        --until 'E2-2'
    [ -f "$log" ] || return
    procfs_between "$log" M1-2 E1-2 > "$a"
    procfs_between "$log" M2-2 E2-2 > "$b"
    if ! command -v promtool > /dev/null; then
        fail "procfs: promtool not found (tools/deps.sh installs Debian's prometheus)"
        return
    fi
    local f out
    for f in "$a" "$b"; do
        if [ ! -s "$f" ]; then
            fail "procfs: no /proc/metrics text in $log"
            return
        fi
        if out=$(promtool check metrics < "$f" 2>&1) && [ -z "$out" ]; then
            echo "PASS procfs: promtool check metrics accepts $(basename "$f")" | record
        else
            fail "procfs: promtool check metrics $(basename "$f"): $(echo "$out" | head -5 | tr '\n' ';')"
        fi
    done
    # The dd bs=7 read is one whole snapshot: the same series as cat's.
    if diff <(awk '{ print $1 }' "$a") <(awk '{ print $1 }' "$b") > /dev/null; then
        echo "PASS procfs: /proc/metrics read 7 bytes at a time has the same series" | record
    else
        fail "procfs: /proc/metrics read 7 bytes at a time differs from one read"
    fi
    local name bad=""
    for name in kiln_forks_total kiln_execs_total kiln_syscalls_total \
        kiln_context_switches_total kiln_page_faults_total kiln_interrupts_total \
        kiln_kernel_heap_allocations_total kiln_uptime_seconds; do
        local v1 v2
        v1=$(procfs_value "$a" "$name")
        v2=$(procfs_value "$b" "$name")
        if [ -z "$v1" ] || [ -z "$v2" ] || ! awk -v x="$v1" -v y="$v2" 'BEGIN { exit !(y > x) }'; then
            bad="$bad $name($v1 -> $v2)"
        fi
    done
    # Every counter is monotonic.
    for name in $(awk '$1 == "#" && $2 == "TYPE" && $4 == "counter" { print $3 }' "$a"); do
        local v1 v2
        v1=$(procfs_value "$a" "$name")
        v2=$(procfs_value "$b" "$name")
        if ! awk -v x="$v1" -v y="$v2" 'BEGIN { exit !(y >= x) }'; then
            bad="$bad $name($v1 -> $v2)"
        fi
    done
    if [ -z "$bad" ]; then
        echo "PASS procfs: counters increase between two reads of /proc/metrics" | record
    else
        fail "procfs: counters did not increase:$bad"
    fi
}

if procfs_wanted procfs-metrics; then
    procfs_metrics
fi

# Expected shapes are BusyBox's output on Linux for a shell as pid 1
# (init=/bin/sh), with `sleep` in the background as pid 2.
q --name procfs-busybox --cmdline "console=ttyS0 init=/bin/sh" --expect-exit 0 --timeout 90 \
    --reject "KERNEL PANIC" --reject "can't open|not implemented" \
    --reject "/\\+ buffers/cache" \
    --send '# =sleep 1000 & ps; free; uptime; mount; pidof sleep; ls -l --color=never /proc/self/fd/; ls -l /proc/self/fd/ 2> /dev/null | cat; top -b -n 1; sysctl kernel.hostname; pmap -x $$ | tail -1; echo DONE-$((1+1))\r' \
    --until 'DONE-2' \
    --in-order '^PID +USER +TIME +COMMAND$' \
    --in-order '^ +1 root +0:00 /bin/sh$' \
    --in-order '^ +2 root +0:00 sleep 1000$' \
    --in-order '^ +total +used +free +shared +buff/cache +available$' \
    --in-order '^Mem: +[0-9]+ +[0-9]+ +[0-9]+ +0 +0 +[0-9]+$' \
    --in-order '^Swap: +0 +0 +0$' \
    --in-order '^ [0-9:]{8} up 0 min, +0 users, +load average: 0\.00, 0\.00, 0\.00$' \
    --in-order '^proc on /proc type proc \(rw' \
    --in-order '^2$' \
    --in-order '^lrwx------ +1 root +root +64 .* 0 -> /dev/console$' \
    --in-order '^lrwx------ +1 root +root +64 .* 2 -> /dev/console$' \
    --in-order '^ls: /proc/self/fd/3: cannot read link: No such file or directory$' \
    --in-order '^l-wx------ +1 root +root +64 .* 1 -> pipe:\[[0-9]+\]$' \
    --in-order '^Mem: [0-9]+K used, [0-9]+K free, 0K shrd, 0K buff, 0K cached$' \
    --in-order '^CPU: +[0-9.]+% usr +[0-9.]+% sys .* idle ' \
    --in-order '^Load average: 0\.00 0\.00 0\.00 [0-9]+/[0-9]+ [0-9]+$' \
    --in-order '^ +PID +PPID USER +STAT +VSZ %VSZ CPU %CPU COMMAND$' \
    --in-order '^ +1 +0 root +S +[0-9]+ +[0-9.]+ +0 +[0-9.]+ /bin/sh$' \
    --in-order '^kernel\.hostname = kiln$' \
    --in-order '^total\s+[0-9]+\s+[0-9]+\s+[0-9]+\s+0$'
