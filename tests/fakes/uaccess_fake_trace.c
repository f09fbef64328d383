/* Host fake of the uaccess helpers for the syscall trace test: user
 * addresses are host addresses. Addresses below 64 KiB fault, and so does
 * the window set with uaccess_fake_trace_fault() (empty by default). */
#include <arch/x86_64/uaccess.h>
#include <kernel/errno.h>
#include <string.h>

#define FAKE_NULL_GUARD 0x10000

static u64 fault_lo, fault_hi;

void uaccess_fake_trace_fault(u64 lo, u64 hi)
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
    for (size_t i = 0; i < n; i++) {
        if (byte_faults(a + i)) {
            return true;
        }
    }
    return false;
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
