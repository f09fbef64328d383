// SPDX-License-Identifier: MIT
/* Sending signals, default actions (terminate, core, stop, continue,
 * ignore) and the signal system calls. Pending sets, masks and the job
 * control state of a process change under proc_lock, so signals may be
 * sent from interrupt handlers (timers, the TTY). */
#include <abi/errno.h>
#include <arch/x86_64/trap.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timespec.h>

#include "signal_internal.h"

#define UNCATCHABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* Signals a fault raises: taken before the others, as on Linux, so that a
 * fault's handler runs first. */
#define SYNCHRONOUS_SIGNALS                                                                        \
    (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGFPE) |        \
     SIGBIT(SIGSYS))

enum default_action { ACT_TERM, ACT_CORE, ACT_IGNORE, ACT_STOP, ACT_CONT };

static enum default_action default_action(int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
        return ACT_IGNORE;
    case SIGCONT:
        return ACT_CONT;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return ACT_STOP;
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
        return ACT_CORE;
    default:
        return ACT_TERM;
    }
}

static bool is_ignored(const struct signal_state *s, int sig)
{
    u64 h = s->actions[sig - 1].sa_handler;
    return h == SIG_IGN ||
           (h == SIG_DFL && (default_action(sig) == ACT_IGNORE || default_action(sig) == ACT_CONT));
}

/* The signals whose arrival p must act on now: those its mask lets
 * through, and those rt_sigtimedwait sleeps for. A send wakes p for them,
 * and rt_sigtimedwait sleeps until one of them is pending. */
static u64 wakeup_set(const struct signal_state *s)
{
    return ~s->blocked | s->waiting_for;
}

/* Whether sig, sent to p, can be dropped at once instead of made pending.
 * Only when nothing could ever see it: a blocked signal stays, as its
 * action may change before it is unblocked, and so does one that
 * rt_sigtimedwait waits for, which takes it whatever its action (BusyBox
 * init waits for SIGCHLD that way). Other signals go when their action
 * ignores them; and init keeps only those it has a handler for (not
 * kill -9 1, nor the terminal's SIGINT), besides faults of its own. */
static bool discard_at_send(const struct process *p, int sig, const struct sig_info *info)
{
    const struct signal_state *s = &p->sig;
    if ((s->blocked | s->waiting_for) & SIGBIT(sig)) {
        return false;
    }
    bool own_fault = (SIGBIT(sig) & SYNCHRONOUS_SIGNALS) && info && info->code > 0;
    if (p->pid == INIT_PID && s->actions[sig - 1].sa_handler == SIG_DFL && !own_fault) {
        return true;
    }
    /* SIGKILL and SIGSTOP are never ignored: their action cannot change. */
    return is_ignored(s, sig);
}

/* Tells p's parent that p stopped or continued: SIGCHLD unless the parent
 * asked not to (SA_NOCLDSTOP, or SIGCHLD ignored); its waiters wake
 * either way. proc_lock held. */
static void notify_parent_stop(struct process *p, int why)
{
    struct process *parent = p->parent;
    if (!parent || parent->state == PROC_ZOMBIE) {
        return;
    }
    const struct linux_sigaction *a = &parent->sig.actions[SIGCHLD - 1];
    if (a->sa_handler != SIG_IGN && !(a->sa_flags & SA_NOCLDSTOP)) {
        struct sig_info info = {why, p->pid, p->cred.uid,
                                why == CLD_CONTINUED ? SIGCONT : p->stop_sig, 0};
        signal_send_locked(parent, SIGCHLD, &info);
    }
    wake_up(&parent->child_exit);
}

/* Makes sig pending for p and wakes it if it may act on it; proc_lock
 * held. Stop signals and SIGCONT cancel each other when sent, and SIGCONT
 * resumes a stopped process whatever its action or mask. */
