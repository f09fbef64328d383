// SPDX-License-Identifier: MIT
/* exit, exit_group, wait4, waitid; orphans go to init. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/uaccess.h>
#include <drivers/tty.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/proc_fs.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#define WNOHANG 1
#define WUNTRACED 2 /* waitid calls it WSTOPPED */
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* Wakes a parent waiting in vfork. */
void process_vfork_release(struct process *p)
{
    if (p->vfork_parent && !p->vfork_done) {
        p->vfork_done = true;
        wake_up(&p->vfork_parent->child_exit);
    }
}

/* Whether p's parent reaps its children automatically (SIGCHLD ignored or
 * SA_NOCLDWAIT): then they never become zombies. proc_lock held. */
static bool parent_autoreaps(const struct process *parent)
{
    const struct linux_sigaction *a = &parent->sig.actions[SIGCHLD - 1];
    return a->sa_handler == SIG_IGN || (a->sa_flags & SA_NOCLDWAIT);
}

/* Gives back what the process holds: timers, signals, the session's
 * terminal, its files, filesystem context and address space. */
static void release_resources(struct process *p)
{
    itimer_exit(p);
    signal_exit(p);
    if (p->pid == p->sid) {
        tty_session_leader_exit(p);
    }
    if (p->clear_child_tid && p->mm) {
        int zero = 0;
        put_user(&zero, uptr(p->clear_child_tid));
    }
    /* Unhook before freeing: /proc readers look at these pointers. */
    struct fd_table *files = p->files;
    p->files = NULL;
    fd_table_put(files);
    struct fs_context *fs = p->fs;
    p->fs = NULL;
    fs_context_put(fs);
    struct mm *mm = p->mm;
    p->mm = NULL;
    process_note_rss_peak(p, mm);
    mm_activate(NULL);
    mm_put(mm);
    process_vfork_release(p);
}

/* Hands p's children to init. Zombies init would never wait for go on
 * *unwanted (freed by the caller after the lock). A child in another group
 * of our session may have had us as its group's last link to the session:
 * if that group is now orphaned with stopped members, it is hung up and
 * continued (POSIX: a process group that becomes orphaned while any member
 * is stopped gets SIGHUP, then SIGCONT). Returns whether init got a zombie.
 * proc_lock held. */
static bool reparent_children(struct process *p, struct process *init, struct list_head *unwanted)
{
    spin_assert_held(&proc_lock);
    bool init_has_zombie = false;
    bool init_autoreaps = parent_autoreaps(init);
    while (!list_empty(&p->children)) {
        struct process *c = list_first_entry(&p->children, struct process, sibling);
        list_del(&c->sibling);
        c->parent = init;
        if (c->state == PROC_ZOMBIE && init_autoreaps) {
            list_del(&c->all_link);
            list_add_tail(&c->sibling, unwanted);
            continue;
        }
        list_add_tail(&c->sibling, &init->children);
        init_has_zombie |= c->state == PROC_ZOMBIE;
        if (c->state != PROC_ZOMBIE && c->pgid != p->pgid && c->sid == p->sid) {
            signal_orphaned_pgrp_check(c->pgid, NULL);
        }
    }
    return init_has_zombie;
}

/* Tells the parent (SIGCHLD with the exit's siginfo). Returns true when
 * nobody will wait for p (the parent ignores SIGCHLD or set
 * SA_NOCLDWAIT): p has then left the process lists and is the caller's to
 * free. proc_lock held. */
