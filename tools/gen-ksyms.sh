#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes the assembly for the kernel symbol table (.ksyms) from a linked
# kernel: text symbols sorted by address. With no argument, an empty table
# for the first link.
set -euo pipefail
echo '.section .ksyms, "a"'
echo '.balign 8'
echo '.global ksym_count, ksym_addrs, ksym_name_offsets, ksym_names'
if [ $# -eq 0 ]; then
    echo 'ksym_count: .quad 0'
    echo 'ksym_addrs:'
    echo 'ksym_name_offsets:'
    echo 'ksym_names: .byte 0'
    exit 0
fi
nm -n --defined-only "$1" | awk 'BEGIN { n = 0 }
    NF == 3 && $2 ~ /^[tTwW]$/ && $3 !~ /^(\.|_text_|_rodata_|_data_)/ { addr[n] = $1; name[n] = $3; n++ }
    END {
        printf "ksym_count: .quad %d\n", n
        print "ksym_addrs:"
        for (i = 0; i < n; i++) printf "    .quad 0x%s\n", addr[i]
        print "ksym_name_offsets:"
        off = 0
        for (i = 0; i < n; i++) { printf "    .long %d\n", off; off += length(name[i]) + 1 }
        print "ksym_names:"
        for (i = 0; i < n; i++) printf "    .asciz \"%s\"\n", name[i]
    }'
