# SPDX-License-Identifier: MIT
# Terminal and job-control tests, typed on the serial console of a normal
# boot (BusyBox init runs the shell on /dev/ttyS0, its controlling tty).
# Sourced by tools/run-tests.sh; uses its q function.
#
# Keys go only once the foreground job has shown it runs: a job prints a
# marker after its shell made it the foreground group, so ^C and ^Z never
# reach the shell instead. Markers are computed ($((...))) so the echo of
# the typed command does not match them.

# ^C ends a foreground sleep; ^Z stops a job, jobs lists it, fg resumes it
# (its ticks come again), ^C ends it.
q --name tty-job-control --timeout 90 --cmdline "console=ttyS0" --expect-exit 0 \
    --reject "KERNEL PANIC" \
    --send "# =sh -c 'echo go-\$((40+2)); exec sleep 100'\\r" \
    --send 'go-42=\x03' \
    --send '\^C=echo int-ok-$((3+4))\r' \
    --send "int-ok-7\\r?\\n=sh -c 'echo go-\$((50+5)); while :; do sleep 1; echo tick-\$((1+1)); done'\\r" \
    --send 'go-55=\x1a' \
    --send 'Stopped=jobs\r' \
    --send '(?s)jobs\r\n\[1\]\+ +Stopped=fg\r' \
    --send '(?s)fg\r\n.*tick-2=\x03' \
    --send '(?s)fg\r\n.*\^C=echo jc-done-$((4+5))\r' \
    --until 'jc-done-9' \
    --expect 'go-42\r?\n\^C' \
    --expect '\[1\]\+ +Stopped +sh -c' \
    --expect '(?s)fg\r?\n.*tick-2.*\^C'

# vi in raw mode: insert text, leave insert mode, write, quit.
q --name tty-vi --timeout 60 --cmdline "console=ttyS0" --expect-exit 0 \
    --reject "KERNEL PANIC" \
    --send '# =vi /tmp/x\r' \
    --send '- /tmp/x=ihello from vi' \
    --send 'hello from vi=\x1b' \
    --send '- /tmp/x \[Modified\]=:wq\r' \
    --send '(?s)\[Modified\].*root@kiln:/# =cat /tmp/x\r' \
    --until 'cat /tmp/x\r?\nhello from vi' \
    --expect 'cat /tmp/x\r?\nhello from vi\r?\n'

# top draws one screen of its process table.
q --name tty-top --timeout 60 --cmdline "console=ttyS0" --expect-exit 0 \
    --reject "KERNEL PANIC" \
    --send '# =top -n 1; echo top-done-$((2*3))\r' \
    --until 'top-done-6' \
    --expect 'PID +PPID +USER +STAT' \
    --expect '^ +1 +0 +root +S .*init' \
    --expect 'top -n 1'

# Changing modes on the serial console waits for queued output to leave
# the UART (stty sets them with TCSADRAIN), and never hangs.
q --name tty-drain --timeout 60 --cmdline "console=ttyS0" --expect-exit 0 \
    --reject "KERNEL PANIC" \
    --send "# =head -c 3000 /dev/zero | tr '\\\\0' x; stty -echo; stty echo; echo drain-done-\$((3*3))\\r" \
    --until 'drain-done-9' \
    --expect 'x{3000}'