int signal_send_locked(struct process *p, int sig, const struct sig_info *info)
{
    spin_assert_held(&proc_lock);
    if (!p || p->state == PROC_ZOMBIE || sig < 1 || sig > NSIG) {
        return 0;
    }
    struct signal_state *s = &p->sig;
    if (SIGBIT(sig) & STOP_SIGNALS) {
        s->pending &= ~SIGBIT(SIGCONT);
    } else if (sig == SIGCONT) {
        s->pending &= ~STOP_SIGNALS;
        if (p->stopped) {
            p->stopped = false;
            p->wait_report = WAIT_REPORT_CONTINUED;
            notify_parent_stop(p, CLD_CONTINUED);
            if (p->thread) {
                wake_thread(p->thread);
            }
        }
    }
    if (discard_at_send(p, sig, info)) {
        return 0;
    }
    struct sig_info k = info ? *info : (struct sig_info){SI_KERNEL, 0, 0, 0, 0};
    if (sig >= SIGRTMIN) {
        /* Linux: only kill() may still make a signal pending that the
         * queue has no room for; it then arrives without its siginfo. */
        if (!sigqueue_add(p, sig, &k) && (!info || k.code != SI_USER)) {
            return -EAGAIN;
        }
    } else if (!(s->pending & SIGBIT(sig))) {
        s->info[sig - 1] = k;
    }
    s->pending |= SIGBIT(sig);
    if ((wakeup_set(s) & SIGBIT(sig)) && p->thread) {
        wake_thread(p->thread);
    }
    return 0;
}

void signal_send(struct process *p, int sig, const struct sig_info *info)
{
    u64 flags = spin_lock_irqsave(&proc_lock);
    signal_send_locked(p, sig, info);
    spin_unlock_irqrestore(&proc_lock, flags);
}

void signal_send_pgrp(int pgid, int sig, const struct sig_info *info)
{
    if (pgid <= 0) {
        return;
    }
    u64 flags = spin_lock_irqsave(&proc_lock);
    signal_send_pgrp_locked(pgid, sig, info);
    spin_unlock_irqrestore(&proc_lock, flags);
}

void signal_send_pgrp_locked(int pgid, int sig, const struct sig_info *info)
{
    spin_assert_held(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pgid == pgid) {
            signal_send_locked(q, sig, info);
        }
    }
}

void signal_force(int sig, const struct sig_info *info)
{
    struct process *p = current_process();
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct linux_sigaction *act = &p->sig.actions[sig - 1];
    if ((p->sig.blocked & SIGBIT(sig)) || act->sa_handler == SIG_IGN) {
        act->sa_handler = SIG_DFL;
        p->sig.blocked &= ~SIGBIT(sig);
    }
    signal_send_locked(p, sig, info);
    spin_unlock_irqrestore(&proc_lock, flags);
}

bool signal_pending(void)
{
    struct process *p = current_process();
    if (!p) {
        return false;
    }
    return (p->sig.pending & ~p->sig.blocked) || (p->sig.pending & UNCATCHABLE);
}

void signal_fork(struct signal_state *child, const struct signal_state *parent)
{
    memcpy(child->actions, parent->actions, sizeof(child->actions));
    /* A fork inside ppoll/sigsuspend cannot happen: the mask is the real one. */
    child->blocked = parent->blocked;
    child->pending = 0;
    child->queue = child->queue_tail = NULL;
    child->queued = 0;
    child->queue_closed = false;
    child->waiting_for = 0;
    child->restore_mask = false;
    child->altstack = parent->altstack;
}

void signal_exec(struct signal_state *s)
{
    for (int i = 0; i < NSIG; i++) {
        if (s->actions[i].sa_handler != SIG_IGN) {
            memset(&s->actions[i], 0, sizeof(s->actions[i]));
        }
    }
    s->altstack = (struct altstack){0, 0, 0};
}

void signal_fill_siginfo(struct linux_siginfo *si, int sig, const struct sig_info *in)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = in->code;
    bool fault =
        sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
    if (fault && in->code > 0 && in->code != SI_KERNEL) {
        si->si_addr = in->addr;
        return;
    }
    si->si_pid = in->pid;
    si->si_uid = in->uid;
    if (sig == SIGCHLD && in->code >= CLD_EXITED && in->code <= CLD_CONTINUED) {
        si->si_status = in->status;
    } else {
        si->si_value = in->addr;
    }
}

/* ---- taking signals on the way to user mode ---- */

/* The next pending signal in mask, removed, its siginfo in *info:
 * SIGKILL, then a synchronous one, then the lowest number (standard
 * signals before real-time ones, whose oldest instance comes first). */
