/* Readiness waiting (fs/poll.c). For now one global wait queue: every
 * change that can make a file readable or writable (pipe data, console
 * input, a closed end) calls poll_notify(), and poll/select sleepers
 * re-check their files. Correct and simple; a per-file mechanism that
 * sockets and epoll can share replaces it with the next issue. */
#ifndef KERNEL_POLL_H
#define KERNEL_POLL_H

#include <kernel/wait.h>

extern struct wait_queue poll_wq;
/* Bumped by every poll_notify: a sleeper that saw an older value before
 * scanning its files knows it must scan again (no lost wakeups). */
extern volatile u64 poll_seq;

static inline void poll_notify(void)
{
    __atomic_add_fetch(&poll_seq, 1, __ATOMIC_SEQ_CST);
    wake_up(&poll_wq);
}

#endif
