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
    u64 h = s->actions[sig - 1].handler;
    return h == SIG_IGN ||
           (h == SIG_DFL && (default_action(sig) == ACT_IGNORE || default_action(sig) == ACT_CONT));
}

/* Whether sending sig to p can be skipped altogether (Linux's sig_ignored):
 * a blocked signal is kept, as the action may change before it is
 * unblocked. Otherwise init gets no signal it has no handler for
 * (kill -9 1, the terminal's SIGINT included), except a fault of its own. */
static bool send_ignored(const struct process *p, int sig, const struct sig_info *info)
{
    const struct signal_state *s = &p->sig;
    /* Blocked first, as Linux: init's own sigtimedwait (BusyBox init
     * waits for SIGCHLD that way) must see signals it has no handler for. */
    if ((s->blocked | s->real_blocked) & SIGBIT(sig)) {
        return false;
    }
    if (p->pid == INIT_PID && s->actions[sig - 1].handler == SIG_DFL &&
        !((SIGBIT(sig) & SYNCHRONOUS_SIGNALS) && info && info->code > 0)) {
        return true;
    }
    if (SIGBIT(sig) & UNCATCHABLE) {
        return false;
    }
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
    const struct k_sigaction *a = &parent->sig.actions[SIGCHLD - 1];
    if (a->handler != SIG_IGN && !(a->flags & SA_NOCLDSTOP)) {
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
    if (send_ignored(p, sig, info)) {
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
    if (!(s->blocked & SIGBIT(sig)) && p->thread) {
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
    struct k_sigaction *act = &p->sig.actions[sig - 1];
    if ((p->sig.blocked & SIGBIT(sig)) || act->handler == SIG_IGN) {
        act->handler = SIG_DFL;
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
    child->real_blocked = 0;
    child->restore_mask = false;
    child->altstack_sp = parent->altstack_sp;
    child->altstack_size = parent->altstack_size;
    child->altstack_flags = parent->altstack_flags;
}

void signal_exec(struct signal_state *s)
{
    for (int i = 0; i < NSIG; i++) {
        if (s->actions[i].handler != SIG_IGN) {
            memset(&s->actions[i], 0, sizeof(s->actions[i]));
        }
    }
    s->altstack_sp = s->altstack_size = 0;
    s->altstack_flags = 0;
}

void signal_fill_siginfo(struct siginfo_k *si, int sig, const struct sig_info *in)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = in->code;
    bool fault =
        sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
    if (fault && in->code > 0 && in->code != SI_KERNEL) {
        si->u.addr = in->addr;
        return;
    }
    si->u.kill.pid = in->pid;
    si->u.kill.uid = in->uid;
    if (sig == SIGCHLD && in->code >= CLD_EXITED && in->code <= CLD_CONTINUED) {
        si->u.kill.status = in->status;
    } else {
        si->u.kill.value = in->addr;
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

int signal_get(struct k_sigaction *ka, struct sig_info *info)
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
        struct k_sigaction *act = &s->actions[sig - 1];
        if (sig != SIGKILL && act->handler == SIG_IGN) {
            spin_unlock_irqrestore(&proc_lock, flags);
            continue;
        }
        if (sig != SIGKILL && act->handler != SIG_DFL) {
            *ka = *act;
            if (act->flags & SA_RESETHAND) {
                act->handler = SIG_DFL;
                act->flags &= ~SA_SIGINFO;
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

void signal_handler_done(int sig, const struct k_sigaction *ka, u64 old_mask)
{
    struct signal_state *s = &current_process()->sig;
    u64 block = ka->mask | ((ka->flags & SA_NODEFER) ? 0 : SIGBIT(sig));
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
    struct k_sigaction k;
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
        k.mask &= ~UNCATCHABLE;
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

SYSCALL_DEFINE4(rt_sigtimedwait, uptr_t, uset, uptr_t, uinfo, uptr_t, uts, u64, sigsetsize)
{
    if (sigsetsize != sizeof(u64)) {
        return -EINVAL;
    }
    u64 set;
    if (copy_from_user(&set, uset, sizeof(set)) < 0) {
        return -EFAULT;
    }
    set &= ~UNCATCHABLE;
    u64 timeout = ~0ull;
    if (!uptr_is_null(uts)) {
        int r = timespec_get_user(uts, &timeout);
        if (r < 0) {
            return r;
        }
    }
    struct process *p = current_process();
    struct signal_state *s = &p->sig;
    struct sig_info info;
    u64 flags = spin_lock_irqsave(&proc_lock);
    int sig = dequeue(s, set, &info);
    bool timed_out = false;
    if (!sig && timeout != 0) {
        /* The awaited signals are unblocked while we sleep, so that they
         * wake us; blocked ones never reach a handler meanwhile, since we
         * take them before returning to user mode. */
        s->real_blocked = s->blocked;
        s->blocked &= ~set;
        spin_unlock_irqrestore(&proc_lock, flags);
        u64 deadline = timeout == ~0ull ? ~0ull : time_add_sat(clock_monotonic_ns(), timeout);
        struct wait_queue wq;
        wait_queue_init(&wq);
        struct wait_entry w = WAIT_ENTRY_INIT;
        for (;;) {
            prepare_to_wait(&wq, &w);
            if (signal_pending()) {
                break;
            }
            u64 now = clock_monotonic_ns();
            if (now >= deadline) {
                timed_out = true;
                break;
            }
            if (deadline == ~0ull) {
                schedule();
            } else {
                schedule_timeout(deadline - now);
            }
        }
        finish_wait(&wq, &w);
        flags = spin_lock_irqsave(&proc_lock);
        s->blocked = s->real_blocked;
        s->real_blocked = 0;
        sig = dequeue(s, set, &info);
    } else if (!sig) {
        timed_out = true;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    if (!sig) {
        return timed_out ? -EAGAIN : -EINTR;
    }
    if (!uptr_is_null(uinfo)) {
        struct siginfo_k si;
        signal_fill_siginfo(&si, sig, &info);
        if (copy_to_user(uinfo, &si, sizeof(si)) < 0) {
            return -EFAULT;
        }
    }
    return sig;
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

struct stack_t_k {
    u64 sp;
    s32 flags;
    s32 pad;
    u64 size;
};

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

bool signal_on_altstack(const struct signal_state *s, u64 sp)
{
    return s->altstack_size && sp > s->altstack_sp && sp - s->altstack_sp <= s->altstack_size;
}

/* Linux's do_sigaltstack; sp is the user stack pointer. */
long signal_set_altstack(uptr_t uss, uptr_t uoss, u64 sp)
{
    struct signal_state *s = &current_process()->sig;
    bool on = !(s->altstack_flags & SS_AUTODISARM) && signal_on_altstack(s, sp);
    struct stack_t_k old = {s->altstack_sp, 0, 0, s->altstack_size};
    old.flags = !s->altstack_size ? SS_DISABLE : (on ? SS_ONSTACK : 0);
    old.flags |= (s32)(s->altstack_flags & SS_AUTODISARM);
    if (!uptr_is_null(uss)) {
        struct stack_t_k n;
        if (copy_from_user(&n, uss, sizeof(n)) < 0) {
            return -EFAULT;
        }
        if (on) {
            return -EPERM;
        }
        u32 mode = (u32)n.flags & ~SS_AUTODISARM;
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0) {
            return -EINVAL;
        }
        if (mode == SS_DISABLE) {
            s->altstack_sp = s->altstack_size = 0;
            s->altstack_flags = 0;
        } else {
            if (n.size < MINSIGSTKSZ) {
                return -ENOMEM;
            }
            s->altstack_sp = n.sp;
            s->altstack_size = n.size;
            s->altstack_flags = (u32)n.flags; /* as given, like Linux */
        }
    }
    if (!uptr_is_null(uoss) && copy_to_user(uoss, &old, sizeof(old)) < 0) {
        return -EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE2(sigaltstack, uptr_t, uss, uptr_t, uoss)
{
    struct trap_frame *f = current_thread()->user_frame;
    return signal_set_altstack(uss, uoss, f->rsp);
}
