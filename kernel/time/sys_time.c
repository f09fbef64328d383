// SPDX-License-Identifier: MIT
/* Clock and sleep system calls. */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timespec.h>

static int clock_read(int id, u64 *ns)
{
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE: {
        u64 sec;
        u32 nsec;
        clock_realtime(&sec, &nsec);
        *ns = sec * NSEC_PER_SEC + nsec;
        return 0;
    }
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = clock_monotonic_ns();
        return 0;
    default:
        return -EINVAL;
    }
}

SYSCALL_DEFINE2(clock_gettime, int, id, uptr_t, tp)
{
    u64 ns;
    int r = clock_read(id, &ns);
    if (r < 0) {
        return r;
    }
    return timespec_put_user(tp, ns);
}

SYSCALL_DEFINE2(clock_getres, int, id, uptr_t, res)
{
    u64 ns;
    int r = clock_read(id, &ns);
    if (r < 0) {
        return r;
    }
    if (uptr_is_null(res)) {
        return 0;
    }
    return timespec_put_user(res, 1);
}

SYSCALL_DEFINE2(gettimeofday, uptr_t, tv, uptr_t, tz)
{
    u64 sec;
    u32 nsec;
    clock_realtime(&sec, &nsec);
    struct linux_timeval t = {(s64)sec, nsec / 1000};
    if (!uptr_is_null(tv) && copy_to_user(tv, &t, sizeof(t)) < 0) {
        return -EFAULT;
    }
    if (!uptr_is_null(tz) && clear_user(tz, 8) < 0) {
        return -EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE1(time, uptr_t, tloc)
{
    u64 sec;
    u32 nsec;
    clock_realtime(&sec, &nsec);
    s64 t = (s64)sec;
    if (!uptr_is_null(tloc) && put_user(&t, tloc) < 0) {
        return -EFAULT;
    }
    return t;
}

/* Sleeps until the monotonic deadline; returns 0, or 1 when a signal
 * arrives first. */
static int sleep_until(u64 deadline)
{
    for (;;) {
        u64 now = clock_monotonic_ns();
        if (now >= deadline) {
            return 0;
        }
        struct wait_queue wq;
        wait_queue_init(&wq);
        struct wait_entry w = WAIT_ENTRY_INIT;
        prepare_to_wait(&wq, &w);
        if (signal_pending()) {
            finish_wait(&wq, &w);
            return 1;
        }
        schedule_timeout(deadline - now);
        finish_wait(&wq, &w);
    }
}

static void write_remaining(uptr_t rem, u64 deadline)
{
    if (uptr_is_null(rem)) {
        return;
    }
    u64 now = clock_monotonic_ns();
    u64 left = deadline > now ? deadline - now : 0;
    timespec_put_user(rem, left);
}

/* A relative sleep to deadline. Interrupted, it writes the time left and
 * returns -ERESTART_RESTARTBLOCK: EINTR if a handler runs (whatever its
 * SA_RESTART), else restart_syscall goes on to the same deadline (after
 * a stop, say). */
static long relative_sleep(struct restart_block *rb);

static long sleep_restartable(u64 deadline, uptr_t rem)
{
    if (sleep_until(deadline) == 0) {
        return 0;
    }
    write_remaining(rem, deadline);
    struct restart_block *rb = &current_process()->restart;
    rb->fn = relative_sleep;
    rb->deadline_ns = deadline;
    rb->rem = rem.addr;
    return -ERESTART_RESTARTBLOCK;
}

static long relative_sleep(struct restart_block *rb)
{
    return sleep_restartable(rb->deadline_ns, uptr(rb->rem));
}

SYSCALL_DEFINE2(nanosleep, uptr_t, req, uptr_t, rem)
{
    u64 ns;
    int r = timespec_get_user(req, &ns);
    if (r < 0) {
        return r;
    }
    return sleep_restartable(time_add_sat(clock_monotonic_ns(), ns), rem);
}

SYSCALL_DEFINE4(clock_nanosleep, int, id, int, flags, uptr_t, req, uptr_t, rem)
{
    u64 now;
    int r = clock_read(id, &now);
    if (r < 0 || id == CLOCK_THREAD_CPUTIME_ID) {
        return -EINVAL;
    }
    u64 ns;
    r = timespec_get_user(req, &ns);
    if (r < 0) {
        return r;
    }
    u64 mono = clock_monotonic_ns();
    if (flags & TIMER_ABSTIME) {
        /* Convert the absolute time on clock id to a monotonic deadline;
         * a restart simply runs the call again with the same arguments. */
        return sleep_until(ns > now ? time_add_sat(mono, ns - now) : mono) ? -ERESTARTNOHAND : 0;
    }
    return sleep_restartable(time_add_sat(mono, ns), rem);
}
