// SPDX-License-Identifier: MIT
/* Sending signals from user space: kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, with Linux's permission rules. */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#include "signal_internal.h"

/* Linux's kill permission: root, or a real or effective uid matching the
 * target's real or saved uid; SIGCONT within the session. */
static bool may_signal(const struct process *me, const struct process *p, int sig)
{
    const struct cred *a = &me->cred, *b = &p->cred;
    if (a->euid == 0 || a->euid == b->suid || a->euid == b->uid || a->uid == b->suid ||
        a->uid == b->uid) {
        return true;
    }
    return sig == SIGCONT && me->sid == p->sid;
}

/* Sends to one live process; proc_lock held. */
static long kill_locked(struct process *p, int sig, const struct sig_info *info)
{
    spin_assert_held(&proc_lock);
    if (!may_signal(current_process(), p, sig)) {
        return -EPERM;
    }
    return sig != 0 ? signal_send_locked(p, sig, info) : 0;
}

/* kill(2)'s targets: one pid, a process group (0: ours), or everyone but
 * init and us (-1). A zombie target exists (0) but gets nothing. */
static long kill_any(int pid, int sig, const struct sig_info *info)
{
    struct process *me = current_process();
    long r = -ESRCH;
    u64 flags = spin_lock_irqsave(&proc_lock);
    if (pid > 0) {
        struct process *p = process_find_locked(pid);
        if (p) {
            r = p->state == PROC_ZOMBIE ? 0 : kill_locked(p, sig, info);
        }
        spin_unlock_irqrestore(&proc_lock, flags);
        return r;
    }
    int pgid = pid == 0 ? me->pgid : -pid;
    bool found = false;
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->state == PROC_ZOMBIE) {
            continue;
        }
        if (pid == -1 ? (q->pid != INIT_PID && q != me) : q->pgid == pgid) {
            long k = kill_locked(q, sig, info);
            if (!found || k == 0) {
                r = k;
            }
            found = true;
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return r;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
    if (sig < 0 || sig > NSIG) {
        return -EINVAL;
    }
    if (pid == -2147483647 - 1) {
        return -ESRCH; /* -pid would overflow */
    }
    struct process *me = current_process();
    struct sig_info info = {SI_USER, me->pid, me->cred.uid, 0, 0};
    return kill_any(pid, sig, &info);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
    if (tid <= 0 || sig < 0 || sig > NSIG) {
        return -EINVAL;
    }
    struct process *me = current_process();
    struct sig_info info = {SI_TKILL, me->pid, me->cred.uid, 0, 0};
    return kill_any(tid, sig, &info);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
    if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG) {
        return -EINVAL;
    }
    if (tgid != tid) {
        return -ESRCH;
    }
    struct process *me = current_process();
    struct sig_info info = {SI_TKILL, me->pid, me->cred.uid, 0, 0};
    return kill_any(tid, sig, &info);
}

/* rt_sigqueueinfo: the caller supplies the siginfo, but may not pretend to
 * be the kernel or kill() (si_code >= 0, or SI_TKILL) towards another
 * process. */
static long queueinfo(int pid, int sig, uptr_t uinfo)
{
    struct linux_siginfo si;
    if (copy_from_user(&si, uinfo, sizeof(si)) < 0) {
        return -EFAULT;
    }
    struct process *me = current_process();
    if ((si.si_code >= 0 || si.si_code == SI_TKILL) && pid != me->pid) {
        return -EPERM;
    }
    if (pid <= 0) {
        return -ESRCH;
    }
    struct sig_info info = {si.si_code, si.si_pid, si.si_uid, 0, si.si_value};
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct process *p = process_find_locked(pid);
    long r = -ESRCH;
    if (p) {
        if (sig < 0 || sig > NSIG) {
            r = -EINVAL;
        } else if (p->state == PROC_ZOMBIE) {
            r = may_signal(me, p, sig) ? 0 : -EPERM;
        } else {
            r = kill_locked(p, sig, &info);
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return r;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, uptr_t, uinfo)
{
    return queueinfo(pid, sig, uinfo);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig, uptr_t, uinfo)
{
    if (tgid <= 0 || tid <= 0) {
        return -EINVAL;
    }
    if (tgid != tid) {
        return -ESRCH;
    }
    return queueinfo(tid, sig, uinfo);
}
