// SPDX-License-Identifier: MIT
/* Range checks in front of the copy routines of uaccess.S. */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>

/* Set by cpu_init when SMAP is enabled: stac/clac are only valid then. */
bool uaccess_smap;

#include "uaccess_internal.h"

int copy_from_user(void *dst, uptr_t src, size_t n)
{
    if (n == 0) {
        return 0;
    }
    if (!user_range_ok(src, n)) {
        return -EFAULT;
    }
    return uaccess_copy(dst, (const void *)src.addr, n) ? -EFAULT : 0;
}

int copy_to_user(uptr_t dst, const void *src, size_t n)
{
    if (n == 0) {
        return 0;
    }
    if (!user_range_ok(dst, n)) {
        return -EFAULT;
    }
    return uaccess_copy((void *)dst.addr, src, n) ? -EFAULT : 0;
}

/* The part of the range below the top of user space (0 if none). */
static size_t user_prefix(uptr_t p, size_t n)
{
    if (p.addr >= USER_SPACE_TOP) {
        return 0;
    }
    return n < USER_SPACE_TOP - p.addr ? n : USER_SPACE_TOP - p.addr;
}

size_t copy_from_user_partial(void *dst, uptr_t src, size_t n)
{
    size_t ok = user_prefix(src, n);
    return ok - uaccess_copy(dst, (const void *)src.addr, ok);
}

size_t copy_to_user_partial(uptr_t dst, const void *src, size_t n)
{
    size_t ok = user_prefix(dst, n);
    return ok - uaccess_copy((void *)dst.addr, src, ok);
}

int clear_user(uptr_t dst, size_t n)
{
    if (n == 0) {
        return 0;
    }
    if (!user_range_ok(dst, n)) {
        return -EFAULT;
    }
    return (int)uaccess_clear((void *)dst.addr, n);
}

long strncpy_from_user(char *dst, uptr_t src, size_t max)
{
    if (max == 0) {
        return -ENAMETOOLONG;
    }
    /* Copy no further than the end of user space. */
    if (src.addr >= USER_SPACE_TOP) {
        return -EFAULT;
    }
    size_t limit = max;
    if (limit > USER_SPACE_TOP - src.addr) {
        limit = USER_SPACE_TOP - src.addr;
    }
    long r = uaccess_strncpy(dst, (const char *)src.addr, limit);
    if (r < 0) {
        return r;
    }
    if ((size_t)r == limit) {
        /* No NUL: either too long, or the string ran into the top of user space. */
        return limit == max ? -ENAMETOOLONG : -EFAULT;
    }
    return r;
}
