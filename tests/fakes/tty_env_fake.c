// SPDX-License-Identifier: MIT
/* Host fakes of what the TTY layer needs from the process and signal code:
 * no processes besides fake_current (process_find finds only it), and
 * signals are recorded in fake_tty_signals (one bit per signal) instead of
 * sent. A timed sleep would never be woken, so it aborts like schedule(). */
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "fakes/vfs_fakes.h"

spinlock_t proc_lock = SPINLOCK_INIT("proc");
struct list_head all_processes = LIST_HEAD_INIT(all_processes);
u64 fake_tty_signals;

struct process *process_find(int pid)
{
    return fake_current && fake_current->pid == pid ? fake_current : NULL;
}

bool process_group_orphaned(int pgid)
{
    (void)pgid;
    return false;
}

void signal_send(struct process *p, int sig, const struct sig_info *info)
{
    (void)p;
    (void)info;
    fake_tty_signals |= SIGBIT(sig);
}

void signal_send_pgrp(int pgid, int sig, const struct sig_info *info)
{
    (void)pgid;
    (void)info;
    fake_tty_signals |= SIGBIT(sig);
}

bool signal_pending(void)
{
    return false;
}

u64 schedule_timeout(u64 timeout_ns)
{
    (void)timeout_ns;
    fprintf(stderr, "tty_env_fake: schedule_timeout() would block forever\n");
    abort();
}

void wait_queue_init(struct wait_queue *wq)
{
    wq->lock = (spinlock_t)SPINLOCK_INIT("wq");
    list_init(&wq->waiters);
}
