/* SPDX-License-Identifier: MIT */
/* Wait queues (kernel/sched/wait.c).
 *
 * Sleep/wake protocol, which cannot lose a wakeup:
 *
 *     struct wait_entry w = WAIT_ENTRY_INIT;
 *     for (;;) {
 *         prepare_to_wait(&wq, &w);     // queue us, mark us SLEEPING
 *         if (condition) break;         // checked after marking
 *         schedule();                   // sleeps only if still SLEEPING
 *     }
 *     finish_wait(&wq, &w);             // dequeue, mark us RUNNABLE
 *
 * A waker first makes the condition true, then calls wake_up(). If the wake
 * lands between the condition check and schedule(), it has already turned
 * the sleeper RUNNABLE, so schedule() returns at once instead of sleeping.
 * wake_up() is safe from interrupt handlers. wait_event*() wrap the loop.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

struct thread;

struct wait_queue {
    spinlock_t lock;
    struct list_head waiters;
};

struct wait_entry {
    struct thread *thread;
    struct list_head link;
};

/* A wait_entry must start out as WAIT_ENTRY_INIT. */
#define WAIT_ENTRY_INIT                                                                            \
    {                                                                                              \
        NULL,                                                                                      \
        {                                                                                          \
            NULL, NULL                                                                             \
        }                                                                                          \
    }
#define WAIT_QUEUE_INIT(name)                                                                      \
    {                                                                                              \
        SPINLOCK_INIT(#name), LIST_HEAD_INIT((name).waiters)                                       \
    }

void schedule(void);
void wait_queue_init(struct wait_queue *wq);
void prepare_to_wait(struct wait_queue *wq, struct wait_entry *w);
void finish_wait(struct wait_queue *wq, struct wait_entry *w);
/* Wakes every waiter; returns how many were woken. */
int wake_up(struct wait_queue *wq);
int wake_up_one(struct wait_queue *wq);

/* Sleeps for at most timeout_ns (the caller is already SLEEPING, as after
 * prepare_to_wait). Returns the nanoseconds left, 0 if the time ran out. */
u64 schedule_timeout(u64 timeout_ns);

#define wait_event(wq, cond)                                                                       \
    do {                                                                                           \
        struct wait_entry __w = WAIT_ENTRY_INIT;                                                   \
        for (;;) {                                                                                 \
            prepare_to_wait(&(wq), &__w);                                                          \
            if (cond) {                                                                            \
                break;                                                                             \
            }                                                                                      \
            schedule();                                                                            \
        }                                                                                          \
        finish_wait(&(wq), &__w);                                                                  \
    } while (0)

/* Evaluates to the nanoseconds left (>= 1) if cond became true, 0 on timeout. */
#define wait_event_timeout(wq, cond, timeout_ns)                                                   \
    ({                                                                                             \
        u64 __left = (timeout_ns);                                                                 \
        struct wait_entry __w = WAIT_ENTRY_INIT;                                                   \
        for (;;) {                                                                                 \
            prepare_to_wait(&(wq), &__w);                                                          \
            if (cond) {                                                                            \
                if (__left == 0) {                                                                 \
                    __left = 1;                                                                    \
                }                                                                                  \
                break;                                                                             \
            }                                                                                      \
            if (__left == 0) {                                                                     \
                break;                                                                             \
            }                                                                                      \
            __left = schedule_timeout(__left);                                                     \
        }                                                                                          \
        finish_wait(&(wq), &__w);                                                                  \
        __left;                                                                                    \
    })

/* Like wait_event, but gives up with -ERESTARTSYS when a signal is
 * pending; 0 when cond became true. */
bool signal_pending(void);
#define wait_event_interruptible(wq, cond)                                                         \
    ({                                                                                             \
        int __r = 0;                                                                               \
        struct wait_entry __w = WAIT_ENTRY_INIT;                                                   \
        for (;;) {                                                                                 \
            prepare_to_wait(&(wq), &__w);                                                          \
            if (cond) {                                                                            \
                break;                                                                             \
            }                                                                                      \
            if (signal_pending()) {                                                                \
                __r = -512;                                                                        \
                break;                                                                             \
            }                                                                                      \
            schedule();                                                                            \
        }                                                                                          \
        finish_wait(&(wq), &__w);                                                                  \
        __r;                                                                                       \
    })

/* A file operation's sleep. check, an int expression, is evaluated after
 * each prepare_to_wait: > 0 ends the wait (the macro gives 0), < 0 ends it
 * with that error, 0 means not yet: then nonblock gives -EAGAIN, a pending
 * signal -ERESTARTSYS, and otherwise the caller sleeps, for at most
 * sleep_ns (read after check, so check may set it; WAIT_FOREVER: no
 * limit), and check runs again. */
#define WAIT_FOREVER (~0ull)
#define wait_event_file_timeout(wq, nonblock, check, sleep_ns)                                     \
    ({                                                                                             \
        int __r;                                                                                   \
        struct wait_entry __w = WAIT_ENTRY_INIT;                                                   \
        for (;;) {                                                                                 \
            prepare_to_wait(&(wq), &__w);                                                          \
            __r = (check);                                                                         \
            if (__r) {                                                                             \
                __r = __r > 0 ? 0 : __r;                                                           \
                break;                                                                             \
            }                                                                                      \
            if (nonblock) {                                                                        \
                __r = -11; /* -EAGAIN */                                                           \
                break;                                                                             \
            }                                                                                      \
            if (signal_pending()) {                                                                \
                __r = -512; /* -ERESTARTSYS */                                                     \
                break;                                                                             \
            }                                                                                      \
            u64 __ns = (sleep_ns);                                                                 \
            if (__ns == WAIT_FOREVER) {                                                            \
                schedule();                                                                        \
            } else {                                                                               \
                schedule_timeout(__ns);                                                            \
            }                                                                                      \
        }                                                                                          \
        finish_wait(&(wq), &__w);                                                                  \
        __r;                                                                                       \
    })
#define wait_event_file(wq, nonblock, check)                                                       \
    wait_event_file_timeout(wq, nonblock, check, WAIT_FOREVER)

#endif
