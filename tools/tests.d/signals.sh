# SPDX-License-Identifier: MIT
# signals (sourced by tools/run-tests.sh: uses q, record, fail, OUT, ONLY).
#
# signals-init-immune: a shell as pid 1 (init=/bin/sh) survives every signal
# a child sends it without a handler of its own (SIGKILL, SIGSTOP, SIGTERM,
# SIGSEGV, SIGHUP, ...: Linux drops them for init), and a stopped background job
# is continued and reaped through the shell's own kill/wait (after a second:
# until the child has reset it, SIGTERM is ignored as in the shell).

q --name signals-init-immune --cmdline "console=ttyS0 init=/bin/sh" --expect-exit 0 --timeout 60 \
    --reject "KERNEL PANIC" \
    --send '# =for s in KILL STOP TERM SEGV HUP USR1 ALRM; do sh -c "kill -$s 1"; done; sleep 100 & p=$!; sleep 1; kill -STOP $p; kill -CONT $p; kill -TERM $p; wait $p; echo SIG-ALIVE-$((1+1)) $?\r' \
    --until 'SIG-ALIVE-2 143'
