#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that every SYSCALL_DEFINEn in the tree is a handler the kernel
really calls (run by the Makefile after linking build/kiln.elf).

The syscall table refers to every sys_<name> weakly, so a number nobody
defines returns -ENOSYS. The price: a handler whose file is not linked (a
folder the Makefile misses), or whose name is misspelled, would silently
leave its syscall at -ENOSYS. This fails the build instead when a
SYSCALL_DEFINEn(name, ...) names no syscall in kernel/syscall/table.c, is
defined twice, or is not a strong symbol in the linked kernel.

Usage: tools/check-syscalls.py KERNEL_ELF
"""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no tools/__pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from syscall_sources import ROOT, handlers  # noqa: E402

ENTRY = re.compile(r'^\s*\[\d+\] = \{"(\w+)"', re.M)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(os.path.join(ROOT, "kernel/syscall/table.c")) as f:
        table = set(ENTRY.findall(f.read()))
    nm = subprocess.run(["nm", sys.argv[1]], capture_output=True, text=True, check=True).stdout
    strong = set()
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt" and parts[2].startswith("sys_"):
            strong.add(parts[2][4:])
    errors = []
    for name, defs in sorted(handlers().items()):
        where = [path for path, _ in defs]
        if name not in table:
            errors.append(f"{where[0]}: SYSCALL_DEFINE of '{name}', which is not in the table")
        elif len(where) > 1:
            errors.append(f"'{name}' is defined in {' and '.join(where)}")
        elif name not in strong:
            errors.append(f"{where[0]}: sys_{name} is not linked into {sys.argv[1]} "
                          "(its syscall would return ENOSYS)")
    for e in errors:
        print(f"check-syscalls: {e}", file=sys.stderr)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