static int dequeue(struct signal_state *s, u64 mask, struct sig_info *info)
{
    u64 ready = s->pending & mask;
    if (!ready) {
        return 0;
    }
    if (ready & SIGBIT(SIGKILL)) {
        ready = SIGBIT(SIGKILL);
    } else if (ready & SYNCHRONOUS_SIGNALS) {
        ready &= SYNCHRONOUS_SIGNALS;
    }
    int sig = __builtin_ctzll(ready) + 1;
    if (sig < SIGRTMIN) {
        *info = s->info[sig - 1];
        s->pending &= ~SIGBIT(sig);
        return sig;
    }
    int more = sigqueue_take(s, sig, info);
    if (more < 0) {
        /* Made pending by kill() with the queue full. */
        *info = (struct sig_info){SI_USER, 0, 0, 0, 0};
    }
    if (more <= 0) {
        s->pending &= ~SIGBIT(sig);
    }
    return sig;
}

static bool has_stopped_members(int pgid)
{
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pgid == pgid && q->state != PROC_ZOMBIE && q->stopped) {
            return true;
        }
    }
    return false;
}

/* POSIX: when a process group becomes orphaned and has stopped members,
 * each member gets SIGHUP then SIGCONT. proc_lock held; ignore is the
 * exiting process, if it still counts as a member. */
void signal_orphaned_pgrp_check(int pgid, const struct process *ignore)
{
    if (pgid > 0 && process_group_orphaned_locked(pgid, ignore) && has_stopped_members(pgid)) {
        struct sig_info info = {SI_KERNEL, 0, 0, 0, 0};
        signal_send_pgrp_locked(pgid, SIGHUP, &info);
        signal_send_pgrp_locked(pgid, SIGCONT, &info);
    }
}

/* Sleeps until SIGCONT clears p->stopped or SIGKILL arrives. */
static void stopped_sleep(struct process *p)
{
    struct wait_queue wq;
    wait_queue_init(&wq);
    struct wait_entry w = WAIT_ENTRY_INIT;
    for (;;) {
        prepare_to_wait(&wq, &w);
        if (!READ_ONCE(p->stopped) || (READ_ONCE(p->sig.pending) & SIGBIT(SIGKILL))) {
            break;
        }
        schedule();
    }
    finish_wait(&wq, &w);
}

int signal_get(struct linux_sigaction *ka, struct sig_info *info)
{
    struct process *p = current_process();
    struct signal_state *s = &p->sig;
    for (;;) {
        u64 flags = spin_lock_irqsave(&proc_lock);
        int sig = dequeue(s, ~s->blocked | UNCATCHABLE, info);
        if (!sig) {
            spin_unlock_irqrestore(&proc_lock, flags);
            return 0;
        }
        struct linux_sigaction *act = &s->actions[sig - 1];
        if (sig != SIGKILL && act->sa_handler == SIG_IGN) {
            spin_unlock_irqrestore(&proc_lock, flags);
            continue;
        }
        if (sig != SIGKILL && act->sa_handler != SIG_DFL) {
            *ka = *act;
            if (act->sa_flags & SA_RESETHAND) {
                act->sa_handler = SIG_DFL;
                act->sa_flags &= ~SA_SIGINFO;
            }
            spin_unlock_irqrestore(&proc_lock, flags);
            return sig;
        }
        enum default_action da = sig == SIGKILL ? ACT_TERM : default_action(sig);
        if (da == ACT_IGNORE || da == ACT_CONT) {
            spin_unlock_irqrestore(&proc_lock, flags);
            continue;
        }
        if (da == ACT_STOP) {
            /* The terminal's stop signals do not stop an orphaned group:
             * nobody would continue it (SIGSTOP still does). */
            if (sig != SIGSTOP && process_group_orphaned_locked(p->pgid, NULL)) {
                spin_unlock_irqrestore(&proc_lock, flags);
                continue;
            }
            p->stopped = true;
            p->stop_sig = (u8)sig;
            p->wait_report = WAIT_REPORT_STOPPED;
            notify_parent_stop(p, CLD_STOPPED);
            spin_unlock_irqrestore(&proc_lock, flags);
            stopped_sleep(p);
            continue;
        }
        spin_unlock_irqrestore(&proc_lock, flags);
        process_exit(da == ACT_CORE ? (sig | 0x80) : sig);
    }
}

