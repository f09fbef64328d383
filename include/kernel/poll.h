/* SPDX-License-Identifier: MIT */
/* Readiness waiting (fs/poll.c), the mechanism poll, select and (later)
 * epoll and sockets share. A file's poll op reports its readiness bits
 * (POLLIN, POLLOUT, ...) and, when given a poll table, calls poll_wait on
 * each wait queue that is woken when that readiness may change. The sleeper
 * marks itself SLEEPING before it asks, so a wake-up that comes between
 * asking and sleeping is never lost (see include/kernel/wait.h). */
#ifndef KERNEL_POLL_H
#define KERNEL_POLL_H

#include <kernel/wait.h>

#define POLL_TABLE_MAX 64

struct poll_table {
    unsigned n;
    bool overflow; /* more queues than fit: the sleeper also wakes on a timer */
    struct {
        struct wait_queue *wq;
        struct wait_entry w;
    } entries[POLL_TABLE_MAX];
};

/* Called by poll ops: the sleeper behind pt is woken by wq too. */
void poll_wait(struct poll_table *pt, struct wait_queue *wq);

#endif
