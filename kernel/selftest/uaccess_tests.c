// SPDX-License-Identifier: MIT
/* The user-copy helpers refuse kernel and non-canonical addresses by range
 * check, and turn a fault on an unmapped user address into -EFAULT through
 * the exception-fixup table (this kernel thread has no address space, so
 * every user address is unmapped). */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/selftest.h>

SELFTEST(uaccess_bad_addresses)
{
    char buf[16] = "abcdefghijklmno";
    static const u64 bad[] = {
        0, /* NULL: unmapped */
        0x1000, /* unmapped */
        0xffffffff80000000ull, /* kernel */
        0xffff800000000000ull, /* direct map */
        0x0000800000000000ull, /* non-canonical */
        0x8000000000000000ull, /* non-canonical */
        USER_SPACE_TOP - 8, /* runs past the top of user space */
        0xfffffffffffffff8ull, /* wraps around */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uptr_t p = uptr(bad[i]);
        ST_CHECK(copy_from_user(buf, p, 16) == -EFAULT, "copy_from_user(%#llx)",
                 (unsigned long long)bad[i]);
        ST_CHECK(copy_to_user(p, buf, 16) == -EFAULT, "copy_to_user(%#llx)",
                 (unsigned long long)bad[i]);
        ST_CHECK(clear_user(p, 16) == -EFAULT, "clear_user(%#llx)", (unsigned long long)bad[i]);
        ST_CHECK(strncpy_from_user(buf, p, sizeof(buf)) == -EFAULT, "strncpy_from_user(%#llx)",
                 (unsigned long long)bad[i]);
    }
    ST_CHECK(copy_from_user(buf, uptr(0), 0) == 0, "zero-length copy failed");
    ST_CHECK(buf[0] == 'a', "buffer changed by a failed copy");
    ST_CHECK(!user_range_ok(uptr(USER_SPACE_TOP - 4), 8), "range past the top accepted");
    ST_CHECK(user_range_ok(uptr(USER_SPACE_TOP - 8), 8), "range up to the top refused");
    ST_CHECK(!user_range_ok(uptr(1), ~0ull), "wrapping range accepted");
    return 0;
}