void signal_handler_done(int sig, const struct linux_sigaction *ka, u64 old_mask)
{
    struct signal_state *s = &current_process()->sig;
    u64 block = ka->sa_mask | ((ka->sa_flags & SA_NODEFER) ? 0 : SIGBIT(sig));
    u64 flags = spin_lock_irqsave(&proc_lock);
    s->blocked = (old_mask | block) & ~UNCATCHABLE;
    spin_unlock_irqrestore(&proc_lock, flags);
}

/* ---- temporary masks: sigsuspend, ppoll, pselect6 ---- */

static void set_blocked(struct signal_state *s, u64 mask)
{
    u64 flags = spin_lock_irqsave(&proc_lock);
    s->blocked = mask & ~UNCATCHABLE;
    spin_unlock_irqrestore(&proc_lock, flags);
}

int signal_begin_temp_mask(uptr_t umask, u64 sigsetsize)
{
    if (sigsetsize != sizeof(u64)) {
        return -EINVAL;
    }
    u64 mask;
    if (copy_from_user(&mask, umask, sizeof(mask)) < 0) {
        return -EFAULT;
    }
    struct signal_state *s = &current_process()->sig;
    if (!s->restore_mask) {
        s->saved_mask = s->blocked;
    }
    s->restore_mask = true;
    set_blocked(s, mask);
    return 0;
}

void signal_end_temp_mask(bool interrupted)
{
    struct signal_state *s = &current_process()->sig;
    if (!s->restore_mask || interrupted) {
        return; /* signal_deliver restores it */
    }
    s->restore_mask = false;
    set_blocked(s, s->saved_mask);
}

/* ---- system calls ---- */

int signal_check_number(int sig)
{
    return sig < 1 || sig > NSIG ? -EINVAL : 0;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, uptr_t, act, uptr_t, oact, u64, sigsetsize)
{
    if (sigsetsize != sizeof(u64) || signal_check_number(sig) < 0) {
        return -EINVAL;
    }
    struct process *p = current_process();
    struct signal_state *s = &p->sig;
    struct linux_sigaction k;
    if (!uptr_is_null(act)) {
        if (copy_from_user(&k, act, sizeof(k)) < 0) {
            return -EFAULT;
        }
        if (SIGBIT(sig) & UNCATCHABLE) {
            return -EINVAL;
        }
    }
    if (!uptr_is_null(oact) && copy_to_user(oact, &s->actions[sig - 1], sizeof(k)) < 0) {
        return -EFAULT;
    }
    if (!uptr_is_null(act)) {
        k.sa_mask &= ~UNCATCHABLE;
        u64 flags = spin_lock_irqsave(&proc_lock);
        s->actions[sig - 1] = k;
        /* POSIX: setting an action that ignores the signal discards a
         * pending one, blocked or not. */
        if (is_ignored(s, sig)) {
            s->pending &= ~SIGBIT(sig);
            sigqueue_flush(s, sig);
        }
        spin_unlock_irqrestore(&proc_lock, flags);
    }
    return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, uptr_t, set, uptr_t, oset, u64, sigsetsize)
{
    if (sigsetsize != sizeof(u64)) {
        return -EINVAL;
    }
    struct signal_state *s = &current_process()->sig;
    u64 old = s->blocked;
    u64 n = 0;
    if (!uptr_is_null(set)) {
        if (copy_from_user(&n, set, sizeof(n)) < 0) {
            return -EFAULT;
        }
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK) {
            return -EINVAL;
        }
    }
    if (!uptr_is_null(oset) && copy_to_user(oset, &old, sizeof(old)) < 0) {
        return -EFAULT;
    }
    if (!uptr_is_null(set)) {
        if (how == SIG_BLOCK) {
            set_blocked(s, old | n);
        } else if (how == SIG_UNBLOCK) {
            set_blocked(s, old & ~n);
        } else {
            set_blocked(s, n);
        }
    }
    return 0;
}

SYSCALL_DEFINE2(rt_sigpending, uptr_t, set, u64, sigsetsize)
{
    if (sigsetsize > sizeof(u64)) {
        return -EINVAL;
    }
    struct signal_state *s = &current_process()->sig;
    u64 v = s->pending & s->blocked;
    return copy_to_user(set, &v, sigsetsize);
}

