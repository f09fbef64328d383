#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Function lengths of the kernel's C code (`make test` reports them).

A function is a definition whose opening brace sits alone in column 0 (the
layout clang-format gives Kiln's code); its length is the number of lines
from its signature's first line to the closing brace. Prints the longest
ones and every function over the budget. Exit status 1 when a function is
over the budget, unless --report-only.

Usage: tools/func-lengths.py [--budget N] [--top N] [--report-only]
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_DIRS = ["arch", "kernel", "drivers", "fs", "net"]
NAME = re.compile(r"(\w+)\s*\($")
ATTR = re.compile(r"__attribute__\(\(.*?\)\)\s*")
SYSCALL = re.compile(r"SYSCALL_DEFINE[0-6]\((\w+)")


def functions(path):
    with open(path) as f:
        lines = f.read().split("\n")
    out = []
    for i, line in enumerate(lines):
        if line != "{":
            continue
        # The signature: back to the first line of the declaration.
        start = i - 1
        while start > 0 and lines[start - 1].strip() and not lines[start - 1].startswith(
                ("}", "#", "/*", " *", "//")) and not lines[start - 1].endswith((";", "*/")):
            start -= 1
        sig = ATTR.sub("", " ".join(lines[start:i]))
        if "(" not in sig:
            continue  # a struct, enum or array initializer
        define = SYSCALL.match(sig.strip())
        if define:
            name = "sys_" + define.group(1)
        else:
            m = NAME.search(sig.split("(")[0] + "(")
            if not m:
                continue
            name = m.group(1)
        end = i + 1
        while end < len(lines) and lines[end] != "}":
            end += 1
        out.append((end - start + 1, name, os.path.relpath(path, ROOT), start + 1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=int, default=80)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--report-only", action="store_true")
    args = ap.parse_args()
    found = []
    for top in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if f.endswith(".c"):
                    found += functions(os.path.join(dirpath, f))
    found.sort(reverse=True)
    over = [f for f in found if f[0] > args.budget]
    print(f"func-lengths: {len(found)} functions, budget {args.budget} lines, "
          f"{len(over)} over")
    for n, name, path, line in found[:max(args.top, len(over))]:
        mark = "OVER" if n > args.budget else "    "
        print(f"  {mark} {n:4d}  {name}  {path}:{line}")
    if over and not args.report_only:
        sys.exit(1)


if __name__ == "__main__":
    main()
