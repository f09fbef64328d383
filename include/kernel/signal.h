/* SPDX-License-Identifier: MIT */
/* Signals (kernel/signal/; the Linux numbers and layouts are in
 * include/abi/signal.h). One thread per process, so a process's pending
 * set, blocked mask and actions live in struct signal_state. Standard
 * signals (1-31) have at most one pending instance; real-time ones (32-64)
 * are queued, one entry per instance (kernel/signal/sigqueue.c). */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <abi/signal.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/types.h>

/* Returned by interrupted sleeps, never seen by user space:
 *   ERESTARTSYS: EINTR if a handler without SA_RESTART runs, else restart;
 *   ERESTARTNOHAND: EINTR if any handler runs, else restart;
 *   ERESTART_RESTARTBLOCK: as ERESTARTNOHAND, but the restart calls
 *   restart_syscall(2), which runs current->restart.fn (nanosleep goes on
 *   to its original deadline). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516
#define IS_ERESTART(r) ((r) <= -ERESTARTSYS && (r) >= -ERESTART_RESTARTBLOCK)

#define SIGBIT(sig) (1ull << ((sig)-1))

/* What a pending signal carries to a SA_SIGINFO handler. */
struct sig_info {
    s32 code;
    s32 pid;
    u32 uid;
    s32 status; /* SIGCHLD: exit code or signal */
    u64 addr; /* faults; for other signals si_value (rt_sigqueueinfo) */
};

/* One queued instance of a real-time signal. */
struct sigqueue {
    struct sigqueue *next;
    int sig;
    struct sig_info info;
};

/* An alternate signal stack (sigaltstack(2)): the bytes [base, base +
 * size), size 0 when there is none. flags are sigaltstack()'s as the
 * caller gave them (SS_AUTODISARM, a redundant SS_ONSTACK, SS_DISABLE);
 * a handler's uc_stack shows them. */
struct altstack {
    u64 base;
    u64 size;
    u32 flags;
};

struct signal_state {
    u64 pending;
    u64 blocked;
    /* rt_sigtimedwait's set while it sleeps, else 0 (proc_lock). The mask
     * stays as it is: a send wakes the process for a signal in ~blocked |
     * waiting_for, and does not discard one of them as ignored. */
    u64 waiting_for;
    struct linux_sigaction actions[NSIG];
    struct sig_info info[SIGRTMIN - 1]; /* standard signals: the first instance's */
    /* Real-time instances in sending order (NULL when empty; proc_lock).
     * A pending real-time bit stays set while one of its instances is
     * queued; set with none queued, it is a kill() that found the queue
     * full (RLIMIT_SIGPENDING) and carries no siginfo, as on Linux. */
    struct sigqueue *queue, *queue_tail;
    u32 queued;
    bool queue_closed; /* the process exits: nothing is queued any more */
    struct altstack altstack;
    bool restore_mask; /* blocked is temporary: saved_mask comes back */
    u64 saved_mask;
};

/* restart_syscall(2): what an interrupted call needs to go on. */
struct restart_block {
    long (*fn)(struct restart_block *rb);
    u64 deadline_ns; /* monotonic */
    u64 rem; /* user address for the time left, or 0 */
};

struct process;
struct trap_frame;

/* Makes sig pending for p (no-op if ignored); wakes it if it may act on
 * it. A real-time signal queues one more instance. */
void signal_send(struct process *p, int sig, const struct sig_info *info);
/* Sends sig to every live member of process group pgid (kill(-pgid),
 * the TTY's job-control signals). Safe from IRQ context. */
void signal_send_pgrp(int pgid, int sig, const struct sig_info *info);
/* The same with proc_lock held. Returns -EAGAIN if a real-time signal
 * could not be queued (RLIMIT_SIGPENDING reached, or no memory) and its
 * si_code is not SI_USER; kill()'s (SI_USER) is then pending without its
 * siginfo. 0 otherwise. */
