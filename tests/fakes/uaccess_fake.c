// SPDX-License-Identifier: MIT
/* Host fake of the uaccess helpers: user addresses are host addresses.
 * Addresses below 64 KiB and a fault window fault with -EFAULT, as an
 * unmapped user page would. The window is the page at FAKE_BAD_UADDR
 * (0xdead0000) unless a test moves it with uaccess_fake_set_fault(). */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <string.h>

#include "fakes/vfs_fakes.h"

#define FAKE_NULL_GUARD 0x10000

static u64 fault_lo = FAKE_BAD_UADDR, fault_hi = FAKE_BAD_UADDR + 4096;

void uaccess_fake_set_fault(u64 lo, u64 hi)
{
    fault_lo = lo;
    fault_hi = hi;
}

static bool byte_faults(u64 a)
{
    return a < FAKE_NULL_GUARD || a >= USER_SPACE_TOP || (a >= fault_lo && a < fault_hi);
}

static bool range_faults(u64 a, size_t n)
{
    if (n == 0) {
        return false;
    }
    if (!user_range_ok(uptr(a), n)) {
        return true;
    }
    return byte_faults(a) || byte_faults(a + n - 1) || (a < fault_hi && a + n > fault_lo);
}

int copy_from_user(void *dst, uptr_t src, size_t n)
{
    if (range_faults(src.addr, n)) {
        return -EFAULT;
    }
    memcpy(dst, (const void *)src.addr, n);
    return 0;
}

int copy_to_user(uptr_t dst, const void *src, size_t n)
{
    if (range_faults(dst.addr, n)) {
        return -EFAULT;
    }
    memcpy((void *)dst.addr, src, n);
    return 0;
}

/* The bytes before the first faulting one. */
static size_t ok_prefix(u64 a, size_t n)
{
    size_t i = 0;
    while (i < n && !byte_faults(a + i)) {
        i++;
    }
    return i;
}

size_t copy_from_user_partial(void *dst, uptr_t src, size_t n)
{
    size_t ok = ok_prefix(src.addr, n);
    memcpy(dst, (const void *)src.addr, ok);
    return ok;
}

size_t copy_to_user_partial(uptr_t dst, const void *src, size_t n)
{
    size_t ok = ok_prefix(dst.addr, n);
    memcpy((void *)dst.addr, src, ok);
    return ok;
}

int clear_user(uptr_t dst, size_t n)
{
    if (range_faults(dst.addr, n)) {
        return -EFAULT;
    }
    memset((void *)dst.addr, 0, n);
    return 0;
}

long strncpy_from_user(char *dst, uptr_t src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (byte_faults(src.addr + i)) {
            return -EFAULT;
        }
        dst[i] = ((const char *)src.addr)[i];
        if (dst[i] == '\0') {
            return (long)i;
        }
    }
    return -ENAMETOOLONG;
}
