/* SPDX-License-Identifier: MIT */
/* Interval timers (kernel/time/itimer.c): setitimer, getitimer, alarm.
 * ITIMER_REAL is a ktimer on the monotonic clock; ITIMER_VIRTUAL and
 * ITIMER_PROF compare the process's CPU time at every tick (a ktimer that
 * re-arms itself one tick ahead while either is set). Expiry runs in the
 * timer interrupt and only sends the signal. */
#ifndef KERNEL_ITIMER_H
#define KERNEL_ITIMER_H

#include <kernel/ktimer.h>
#include <kernel/types.h>

struct process;

struct itimers {
    struct ktimer real;
    u64 real_interval_ns;
    struct ktimer cpu_poll;
    u64 virt_expires_ns, virt_interval_ns; /* on utime_ns; 0: disarmed */
    u64 prof_expires_ns, prof_interval_ns; /* on utime_ns + stime_ns */
};

/* A fresh process (fork's child): all timers disarmed. */
void itimer_init(struct process *p);
/* Exit: cancels every timer (they refer to p). */
void itimer_exit(struct process *p);

#endif
