#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Markdown table of Kiln's system calls and their status, for the README.

    tools/gen-syscall-doc.py [--elf build/kiln.elf] [--implemented-only]
    tools/gen-syscall-doc.py --check-readme README.md [--fail-if-changed]

A syscall is 'implemented' when the kernel ELF defines sys_<name> (nm),
'partial' when it is also listed in syscall_partial[] of
kernel/syscall/partial.c, and 'stub' when listed in syscall_stub[] there (it
accepts the call and does nothing); the others return ENOSYS. A handler whose
body only returns 0 must be listed as a stub: the generator fails otherwise.
The 'defined in' column names the file of each SYSCALL_DEFINEn. Names and
numbers come from kernel/syscall/table.c.

Without --check-readme the table is printed. With it, the text between the
lines <!-- syscalls:begin --> and <!-- syscalls:end --> of that file is
replaced (the file is written only if it changes); --fail-if-changed writes
nothing and exits 1 if the section is out of date.
"""
import argparse
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no tools/__pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from syscall_sources import does_nothing, handlers  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- syscalls:begin -->"
END = "<!-- syscalls:end -->"


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


def read_table(path):
    text = strip_c_comments(open(path).read())
    entries = [(int(nr), name) for nr, name in
               re.findall(r'\[\s*(\d+)\s*\]\s*=\s*\{\s*"(\w+)"', text)]
    if not entries:
        sys.exit(f"{path}: no syscall entries found")
    return sorted(entries)


def read_list(path, var):
    text = strip_c_comments(open(path).read())
    m = re.search(var + r"\[\]\s*=\s*\{(.*?)\};", text, flags=re.S)
    if not m:
        sys.exit(f"{path}: no {var}[] list found")
    return set(re.findall(r'"(\w+)"', m.group(1)))


def defined_symbols(elf):
    if not os.path.exists(elf):
        sys.exit(f"{elf}: not found (build the kernel with `make` first)")
    nm = os.environ.get("NM", "nm")
    out = subprocess.run([nm, "--defined-only", elf], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if len(line.split()) >= 3}


def statuses(table, partial, stubs, symbols, defs):
    names = {name for _, name in table}
    for name in sorted((partial | stubs) - names):
        print(f"warning: partial.c lists unknown syscall {name}", file=sys.stderr)
    rows = []
    for nr, name in table:
        where = defs[name][0][0] if name in defs else ""
        if f"sys_{name}" not in symbols:
            if name in partial | stubs:
                print(f"warning: {name} is listed in partial.c but has no handler", file=sys.stderr)
            status = "ENOSYS"
        elif name in stubs:
            status = "stub"
        elif any(does_nothing(body) for _, body in defs.get(name, [])):
            sys.exit(f"{where}: sys_{name} only returns 0: list it in syscall_stub[] "
                     "(kernel/syscall/partial.c) or make it do its work")
        elif name in partial:
            status = "partial"
        else:
            status = "implemented"
        rows.append((nr, name, status, where))
    return rows


def render(rows, implemented_only):
    done = sum(1 for r in rows if r[2] not in ("ENOSYS", "stub"))
    part = sum(1 for r in rows if r[2] == "partial")
    stub = sum(1 for r in rows if r[2] == "stub")
    lines = [
        f"{done} of {len(rows)} Linux x86_64 system calls are implemented"
        f" ({part} partially), {stub} are stubs; the others return `ENOSYS`.",
        "",
        "| nr | name | status | defined in |",
        "|---:|---|---|---|",
    ]
    for nr, name, status, where in rows:
        if implemented_only and status == "ENOSYS":
            continue
        lines.append(f"| {nr} | `{name}` | {status} | {f'`{where}`' if where else ''} |")
    return "\n".join(lines) + "\n"


def update_readme(path, table_md, fail_if_changed):
    text = open(path).read()
    b, e = text.find(BEGIN), text.find(END)
    if b < 0 or e < 0 or e < b:
        print(f"{path}: needs the lines {BEGIN} and {END}", file=sys.stderr)
        return 2
    start = text.index("\n", b) + 1 if "\n" in text[b:e] else b + len(BEGIN)
    prefix = text[:start] if text[:start].endswith("\n") else text[:start] + "\n"
    new = prefix + table_md + text[e:]
    if new == text:
        print(f"{path}: syscall table up to date")
        return 0
    if fail_if_changed:
        print(f"{path}: syscall table out of date (run tools/gen-syscall-doc.py "
              f"--check-readme {path})", file=sys.stderr)
        return 1
    with open(path, "w") as f:
        f.write(new)
    print(f"{path}: syscall table updated")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--elf", default=os.path.join(ROOT, "build/kiln.elf"))
    ap.add_argument("--table", default=os.path.join(ROOT, "kernel/syscall/table.c"))
    ap.add_argument("--partial", default=os.path.join(ROOT, "kernel/syscall/partial.c"))
    ap.add_argument("--implemented-only", action="store_true",
                    help="list only implemented and partial syscalls")
    ap.add_argument("--check-readme", metavar="FILE",
                    help="replace the marked section of FILE instead of printing")
    ap.add_argument("--fail-if-changed", action="store_true",
                    help="with --check-readme: write nothing, exit 1 if out of date")
    args = ap.parse_args()

    rows = statuses(read_table(args.table), read_list(args.partial, "syscall_partial"),
                    read_list(args.partial, "syscall_stub"), defined_symbols(args.elf),
                    handlers())
    table_md = render(rows, args.implemented_only)
    if args.check_readme:
        return update_readme(args.check_readme, table_md, args.fail_if_changed)
    sys.stdout.write(table_md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
