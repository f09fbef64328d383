#!/usr/bin/env bash
# Boots a Kiln ISO interactively with the serial console on this terminal.
# Environment: MEM (default 128M), QEMU_ARGS, GDB=1 (wait for gdb on :1234).
# Leave QEMU with Ctrl-A X.
set -euo pipefail
iso=$1
args=(-cdrom "$iso" -boot d -m "${MEM:-128M}" -cpu max -nographic -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ "${GDB:-0}" = 1 ]; then
    echo "qemu: waiting for gdb on :1234 (run 'make gdb' in another terminal)"
    args+=(-s -S)
fi
# shellcheck disable=SC2086
exec qemu-system-x86_64 "${args[@]}" ${QEMU_ARGS:-}
