// SPDX-License-Identifier: MIT
/* Scheduler and time self-tests. */
#include <arch/x86_64/cpu.h>
#include <kernel/ktimer.h>
#include <kernel/page_alloc.h>
#include <kernel/sched.h>
#include <arch/x86_64/trap.h>
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

/* The LAPIC tick, the TSC clock and the calibration must agree: over a
 * sleep, the ticks counted match the clock within a few ticks. */
SELFTEST(timer_calibration)
{
    u64 hz = clock_tsc_hz();
    ST_CHECK(hz >= 50000000ull && hz <= 20000000000ull, "implausible TSC rate %llu Hz",
             (unsigned long long)hz);
    ST_CHECK(time_lapic_hz() >= 100000ull, "implausible LAPIC timer rate");
    u64 t0 = clock_monotonic_ns();
    u64 k0 = time_ticks();
    sleep_ns(200 * NSEC_PER_MSEC);
    u64 t1 = clock_monotonic_ns();
    u64 k1 = time_ticks();
    u64 expect = (t1 - t0) * SCHED_HZ / NSEC_PER_SEC;
    u64 got = k1 - k0;
    ST_CHECK(got + 3 >= expect && got <= expect + 3 + expect / 4,
             "%llu ticks in %llu ms, expected about %llu", (unsigned long long)got,
             (unsigned long long)((t1 - t0) / NSEC_PER_MSEC), (unsigned long long)expect);
    return 0;
}

SELFTEST(sleep_accuracy)
{
    static const u32 ms[] = {1, 10, 25, 50};
    for (unsigned i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
        u64 want = ms[i] * NSEC_PER_MSEC;
        u64 t0 = clock_monotonic_ns();
        sleep_ns(want);
        u64 took = clock_monotonic_ns() - t0;
        ST_CHECK(took >= want, "sleep of %u ms woke early after %llu us", ms[i],
                 (unsigned long long)(took / 1000));
        /* One tick of granularity plus generous emulator jitter. */
        ST_CHECK(took <= want + 50 * NSEC_PER_MSEC, "sleep of %u ms took %llu us", ms[i],
                 (unsigned long long)(took / 1000));
    }
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

/* Two threads that never yield must both run: the tick preempts them. */
SELFTEST(preemption)
{
    static volatile u64 counters[2];
    counters[0] = counters[1] = 0;
    spin_stop = false;
    struct thread *a = thread_create(spinner, (void *)&counters[0], "spin0", 0);
    struct thread *b = thread_create(spinner, (void *)&counters[1], "spin1", 0);
    ST_CHECK(a && b, "thread_create failed");
    sleep_ns(300 * NSEC_PER_MSEC);
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
