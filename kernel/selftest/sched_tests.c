// SPDX-License-Identifier: MIT
/* Scheduler and time self-tests. */
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/trap.h>
#include <kernel/ktimer.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/selftest.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/wait.h>


SELFTEST(clock_monotonic)
{
    u64 prev = clock_monotonic_ns();
    for (int i = 0; i < 200000; i++) {
        u64 now = clock_monotonic_ns();
        ST_CHECK(now >= prev, "clock went back from %llu to %llu", (unsigned long long)prev,
                 (unsigned long long)now);
        prev = now;
    }
    u64 sec;
    u32 nsec;
    clock_realtime(&sec, &nsec);
    ST_CHECK(sec > 1577836800ull, "wall clock before 2020: %llu", (unsigned long long)sec);
    ST_CHECK(nsec < 1000000000u, "nanoseconds out of range");
    return 0;
}

/* LAPIC timer counts elapsed between two reads less than one period
 * apart (so it reloaded at most once); 0 when the reads were too far apart
 * (this thread was held up) and the sample must be taken again. */
static u64 lapic_counts_between(u64 tsc_hz, u64 *tsc_delta)
{
    u32 period = (u32)(time_lapic_hz() / SCHED_HZ);
    u64 flags = irq_save();
    u64 tsc0 = rdtsc();
    u32 c0 = lapic_timer_current();
    while (rdtsc() - tsc0 < tsc_hz / 2000) {
    }
    u64 tsc1 = rdtsc();
    u32 c1 = lapic_timer_current();
    irq_restore(flags);
    *tsc_delta = tsc1 - tsc0;
    if (*tsc_delta * SCHED_HZ >= tsc_hz) {
        return 0;
    }
    /* The counter runs down from period and reloads. */
    return c1 <= c0 ? c0 - c1 : (u64)c0 + (period - c1);
}

/* The LAPIC timer and the TSC clock must agree with the calibration. The
 * check compares the two counters' rates over half a millisecond, which
 * holds however busy the host is (under QEMU both follow the host's clock);
 * counting delivered ticks against the clock would not: an emulator whose
 * thread is held up drops ticks. Ticks must still come, and never more of
 * them than the time allows. */
SELFTEST(timer_calibration)
{
    u64 hz = clock_tsc_hz();
    u64 lapic_hz = time_lapic_hz();
    ST_CHECK(hz >= 50000000ull && hz <= 20000000000ull, "implausible TSC rate %llu Hz",
             (unsigned long long)hz);
    ST_CHECK(lapic_hz >= 100000ull, "implausible LAPIC timer rate");

    u64 counts = 0, tsc_delta = 0;
    for (int tries = 0; tries < 100 && counts == 0; tries++) {
        counts = lapic_counts_between(hz, &tsc_delta);
    }
    ST_CHECK(counts != 0, "no undisturbed half millisecond in 100 tries");
    u64 measured = counts * hz / tsc_delta;
    ST_CHECK(measured * 100 >= lapic_hz * 97 && measured * 100 <= lapic_hz * 103,
             "LAPIC timer runs at %llu Hz by the TSC, calibrated %llu Hz",
             (unsigned long long)measured, (unsigned long long)lapic_hz);

    u64 t0 = clock_monotonic_ns();
    u64 k0 = time_ticks();
    sleep_ns(200 * NSEC_PER_MSEC);
    u64 t1 = clock_monotonic_ns();
    u64 got = time_ticks() - k0;
    u64 most = (t1 - t0) * SCHED_HZ / NSEC_PER_SEC + 3;
    ST_CHECK(got >= 1 && got <= most + most / 4, "%llu ticks in %llu ms, at most about %llu",
             (unsigned long long)got, (unsigned long long)((t1 - t0) / NSEC_PER_MSEC),
             (unsigned long long)most);
    return 0;
}

/* A sleep never ends early. How late it ends depends on the host (an
 * emulator thread held up by other work), so that is printed, not checked;
 * a sleep that never ends fails by the test's timeout. */
SELFTEST(sleep_accuracy)
{
    static const u32 ms[] = {1, 10, 25, 50};
    u64 late_us[4];
    for (unsigned i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
        u64 want = ms[i] * NSEC_PER_MSEC;
        u64 t0 = clock_monotonic_ns();
        sleep_ns(want);
        u64 took = clock_monotonic_ns() - t0;
        ST_CHECK(took >= want, "sleep of %u ms woke early after %llu us", ms[i],
                 (unsigned long long)(took / 1000));
        late_us[i] = (took - want) / 1000;
    }
    printk(LOG_INFO, "sleep_accuracy: late by %llu, %llu, %llu, %llu us (1, 10, 25, 50 ms)\n",
           (unsigned long long)late_us[0], (unsigned long long)late_us[1],
           (unsigned long long)late_us[2], (unsigned long long)late_us[3]);
    return 0;
}

static struct {
    struct wait_queue wq[2];
    volatile int turn;
    volatile int rounds;
} pingpong;

#define PINGPONG_ROUNDS 2000

static int pingpong_thread(void *arg)
{
    int me = (int)(u64)arg;
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        wait_event(pingpong.wq[me], pingpong.turn == me);
        pingpong.rounds++;
        pingpong.turn = 1 - me;
        wake_up(&pingpong.wq[1 - me]);
    }
    return me + 100;
}

