/* SPDX-License-Identifier: MIT */
/* State shared by the files of kernel/sched. */
#ifndef KERNEL_SCHED_INTERNAL_H
#define KERNEL_SCHED_INTERNAL_H

#include <kernel/sched.h>
#include <kernel/spinlock.h>

/* Per-CPU data, reached through GS in entry code (later); one CPU. */
struct percpu {
    struct percpu *self;
    struct thread *current;
    u64 kernel_rsp;
    u64 user_rsp;
};

extern struct percpu cpu0;
/* Protects the run queue, every thread's state and run_link, and all_threads. */
extern spinlock_t rq_lock;
extern struct list_head all_threads;
extern u64 threads_created;

void context_switch(u64 *save_rsp, u64 new_rsp);
/* Frees a dead thread's stack and struct (never the current thread's). */
void thread_free(struct thread *t);
/* Completes a switch on the new thread's side: releases a dead detached
 * predecessor. Called with rq_lock released. */
void sched_reap(void);
/* With rq_lock held: puts a new thread on the run queue. */
void sched_enqueue_new(struct thread *t);

#endif