static bool notify_parent(struct process *p, int wait_status)
{
    spin_assert_held(&proc_lock);
    struct process *parent = p->parent;
    if (!parent) {
        return false;
    }
    struct sig_info info = {CLD_EXITED, p->pid, p->cred.uid, (wait_status >> 8) & 0xff, 0};
    if (wait_status & 0x7f) {
        info.code = (wait_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        info.status = wait_status & 0x7f;
    }
    bool autoreap = parent_autoreaps(parent);
    if (parent->sig.actions[SIGCHLD - 1].sa_handler != SIG_IGN) {
        signal_send_locked(parent, SIGCHLD, &info);
    }
    if (autoreap) {
        list_del(&p->all_link);
        list_del(&p->sibling);
    }
    return autoreap;
}

__attribute__((noreturn)) void process_exit(int wait_status)
{
    struct process *p = current_process();
    if (p->pid == INIT_PID) {
        panic("init exited (wait status %#x)", wait_status);
    }
    release_resources(p);

    struct process *init = process_find(INIT_PID);
    /* From ZOMBIE on, the parent may free p at any moment: this thread
     * stops using it and nothing may preempt us before thread_exit. */
    irq_disable();
    current_thread()->process = NULL;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head unwanted = LIST_HEAD_INIT(unwanted);
    bool init_has_zombie = reparent_children(p, init, &unwanted);
    p->exit_status = wait_status;
    p->state = PROC_ZOMBIE;
    p->thread = NULL;
    struct process *parent = p->parent;
    /* Our own group, if we were its link to the session. */
    if (parent && parent->pgid != p->pgid && parent->sid == p->sid) {
        signal_orphaned_pgrp_check(p->pgid, p);
    }
    bool autoreap = notify_parent(p, wait_status);
    spin_unlock_irqrestore(&proc_lock, flags);

    while (!list_empty(&unwanted)) {
        struct process *z = list_first_entry(&unwanted, struct process, sibling);
        list_del(&z->sibling);
        kfree(z);
    }
    if (init_has_zombie) {
        wake_up(&init->child_exit);
    }
    if (parent) {
        wake_up(&parent->child_exit);
    }
    if (autoreap) {
        kfree(p);
    }
    thread_exit(0);
}

SYSCALL_DEFINE1(exit, int, code)
{
    process_exit((code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
    process_exit((code & 0xff) << 8);
}

static bool child_matches(const struct process *c, int idtype, int id)
{
    switch (idtype) {
    case P_PID:
        return c->pid == id;
    case P_PGID:
        return c->pgid == id;
    default:
        return true;
    }
}

/* What a wait reports about one child. */
struct wait_report {
    int pid;
    u32 uid;
    int status; /* wait4's encoding */
    int code; /* waitid's si_code: CLD_* */
    int si_status;
    /* The child's usage folded with its waited-for children's. */
    struct rusage_info usage;
};

/* What wait4's rusage reports for child c: its own usage and that of the
 * children it waited for (Linux's RUSAGE_BOTH). */
static void child_usage(struct process *c, struct rusage_info *u)
{
    struct rusage_info own, kids;
    process_rusage(c, false, &own);
    process_rusage(c, true, &kids);
    u->utime_ns = own.utime_ns + kids.utime_ns;
    u->stime_ns = own.stime_ns + kids.stime_ns;
    u->min_flt = own.min_flt + kids.min_flt;
    u->maxrss_pages = MAX(own.maxrss_pages, kids.maxrss_pages);
}

/* Finds a child matching (idtype, id) with something options ask for:
 * an exit (WEXITED), a stop (WUNTRACED) or a continue (WCONTINUED), and
 * fills *r. Stop/continue reports are consumed unless WNOWAIT; an exited
 * child is unlinked (and returned, for the caller to free) unless WNOWAIT.
 * Returns 1 if something was found, 0 if matching children exist but
 * none has news, -ECHILD if none matches. */
static int wait_scan(struct process *p, int idtype, int id, int options, struct wait_report *r,
                     struct process **reaped)
{
    bool any = false;
    *reaped = NULL;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &p->children)
    {
        struct process *c = list_entry(pos, struct process, sibling);
        if (!child_matches(c, idtype, id)) {
            continue;
        }
        r->pid = c->pid;
        r->uid = c->cred.uid;
        child_usage(c, &r->usage);
        if (c->state == PROC_ZOMBIE) {
            /* Without WEXITED an exited child does not count at all
             * (ECHILD if there is no other), as on Linux. */
            if (!(options & WEXITED)) {
                continue;
            }
            int st = c->exit_status;
            r->status = st;
            if ((st & 0x7f) == 0) {
                r->code = CLD_EXITED;
                r->si_status = (st >> 8) & 0xff;
            } else {
                r->code = (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
                r->si_status = st & 0x7f;
            }
            if (!(options & WNOWAIT)) {
                p->cutime_ns += r->usage.utime_ns;
                p->cstime_ns += r->usage.stime_ns;
                p->cmin_flt += r->usage.min_flt;
                p->cmaxrss_pages = MAX(p->cmaxrss_pages, r->usage.maxrss_pages);
                list_del(&c->all_link);
                list_del(&c->sibling);
                *reaped = c;
            }
            spin_unlock_irqrestore(&proc_lock, flags);
            return 1;
        }
        any = true;
        if ((options & WUNTRACED) && c->wait_report == WAIT_REPORT_STOPPED && c->stopped) {
            r->status = (c->stop_sig << 8) | 0x7f;
            r->code = CLD_STOPPED;
            r->si_status = c->stop_sig;
        } else if ((options & WCONTINUED) && c->wait_report == WAIT_REPORT_CONTINUED) {
            r->status = 0xffff;
            r->code = CLD_CONTINUED;
            r->si_status = SIGCONT;
        } else {
            continue;
        }
        if (!(options & WNOWAIT)) {
            c->wait_report = WAIT_REPORT_NONE;
        }
        spin_unlock_irqrestore(&proc_lock, flags);
        return 1;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return any ? 0 : -ECHILD;
}

/* Waits for news of a child; returns 1 (report in *r), 0 for WNOHANG
 * with nothing ready, -ECHILD or -ERESTARTSYS. */
static long wait_child(int idtype, int id, int options, struct wait_report *r)
{
    struct process *p = current_process();
    for (;;) {
        struct wait_entry w = WAIT_ENTRY_INIT;
        prepare_to_wait(&p->child_exit, &w);
        struct process *reaped;
        int found = wait_scan(p, idtype, id, options, r, &reaped);
        if (found != 0 || (options & WNOHANG)) {
            finish_wait(&p->child_exit, &w);
            if (reaped) {
                kfree(reaped);
            }
            return found;
        }
        if (signal_pending()) {
            finish_wait(&p->child_exit, &w);
            return -ERESTARTSYS;
        }
        schedule();
        finish_wait(&p->child_exit, &w);
    }
}

SYSCALL_DEFINE4(wait4, int, pid, uptr_t, ustatus, int, options, uptr_t, rusage)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) {
        return -EINVAL;
    }
    if (pid == -2147483647 - 1) {
        return -ESRCH; /* -pid would overflow */
    }
    int idtype = P_ALL, id = 0;
    if (pid > 0) {
        idtype = P_PID;
        id = pid;
    } else if (pid == 0) {
        idtype = P_PGID;
        id = current_process()->pgid;
    } else if (pid < -1) {
        idtype = P_PGID;
        id = -pid;
    }
    struct wait_report rep;
    long r = wait_child(idtype, id, options | WEXITED, &rep);
    if (r <= 0) {
        return r;
    }
    if (!uptr_is_null(ustatus) && put_user(&rep.status, ustatus) < 0) {
        return -EFAULT;
    }
    if (!uptr_is_null(rusage) && rusage_put(rusage, &rep.usage) < 0) {
        return -EFAULT;
    }
    return rep.pid;
}

SYSCALL_DEFINE5(waitid, int, idtype, int, id, uptr_t, infop, int, options, uptr_t, rusage)
{
    if ((options & ~(WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL |
                     __WCLONE)) ||
        !(options & (WEXITED | WUNTRACED | WCONTINUED))) {
        return -EINVAL;
    }
    if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID) {
        return -EINVAL;
    }
    if (idtype != P_ALL && id <= 0 && !(idtype == P_PGID && id == 0)) {
        return -EINVAL;
    }
    if (idtype == P_PGID && id == 0) {
        id = current_process()->pgid;
    }
    struct wait_report rep;
    long r = wait_child(idtype, id, options, &rep);
    if (r < 0) {
        return r;
    }
    /* With WNOHANG and nothing ready, Linux zeroes si_pid (and si_signo). */
    struct linux_siginfo info;
    memset(&info, 0, sizeof(info));
    if (r > 0) {
        info.si_signo = SIGCHLD;
        info.si_pid = rep.pid;
        info.si_uid = rep.uid;
        info.si_code = rep.code;
        info.si_status = rep.si_status;
    }
    if (!uptr_is_null(infop) && copy_to_user(infop, &info, sizeof(info)) < 0) {
        return -EFAULT;
    }
    if (!uptr_is_null(rusage)) {
        long e = r > 0 ? rusage_put(rusage, &rep.usage) : clear_user(rusage, 144);
        if (e < 0) {
            return -EFAULT;
        }
    }
    return 0;
}
