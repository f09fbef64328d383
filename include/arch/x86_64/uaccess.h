/* SPDX-License-Identifier: MIT */
/* Access to user memory (arch/x86_64/uaccess.S, uaccess.c).
 *
 * A user address is a uptr_t, never a C pointer: nothing but these helpers
 * reads or writes through it. Each helper checks the whole range against
 * USER_SPACE_TOP with overflow-safe arithmetic, opens SMAP (stac/clac) only
 * around the copy, and a fault inside the copy returns -EFAULT through the
 * exception-fixup table instead of oopsing. Lengths of 0 always succeed.
 */
#ifndef ARCH_X86_64_UACCESS_H
#define ARCH_X86_64_UACCESS_H

#include <arch/x86_64/memlayout.h>
#include <kernel/types.h>

typedef struct {
    u64 addr;
} uptr_t;

static inline uptr_t uptr(u64 addr)
{
    return (uptr_t){addr};
}

static inline uptr_t uptr_add(uptr_t p, u64 off)
{
    return (uptr_t){p.addr + off};
}

static inline bool uptr_is_null(uptr_t p)
{
    return p.addr == 0;
}

/* True if [p, p+n) lies below USER_SPACE_TOP (no wraparound). */
static inline bool user_range_ok(uptr_t p, u64 n)
{
    return p.addr <= USER_SPACE_TOP && n <= USER_SPACE_TOP - p.addr;
}

/* 0 on success, -EFAULT if any byte is outside user space or unmapped. */
int copy_from_user(void *dst, uptr_t src, size_t n);
int copy_to_user(uptr_t dst, const void *src, size_t n);
int clear_user(uptr_t dst, size_t n);
/* Copy as much as possible from the start of the range; return the bytes
 * copied (short at the first unmapped or out-of-range byte), as Linux's
 * read and write do for a buffer that runs off a mapping. */
size_t copy_from_user_partial(void *dst, uptr_t src, size_t n);
size_t copy_to_user_partial(uptr_t dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 characters plus NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG if no NUL within max-1. */
long strncpy_from_user(char *dst, uptr_t src, size_t max);

/* Typed helpers for one value. */
#define get_user(dst_ptr, src_uptr) copy_from_user((dst_ptr), (src_uptr), sizeof(*(dst_ptr)))
#define put_user(src_ptr, dst_uptr) copy_to_user((dst_uptr), (src_ptr), sizeof(*(src_ptr)))

#endif