int signal_send_locked(struct process *p, int sig, const struct sig_info *info);
void signal_send_pgrp_locked(int pgid, int sig, const struct sig_info *info);
/* POSIX orphaned-group rule at exit: SIGHUP + SIGCONT to pgid if it is
 * now orphaned and has stopped members (proc_lock held; ignore: the exiting
 * process). */
void signal_orphaned_pgrp_check(int pgid, const struct process *ignore);
/* A synchronous kernel-generated signal (bad sigreturn frame): cannot be
 * blocked or ignored, as a fault's. */
void signal_force(int sig, const struct sig_info *info);
/* True if the current process has an unblocked pending signal. */
bool signal_pending(void);
/* Delivers pending signals on the way back to user mode: runs default
 * actions or builds a handler frame on the user stack. from_syscall: f->rax
 * holds the syscall's return value, for restarting interrupted calls. */
void signal_deliver(struct trap_frame *f, bool from_syscall);
/* Takes the next signal for the current process: performs default actions
 * (ignore; stop, sleeping here until SIGCONT or SIGKILL; exit, never
 * returning) and returns the first signal with a handler (its action in
 * *ka, its info in *info), or 0. */
int signal_get(struct linux_sigaction *ka, struct sig_info *info);
/* After a handler frame is built: blocks sa_mask (and sig unless
 * SA_NODEFER) on top of old_mask. */
void signal_handler_done(int sig, const struct linux_sigaction *ka, u64 old_mask);
/* The siginfo_t a handler or rt_sigtimedwait sees. */
void signal_fill_siginfo(struct linux_siginfo *si, int sig, const struct sig_info *in);

/* rt_sigreturn: no restart_syscall of an older call any more. */
void signal_restart_reset(void);
/* Alternate signal stacks (kernel/signal/altstack.c; sp is always a user
 * stack pointer). altstack_contains: sp runs on st (the next push lands in
 * it). altstack_in_use: the same, except that a stack armed with
 * SS_AUTODISARM never counts (delivery disarms it, so sp is there only if
 * a handler re-armed it while running on it). */
bool altstack_contains(const struct altstack *st, u64 sp);
bool altstack_in_use(const struct altstack *st, u64 sp);
/* What sigaltstack() reports of st at sp: ss_flags is SS_DISABLE without
 * a stack, SS_ONSTACK while in use, else 0, plus SS_AUTODISARM if given. */
struct linux_stack altstack_report(const struct altstack *st, u64 sp);
/* The uc_stack a handler's frame saves; altstack_validate gives st back
 * from it at rt_sigreturn. */
struct linux_stack altstack_save(const struct altstack *st);
/* Checks a new stack req against the current st at sp. Returns 0 with
 * the new stack in *out, or, in this order: -EPERM (st in use), -EINVAL
 * (flags other than SS_ONSTACK, SS_DISABLE, SS_AUTODISARM, or both of the
 * first two), -ENOMEM (size below MINSIGSTKSZ, unless disabling). */
int altstack_validate(const struct altstack *st, u64 sp, const struct linux_stack *req,
                      struct altstack *out);

/* A temporary blocked mask for the length of a call (sigsuspend, ppoll,
 * pselect6). signal_end_temp_mask(interrupted): restores the old mask now,
 * or, if the call was interrupted by a signal (it returns -EINTR or an
 * ERESTART code), once a handler's frame has saved it (or when no handler
 * runs). Returns -EINVAL/-EFAULT for a bad user mask, 0 otherwise. */
int signal_begin_temp_mask(uptr_t umask, u64 sigsetsize);
void signal_end_temp_mask(bool interrupted);
/* fork: child inherits actions and mask, nothing pending; exec: handled
 * signals reset, pending ones kept. */
void signal_fork(struct signal_state *child, const struct signal_state *parent);
void signal_exec(struct signal_state *s);
/* process_exit: frees the real-time queue; nothing is queued afterwards. */
void signal_exit(struct process *p);

#endif
