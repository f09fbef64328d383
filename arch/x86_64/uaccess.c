/* Range checks in front of the copy routines of uaccess.S. */
#include <arch/x86_64/uaccess.h>
#include <kernel/errno.h>

/* Set by cpu_init when SMAP is enabled: stac/clac are only valid then. */
bool uaccess_smap;

long uaccess_copy(void *dst, const void *src, size_t n);
long uaccess_clear(void *dst, size_t n);
long uaccess_strncpy(char *dst, const char *src, size_t max);

int copy_from_user(void *dst, uptr_t src, size_t n)
{
    if (n == 0) {
        return 0;
    }
    if (!user_range_ok(src, n)) {
        return -EFAULT;
    }
    return (int)uaccess_copy(dst, (const void *)src.addr, n);
}

int copy_to_user(uptr_t dst, const void *src, size_t n)
{
    if (n == 0) {
        return 0;
    }
    if (!user_range_ok(dst, n)) {
        return -EFAULT;
    }
    return (int)uaccess_copy((void *)dst.addr, src, n);
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
