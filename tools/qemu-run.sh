#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Boots a Kiln ISO interactively with the serial console on this terminal.
# Environment: MEM (default 128M), QEMU_ARGS, GDB=1 (wait for gdb on :1234),
# DISK=<raw image> (attached as virtio-blk: /dev/vda). The guest gets one
# virtio-net NIC (eth0) on QEMU user networking with restrict=on: it reaches
# only QEMU's gateway, never an outside address.
# Leave QEMU with Ctrl-A X.
set -euo pipefail
iso=$1
args=(-cdrom "$iso" -boot d -m "${MEM:-128M}" -cpu max -nographic -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04
      -nic none -netdev user,id=net0,restrict=on -device virtio-net-pci,netdev=net0)
if [ -n "${DISK:-}" ]; then
    args+=(-drive "if=none,id=disk0,file=$DISK,format=raw" -device virtio-blk-pci,drive=disk0)
fi
if [ "${GDB:-0}" = 1 ]; then
    echo "qemu: waiting for gdb on :1234 (run 'make gdb' in another terminal)"
    args+=(-s -S)
fi
# shellcheck disable=SC2086
exec qemu-system-x86_64 "${args[@]}" ${QEMU_ARGS:-}