SELFTEST(thread_pingpong)
{
    wait_queue_init(&pingpong.wq[0]);
    wait_queue_init(&pingpong.wq[1]);
    pingpong.turn = 0;
    pingpong.rounds = 0;
    struct thread *a = thread_create(pingpong_thread, (void *)0, "ping", 0);
    struct thread *b = thread_create(pingpong_thread, (void *)1, "pong", 0);
    ST_CHECK(a && b, "thread_create failed");
    int ra = thread_join(a);
    int rb = thread_join(b);
    ST_CHECK(ra == 100 && rb == 101, "exit codes %d %d", ra, rb);
    ST_CHECK(pingpong.rounds == 2 * PINGPONG_ROUNDS, "%d rounds, expected %d", pingpong.rounds,
             2 * PINGPONG_ROUNDS);
    return 0;
}

static volatile bool spin_stop;

static int spinner(void *arg)
{
    volatile u64 *counter = arg;
    while (!spin_stop) {
        (*counter)++;
    }
    return 0;
}

/* Two threads that never yield must both run: the tick preempts them.
 * Without preemption the first spinner would keep the CPU and neither this
 * thread nor the other spinner would run again (the run's timeout fails
 * it); with it both count within a few slices, however slow the host. */
SELFTEST(preemption)
{
    static volatile u64 counters[2];
    counters[0] = counters[1] = 0;
    spin_stop = false;
    struct thread *a = thread_create(spinner, (void *)&counters[0], "spin0", 0);
    struct thread *b = thread_create(spinner, (void *)&counters[1], "spin1", 0);
    ST_CHECK(a && b, "thread_create failed");
    u64 t0 = clock_monotonic_ns();
    do {
        sleep_ns(10 * NSEC_PER_MSEC);
    } while (!(counters[0] && counters[1]) && clock_monotonic_ns() - t0 < 30 * NSEC_PER_SEC);
    spin_stop = true;
    thread_join(a);
    thread_join(b);
    ST_CHECK(counters[0] > 0 && counters[1] > 0, "a spinner never ran (%llu, %llu)",
             (unsigned long long)counters[0], (unsigned long long)counters[1]);
    return 0;
}

SELFTEST(wait_timeout)
{
    struct wait_queue wq;
    wait_queue_init(&wq);
    volatile bool never = false;
    u64 t0 = clock_monotonic_ns();
    u64 left = wait_event_timeout(wq, never, 20 * NSEC_PER_MSEC);
    u64 took = clock_monotonic_ns() - t0;
    ST_CHECK(left == 0, "timed wait reported success");
    ST_CHECK(took >= 20 * NSEC_PER_MSEC, "timed wait returned early");
    left = wait_event_timeout(wq, !never, 20 * NSEC_PER_MSEC);
    ST_CHECK(left > 0, "true condition reported as timeout");
    return 0;
}

static int timer_order[4];
static int timer_fired;

static void record_timer(struct ktimer *t)
{
    timer_order[timer_fired++] = (int)(t->deadline_ns & 3);
}

SELFTEST(ktimer_order)
{
    struct ktimer t[4];
    u64 now = clock_monotonic_ns();
    timer_fired = 0;
    /* Deadlines 40, 10, 30, 20 ms; the low two bits tag each timer. */
    static const u64 ms[4] = {40, 10, 30, 20};
    for (int i = 0; i < 4; i++) {
        ktimer_init(&t[i], record_timer);
        ktimer_arm(&t[i], ((now + ms[i] * NSEC_PER_MSEC) & ~3ull) | (u64)i);
    }
    sleep_ns(80 * NSEC_PER_MSEC);
    for (int i = 0; i < 4; i++) {
        ktimer_cancel(&t[i]);
    }
    ST_CHECK(timer_fired == 4, "%d of 4 timers fired", timer_fired);
    ST_CHECK(timer_order[0] == 1 && timer_order[1] == 3 && timer_order[2] == 2 &&
                 timer_order[3] == 0,
             "fired in order %d %d %d %d", timer_order[0], timer_order[1], timer_order[2],
             timer_order[3]);
    return 0;
}

static int faulting_thread(void *arg)
{
    (void)arg;
    return (int)*(volatile u64 *)0xdead000;
}

/* A page fault in a thread that asked for it is reported (Oops) and ends
 * that thread only; the kernel keeps running. */
SELFTEST(thread_fault_reported)
{
    u64 faults = kernel_fault_count();
    struct thread *t = thread_create(faulting_thread, NULL, "faulter", THREAD_FAULT_EXITS);
    ST_CHECK(t != NULL, "thread_create failed");
    int code = thread_join(t);
    ST_CHECK(code == -14, "exit code %d, expected -EFAULT", code);
    ST_CHECK(kernel_fault_count() == faults + 1, "fault not counted");
    return 0;
}

static int trivial_thread(void *arg)
{
    return (int)(u64)arg;
}

/* Creating and joining many threads returns every stack page. */
SELFTEST(thread_churn)
{
    struct page_stats before, after;
    page_alloc_stats(&before);
    for (int i = 0; i < 500; i++) {
        struct thread *t = thread_create(trivial_thread, (void *)(u64)i, "churn", 0);
        ST_CHECK(t != NULL, "thread_create failed at %d", i);
        ST_CHECK(thread_join(t) == i, "wrong exit code");
    }
    page_alloc_stats(&after);
    /* Slab pages may be cached; stacks must not leak (4 pages each). */
    ST_CHECK(after.free_pages + 8 >= before.free_pages, "leaked %lld pages",
             (long long)(before.free_pages - after.free_pages));
    return 0;
}
