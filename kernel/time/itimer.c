// SPDX-License-Identifier: MIT
/* Interval timers: setitimer, getitimer, alarm (see include/kernel/itimer.h).
 * The expiry functions run in the timer interrupt: they only send the
 * signal and re-arm. Values are kept in nanoseconds; user space sees
 * microseconds. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/compiler.h>
#include <kernel/itimer.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timespec.h>

#define TICK_NS (NSEC_PER_SEC / SCHED_HZ)

static struct process *real_owner(struct ktimer *t)
{
    return container_of(t, struct process, itimers.real);
}

static struct process *cpu_owner(struct ktimer *t)
{
    return container_of(t, struct process, itimers.cpu_poll);
}

static void send_timer_signal(struct process *p, int sig)
{
    struct sig_info info = {SI_KERNEL, 0, 0, 0, 0};
    signal_send(p, sig, &info);
}

static void real_expired(struct ktimer *t)
{
    struct process *p = real_owner(t);
    struct itimers *it = &p->itimers;
    send_timer_signal(p, SIGALRM);
    if (it->real_interval_ns) {
        /* The next period after the one that just ended, skipping those
         * already past (overruns are not counted). */
        u64 next = t->deadline_ns + it->real_interval_ns;
        u64 now = clock_monotonic_ns();
        if (next <= now) {
            next += ((now - next) / it->real_interval_ns + 1) * it->real_interval_ns;
        }
        ktimer_arm(t, next);
    }
}

/* Advances a CPU-time timer that expired at cpu time now; returns the new
 * expiry (0: disarmed). */
static u64 cpu_next(u64 expires, u64 interval, u64 now)
{
    if (!interval) {
        return 0;
    }
    u64 next = expires + interval;
    if (next <= now) {
        next += ((now - next) / interval + 1) * interval;
    }
    return next;
}

static void cpu_poll(struct ktimer *t)
{
    struct process *p = cpu_owner(t);
    struct itimers *it = &p->itimers;
    u64 user = p->utime_ns, prof = p->utime_ns + p->stime_ns;
    if (it->virt_expires_ns && user >= it->virt_expires_ns) {
        send_timer_signal(p, SIGVTALRM);
        it->virt_expires_ns = cpu_next(it->virt_expires_ns, it->virt_interval_ns, user);
    }
    if (it->prof_expires_ns && prof >= it->prof_expires_ns) {
        send_timer_signal(p, SIGPROF);
        it->prof_expires_ns = cpu_next(it->prof_expires_ns, it->prof_interval_ns, prof);
    }
    if (it->virt_expires_ns || it->prof_expires_ns) {
        ktimer_arm(t, clock_monotonic_ns() + TICK_NS);
    }
}

void itimer_init(struct process *p)
{
    struct itimers *it = &p->itimers;
    ktimer_init(&it->real, real_expired);
    ktimer_init(&it->cpu_poll, cpu_poll);
    it->real_interval_ns = 0;
    it->virt_expires_ns = it->virt_interval_ns = 0;
    it->prof_expires_ns = it->prof_interval_ns = 0;
}

void itimer_exit(struct process *p)
{
    ktimer_cancel(&p->itimers.real);
    ktimer_cancel(&p->itimers.cpu_poll);
}

/* The current value of timer which. Interrupts must be off: the tick
 * updates the CPU-time timers and ktimers fire from the interrupt. */
static void get_irqs_off(struct process *p, int which, struct linux_itimerval *out)
{
    if (irq_enabled()) {
        panic("itimer: %s with interrupts on", __func__);
    }
    struct itimers *it = &p->itimers;
    u64 left = 0, interval = 0;
    if (which == ITIMER_REAL) {
        interval = it->real_interval_ns;
        if (it->real.armed) {
            u64 now = clock_monotonic_ns();
            left = it->real.deadline_ns > now ? it->real.deadline_ns - now : 0;
            /* A running timer never reads 0 (Linux shows 1 us). */
            left = left < 1000 ? 1000 : left;
        }
    } else {
        u64 expires = which == ITIMER_VIRTUAL ? it->virt_expires_ns : it->prof_expires_ns;
        u64 now = which == ITIMER_VIRTUAL ? p->utime_ns : p->utime_ns + p->stime_ns;
        interval = which == ITIMER_VIRTUAL ? it->virt_interval_ns : it->prof_interval_ns;
        if (expires) {
            left = expires > now ? expires - now : TICK_NS;
        }
    }
    out->it_value = ns_to_timeval(left);
    out->it_interval = ns_to_timeval(interval);
}

static long do_setitimer(int which, const struct linux_itimerval *n, struct linux_itimerval *old)
{
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF) {
        return -EINVAL;
    }
    u64 value = 0, interval = 0;
    if (n && (timeval_to_ns(&n->it_value, &value) < 0 ||
              timeval_to_ns(&n->it_interval, &interval) < 0)) {
        return -EINVAL;
    }
    struct process *p = current_process();
    struct itimers *it = &p->itimers;
    u64 flags = irq_save();
    if (old) {
        get_irqs_off(p, which, old);
    }
    if (n) {
        if (!value) {
            interval = 0;
        }
        if (which == ITIMER_REAL) {
            ktimer_cancel(&it->real);
            it->real_interval_ns = interval;
            if (value) {
                ktimer_arm(&it->real, time_add_sat(clock_monotonic_ns(), value));
            }
        } else {
            /* CPU time is counted in whole ticks: a timer shorter than one
             * still waits for the next tick of CPU time. */
            if (which == ITIMER_VIRTUAL) {
                it->virt_expires_ns = value ? time_add_sat(p->utime_ns, value) : 0;
                it->virt_interval_ns = interval;
            } else {
                it->prof_expires_ns = value ? time_add_sat(p->utime_ns + p->stime_ns, value) : 0;
                it->prof_interval_ns = interval;
            }
            if (it->virt_expires_ns || it->prof_expires_ns) {
                if (!it->cpu_poll.armed) {
                    ktimer_arm(&it->cpu_poll, clock_monotonic_ns() + TICK_NS);
                }
            } else {
                ktimer_cancel(&it->cpu_poll);
            }
        }
    }
    irq_restore(flags);
    return 0;
}

SYSCALL_DEFINE3(setitimer, int, which, uptr_t, unew, uptr_t, uold)
{
    struct linux_itimerval n, old;
    bool have_new = !uptr_is_null(unew);
    if (have_new && copy_from_user(&n, unew, sizeof(n)) < 0) {
        return -EFAULT;
    }
    if (!have_new) {
        /* Linux takes a NULL new value as all zeros (disarm). */
        n = (struct linux_itimerval){{0, 0}, {0, 0}};
    }
    long r = do_setitimer(which, &n, &old);
    if (r < 0) {
        return r;
    }
    if (!uptr_is_null(uold) && copy_to_user(uold, &old, sizeof(old)) < 0) {
        return -EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE2(getitimer, int, which, uptr_t, ucur)
{
    struct linux_itimerval cur;
    long r = do_setitimer(which, NULL, &cur);
    if (r < 0) {
        return r;
    }
    return copy_to_user(ucur, &cur, sizeof(cur));
}

SYSCALL_DEFINE1(alarm, u32, seconds)
{
    struct linux_itimerval n = {{0, 0}, {(s64)seconds, 0}}, old;
    do_setitimer(ITIMER_REAL, &n, &old);
    /* Whole seconds left, rounded to nearest, but never 0 while pending. */
    u64 secs = (u64)old.it_value.tv_sec;
    if ((!secs && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000) {
        secs++;
    }
    return (long)secs;
}
