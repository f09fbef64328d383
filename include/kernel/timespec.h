/* SPDX-License-Identifier: MIT */
/* Durations between the kernel's nanoseconds and user space's timespec
 * and timeval (kernel/time/timespec.c), with Linux's validity rules, in
 * one place. Portable: the host tests link it. */
#ifndef KERNEL_TIMESPEC_H
#define KERNEL_TIMESPEC_H

#include <abi/time.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/types.h>

/* Longer than any sleep can be: conversions and deadlines saturate here
 * (about 292 years) instead of wrapping into the past. */
#define TIME_NS_MAX 0x7fffffffffffffffull

/* a + b, saturating at TIME_NS_MAX. */
u64 time_add_sat(u64 a, u64 b);

/* -EINVAL unless 0 <= tv_sec and 0 <= tv_nsec < 10^9. */
int timespec_to_ns(const struct linux_timespec *ts, u64 *ns);
/* copy_from_user (-EFAULT) and timespec_to_ns. */
int timespec_get_user(uptr_t uts, u64 *ns);
struct linux_timespec ns_to_timespec(u64 ns);
/* ns_to_timespec and copy_to_user (-EFAULT). */
int timespec_put_user(uptr_t uts, u64 ns);

/* -EINVAL unless 0 <= tv_sec and 0 <= tv_usec < 10^6 (setitimer's rule;
 * select carries whole seconds in tv_usec and checks by itself). */
int timeval_to_ns(const struct linux_timeval *tv, u64 *ns);
struct linux_timeval ns_to_timeval(u64 ns);

#endif
