/* SPDX-License-Identifier: MIT */
/* Shared by the files of kernel/signal. The real-time signal queue runs
 * with proc_lock held (entries are allocated and freed under it;
 * kmalloc never sleeps). */
#ifndef KERNEL_SIGNAL_INTERNAL_H
#define KERNEL_SIGNAL_INTERNAL_H

#include <kernel/signal.h>

struct process;

/* Appends one instance of sig; false if p's queue holds RLIMIT_SIGPENDING
 * entries already, is closed, or memory is short. */
bool sigqueue_add(struct process *p, int sig, const struct sig_info *info);
/* Removes the oldest instance of sig into *info. Returns 1 if another
 * instance of sig stays queued, 0 if that was the last one, -1 if none was
 * queued (*info untouched). */
int sigqueue_take(struct signal_state *s, int sig, struct sig_info *info);
/* Drops every queued instance of sig (it became ignored). */
void sigqueue_flush(struct signal_state *s, int sig);

/* -EINVAL unless 1 <= sig <= NSIG (signal.c). */
int signal_check_number(int sig);

#endif
