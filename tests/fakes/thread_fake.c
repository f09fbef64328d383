// SPDX-License-Identifier: MIT
/* Host fake of threads and wait queues: one thread that never sleeps
 * (host tests are single-threaded; a schedule() that would block is a bug
 * in the test and aborts). */
#include <kernel/sched.h>
#include <kernel/wait.h>
#include <stdio.h>
#include <stdlib.h>

static struct thread fake_thread = {.name = "fake"};

struct thread *current_thread(void)
{
    return &fake_thread;
}

void prepare_to_wait(struct wait_queue *wq, struct wait_entry *w)
{
    (void)wq;
    (void)w;
}

void finish_wait(struct wait_queue *wq, struct wait_entry *w)
{
    (void)wq;
    (void)w;
}

void schedule(void)
{
    fprintf(stderr, "thread_fake: schedule() would block forever\n");
    abort();
}

int wake_up(struct wait_queue *wq)
{
    (void)wq;
    return 0;
}

int wake_up_one(struct wait_queue *wq)
{
    (void)wq;
    return 0;
}

void sleep_ns(u64 ns)
{
    (void)ns;
}

void yield(void)
{
}
