// SPDX-License-Identifier: MIT
#include <kernel/ksyms.h>
#include <kernel/string.h>

/* Generated into .ksyms: addresses sorted ascending, with offsets of
 * NUL-terminated names in ksym_names. ksym_end_addr bounds the last one. */
extern const u64 ksym_count;
extern const u64 ksym_addrs[];
extern const u32 ksym_name_offsets[];
extern const char ksym_names[];
extern char _text_start[], _text_end[];

const char *ksym_lookup(u64 addr, u64 *offset)
{
    if (ksym_count == 0 || addr < ksym_addrs[0] || addr >= (u64)_text_end) {
        return NULL;
    }
    u64 lo = 0, hi = ksym_count;
    while (hi - lo > 1) {
        u64 mid = lo + (hi - lo) / 2;
        if (ksym_addrs[mid] <= addr) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if (offset) {
        *offset = addr - ksym_addrs[lo];
    }
    return &ksym_names[ksym_name_offsets[lo]];
}

u64 ksym_address(const char *name)
{
    for (u64 i = 0; i < ksym_count; i++) {
        if (strcmp(&ksym_names[ksym_name_offsets[i]], name) == 0) {
            return ksym_addrs[i];
        }
    }
    return 0;
}
