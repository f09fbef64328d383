/* SPDX-License-Identifier: MIT */
/* Kernel threads and the scheduler (kernel/sched/).
 *
 * One CPU, preemptive round robin: a thread runs until it sleeps, yields, or
 * uses up its time slice (SCHED_SLICE_TICKS timer ticks), after which the
 * timer interrupt switches to the next runnable thread. The idle thread runs
 * only when nothing else can, and halts until the next interrupt.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/list.h>
#include <kernel/types.h>
#include <kernel/wait.h>

#define SCHED_HZ 250
#define SCHED_SLICE_TICKS 5 /* 20 ms */
#define THREAD_NAME_MAX 16

enum thread_state {
    THREAD_RUNNABLE, /* running, or on the run queue */
    THREAD_SLEEPING, /* on a wait queue or timer; not on the run queue */
    THREAD_DEAD, /* exited; waiting to be joined or reaped */
};

/* thread.flags */
#define THREAD_DETACHED (1u << 0) /* freed on exit; nobody joins */
#define THREAD_FAULT_EXITS                                                                         \
    (1u << 1) /* a kernel fault ends the thread (Oops) instead of panicking */
#define THREAD_IDLE (1u << 2)

struct process;
struct fpu_state;
struct trap_frame;

/* Who may touch each field: [R] rq_lock; [S] the thread itself (or the
 * scheduler switching it, with rq_lock held); [C] set at creation, read-only
 * after; [Q] the wait queue's own lock. */
struct thread {
    u64 saved_rsp; /* [S] valid while switched out; first for context_switch */
    u64 kstack_top; /* [C] */
    u64 kstack_bottom; /* [C] lowest usable byte; the guard is below */
    int kstack_slot; /* [C] -1 for the boot stack */
    u32 tid; /* [C] */
    u32 flags; /* [C] */
    enum thread_state state; /* [R] */
    bool on_rq; /* [R] on the run queue */
    int exit_code; /* [R] */
    u32 slice_left; /* [R] (the tick, interrupts off) */
    u64 switches; /* [R] times it was switched in */
    char name[THREAD_NAME_MAX]; /* [C] (exec renames its own thread: [S]) */
    struct list_head run_link; /* [R] run queue */
    struct list_head all_link; /* [R] all threads */
    struct wait_queue exit_wq; /* [Q] joiners */
    /* User threads only (NULL/0 for kernel threads): */
    struct process *process; /* [C]; cleared by the thread itself at exit */
    struct fpu_state *fpu; /* [S] saved at switch-out, restored at switch-in */
    u64 fs_base; /* [S] arch_prctl(ARCH_SET_FS) */
    u64 gs_base; /* [S] arch_prctl(ARCH_SET_GS) */
    struct trap_frame *user_frame; /* [S] registers saved at the last kernel entry */
};

typedef int (*thread_fn)(void *arg);

/* Makes the boot context the first thread and creates the idle thread. */
void sched_init(void);
/* Returns a new runnable thread, or NULL (out of memory). The caller must
 * thread_join() it unless THREAD_DETACHED is in flags. */
struct thread *thread_create(thread_fn fn, void *arg, const char *name, u32 flags);
__attribute__((noreturn)) void thread_exit(int code);
/* A detached thread of process p that starts in user mode with the
 * registers of frame (fork's child, the first process). NULL on OOM. */
struct thread *thread_create_user(struct process *p, const struct trap_frame *frame,
                                  const char *name);
/* Leaves the kernel for user mode with frame's registers (exec from a
 * kernel thread). frame must lie at the top of the current stack. */
__attribute__((noreturn)) void enter_user(struct trap_frame *frame);
/* Waits for t to exit, frees it and returns its exit code. */
int thread_join(struct thread *t);

struct thread *current_thread(void);
void schedule(void);
void yield(void);
/* Makes a SLEEPING thread RUNNABLE; returns false if it was not sleeping. */
bool wake_thread(struct thread *t);
/* Called from the timer interrupt. */
void sched_tick(void);
/* Called on the way out of an interrupt: switches if the slice is used up. */
void sched_preempt_point(void);

void sleep_ns(u64 ns);
/* Marks the current thread SLEEPING (it sleeps at its next schedule()
 * unless woken first) or RUNNABLE again; for sleepers that wait on several
 * queues at once (poll). */
void sched_set_sleeping(void);
void sched_set_running(void);

struct sched_stats {
    u64 context_switches;
    u64 threads_created;
    u32 threads_alive;
    u32 runnable;
};
void sched_get_stats(struct sched_stats *st);

#endif
