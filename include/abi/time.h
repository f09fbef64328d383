/* SPDX-License-Identifier: MIT */
/* Linux x86_64 ABI for time: clock ids, timer flags, and the user-visible
 * layouts of timespec, timeval, itimerval and tms.
 *
 * include/abi/ is the one home of every structure and constant user space
 * sees. Constants keep their Linux names; structures are struct linux_NAME
 * with Linux's field names, so they never clash with a host libc in the
 * unit tests. Nothing else in the tree redefines them. */
#ifndef ABI_TIME_H
#define ABI_TIME_H

#include <kernel/types.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

struct linux_timespec {
    s64 tv_sec;
    s64 tv_nsec;
};

struct linux_timeval {
    s64 tv_sec;
    s64 tv_usec;
};

struct linux_itimerval {
    struct linux_timeval it_interval;
    struct linux_timeval it_value;
};

/* times(2): clock ticks (HZ_USER per second). */
struct linux_tms {
    s64 tms_utime;
    s64 tms_stime;
    s64 tms_cutime;
    s64 tms_cstime;
};

_Static_assert(sizeof(struct linux_timespec) == 16, "timespec is 16 bytes");
_Static_assert(sizeof(struct linux_itimerval) == 32, "itimerval is 32 bytes");

#endif
