# SPDX-License-Identifier: MIT
"""The SYSCALL_DEFINEn handlers in Kiln's sources, for the tools that check
and document them (check-syscalls.py, gen-syscall-doc.py)."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_DIRS = ["arch", "kernel", "drivers", "fs", "net"]
DEFINE = re.compile(r"^\s*SYSCALL_DEFINE[0-6]\((\w+)[^{;]*\{", re.M | re.S)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def _body(text, start):
    """The text between the brace before start and its match."""
    depth, i = 1, start
    while depth and i < len(text):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start:i - 1]


def handlers():
    """name -> list of (repository-relative path, body without comments)."""
    found = {}
    for top in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if not f.endswith(".c"):
                    continue
                path = os.path.join(dirpath, f)
                with open(path) as src:
                    text = src.read()
                for m in DEFINE.finditer(text):
                    body = COMMENT.sub("", _body(text, m.end()))
                    found.setdefault(m.group(1), []).append((os.path.relpath(path, ROOT), body))
    return found


def does_nothing(body):
    """A body that only returns 0 (after (void) casts): a stub."""
    stmts = [s.strip() for s in body.split(";") if s.strip()]
    return all(re.fullmatch(r"\(void\)\s*\w+|return\s+0", s) for s in stmts)