/* Sleeps until a signal is pending (and unblocked). */
static void wait_for_signal(void)
{
    struct wait_queue wq;
    wait_queue_init(&wq);
    wait_event_interruptible(wq, false);
}

SYSCALL_DEFINE2(rt_sigsuspend, uptr_t, umask, u64, sigsetsize)
{
    int r = signal_begin_temp_mask(umask, sigsetsize);
    if (r < 0) {
        return r;
    }
    wait_for_signal();
    /* The old mask comes back once a handler's frame is set up (or at
     * once if none runs, and the call starts over). */
    return -ERESTARTNOHAND;
}

SYSCALL_DEFINE0(pause)
{
    wait_for_signal();
    return -ERESTARTNOHAND;
}

#define NO_DEADLINE (~0ull)

/* rt_sigtimedwait's sleep, with waiting_for = set so that a send wakes us
 * for those signals even while they are blocked. Each round looks, in
 * this order, for a signal of set (taken off the pending set: it is the
 * result, its siginfo in *info), the deadline (monotonic ns) having
 * passed (-EAGAIN), or some other signal in wakeup_set(), one the mask
 * lets through, which must be acted on first (-EINTR: sigtimedwait is
 * never restarted, signal(7)); with none of these it sleeps. */
static int await_signal(struct signal_state *s, u64 set, u64 deadline, struct sig_info *info)
{
    struct wait_queue wq; /* nobody wakes it: a send wakes our thread */
    wait_queue_init(&wq);
    struct wait_entry w = WAIT_ENTRY_INIT;
    u64 flags = spin_lock_irqsave(&proc_lock);
    s->waiting_for = set;
    spin_unlock_irqrestore(&proc_lock, flags);
    int result;
    for (;;) {
        prepare_to_wait(&wq, &w);
        u64 now = clock_monotonic_ns();
        flags = spin_lock_irqsave(&proc_lock);
        result = dequeue(s, set, info);
        if (result == 0 && now >= deadline) {
            result = -EAGAIN;
        } else if (result == 0 && (s->pending & wakeup_set(s))) {
            result = -EINTR;
        }
        if (result != 0) {
            /* Under the same lock as the last look: from here on a send
             * sees the plain mask again. */
            s->waiting_for = 0;
        }
        spin_unlock_irqrestore(&proc_lock, flags);
        if (result != 0) {
            break;
        }
        if (deadline == NO_DEADLINE) {
            schedule();
        } else {
            schedule_timeout(deadline - now);
        }
    }
    finish_wait(&wq, &w);
    return result;
}

SYSCALL_DEFINE4(rt_sigtimedwait, uptr_t, uset, uptr_t, uinfo, uptr_t, uts, u64, sigsetsize)
{
    if (sigsetsize != sizeof(u64)) {
        return -EINVAL;
    }
    u64 set;
    if (copy_from_user(&set, uset, sizeof(set)) < 0) {
        return -EFAULT;
    }
    u64 deadline = NO_DEADLINE;
    if (!uptr_is_null(uts)) {
        u64 timeout;
        int r = timespec_get_user(uts, &timeout);
        if (r < 0) {
            return r;
        }
        deadline = time_add_sat(clock_monotonic_ns(), timeout);
    }
    struct sig_info info;
    int sig = await_signal(&current_process()->sig, set & ~UNCATCHABLE, deadline, &info);
    if (sig < 0 || uptr_is_null(uinfo)) {
        return sig;
    }
    struct linux_siginfo si;
    signal_fill_siginfo(&si, sig, &info);
    return copy_to_user(uinfo, &si, sizeof(si)) < 0 ? -EFAULT : sig;
}

/* restart_syscall(2): entered through the syscall instruction again after
 * an ERESTART_RESTARTBLOCK without a handler. */
static long no_restart(struct restart_block *rb)
{
    (void)rb;
    return -EINTR;
}

SYSCALL_DEFINE0(restart_syscall)
{
    struct restart_block *rb = &current_process()->restart;
    long (*fn)(struct restart_block *) = rb->fn ? rb->fn : no_restart;
    rb->fn = no_restart;
    return fn(rb);
}

void signal_restart_reset(void)
{
    current_process()->restart.fn = no_restart;
}
