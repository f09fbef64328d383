// SPDX-License-Identifier: MIT
/* timespec/timeval <-> nanoseconds (see include/kernel/timespec.h). */
#include <abi/errno.h>
#include <kernel/time.h>
#include <kernel/timespec.h>

u64 time_add_sat(u64 a, u64 b)
{
    if (a >= TIME_NS_MAX || b >= TIME_NS_MAX - a) {
        return TIME_NS_MAX;
    }
    return a + b;
}

/* sec seconds plus frac_ns, saturating. */
static u64 seconds_to_ns(u64 sec, u64 frac_ns)
{
    if (sec >= TIME_NS_MAX / NSEC_PER_SEC) {
        return TIME_NS_MAX;
    }
    return time_add_sat(sec * NSEC_PER_SEC, frac_ns);
}

int timespec_to_ns(const struct linux_timespec *ts, u64 *ns)
{
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (s64)NSEC_PER_SEC) {
        return -EINVAL;
    }
    *ns = seconds_to_ns((u64)ts->tv_sec, (u64)ts->tv_nsec);
    return 0;
}

int timespec_get_user(uptr_t uts, u64 *ns)
{
    struct linux_timespec ts;

    if (copy_from_user(&ts, uts, sizeof(ts)) < 0) {
        return -EFAULT;
    }
    return timespec_to_ns(&ts, ns);
}

struct linux_timespec ns_to_timespec(u64 ns)
{
    return (struct linux_timespec){(s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC)};
}

int timespec_put_user(uptr_t uts, u64 ns)
{
    struct linux_timespec ts = ns_to_timespec(ns);

    return copy_to_user(uts, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

int timeval_to_ns(const struct linux_timeval *tv, u64 *ns)
{
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
        return -EINVAL;
    }
    *ns = seconds_to_ns((u64)tv->tv_sec, (u64)tv->tv_usec * NSEC_PER_USEC);
    return 0;
}

struct linux_timeval ns_to_timeval(u64 ns)
{
    return (struct linux_timeval){(s64)(ns / NSEC_PER_SEC),
                                  (s64)(ns % NSEC_PER_SEC / NSEC_PER_USEC)};
}
