/* Sending signals, default actions and the signal system calls. */
#include <arch/x86_64/trap.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#define UNCATCHABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

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
    return h == SIG_IGN || (h == SIG_DFL && default_action(sig) == ACT_IGNORE);
}

void signal_send(struct process *p, int sig, const struct sig_info *info)
{
    if (!p || p->state == PROC_ZOMBIE || sig < 1 || sig > NSIG) {
        return;
    }
    struct signal_state *s = &p->sig;
    /* Ignored signals are dropped at once (SIGKILL/SIGSTOP never are). */
    if (!(SIGBIT(sig) & UNCATCHABLE) && is_ignored(s, sig) && sig != SIGCONT) {
        return;
    }
    u64 flags = spin_lock_irqsave(&proc_lock);
    if (!(s->pending & SIGBIT(sig))) {
        s->info[sig - 1] = info ? *info : (struct sig_info){ SI_KERNEL, 0, 0, 0, 0 };
    }
    s->pending |= SIGBIT(sig);
    bool wake = !(s->blocked & SIGBIT(sig)) || (SIGBIT(sig) & UNCATCHABLE);
    struct thread *t = p->thread;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (wake && t) {
        wake_thread(t);
    }
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
    child->blocked = parent->blocked;
    child->pending = 0;
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

/* The action for sig, or -1 to run a handler; performs default actions
 * that end the process (never returns then). */
int signal_default(struct process *p, int sig)
{
    switch (default_action(sig)) {
    case ACT_IGNORE:
    case ACT_CONT:
    case ACT_STOP: /* job control stops arrive with the TTY work */
        return 0;
    case ACT_CORE:
        process_exit(sig | 0x80);
    case ACT_TERM:
    default:
        process_exit(sig);
    }
    (void)p;
}

/* ---- system calls ---- */

static int check_sig(int sig)
{
    return sig < 1 || sig > NSIG ? -EINVAL : 0;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, uptr_t, act, uptr_t, oact, u64, sigsetsize)
{
    if (sigsetsize != sizeof(u64) || check_sig(sig) < 0) {
        return -EINVAL;
    }
    struct signal_state *s = &current_process()->sig;
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
        s->actions[sig - 1] = k;
        /* Setting SIG_IGN (or a default-ignore) discards a pending one. */
        if (is_ignored(s, sig)) {
            s->pending &= ~SIGBIT(sig);
        }
    }
    return 0;
}

static void set_blocked(struct signal_state *s, u64 mask)
{
    s->blocked = mask & ~UNCATCHABLE;
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

/* Sleeps until a signal is delivered. */
static long wait_for_signal(void)
{
    struct wait_queue wq;
    wait_queue_init(&wq);
    wait_event_interruptible(wq, false);
    return -ERESTARTNOHAND;
}

SYSCALL_DEFINE2(rt_sigsuspend, uptr_t, umask, u64, sigsetsize)
{
    if (sigsetsize != sizeof(u64)) {
        return -EINVAL;
    }
    u64 mask;
    if (copy_from_user(&mask, umask, sizeof(mask)) < 0) {
        return -EFAULT;
    }
    struct signal_state *s = &current_process()->sig;
    s->saved_mask = s->blocked;
    s->in_sigsuspend = true;
    set_blocked(s, mask);
    wait_for_signal();
    /* The old mask comes back once the handler frame is set up. */
    return -EINTR;
}

SYSCALL_DEFINE0(pause)
{
    wait_for_signal();
    return -ERESTARTNOHAND;
}

static long kill_one(struct process *p, int sig, const struct sig_info *info)
{
    struct process *me = current_process();
    if (me->cred.euid != 0 && me->cred.euid != p->cred.uid && me->cred.uid != p->cred.uid) {
        return -EPERM;
    }
    if (sig != 0) {
        signal_send(p, sig, info);
    }
    return 0;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
    if (sig < 0 || sig > NSIG) {
        return -EINVAL;
    }
    struct process *me = current_process();
    struct sig_info info = { SI_USER, me->pid, me->cred.uid, 0, 0 };
    if (pid > 0) {
        struct process *p = process_find(pid);
        if (!p || p->state == PROC_ZOMBIE) {
            return p ? 0 : -ESRCH;
        }
        return kill_one(p, sig, &info);
    }
    /* A process group (0: ours) or everyone but init and us (-1). */
    int pgid = pid == 0 ? me->pgid : -pid;
    long r = -ESRCH;
    struct process *targets[64];
    int n = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes) {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->state == PROC_ZOMBIE || n == 64) {
            continue;
        }
        if (pid == -1 ? (q->pid != INIT_PID && q != me) : q->pgid == pgid) {
            targets[n++] = q;
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    for (int i = 0; i < n; i++) {
        long k = kill_one(targets[i], sig, &info);
        if (k == 0 || r == -ESRCH) {
            r = k;
        }
    }
    if (pid == -1 && n == 0) {
        return -ESRCH;
    }
    return r;
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
    if (tid <= 0 || sig < 0 || sig > NSIG) {
        return -EINVAL;
    }
    struct process *p = process_find(tid);
    if (!p || p->state == PROC_ZOMBIE) {
        return -ESRCH;
    }
    struct process *me = current_process();
    struct sig_info info = { SI_TKILL, me->pid, me->cred.uid, 0, 0 };
    return kill_one(p, sig, &info);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
    if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG) {
        return -EINVAL;
    }
    if (tgid != tid) {
        return -ESRCH;
    }
    struct process *p = process_find(tid);
    if (!p || p->state == PROC_ZOMBIE) {
        return -ESRCH;
    }
    struct process *me = current_process();
    struct sig_info info = { SI_TKILL, me->pid, me->cred.uid, 0, 0 };
    return kill_one(p, sig, &info);
}

struct stack_t_k {
    u64 sp;
    s32 flags;
    s32 pad;
    u64 size;
};

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

SYSCALL_DEFINE2(sigaltstack, uptr_t, uss, uptr_t, uoss)
{
    struct signal_state *s = &current_process()->sig;
    struct stack_t_k old = { s->altstack_sp, (s32)s->altstack_flags, 0, s->altstack_size };
    if (!s->altstack_size) {
        old.flags = SS_DISABLE;
    }
    if (!uptr_is_null(uss)) {
        struct stack_t_k n;
        if (copy_from_user(&n, uss, sizeof(n)) < 0) {
            return -EFAULT;
        }
        if (n.flags & ~(SS_DISABLE | (s32)0x80000000)) {
            return -EINVAL;
        }
        if (n.flags & SS_DISABLE) {
            s->altstack_sp = s->altstack_size = 0;
        } else {
            if (n.size < MINSIGSTKSZ) {
                return -ENOMEM;
            }
            s->altstack_sp = n.sp;
            s->altstack_size = n.size;
        }
        s->altstack_flags = 0;
    }
    if (!uptr_is_null(uoss) && copy_to_user(uoss, &old, sizeof(old)) < 0) {
        return -EFAULT;
    }
    return 0;
}
