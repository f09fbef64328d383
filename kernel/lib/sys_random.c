// SPDX-License-Identifier: MIT
/* getrandom(2): the kernel CSPRNG is seeded at boot, so every flag
 * combination returns data at once. */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/random.h>
#include <kernel/syscall.h>

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM 0x2
#define GRND_INSECURE 0x4
#define GETRANDOM_CHUNK 256

SYSCALL_DEFINE3(getrandom, uptr_t, buf, u64, len, u32, flags)
{
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) {
        return -EINVAL;
    }
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM)) {
        return -EINVAL;
    }
    if (len > 0x7ffff000) {
        len = 0x7ffff000; /* Linux's cap on one read */
    }
    u8 chunk[GETRANDOM_CHUNK];
    u64 done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        get_random_bytes(chunk, n);
        size_t copied = copy_to_user_partial(uptr_add(buf, done), chunk, n);
        done += copied;
        if (copied < n) {
            return done ? (long)done : -EFAULT;
        }
    }
    return (long)done;
}
