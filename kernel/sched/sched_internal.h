/* SPDX-License-Identifier: MIT */
/* State shared by the files of kernel/sched. */
#ifndef KERNEL_SCHED_INTERNAL_H
#define KERNEL_SCHED_INTERNAL_H

#include <arch/x86_64/asm_offsets.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>

/* Per-CPU data, reached through GS by the syscall and interrupt entry
 * code (swapgs); one CPU today. */
struct percpu {
    struct percpu *self;
    struct thread *current;
    u64 kernel_rsp;
    u64 user_rsp;
};
_Static_assert(__builtin_offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP,
               "PERCPU_KERNEL_RSP");
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "PERCPU_USER_RSP");

extern struct percpu cpu0;
/* Protects the run queue, every thread's state and run_link, and all_threads. */
extern spinlock_t rq_lock;
extern struct list_head all_threads;
extern u64 threads_created;

void context_switch(u64 *save_rsp, u64 new_rsp);
/* First C code of a new kernel thread (jumped to from switch.S). */
__attribute__((noreturn)) void thread_start(thread_fn fn, void *arg);
/* First C code of a new user thread (called from syscall_entry.S). */
void thread_start_user(void);
/* Frees a dead thread's stack and struct (never the current thread's). */
void thread_free(struct thread *t);
/* Completes a switch on the new thread's side: releases a dead detached
 * predecessor. Called with rq_lock released. */
void sched_reap(void);
/* With rq_lock held: puts a new thread on the run queue. */
void sched_enqueue_new(struct thread *t);

#endif
